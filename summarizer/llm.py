"""One way to ask the model for a typed answer: instructor over a metered, retried backend.

The stack, outermost first::

    instructor (validation errors -> re-ask, bounded)
      -> meter (counts every call and its tokens, re-asks included)
        -> tenacity (transport faults only: 429 with Retry-After, 5xx, timeouts; bounded)
          -> backend (cassette, OpenAI-compatible HTTP, or in-process llama.cpp)

Keeping the two kinds of retry apart means a 503 never costs a re-ask and a bad answer never
waits out a backoff. Messages are rendered by ``summarizer.prompts`` before they get here;
instructor's own templating is never used (no ``context=``), so report text that looks like
Jinja stays text. Validators that need the source read it from :data:`SOURCE`.
"""

from __future__ import annotations

import contextvars
import logging
import random
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import instructor
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from openai.types.chat import ChatCompletion
from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from .backends.base import ChatBackend, TransientError
from .errors import ModelError
from .schema import Usage

__all__ = ["SOURCE", "AnswerRejected", "LLMClient"]

T = TypeVar("T", bound=BaseModel)

# instructor logs every failed attempt at ERROR; here each one becomes a re-ask or a
# ``run.warnings`` entry, so without this Python's last-resort handler would print them twice.
logging.getLogger("instructor").addHandler(logging.NullHandler())

#: The report text the current call is about; validators check model output against it.
SOURCE: contextvars.ContextVar[str] = contextvars.ContextVar("summarizer_source", default="")


class AnswerRejected(Exception):
    """The model's answer failed validation on every allowed attempt (the item is dropped).

    ``last_content`` is the model's final raw answer, for callers that can salvage the parts
    of it that do check out.
    """

    def __init__(self, message: str, last_content: str | None = None) -> None:
        super().__init__(message)
        self.last_content = last_content


def _wait(max_backoff: float) -> Callable[[RetryCallState], float]:
    """Honour Retry-After when the server sends one; else exponential backoff with jitter."""

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, TransientError) and exc.retry_after is not None:
            return float(min(exc.retry_after, max_backoff))
        base = min(max_backoff, 0.5 * 2 ** (state.attempt_number - 1))
        return float(base * (0.5 + random.random() / 2))

    return wait


class LLMClient:
    """Typed questions to one backend, with usage summed over every attempt."""

    def __init__(
        self,
        backend: ChatBackend,
        model: str,
        *,
        temperature: float = 0.0,
        seed: int | None = 0,
        max_reasks: int = 2,
        transport_attempts: int = 4,
        max_backoff: float = 30.0,
    ) -> None:
        self.backend = backend
        self.model = model
        self.temperature = temperature
        self.seed = seed
        self.max_reasks = max_reasks
        self.transport_attempts = transport_attempts
        self.max_backoff = max_backoff
        self.usage = Usage()
        self._lock = threading.Lock()
        self._create = instructor.patch(create=self._call, mode=instructor.Mode.JSON_SCHEMA)

    def _count(self, **fields: int) -> None:
        with self._lock:
            self.usage = self.usage.add(Usage(**fields))

    def _call(self, **request: Any) -> ChatCompletion:
        """One logical model call: transport retries inside, metering outside."""
        retrying = Retrying(
            stop=stop_after_attempt(self.transport_attempts),
            wait=_wait(self.max_backoff),
            retry=retry_if_exception_type(TransientError),
            before_sleep=lambda _state: self._count(transport_retries=1),
            reraise=True,
        )
        try:
            raw = retrying(self.backend.complete, request)
        except TransientError as exc:
            raise ModelError(
                f"model backend '{self.backend.name}' failed after "
                f"{self.transport_attempts} attempts: {exc}"
            ) from exc
        usage = raw.get("usage") or {}
        self._count(
            calls=1,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
        )
        return ChatCompletion.model_validate(raw)

    def ask(
        self,
        response_model: type[T],
        messages: list[dict[str, str]],
        *,
        source: str,
        max_tokens: int = 256,
        max_reasks: int | None = None,
    ) -> T:
        """Ask for a ``response_model``; re-ask on validation errors, up to ``max_reasks``.

        Raises :class:`AnswerRejected` when every attempt failed validation (the caller drops
        the item and warns), :class:`ModelError` when the backend itself failed.
        """
        calls_before = self.usage.calls
        token = SOURCE.set(source)
        try:
            request: dict[str, Any] = {
                "model": self.model,
                "temperature": self.temperature,
                "max_tokens": max_tokens,
            }
            if self.seed is not None:
                request["seed"] = self.seed
            result: T = self._create(
                response_model=response_model,
                messages=messages,
                max_retries=self.max_reasks if max_reasks is None else max_reasks,
                **request,
            )
            return result
        except InstructorRetryException as exc:
            cause = exc.__cause__
            if isinstance(cause, ModelError):
                raise cause from None
            last = exc.last_completion
            content = last.choices[0].message.content if last is not None and last.choices else None
            attempts = exc.failed_attempts or []
            reason = str(attempts[-1].exception) if attempts else str(exc)
            self._count(rejected=1)
            raise AnswerRejected(_short(reason), content) from exc
        except ModelError:
            raise
        except IncompleteOutputException as exc:
            self._count(rejected=1)
            raise AnswerRejected("answer cut off at the token limit") from exc
        finally:
            SOURCE.reset(token)
            extra = self.usage.calls - calls_before - 1
            if extra > 0:
                self._count(retries=extra)


def _short(message: str, limit: int = 200) -> str:
    first = " ".join(message.split())
    return first if len(first) <= limit else first[: limit - 1] + "…"
