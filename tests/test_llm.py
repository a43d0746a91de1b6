"""Two kinds of retry, kept apart: validation re-asks (instructor) and transport (tenacity)."""

from __future__ import annotations

import json

import pytest

from summarizer.answers import ClauseLabel, MetaAnswer
from summarizer.backends.base import TransientError
from summarizer.errors import ModelError
from summarizer.llm import AnswerRejected, LLMClient

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
    answer = client.ask(ClauseLabel, MESSAGES, source="Văn hóa - xã hội chuyển biến tiến bộ.")
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
    report = "Ban Chấp hành Đảng bộ huyện Hậu Lộc tổ chức hội nghị lần thứ 17, khóa XXVII."
    bad = {"unit_name": "Hoằng Hóa", "body": "Ban Chấp hành Đảng bộ huyện"}
    good = {"unit_name": "Hậu Lộc", "body": "Ban Chấp hành Đảng bộ huyện"}
    backend = FakeBackend([json.dumps(bad), json.dumps(good)])
    answer = client_for(backend).ask(MetaAnswer, MESSAGES, source=report)
    assert answer.unit_name == "Hậu Lộc"
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
