"""The fault matrix, through the real OpenAI-compatible backend over HTTP.

Each fault is served by ``tests.fake_openai_server`` to the real ``OpenAICompatBackend`` (the
openai SDK, httpx, real sockets). For each one we assert what a user expects (retried within
bounds then answered, or a clear typed error), exactly how many HTTP attempts the server saw,
and how the usage counters booked them: ``transport_retries`` for 429/5xx/timeouts/drops,
``retries`` for re-asks after an answer failed validation.

Invariant checked throughout: every HTTP attempt is accounted for, i.e.
``attempts == usage.calls + usage.transport_retries (+1 when the last attempt failed)``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from summarizer.answers import ClauseLabel
from summarizer.api import open_client, summarize
from summarizer.errors import ConfigError, ModelError
from summarizer.ingest import load_document, make_document
from summarizer.llm import AnswerRejected, LLMClient
from summarizer.schema import ReportSummary
from summarizer.settings import Settings

from .checked_answers import NamesAnswer
from .conftest import DEV_REPORTS, FakeBackend, run_cli
from .fake_openai_server import (
    DEFAULT,
    Behaviour,
    FakeOpenAIServer,
    answer_by_rules,
    drop,
    hang,
    malformed,
    number_not_in_source,
    ok,
    schema_violation,
    status,
    truncated,
)

SECRET = "Faults0123456789abcdef"
KEY = "sk-test-" + SECRET
TIMEOUT = 0.5  # seconds: the client gives up on a hanging server after this
HANG_TIMEOUT = 0.25  # where every attempt hangs, a shorter timeout keeps the test fast
ATTEMPTS = 3
CLAUSE = "Tiến độ giải phóng mặt bằng một số dự án còn chậm."
MESSAGES = [{"role": "user", "content": f'Clause: "{CLAUSE}"\nLabel this clause.'}]
REPORT_HEAD = (
    "Ngày 9-7, Ban Chấp hành Đảng bộ huyện Sơn Khê đã tổ chức Hội nghị lần thứ 11 nhằm đánh giá "
    "kết quả thực hiện nhiệm vụ 6 tháng đầu năm 2026."
)
SHORT_REPORT = (
    f"{REPORT_HEAD}\n\n"
    "Tổng diện tích gieo trồng 4.215 ha, đạt 95,4% kế hoạch, bằng 101,3% so với cùng kỳ. "
    "Tiến độ giải phóng mặt bằng một số dự án còn chậm.\n\n"
    "Đẩy mạnh chuyển đổi số, nâng cao chất lượng dịch vụ công trực tuyến."
)


# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every sleep tenacity asks for, recorded instead of slept (so backoff costs no time).

    instructor's own re-ask loop also goes through tenacity with a zero wait; transport
    backoff is never zero here, so :func:`backoffs` keeps only the positive ones.
    """
    calls: list[float] = []
    monkeypatch.setattr("tenacity.nap.time.sleep", calls.append)
    return calls


def backoffs(slept: list[float]) -> list[float]:
    return [s for s in slept if s > 0]


def http_client(
    server: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    *,
    timeout: float = TIMEOUT,
    attempts: int = ATTEMPTS,
) -> LLMClient:
    """``open_client`` wired to the fake server, exactly as a user configures it.

    The endpoint and key come from the environment: ``Settings(base_url=..., api_key=...)`` is
    ignored today (see ``test_settings_field_names_reach_the_backend``).
    """
    env.setenv("OPENAI_BASE_URL", server.base_url)
    env.setenv("OPENAI_API_KEY", KEY)
    # one question at a time: the scripts below answer requests in the order they arrive
    client = open_client(Settings(timeout=timeout, transport_attempts=attempts, concurrency=1))
    assert client.backend.name == "openai"
    return client


def assert_accounted(server: FakeOpenAIServer, client: LLMClient, *, failed: bool = False) -> None:
    usage = client.usage
    assert len(server.chat_attempts) == usage.calls + usage.transport_retries + int(failed)


