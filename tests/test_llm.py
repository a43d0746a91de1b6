"""Two kinds of retry, kept apart: validation re-asks (instructor) and transport (tenacity)."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from summarizer.answers import ClauseLabel
from summarizer.backends.base import TransientError
from summarizer.errors import ModelError
from summarizer.llm import SOURCE, AnswerRejected, LLMClient, Question, confidence

from .checked_answers import CheckedLabel, NamesAnswer
from .conftest import FakeBackend, completion

MESSAGES = [{"role": "user", "content": "label it"}]
CLAUSE = "Tiến độ giải phóng mặt bằng còn chậm."


def client_for(backend: FakeBackend, **options) -> LLMClient:
    return LLMClient(backend, "fake-model", max_backoff=0.0, **options)


def test_invalid_answer_is_reasked_with_the_error_and_counted() -> None:
    backend = FakeBackend(['{"label": "win"}', '{"label": "shortcoming"}'])
    client = client_for(backend)
    answer = client.ask(ClauseLabel, MESSAGES, source=CLAUSE)
    assert answer.label == "shortcoming"
    assert client.usage.calls == 2
    assert client.usage.retries == 1
    assert client.usage.prompt_tokens == 20  # summed over both attempts
    reask = backend.requests[1]["messages"]
    assert reask[-2]["role"] == "assistant" and "win" in reask[-2]["content"]
    assert "label" in reask[-1]["content"]  # the validation error is fed back


def test_source_check_turns_into_a_reask() -> None:
    # "shortcoming" for a clause stating no limitation is rejected, then corrected
    backend = FakeBackend(['{"label": "shortcoming"}', '{"label": "achievement"}'])
    client = client_for(backend)
    answer = client.ask(CheckedLabel, MESSAGES, source="Văn hóa - xã hội chuyển biến tiến bộ.")
    assert answer.label == "achievement"
    assert "no limitation" in backend.requests[1]["messages"][-1]["content"]


def test_reasks_are_bounded_and_end_in_answer_rejected() -> None:
    backend = FakeBackend(['{"label": "x"}'] * 10)
    client = client_for(backend, max_reasks=2)
    with pytest.raises(AnswerRejected) as caught:
        client.ask(ClauseLabel, MESSAGES, source=CLAUSE)
    assert len(backend.requests) == 3
    assert client.usage.retries == 2
    assert caught.value.last_content == '{"label": "x"}'


def test_meta_names_must_be_written_in_the_report() -> None:
    report = "Ban Chấp hành Đảng bộ huyện Sơn Khê tổ chức hội nghị lần thứ 11, khóa XXV."
    bad = {"unit_name": "Hoằng Hóa", "body": "Ban Chấp hành Đảng bộ huyện"}
    good = {"unit_name": "Sơn Khê", "body": "Ban Chấp hành Đảng bộ huyện"}
    backend = FakeBackend([json.dumps(bad), json.dumps(good)])
    answer = client_for(backend).ask(NamesAnswer, MESSAGES, source=report)
    assert answer.unit_name == "Sơn Khê"
    assert "'Hoằng Hóa' is not written" in backend.requests[1]["messages"][-1]["content"]


def test_transport_faults_are_retried_without_reasking() -> None:
    backend = FakeBackend(
        [TransientError("503"), TransientError("429", retry_after=0.0), '{"label": "task"}']
    )
    client = client_for(backend)
    assert client.ask(ClauseLabel, MESSAGES, source=CLAUSE).label == "task"
    assert client.usage.transport_retries == 2
    assert client.usage.retries == 0 and client.usage.calls == 1
    # the retried request is the same request, not a re-ask
    assert backend.requests[0]["messages"] == backend.requests[2]["messages"]


def test_transport_retries_are_bounded_and_end_in_model_error() -> None:
    backend = FakeBackend([TransientError("503")] * 10)
    client = client_for(backend, transport_attempts=3)
    with pytest.raises(ModelError, match="after 3 attempts"):
        client.ask(ClauseLabel, MESSAGES, source=CLAUSE)
    assert len(backend.requests) == 3


def test_retry_after_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("tenacity.nap.time.sleep", slept.append)
    backend = FakeBackend([TransientError("429", retry_after=7.0), '{"label": "task"}'])
    LLMClient(backend, "m", max_backoff=30.0).ask(ClauseLabel, MESSAGES, source=CLAUSE)
    assert slept == [7.0]


def test_truncated_answer_is_rejected_not_crashed() -> None:
    backend = FakeBackend([completion('{"label": "ta', finish_reason="length")])
    with pytest.raises(AnswerRejected, match="token limit"):
        client_for(backend).ask(ClauseLabel, MESSAGES, source=CLAUSE)


def test_requests_carry_the_schema_and_sampling() -> None:
    backend = FakeBackend(['{"label": "task"}'])
    client_for(backend).ask(ClauseLabel, MESSAGES, source=CLAUSE, max_tokens=16)
    request = backend.requests[0]
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["schema"]["properties"]["label"]["enum"]
    assert (request["temperature"], request["max_tokens"], request["seed"]) == (0.0, 16, 0)


# -- several questions at once ---------------------------------------------------------------


def label_question(text: str, max_reasks: int | None = None) -> Question[CheckedLabel]:
    return Question(CheckedLabel, [{"role": "user", "content": text}], text, 16, max_reasks)


def by_clause(answers: dict[str, list[str]]) -> Callable[[dict[str, Any]], str]:
    """Answers per clause text (the first user turn), consumed in order for re-asks."""
    lock = threading.Lock()

    def answer(request: dict[str, Any]) -> str:
        with lock:
            return answers[request["messages"][0]["content"]].pop(0)

    return answer


def test_ask_many_returns_answers_and_rejections_in_question_order() -> None:
    clauses = [f"Tiến độ dự án số {i} còn chậm." for i in range(12)]
    script = {c: ['{"label": "shortcoming"}'] for c in clauses}
    script[clauses[3]] = ['{"label": "win"}', '{"label": "task"}']  # re-asked, then fine
    script[clauses[7]] = ['{"label": "x"}'] * 3  # rejected after its re-asks
    backend = FakeBackend(by_clause(script))
    client = client_for(backend, concurrency=5)
    answers = client.ask_many([label_question(c) for c in clauses])
    assert [a.label if isinstance(a, CheckedLabel) else "rejected" for a in answers] == [
        "shortcoming",
        "shortcoming",
        "shortcoming",
        "task",
        "shortcoming",
        "shortcoming",
        "shortcoming",
        "rejected",
        "shortcoming",
        "shortcoming",
        "shortcoming",
        "shortcoming",
    ]
    assert isinstance(answers[7], AnswerRejected) and answers[7].last_content == '{"label": "x"}'
    # usage is summed over every question: 12 first calls, 1 + 2 re-asks, one rejection
    assert (client.usage.calls, client.usage.retries, client.usage.rejected) == (15, 3, 1)


def test_ask_many_keeps_each_question_in_its_own_context() -> None:
    # the validator reads SOURCE: a clause without any limitation may not be a shortcoming,
    # so each question must see its own source, not a neighbour's
    negative, positive = "Thu ngân sách còn thấp.", "Văn hóa - xã hội chuyển biến tiến bộ."
    backend = FakeBackend(
        by_clause(
            {
                negative: ['{"label": "shortcoming"}'],
                positive: ['{"label": "shortcoming"}', '{"label": "achievement"}'],
            }
        )
    )
    client = client_for(backend, concurrency=2)
    answers = client.ask_many([label_question(negative), label_question(positive)])
    assert [a.label for a in answers] == ["shortcoming", "achievement"]
    assert SOURCE.get() == ""  # the caller's own context is untouched


def test_ask_many_runs_questions_at_the_same_time() -> None:
    inside = 0
    peak = 0
    lock = threading.Lock()

    def slow(_request: dict[str, Any]) -> str:
        nonlocal inside, peak
        with lock:
            inside += 1
            peak = max(peak, inside)
        time.sleep(0.05)
        with lock:
            inside -= 1
        return '{"label": "task"}'

    client = client_for(FakeBackend(slow), concurrency=4)
    client.ask_many([label_question(f"Đẩy mạnh việc số {i}.") for i in range(12)])
    assert peak == 4


def test_ask_many_stops_after_a_backend_failure_and_raises_it() -> None:
    failing = FakeBackend(lambda _request: TransientError("503"))
    client = client_for(failing, concurrency=1, transport_attempts=2)
    with pytest.raises(ModelError, match="after 2 attempts"):
        client.ask_many([label_question(f"Việc số {i}.") for i in range(5)])
    assert len(failing.requests) == 2  # the first question's attempts, no more questions


def test_ask_many_tells_a_backend_how_many_questions_are_coming() -> None:
    class Announcing(FakeBackend):
        concurrency = 3

        def __init__(self) -> None:
            super().__init__(lambda _request: '{"label": "task"}')
            self.announced: list[int] = []
            self.released = 0

        def announce(self, callers: int) -> Any:
            backend = self
            backend.announced.append(callers)

            class Announcement:
                def release(self) -> None:
                    backend.released += 1

                def __enter__(self) -> Announcement:
                    return self

                def __exit__(self, *_exc: object) -> None:
                    pass

            return Announcement()

    backend = Announcing()
    client = LLMClient(backend, "m")
    assert client.concurrency == 3  # the backend's own default
    client.ask_many([label_question(f"Việc số {i}.") for i in range(7)])
    assert backend.announced == [3] and backend.released == 3


def test_confidence_comes_from_the_completion_logprobs() -> None:
    scored = completion('{"label": "task"}')
    scored["choices"][0]["logprobs"] = {
        "content": [
            {
                "token": "task",
                "logprob": math.log(0.8),
                "bytes": None,
                "top_logprobs": [
                    {"token": "task", "logprob": math.log(0.8), "bytes": None},
                    {"token": "other", "logprob": math.log(0.2), "bytes": None},
                ],
            }
        ]
    }
    plain = completion('{"label": "task"}')
    client = client_for(FakeBackend([scored, plain]))
    first = client.ask(ClauseLabel, MESSAGES, source=CLAUSE)
    second = client.ask(ClauseLabel, MESSAGES, source=CLAUSE)
    assert confidence(first) == pytest.approx(0.8)
    assert confidence(second) is None


def test_confidence_from_a_servers_token_logprobs_reads_the_answers_first_token() -> None:
    tokens = [('{"', -0.01), ("label", -0.01), ('":"', -0.02), ("sh", -0.4), ("ort", -0.01)]
    tokens += [("coming", -0.01), ('"}', -0.01)]
    scored = completion('{"label":"shortcoming"}')
    scored["choices"][0]["logprobs"] = {
        "content": [
            {
                "token": t,
                "logprob": lp,
                "bytes": None,
                "top_logprobs": [
                    {"token": t, "logprob": lp, "bytes": None},
                    {"token": "x", "logprob": math.log(1 - math.exp(lp)), "bytes": None},
                ],
            }
            for t, lp in tokens
        ]
    }
    answer = client_for(FakeBackend([scored])).ask(ClauseLabel, MESSAGES, source=CLAUSE)
    assert confidence(answer) == pytest.approx(math.exp(-0.4))


def test_start_many_runs_alongside_the_next_questions() -> None:
    order: list[str] = []
    lock = threading.Lock()

    def answer(request: dict[str, Any]) -> str:
        text = request["messages"][0]["content"]
        with lock:
            order.append(text)
        time.sleep(0.2 if text == "first" else 0.01)
        return '{"label": "task"}'

    class Wide(FakeBackend):
        concurrency = 4

    client = client_for(Wide(answer))
    later = client.start_many([label_question("first")])
    now = client.ask_many([label_question(f"then {i}") for i in range(3)])
    assert [a.label for a in now] == ["task"] * 3
    assert not later.done()  # the slow one is still running: nobody waited for it
    assert [a.label for a in later.result()] == ["task"]

    order.clear()
    sequential = client_for(FakeBackend(answer))  # concurrency 1: asked at once, in order
    sequential.start_many([label_question("first")])
    sequential.ask_many([label_question("then 0")])
    assert order == ["first", "then 0"]
