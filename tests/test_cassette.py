"""Cassettes record and replay at the chat-completion boundary, and never hold a secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.answers import ClauseLabel
from summarizer.cassette import Cassette, CassetteBackend, request_hash
from summarizer.errors import CassetteError
from summarizer.llm import LLMClient

from .conftest import FakeBackend

MESSAGES = [{"role": "user", "content": "Clause: Đẩy mạnh chuyển đổi số."}]


def ask(backend, messages=MESSAGES) -> str:
    return LLMClient(backend, "m").ask(ClauseLabel, messages, source="x").label


def test_record_then_replay_without_the_model(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    live = FakeBackend(['{"label": "task"}'])
    assert ask(CassetteBackend(Cassette(path, "all"), live)) == "task"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["backend"] == "fake"
    (item,) = data["interactions"]
    assert item["request"]["messages"] == MESSAGES
    assert item["request"]["response_format"]["type"] == "json_schema"
    assert json.loads(item["response"]["choices"][0]["message"]["content"]) == {"label": "task"}
    # replay: no backend at all
    replay = CassetteBackend(Cassette(path, "replay"), None)
    assert ask(replay) == "task"
    assert replay.name == "fake"


def test_changed_request_misses_and_names_the_rerecord_command(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    ask(CassetteBackend(Cassette(path, "all"), FakeBackend(['{"label": "task"}'])))
    changed = [{"role": "user", "content": "Clause: something else"}]
    replay = CassetteBackend(
        Cassette(path, "replay", rerecord_hint="summarizer extract R --record all"), None
    )
    with pytest.raises(CassetteError) as caught:
        ask(replay, changed)
    assert str(path) in str(caught.value)
    assert "summarizer extract R --record all" in str(caught.value)


def test_missing_mode_records_only_what_is_new(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    ask(CassetteBackend(Cassette(path, "all"), FakeBackend(['{"label": "task"}'])))
    live = FakeBackend(['{"label": "other"}'])
    backend = CassetteBackend(Cassette(path, "missing"), live)
    assert ask(backend) == "task"  # replayed
    assert ask(backend, [{"role": "user", "content": "new"}]) == "other"  # recorded
    assert len(live.requests) == 1
    assert len(json.loads(path.read_text())["interactions"]) == 2


def test_identical_requests_replay_in_recorded_order(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    cassette = Cassette(path, "all")
    request = {"model": "m", "messages": MESSAGES}
    cassette.append(request, response={"n": 1})
    cassette.append(request, response={"n": 2})
    replay = Cassette(path, "replay")
    assert replay.lookup(request)["response"] == {"n": 1}
    assert replay.lookup(request)["response"] == {"n": 2}
    assert replay.lookup(request) is None


def test_hash_ignores_transport_settings_but_not_sampling() -> None:
    base = {"model": "m", "messages": MESSAGES, "temperature": 0.0}
    assert request_hash(base) == request_hash({**base, "timeout": 5, "extra_headers": {"a": "b"}})
    assert request_hash(base) != request_hash({**base, "temperature": 0.7})


def test_no_secret_is_ever_written(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    key = "sk-test" + "A1b2C3d4E5f6G7h8"
    cassette = Cassette(path, "all")
    cassette.append(
        {
            "model": "m",
            "messages": [{"role": "user", "content": f"key {key}"}],
            "extra_headers": {"Authorization": f"Bearer {key}"},
        },
        response={"headers": {"authorization": key}, "note": f"Bearer {key}"},
    )
    text = path.read_text(encoding="utf-8")
    assert key not in text
    assert "Bearer" not in text and "uthorization" not in text


def test_hash_does_not_depend_on_the_installed_pydantic_version() -> None:
    def reask(version: str) -> dict:
        error = f"1 validation error\n  For further information visit https://errors.pydantic.dev/{version}/v/value_error"
        return {"model": "m", "messages": [*MESSAGES, {"role": "user", "content": error}]}

    assert request_hash(reask("2.13")) == request_hash(reask("2.14"))


def test_the_advice_on_a_miss_never_rewrites_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    ask(CassetteBackend(Cassette(path, "all"), FakeBackend(['{"label": "task"}'])))
    with pytest.raises(CassetteError) as caught:
        ask(CassetteBackend(Cassette(path, "replay"), None), [{"role": "user", "content": "new"}])
    message = str(caught.value)
    assert f"--cassette {path} --record missing" in message and "--record all" not in message
    assert "another report's cassette" in message


def test_a_killed_save_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.json"
    cassette = Cassette(path, "all")

    def interrupted(*_args: object, **_kw: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("summarizer.cassette.json.dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        CassetteBackend(cassette, FakeBackend(['{"label": "task"}'])).complete(
            {"model": "m", "messages": MESSAGES}
        )
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_a_killed_recording_are_removed_by_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    # what `kill -9` during a save leaves: today's hidden name, and the earlier visible one
    leftovers = [tmp_path / ".c.json.k2v9x1qz.tmp", tmp_path / "c.json6i1r2lar.tmp"]
    for leftover in leftovers:
        leftover.write_text("{", "utf-8")
    other = tmp_path / ".d.json.k2v9x1qz.tmp"  # another cassette's: not ours to remove
    other.write_text("{", "utf-8")
    ask(CassetteBackend(Cassette(path, "all"), FakeBackend(['{"label": "task"}'])))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".d.json.k2v9x1qz.tmp", "c.json"]