def ask_label(client: LLMClient) -> str:
    return client.ask(ClauseLabel, MESSAGES, source=CLAUSE, max_tokens=16).label


# -- transient faults: retried within bounds, then answered ----------------------------------


@pytest.mark.parametrize(
    ("fault", "expected_sleep"),
    [
        pytest.param(status(429, retry_after=7), (7.0, 7.0), id="429-retry-after-honoured"),
        pytest.param(status(429, retry_after=120), (30.0, 30.0), id="429-retry-after-capped"),
        pytest.param(status(429), (0.25, 0.5), id="429-no-retry-after-backoff"),
        pytest.param(status(500), (0.25, 0.5), id="500"),
        pytest.param(status(503), (0.25, 0.5), id="503"),
        pytest.param(status(503, retry_after=2), (2.0, 2.0), id="503-retry-after"),
        pytest.param(drop(), (0.25, 0.5), id="dropped-connection"),
    ],
)
def test_transient_fault_is_retried_once_then_answered(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
    fault: Behaviour,
    expected_sleep: tuple[float, float],
) -> None:
    fake_openai.script(fault, ok({"label": "shortcoming"}))
    client = http_client(fake_openai, env)
    assert ask_label(client) == "shortcoming"
    attempts = fake_openai.chat_attempts
    assert len(attempts) == 2
    assert (client.usage.transport_retries, client.usage.retries, client.usage.calls) == (1, 0, 1)
    (pause,) = backoffs(slept)
    low, high = expected_sleep
    assert low <= pause <= high
    # a transport retry resends the very same request: it is not a re-ask
    assert attempts[0].body == attempts[1].body
    assert_accounted(fake_openai, client)


