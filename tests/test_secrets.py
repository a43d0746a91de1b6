"""The API key goes to the endpoint and nowhere else: no file, no log record, no CLI output.

Each test sets a fake key, runs real work against the fake OpenAI server (recording cassettes,
writing briefings, failing on purpose), captures every log record at DEBUG from every logger
and everything the CLI prints, then searches all of it for the key. Each also asserts the
server DID receive the key in its Authorization header, so a run that never sent it cannot
pass by accident.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.api import open_client, summarize
from summarizer.settings import Settings

from .conftest import run_cli
from .fake_openai_server import (
    DEFAULT,
    FakeOpenAIServer,
    drop,
    malformed,
    schema_violation,
    status,
)

KEY = "sk-test-" + "S3cr3tK3yDoNotLeak0123456789"
SECRET_PART = KEY.removeprefix("sk-test-")  # also caught without its prefix
REPORT = (
    "Ngày 9-7, Ban Chấp hành Đảng bộ huyện Sơn Khê đã tổ chức Hội nghị lần thứ 11 nhằm đánh giá "
    "kết quả thực hiện nhiệm vụ 6 tháng đầu năm 2026.\n\n"
    "Tổng diện tích gieo trồng 4.215 ha, đạt 95,4% kế hoạch, bằng 101,3% so với cùng kỳ. "
    "Tiến độ giải phóng mặt bằng một số dự án còn chậm.\n\n"
    "Đẩy mạnh chuyển đổi số, nâng cao chất lượng dịch vụ công trực tuyến."
)


@pytest.fixture
def env(env: pytest.MonkeyPatch, fake_openai: FakeOpenAIServer) -> pytest.MonkeyPatch:
    """The conftest's clean environment, pointed at the fake server with a fake key."""
    monkeypatch = env
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("SUMMARIZER_TIMEOUT", "0.5")
    monkeypatch.setenv("SUMMARIZER_TRANSPORT_ATTEMPTS", "3")
    monkeypatch.setenv("SUMMARIZER_CONCURRENCY", "1")  # scripted faults answer in order
    monkeypatch.setattr("tenacity.nap.time.sleep", lambda _seconds: None)
    return monkeypatch


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG for every logger, including ones that do not propagate (cli.main stops
    'instructor' from propagating) and ones with their own level (openai, httpx)."""
    caplog.set_level(logging.DEBUG)
    for name in ("openai", "httpx", "httpcore", "instructor", "summarizer", "urllib3"):
        logging.getLogger(name)  # make sure they exist before we walk the registry
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved = [(lg, lg.level) for lg in loggers]
    attached = []
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        if not lg.propagate:
            lg.addHandler(caplog.handler)
            attached.append(lg)
    try:
        yield caplog
    finally:
        for lg in attached:
            lg.removeHandler(caplog.handler)
        for lg, level in saved:
            lg.setLevel(level)


def assert_no_key_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    assert caplog.records, "nothing was logged: the check would prove nothing"
    for record in caplog.records:
        rendered = " ".join(
            [record.getMessage(), repr(record.args), record.exc_text or "", repr(record.__dict__)]
        )
        assert SECRET_PART not in rendered, f"key in a log record of {record.name!r}"
    assert SECRET_PART not in caplog.text


def assert_no_key_in_files(root: Path) -> list[Path]:
    files = [p for p in root.rglob("*") if p.is_file()]
    for path in files:
        assert SECRET_PART.encode() not in path.read_bytes(), f"key written to {path}"
    return files


def assert_server_got_the_key(server: FakeOpenAIServer) -> None:
    attempts = server.chat_attempts
    assert attempts
    for attempt in attempts:
        headers = {k.lower(): v for k, v in attempt.headers.items()}
        assert headers["authorization"] == f"Bearer {KEY}"
        assert SECRET_PART not in json.dumps(attempt.body)  # only the header carries it


def test_recorded_cassette_and_logs_hold_no_key(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    all_logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    # transient faults and re-asks too: their messages and recorded errors must not leak it
    fake_openai.script(
        status(503),
        DEFAULT,
        status(429, retry_after=1),
        DEFAULT,
        schema_violation(),
        DEFAULT,
        drop(),
    )
    cassette = tmp_path / "x.json"
    client = open_client(
        Settings(timeout=0.5, transport_attempts=3, concurrency=1),  # the script is in order
        cassette=cassette,
        record="all",
    )
    summary = summarize(REPORT, client=client)
    assert summary.run.usage.transport_retries == 3 and summary.run.usage.retries == 1

    data = json.loads(cassette.read_text(encoding="utf-8"))
    assert data["backend"] == "openai"
    assert len(data["interactions"]) == len(fake_openai.chat_attempts)
    assert any("error" in item for item in data["interactions"])
    assert assert_no_key_in_files(tmp_path) == [cassette]
    assert_no_key_in_logs(all_logs)
    assert any(r.name.startswith(("openai", "httpx", "httpcore")) for r in all_logs.records)
    out = capsys.readouterr()
    assert SECRET_PART not in out.out + out.err
    assert_server_got_the_key(fake_openai)
    # and the replay needs no key at all
    replayed = summarize(REPORT, client=open_client(Settings(), cassette=cassette))
    assert replayed.model_dump(exclude={"run"}) == summary.model_dump(exclude={"run"})


def test_cli_outputs_files_and_logs_hold_no_key(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    all_logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    url = fake_openai.base_url
    fake_openai.script(status(500), DEFAULT, malformed("content"))
    cassettes = tmp_path / "cassettes"
    assert (
        run_cli(
            [
                "extract",
                str(report),
                "--json",
                "--cassette",
                str(cassettes / "c.json"),
                "--record",
                "all",
                "--base-url",
                url,
                "-q",
            ]
        )
        == 0
    )
    extracted = capsys.readouterr()
    assert json.loads(extracted.out)["run"]["backend"] == "openai"

    out = tmp_path / "out" / "brief.md"
    assert (
        run_cli(
            [
                "brief",
                str(report),
                "-o",
                str(out),
                "--cassette",
                str(cassettes),
                "--record",
                "all",
                "--base-url",
                url,
            ]
        )
        == 0
    )
    briefed = capsys.readouterr()
    assert out.exists() and (cassettes / "report.json").exists()

    # a failure: the endpoint refuses the key, then a transport fault outlasts the retries
    fake_openai.default = status(401)
    assert run_cli(["extract", str(report), "--base-url", url, "-q"]) == 2  # a setting to fix
    refused = capsys.readouterr()
    fake_openai.default = status(503)
    assert (
        run_cli(
            [
                "brief",
                str(report),
                "-o",
                str(tmp_path / "never.md"),
                "--base-url",
                url,
                "--cassette",
                str(cassettes / "fail.json"),
                "--record",
                "all",
            ]
        )
        == 3
    )
    failed = capsys.readouterr()
    assert "failed after 3 attempts" in failed.err
    assert "HTTP 401 from 127.0.0.1: fake error 401; check the key" in refused.err

    for captured in (extracted, briefed, refused, failed):
        assert SECRET_PART not in captured.out and SECRET_PART not in captured.err
    files = assert_no_key_in_files(tmp_path)
    assert {p.name for p in files} >= {
        "report.txt",
        "c.json",
        "report.json",
        "brief.md",
        "fail.json",
    }
    assert_no_key_in_logs(all_logs)
    assert_server_got_the_key(fake_openai)


def test_error_messages_and_reprs_hold_no_key(
    fake_openai: FakeOpenAIServer,
    env: pytest.MonkeyPatch,
    all_logs: pytest.LogCaptureFixture,
) -> None:
    settings = Settings()
    assert settings.api_key is not None and settings.api_key.get_secret_value() == KEY
    assert SECRET_PART not in repr(settings) and SECRET_PART not in str(settings.model_dump())
    fake_openai.default = status(401)
    client = open_client(settings)
    with pytest.raises(Exception) as caught:
        summarize(REPORT, client=client)
    chain: list[str] = []
    seen: set[int] = set()
    exc: BaseException | None = caught.value
    while exc is not None and id(exc) not in seen:  # the chain a traceback would show
        seen.add(id(exc))
        chain.append(f"{type(exc).__name__}: {exc}")
        exc = exc.__cause__ or exc.__context__
    assert len(chain) > 1  # the typed error wraps the HTTP error: both are checked
    assert SECRET_PART not in "\n".join(chain)
    assert SECRET_PART not in repr(client.backend.__dict__.get("model"))
    assert_no_key_in_logs(all_logs)
    assert_server_got_the_key(fake_openai)
