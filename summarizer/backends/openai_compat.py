"""Any OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, a llama.cpp server, SGLang.

The openai client's own retries are switched off (``max_retries=0``): transport retries happen
once, in ``summarizer.llm``, so they never multiply. Faults are mapped to
:class:`TransientError` (retry) or :class:`ModelError` (final); neither message carries the key.
"""

from __future__ import annotations

from typing import Any

import openai

from ..errors import ModelError
from .base import TransientError

__all__ = ["OpenAICompatBackend"]


def _retry_after(headers: Any) -> float | None:
    value = headers.get("retry-after") if headers is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class OpenAICompatBackend:
    """Chat completions over HTTP with the official openai client."""

    name = "openai"
    #: questions ``LLMClient.ask_many`` sends at once: a modest default for a local server
    concurrency = 4

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
    ) -> None:
        self.model = model
        # A local server (vLLM, llama.cpp) needs no key, but the client insists on one.
        self._client = openai.OpenAI(
            base_url=base_url, api_key=api_key or "not-needed", max_retries=0, timeout=timeout
        )

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        try:
            completion = self._client.chat.completions.create(**request)
        except openai.RateLimitError as exc:
            raise TransientError("rate limited (429)", _retry_after(exc.response.headers)) from exc
        except openai.APIStatusError as exc:
            if exc.status_code >= 500:
                raise TransientError(
                    f"server error {exc.status_code}", _retry_after(exc.response.headers)
                ) from exc
            raise ModelError(f"endpoint refused the request: HTTP {exc.status_code}") from exc
        except openai.APITimeoutError as exc:
            raise TransientError("request timed out") from exc
        except openai.APIConnectionError as exc:
            raise TransientError("connection failed") from exc
        except (ValueError, openai.APIResponseValidationError) as exc:
            # a 200 whose body is not a completion (JSON decode errors are ValueErrors): a
            # broken server or proxy, worth another try, never worth a validation re-ask
            raise TransientError("malformed response body") from exc
        result: dict[str, Any] = completion.model_dump(mode="json", exclude_unset=True)
        return result
