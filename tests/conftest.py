"""Shared test helpers: a scripted fake backend and the paths of the bundled dev reports."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .fake_openai_server import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "examples" / "dev"
DEV_CASSETTES = ROOT / "cassettes" / "dev"
DEV_REPORTS = sorted(DEV.glob("*.txt"))


def completion(
    content: str,
    *,
    finish_reason: str = "stop",
    prompt_tokens: int = 10,
    completion_tokens: int = 5,
) -> dict[str, Any]:
    """A raw chat completion as an OpenAI-compatible server returns it."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class FakeBackend:
    """A backend that answers from a script: a list of answers/exceptions, or a function.

    Every request is kept in ``requests`` so tests can assert what was sent.
    """

    name = "fake"
    model = "fake-model"

    def __init__(self, script: list[Any] | Callable[[dict[str, Any]], Any]) -> None:
        self.script = script
        self.requests: list[dict[str, Any]] = []

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(request)
        answer = self.script(request) if callable(self.script) else self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, dict) and "choices" in answer:
            return answer
        return completion(answer if isinstance(answer, str) else json.dumps(answer))


_DIRECTIVES = ("tăng cường", "đẩy mạnh", "đẩy nhanh", "tiếp tục", "phấn đấu", "đề nghị")


def rule_based_answers(request: dict[str, Any]) -> dict[str, Any]:
    """Plausible answers for every question the pipeline asks, decided by simple rules and
    always inside the choices the request's schema allows."""
    schema = request["response_format"]["json_schema"]["schema"]
    properties = schema.get("properties", {})
    text = request["messages"][-1]["content"]
    lowered = text.lower()
    if "part" in properties:
        if any(w in lowered for w in _DIRECTIVES):
            part = "coming"
        elif "hội nghị" in lowered:
            part = "meeting"
        else:
            part = "review"
        return completion(json.dumps({"part": part}))
    if "label" in properties:
        if any(w in lowered for w in _DIRECTIVES):
            label = "task"
        elif any(w in lowered for w in ("còn chậm", "hạn chế", "khó khăn")):
            label = "shortcoming"
        elif "đạt" in lowered or "được" in lowered:
            label = "achievement"
        else:
            label = "other"
        if label not in properties["label"]["enum"]:
            label = "other"
        return completion(json.dumps({"label": label}))
    return completion(json.dumps({"unit_name": None, "unit_kind": "huyện"}))


@pytest.fixture
def fake_rules() -> FakeBackend:
    return FakeBackend(rule_based_answers)


#: Settings read from the environment; a test that configures a model clears them first.
MODEL_ENV = (
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "SUMMARIZER_BASE_URL",
    "SUMMARIZER_API_KEY",
    "SUMMARIZER_MODEL",
    "SUMMARIZER_TIMEOUT",
    "SUMMARIZER_TRANSPORT_ATTEMPTS",
    "SUMMARIZER_MAX_REASKS",
    "SUMMARIZER_BACKEND",
    "SUMMARIZER_CONCURRENCY",
)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A fresh OpenAI-compatible fake server on 127.0.0.1 for one test."""
    from .fake_openai_server import serve  # it imports the answers defined here

    yield from serve()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No model settings inherited from the developer's shell."""
    for name in MODEL_ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def need(available: bool, why: str) -> None:
    """Skip a test whose outside tool (Chromium, a font) is missing on a developer's machine,
    but fail it in CI (``CI=true``), where a missing tool means the CI setup is broken and a
    skip would hide it."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{why} (CI=true: the tool must be installed)")
    pytest.skip(why)


def run_cli(argv: list[str]) -> int:
    """Run the ``summarizer`` command in-process and return its exit code."""
    from summarizer.cli import main

    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
