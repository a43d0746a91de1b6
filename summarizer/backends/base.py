"""The one contract every model backend meets: chat-completions request in, raw completion out."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["ChatBackend", "TransientError"]


class TransientError(Exception):
    """A fault worth retrying: 429, 5xx, a timeout or a dropped connection.

    ``retry_after`` carries the server's Retry-After (seconds) when it sent one. Anything a
    backend raises that is not a TransientError is final and is not retried.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@runtime_checkable
class ChatBackend(Protocol):
    """A model reachable through the OpenAI chat-completions shape."""

    #: short name recorded in ``run.backend`` ("openai", "llama", "fake")
    name: str
    #: the model identifier sent as ``model`` in every request
    model: str

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run one chat completion; return the completion as a JSON-able dict."""
        ...