def test_hang_past_the_client_timeout_is_retried(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(hang(5), ok({"label": "shortcoming"}))
    client = http_client(fake_openai, env, timeout=TIMEOUT)
    started = time.perf_counter()
    assert ask_label(client) == "shortcoming"
    elapsed = time.perf_counter() - started
    assert TIMEOUT <= elapsed < TIMEOUT + 1.5  # waited out one timeout, not the 5 s hang
    assert len(fake_openai.chat_attempts) == 2
    assert (client.usage.transport_retries, client.usage.retries) == (1, 0)
    assert_accounted(fake_openai, client)


def test_backoff_grows_between_consecutive_faults(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(status(503), status(500), ok({"label": "task"}))
    client = http_client(fake_openai, env)
    assert ask_label(client) == "task"
    assert len(fake_openai.chat_attempts) == 3  # == transport_attempts: the last one answered
    assert client.usage.transport_retries == 2
    first, second = backoffs(slept)
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0
    assert_accounted(fake_openai, client)


def test_malformed_body_once_is_survived(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(malformed("body"), ok({"label": "task"}))
    client = http_client(fake_openai, env)
    assert ask_label(client) == "task"
    assert len(fake_openai.chat_attempts) == 2
    assert fake_openai.chat_attempts[0].body == fake_openai.chat_attempts[1].body


def test_malformed_body_is_booked_as_a_transport_retry(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(malformed("body"), ok({"label": "task"}))
    client = http_client(fake_openai, env)
    assert ask_label(client) == "task"
    assert len(fake_openai.chat_attempts) == 2
    assert_accounted(fake_openai, client)
    assert (client.usage.transport_retries, client.usage.retries) == (1, 0)


# -- bad answers: re-asked with the error, counted in usage.retries ---------------------------


def test_content_not_json_is_reasked(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(malformed("content"), ok({"label": "shortcoming"}))
    client = http_client(fake_openai, env)
    assert ask_label(client) == "shortcoming"
    first, reask = fake_openai.chat_attempts
    assert (client.usage.calls, client.usage.retries, client.usage.transport_retries) == (2, 1, 0)
    assert backoffs(slept) == []  # a bad answer never waits out a backoff
    messages = reask.body["messages"]
    assert messages[: len(first.body["messages"])] == first.body["messages"]
    assert messages[-2]["role"] == "assistant" and "Sure!" in messages[-2]["content"]
    assert "json" in reask.last_message.lower()
    assert_accounted(fake_openai, client)


def test_schema_violation_is_reasked_with_the_validation_error(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(schema_violation(), ok({"label": "shortcoming"}))
    client = http_client(fake_openai, env)
    assert ask_label(client) == "shortcoming"
    assert len(fake_openai.chat_attempts) == 2
    assert (client.usage.retries, client.usage.transport_retries) == (1, 0)
    reask = fake_openai.chat_attempts[1].last_message
    assert "label" in reask and "win" in reask  # the field and the rejected value
    assert_accounted(fake_openai, client)


def test_number_not_in_source_is_reasked_naming_the_number(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(number_not_in_source(987), ok({"unit_name": "Sơn Khê"}))
    client = http_client(fake_openai, env)
    messages = [{"role": "user", "content": f'Report opening:\n"""\n{REPORT_HEAD}\n"""'}]
    answer = client.ask(NamesAnswer, messages, source=REPORT_HEAD, max_tokens=200)
    assert answer.unit_name == "Sơn Khê"
    first, reask = fake_openai.chat_attempts
    assert first.schema_name == "NamesAnswer"
    assert "987" in reask.last_message and "is not written in the report" in reask.last_message
    assert "987" not in first.last_message  # the number came from the model, not from us
    assert (client.usage.retries, client.usage.transport_retries) == (1, 0)
    assert_accounted(fake_openai, client)


def test_truncated_answer_is_rejected_without_a_crash_or_a_reask(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(truncated())
    client = http_client(fake_openai, env)
    with pytest.raises(AnswerRejected, match="token limit"):
        ask_label(client)
    assert len(fake_openai.chat_attempts) == 1
    assert (client.usage.calls, client.usage.retries, client.usage.transport_retries) == (1, 0, 0)


def test_persistent_bad_answers_end_in_answer_rejected_after_the_reasks(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(*[malformed("content")] * 10)
    client = http_client(fake_openai, env)
    with pytest.raises(AnswerRejected) as caught:
        ask_label(client)
    assert len(fake_openai.chat_attempts) == 1 + client.max_reasks == 3
    assert (client.usage.calls, client.usage.retries) == (3, 2)
    assert caught.value.last_content == "Sure! The label is: achievement."
    assert "\n" not in str(caught.value)


def test_rejection_reason_is_readable(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(*[schema_violation()] * 3)
    with pytest.raises(AnswerRejected) as caught:
        ask_label(http_client(fake_openai, env))
    assert "<failed_attempts>" not in str(caught.value)
    assert "label" in str(caught.value)


# -- persistent faults: a clear typed error after exactly the allowed attempts ---------------


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        pytest.param(status(429, retry_after=1), "rate limited (429)", id="429"),
        pytest.param(status(500), "server error 500", id="500"),
        pytest.param(status(503), "server error 503", id="503"),
        pytest.param(hang(5), "request timed out", id="hang"),
        pytest.param(drop(), "connection to 127.0.0.1 failed", id="drop"),
    ],
)
def test_persistent_transport_fault_ends_in_model_error(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
    fault: Behaviour,
    reason: str,
) -> None:
    fake_openai.default = fault
    client = http_client(fake_openai, env, timeout=HANG_TIMEOUT)
    with pytest.raises(ModelError) as caught:
        ask_label(client)
    message = str(caught.value)
    assert message == f"model backend 'openai' failed after {ATTEMPTS} attempts: {reason}"
    assert len(fake_openai.chat_attempts) == ATTEMPTS
    assert (client.usage.calls, client.usage.transport_retries, client.usage.retries) == (0, 2, 0)
    assert len(backoffs(slept)) == ATTEMPTS - 1
    assert KEY not in message
    assert_accounted(fake_openai, client, failed=True)


@pytest.mark.parametrize("code", [401, 403, 404])
def test_refused_settings_are_final_at_once_with_the_servers_words(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
    code: int,
) -> None:
    fake_openai.default = status(code)
    client = http_client(fake_openai, env)
    with pytest.raises(ConfigError) as caught:
        ask_label(client)
    message = str(caught.value)
    assert caught.value.exit_code == 2  # a wrong key, model or URL is a setting to fix
    assert f"HTTP {code} from 127.0.0.1: fake error {code};" in message  # the server's words
    assert ("key" if code in (401, 403) else "--model and --base-url") in message
    assert KEY not in message and "\n" not in message
    assert len(fake_openai.chat_attempts) == 1  # neither retried nor re-asked
    assert (client.usage.transport_retries, client.usage.retries) == (0, 0)
    assert backoffs(slept) == []


def test_other_refusals_are_model_errors_with_the_servers_words(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.default = status(400)
    client = http_client(fake_openai, env)
    with pytest.raises(ModelError) as caught:
        ask_label(client)
    assert not isinstance(caught.value, ConfigError) and caught.value.exit_code == 3
    assert str(caught.value).endswith("HTTP 400 from 127.0.0.1: fake error 400")
    assert len(fake_openai.chat_attempts) == 1


def test_server_message_never_echoes_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx2
    import openai

    from summarizer.backends.openai_compat import EndpointRefused, OpenAICompatBackend

    backend = OpenAICompatBackend("m", base_url="http://127.0.0.1:9/v1", api_key=KEY)
    said = {"error": {"message": f"Incorrect API key provided: {KEY}.\nSee the docs."}}
    response = httpx2.Response(
        401, request=httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions"), json=said
    )

    def refuse(**_: Any) -> None:
        raise openai.AuthenticationError("refused", response=response, body=said["error"])

    monkeypatch.setattr(backend._client.chat.completions, "create", refuse)
    with pytest.raises(EndpointRefused) as caught:
        backend.complete({"model": "m", "messages": []})
    message = str(caught.value)
    assert "Incorrect API key provided: [REDACTED]. See the docs." in message
    assert SECRET not in message and "\n" not in message


def test_persistent_malformed_body_ends_in_model_error(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.default = malformed("body")
    client = http_client(fake_openai, env)
    with pytest.raises(ModelError):
        ask_label(client)
    assert len(fake_openai.chat_attempts) <= ATTEMPTS


# -- what the server received ----------------------------------------------------------------


def test_requests_carry_the_key_schema_and_sampling(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    client = http_client(fake_openai, env)
    ask_label(client)
    (attempt,) = fake_openai.chat_attempts
    headers = {k.lower(): v for k, v in attempt.headers.items()}
    assert headers["authorization"] == f"Bearer {KEY}"
    assert headers["content-type"].startswith("application/json")
    body = attempt.body
    assert body["model"] == client.model
    assert body["messages"] == MESSAGES
    assert body["response_format"]["type"] == "json_schema"
    assert attempt.schema_name == "ClauseLabel"
    assert (body["temperature"], body["max_tokens"], body["seed"]) == (0.0, 16, 0)


def test_settings_field_names_reach_the_backend(env: pytest.MonkeyPatch) -> None:
    settings = Settings(base_url="http://127.0.0.1:9/v1", api_key=KEY)
    assert settings.base_url == "http://127.0.0.1:9/v1"
    assert settings.api_key is not None and settings.api_key.get_secret_value() == KEY
    assert settings.backend == "openai"


# -- a whole report, with faults sprinkled in ------------------------------------------------


def _content(summary: ReportSummary) -> dict[str, Any]:
    return summary.model_dump(mode="json", exclude={"run"})


def assert_grounded(summary: ReportSummary, text: str) -> None:
    items = [*summary.indicators, *summary.achievements, *summary.shortcomings, *summary.tasks]
    assert items
    for item in items:
        for evidence in item.evidence:
            assert text[evidence.start : evidence.end] == evidence.quote


def test_whole_report_survives_sprinkled_faults(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    report = DEV_REPORTS[0]
    assert report.name.startswith("000")
    baseline_backend = FakeBackend(answer_by_rules)
    baseline = summarize(report, client=LLMClient(baseline_backend, "fake-model"))
    n_requests = len(baseline_backend.requests)

    transport = [status(503), status(429, retry_after=1), drop(), hang(3), status(500), status(503)]
    fake_openai.script(
        transport[0],
        DEFAULT,  # the meta call
        transport[1],
        DEFAULT,
        DEFAULT,
        transport[2],
        DEFAULT,
        malformed("content"),
        DEFAULT,
        DEFAULT,
        transport[3],
        DEFAULT,
        transport[4],
        transport[5],
        DEFAULT,  # two in a row: still within 3 attempts
        schema_violation(),
        DEFAULT,
    )
    client = http_client(fake_openai, env)
    started = time.perf_counter()
    summary = summarize(report, client=client)
    assert time.perf_counter() - started < 8
    assert fake_openai.pending == 0

    text = load_document(report).text
    assert_grounded(summary, text)
    assert _content(summary) == _content(baseline)  # faults change nothing in the summary
    assert summary.run.warnings == baseline.run.warnings
    usage = summary.run.usage
    assert usage.transport_retries == len(transport)
    assert usage.retries == 2  # the non-JSON answer and the schema violation
    assert len(fake_openai.chat_attempts) == n_requests + len(transport) + 2
    assert_accounted(fake_openai, client)


def test_truncated_answers_drop_items_with_warnings(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    fake_openai.script(truncated(), truncated())  # the first two questions
    summary = summarize(SHORT_REPORT, client=http_client(fake_openai, env))
    warnings = summary.run.warnings
    assert any(w.startswith(("clause ", "paragraph ")) and "answer cut off" in w for w in warnings)
    assert summary.shortcomings and summary.tasks  # the other clauses are still labelled
    assert_grounded(summary, make_document(SHORT_REPORT).text)


# -- the CLI: exit codes, one-line messages, no output left behind ---------------------------


def cli_env(server: FakeOpenAIServer, env: pytest.MonkeyPatch, timeout: float = TIMEOUT) -> None:
    env.setenv("OPENAI_BASE_URL", server.base_url)
    env.setenv("OPENAI_API_KEY", KEY)
    env.setenv("SUMMARIZER_TIMEOUT", str(timeout))
    env.setenv("SUMMARIZER_TRANSPORT_ATTEMPTS", str(ATTEMPTS))
    env.setenv("SUMMARIZER_CONCURRENCY", "1")  # scripted faults answer requests in order


@pytest.mark.parametrize(
    ("fault", "attempts"),
    [
        pytest.param(status(503), ATTEMPTS, id="503"),
        pytest.param(status(500), ATTEMPTS, id="500"),
        pytest.param(status(429), ATTEMPTS, id="429"),
        pytest.param(hang(5), ATTEMPTS, id="hang"),
        pytest.param(drop(), ATTEMPTS, id="drop"),
    ],
)
def test_cli_persistent_fault_exits_3_and_writes_nothing(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    fault: Behaviour,
    attempts: int,
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(SHORT_REPORT, encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    fake_openai.default = fault
    cli_env(fake_openai, env, timeout=HANG_TIMEOUT)
    code = run_cli(
        [
            "brief",
            str(report),
            "-o",
            str(out_dir / "out.md"),
            "--base-url",
            fake_openai.base_url,
            "-q",
        ]
    )
    captured = capsys.readouterr()
    assert code == 3
    assert captured.out == ""
    note, error = captured.err.strip().splitlines()  # where the report went, then why it failed
    assert note.startswith("note: sending report text to 127.0.0.1:")
    assert error.startswith("error: ")
    assert "Traceback" not in captured.err and KEY not in captured.err
    assert len(fake_openai.chat_attempts) == attempts
    assert not (out_dir / "out.md").exists()
    assert list(out_dir.iterdir()) == []  # no temp file left behind either
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "report.txt"]


@pytest.mark.parametrize(
    ("code", "fix"), [(401, "check the key"), (403, "check the key"), (404, "check --model")]
)
def test_cli_refused_settings_exit_2_with_the_servers_message(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    code: int,
    fix: str,
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(SHORT_REPORT, encoding="utf-8")
    fake_openai.default = status(code)
    cli_env(fake_openai, env)
    out = tmp_path / "out.md"
    assert run_cli(["brief", str(report), "-o", str(out), "-q"]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith(f"error: HTTP {code} from 127.0.0.1: fake error {code}; {fix}")
    assert KEY not in error
    assert len(fake_openai.chat_attempts) == 1 and not out.exists()


@pytest.mark.parametrize("url", ["notaurl", "127.0.0.1:8080/v1", "ftp://127.0.0.1/v1"])
def test_cli_base_url_that_is_not_a_url_is_refused_at_once(
    env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    url: str,
) -> None:
    def no_backend(*_: Any) -> None:
        raise AssertionError("a backend was built for a base URL that is not a URL")

    env.setattr("summarizer.api._live_backend", no_backend)
    report = tmp_path / "report.txt"
    report.write_text(SHORT_REPORT, encoding="utf-8")
    assert run_cli(["extract", str(report), "--base-url", url, "-q"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: setting base_url (--base-url / OPENAI_BASE_URL")
    assert f"{url!r} is not an http(s) URL" in line


def test_cli_extract_rides_out_transient_faults(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(SHORT_REPORT, encoding="utf-8")
    fake_openai.script(status(503), status(429, retry_after=3), DEFAULT, drop())
    cli_env(fake_openai, env)
    code = run_cli(["extract", str(report), "--json", "--base-url", fake_openai.base_url, "-q"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = ReportSummary.model_validate_json(captured.out)
    assert summary.run.usage.transport_retries == 3
    assert 3.0 in slept
    assert_grounded(summary, load_document(report).text)


def test_cli_brief_writes_the_file_when_the_run_succeeds(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(SHORT_REPORT, encoding="utf-8")
    fake_openai.script(hang(3))
    cli_env(fake_openai, env, timeout=HANG_TIMEOUT)
    out = tmp_path / "out" / "brief.md"
    assert run_cli(["brief", str(report), "-o", str(out), "-q"]) == 0
    assert out.read_text(encoding="utf-8").strip()
    assert [p.name for p in out.parent.iterdir()] == ["brief.md"]  # and no temp file


def test_cli_endpoint_returning_garbage_exits_3(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(SHORT_REPORT, encoding="utf-8")
    fake_openai.default = malformed("body")
    cli_env(fake_openai, env)
    out = tmp_path / "brief.md"
    assert run_cli(["brief", str(report), "-o", str(out), "-q"]) == 3
    assert not out.exists()


def test_cli_base_url_flag_wins_over_the_environment(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(SHORT_REPORT, encoding="utf-8")
    with FakeOpenAIServer(default=status(401)) as from_env:
        cli_env(from_env, env)
        code = run_cli(["extract", str(report), "--base-url", fake_openai.base_url, "-q"])
        assert from_env.chat_attempts == []
    assert code == 0
    assert fake_openai.chat_attempts


def test_summary_json_round_trips(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    slept: list[float],
) -> None:
    summary = summarize(SHORT_REPORT, client=http_client(fake_openai, env))
    assert json.loads(summary.model_dump_json())["run"]["backend"] == "openai"
