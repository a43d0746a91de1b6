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

Independent questions go out together through :meth:`LLMClient.ask_many`: a bounded pool of
threads, each question still its own ``ask`` (its own validation and re-asks, its own copy of
the caller's context variables). The embedded model evaluates everything pending at once, so
its pool is as wide as the questions; an HTTP server gets a few at a time. A backend that can
use the hint (``announce``) is told how many questions are coming, so it starts the moment all
of them wait. :func:`confidence` reads the answer's probability from the completion's
``logprobs`` when the backend gives one.
"""

from __future__ import annotations

import contextvars
import json
import logging
import math
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import instructor
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from openai.types.chat import ChatCompletion
from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from .backends.base import ChatBackend, TransientError
from .errors import ModelError, SummarizerError
from .schema import Usage

__all__ = ["SOURCE", "AnswerRejected", "LLMClient", "Question", "confidence", "probabilities"]

T = TypeVar("T", bound=BaseModel)

# instructor logs every failed attempt at ERROR; here each one becomes a re-ask or a
# ``run.warnings`` entry, so without this Python's last-resort handler would print them twice.
logging.getLogger("instructor").addHandler(logging.NullHandler())

#: The report text the current call is about; validators check model output against it.
SOURCE: contextvars.ContextVar[str] = contextvars.ContextVar("summarizer_source", default="")
#: The model calls of the current ``ask`` (its re-asks are the calls after the first); per
#: context, since other questions may be asked at the same time.
_ASK_CALLS: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "summarizer_ask_calls", default=None
)


class AnswerRejected(Exception):
    """The model's answer failed validation on every allowed attempt (the item is dropped).

    ``last_content`` is the model's final raw answer, for callers that can salvage the parts
    of it that do check out.
    """

    def __init__(self, message: str, last_content: str | None = None) -> None:
        super().__init__(message)
        self.last_content = last_content


@dataclass(frozen=True)
class Question(Generic[T]):
    """One question for :meth:`LLMClient.ask_many`: the arguments of :meth:`LLMClient.ask`."""

    response_model: type[T]
    messages: list[dict[str, str]]
    source: str
    max_tokens: int = 256
    max_reasks: int | None = None


def confidence(answer: BaseModel) -> float | None:
    """The model's probability for ``answer`` when its backend reported one, else ``None``.

    The embedded model reports a single entry: the answer itself, its probability normalised
    over the answers the schema allows. A server's token-level ``logprobs`` give, for a
    one-field answer, the token where the answer's value starts, normalised over the
    alternatives the server listed for that token.
    """
    raw = getattr(answer, "_raw_response", None)
    try:
        choice = raw.choices[0]  # type: ignore[union-attr]
        entries = list(choice.logprobs.content or ())
    except (AttributeError, IndexError, TypeError):
        return None
    if len(entries) == 1:
        return math.exp(entries[0].logprob)
    values = list(answer.model_dump().values())
    content = choice.message.content or ""
    at = content.find(json.dumps(values[0], ensure_ascii=False)) if len(values) == 1 else -1
    if at < 0:
        return None
    first = at + int(isinstance(values[0], str))  # past the opening quote
    offset = 0
    for entry in entries:
        offset += len(entry.token)
        if offset > first:  # this token writes the value's first character
            alternatives = [math.exp(t.logprob) for t in entry.top_logprobs or ()]
            chosen = math.exp(entry.logprob)
            return chosen / max(chosen, sum(alternatives)) if alternatives else chosen
    return None


def probabilities(answer: BaseModel) -> dict[str, float]:
    """The probability of each choice of a one-field answer: the alternatives the backend
    listed (``top_logprobs`` of the token where the value is decided), normalised; when it
    listed none, the answer alone with its :func:`confidence` (1.0 when unknown)."""
    values = list(answer.model_dump().values())
    chosen = str(values[0]) if len(values) == 1 else ""
    raw = getattr(answer, "_raw_response", None)
    try:
        entries = list(raw.choices[0].logprobs.content or ())  # type: ignore[union-attr]
    except (AttributeError, IndexError, TypeError):
        entries = []
    if len(entries) == 1 and entries[0].top_logprobs:
        found = {alt.token: math.exp(alt.logprob) for alt in entries[0].top_logprobs}
        found.setdefault(chosen, math.exp(entries[0].logprob))
        total = sum(found.values())
        return {k: v / total for k, v in found.items()} if total > 0 else {chosen: 1.0}
    return {chosen: confidence(answer) or 1.0}


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
        concurrency: int | None = None,
    ) -> None:
        self.backend = backend
        self.model = model
        self.temperature = temperature
        self.seed = seed
        self.max_reasks = max_reasks
        self.transport_attempts = transport_attempts
        self.max_backoff = max_backoff
        #: questions :meth:`ask_many` keeps in flight; by default what the backend can use
        self.concurrency = max(1, concurrency or int(getattr(backend, "concurrency", 1)))
        # one bound for every question in flight, whichever ask_many asked it
        self._slots = threading.BoundedSemaphore(self.concurrency)
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
        calls = _ASK_CALLS.get()
        if calls is not None:
            calls[0] += 1
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
        the item and warns); a backend's own failure (:class:`ModelError`, a refused setting's
        :class:`ConfigError`) passes through as it is.
        """
        calls = [0]
        calls_token = _ASK_CALLS.set(calls)
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
            if isinstance(cause, SummarizerError):  # the backend's own failure, not an answer
                raise cause from None
            last = exc.last_completion
            content = last.choices[0].message.content if last is not None and last.choices else None
            attempts = exc.failed_attempts or []
            reason = str(attempts[-1].exception) if attempts else str(exc)
            self._count(rejected=1)
            raise AnswerRejected(_short(reason), content) from exc
        except SummarizerError:
            raise
        except IncompleteOutputException as exc:
            self._count(rejected=1)
            raise AnswerRejected("answer cut off at the token limit") from exc
        finally:
            SOURCE.reset(token)
            _ASK_CALLS.reset(calls_token)
            extra = calls[0] - 1
            if extra > 0:
                self._count(retries=extra)

    def ask_many(self, questions: Sequence[Question[Any]]) -> list[Any]:
        """Ask independent ``questions`` concurrently; per question, in order, the answer or
        the :class:`AnswerRejected` it ended in. A backend failure (:class:`ModelError`) or any
        other error stops the questions not yet started and is raised once the ones in flight
        have finished."""
        if not questions:
            return []
        workers = min(self.concurrency, len(questions))
        results: list[Any] = [None] * len(questions)
        # each question runs in a copy of the caller's context: validators read SOURCE and
        # genre switches from context variables
        contexts = [contextvars.copy_context() for _ in questions]
        order = iter(range(len(questions)))
        lock = threading.Lock()
        failed = threading.Event()
        announce = getattr(self.backend, "announce", None)
        hint: AbstractContextManager[Any] = (
            announce(workers) if announce is not None else nullcontext()
        )

        def one(question: Question[Any]) -> Any:
            try:
                with self._slots:
                    return self.ask(
                        question.response_model,
                        question.messages,
                        source=question.source,
                        max_tokens=question.max_tokens,
                        max_reasks=question.max_reasks,
                    )
            except AnswerRejected as exc:
                return exc
            except BaseException as exc:  # raised below, after the questions in flight
                failed.set()
                return _Failed(exc)

        def worker(release: Callable[[], None]) -> None:
            while True:
                with lock:
                    index = None if failed.is_set() else next(order, None)
                if index is None:
                    release()  # this caller will not ask again: the backend need not wait
                    return
                results[index] = contexts[index].run(one, questions[index])

        with hint as announced:
            release = getattr(announced, "release", lambda: None)
            threads = [
                threading.Thread(target=worker, args=(release,), name=f"ask-{i}", daemon=True)
                for i in range(workers - 1)
            ]
            for thread in threads:
                thread.start()
            worker(release)  # the caller's thread works too
            for thread in threads:
                thread.join()
        for result in results:
            if isinstance(result, _Failed):
                raise result.error
        return results

    def start_many(self, questions: Sequence[Question[Any]]) -> Future[list[Any]]:
        """:meth:`ask_many` on a thread of its own, for questions that may run alongside
        the caller's next ones; the caller's context variables go with them. With a
        concurrency of 1 they are asked at once, before anything else, in order (and a
        backend failure is raised at once)."""
        future: Future[list[Any]] = Future()
        context = contextvars.copy_context()
        if self.concurrency == 1:
            future.set_result(context.run(self.ask_many, questions))
            return future

        def run() -> None:
            try:
                future.set_result(context.run(self.ask_many, questions))
            except BaseException as exc:
                future.set_exception(exc)

        threading.Thread(target=run, name="ask-later", daemon=True).start()
        return future


class _Failed:
    """An error other than a rejected answer, held until every question has finished."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _short(message: str, limit: int = 200) -> str:
    first = " ".join(message.split())
    return first if len(first) <= limit else first[: limit - 1] + "…"
