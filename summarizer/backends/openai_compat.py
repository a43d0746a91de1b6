"""Any OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, a llama.cpp server, SGLang.

The openai client's own retries are switched off (``max_retries=0``): transport retries happen
once, in ``summarizer.llm``, so they never multiply. Faults are mapped to
:class:`TransientError` (retry), :class:`EndpointRefused` (wrong key, model or URL: a settings
error, final) or :class:`ModelError` (final). Each message names the host and quotes the
server's own words, never the key.
"""

from __future__ import annotations

import re
from typing import Any

import openai

from ..errors import ConfigError, ModelError
from .base import TransientError

__all__ = ["EndpointRefused", "OpenAICompatBackend"]

_KEY_LIKE = re.compile(r"(sk-[A-Za-z0-9_\-*]{4,}|Bearer\s+\S+)")


class EndpointRefused(ConfigError):
    """The endpoint refused the settings: the key (401/403), the model or the URL (404).

    A settings error (exit 2: retrying cannot help, the user must change a setting); the model
    client passes every :class:`SummarizerError` on as final, never as a rejected answer.
    """


def _server_message(exc: openai.APIStatusError, key: str | None) -> str:
    """What the server said about the refusal, on one short line, with no key in it."""
    body: Any = exc.body
    for _ in range(3):  # {"error": {"message": ...}}, {"message": ...}, {"detail": ...}
        if isinstance(body, dict):
            body = body.get("error") or body.get("message") or body.get("detail") or body
        if isinstance(body, str):
            break
    text = body if isinstance(body, str) else ""
    if not text:
        try:
            text = exc.response.text
        except Exception:  # a body already closed: nothing more to say
            text = ""
    text = " ".join(text.split())
    if key:
        text = text.replace(key, "[REDACTED]")
    text = _KEY_LIKE.sub("[REDACTED]", text)
    return (text[:197] + "...") if len(text) > 200 else text or "no message"


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
            code = exc.status_code
            if code >= 500:
                raise TransientError(
                    f"server error {code}", _retry_after(exc.response.headers)
                ) from exc
            said = f"HTTP {code} from {self._client.base_url.host}: " + _server_message(
                exc, self._client.api_key
            )
            if code in (401, 403):
                raise EndpointRefused(
                    f"{said}; check the key (OPENAI_API_KEY or SUMMARIZER_API_KEY)"
                ) from exc
            if code == 404:
                raise EndpointRefused(
                    f"{said}; check --model and --base-url (it usually ends in /v1)"
                ) from exc
            raise ModelError(f"endpoint refused the request: {said}") from exc
        except openai.APITimeoutError as exc:
            raise TransientError("request timed out") from exc
        except openai.APIConnectionError as exc:
            raise TransientError(f"connection to {self._client.base_url.host} failed") from exc
        except (ValueError, openai.APIResponseValidationError) as exc:
            # a 200 whose body is not a completion (JSON decode errors are ValueErrors): a
            # broken server or proxy, worth another try, never worth a validation re-ask
            raise TransientError("malformed response body") from exc
        result: dict[str, Any] = completion.model_dump(mode="json", exclude_unset=True)
        return result
