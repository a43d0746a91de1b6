"""The embedded path is grammar-constrained: llama.cpp ignores OpenAI's json_schema format, so
without an explicit grammar the small model would answer in free text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from summarizer.answers import ClauseLabel
from summarizer.backends.llama import LlamaBackend, grammar_request
from summarizer.llm import LLMClient


class RecordingLlama:
    """Stands in for llama_cpp.Llama: keeps the kwargs, answers what the grammar allows."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def create_chat_completion(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {
            "object": "chat.completion",
            "model": "x",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": '{"label": "task"}'},
                }
            ],
            "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
        }


def backend_with(fake: RecordingLlama, grammar: Any) -> LlamaBackend:
    backend = LlamaBackend.__new__(LlamaBackend)  # skip loading a 1.1 GB model
    backend.model = "qwen"
    backend._llm = fake
    backend._grammar = grammar
    backend._grammar_cache = {}
    return backend


def test_every_structured_call_carries_a_grammar_built_from_its_schema() -> None:
    built: list[str] = []
    fake = RecordingLlama()
    backend = backend_with(fake, lambda schema, verbose=False: built.append(schema) or "GRAMMAR")
    answer = LLMClient(backend, "qwen").ask(
        ClauseLabel, [{"role": "user", "content": "x"}], source="x"
    )
    assert answer.label == "task"
    (call,) = fake.calls
    assert call["grammar"] == "GRAMMAR"
    assert json.loads(built[0]) == ClauseLabel.model_json_schema()
    assert "response_format" not in call  # the ignored OpenAI form is not passed on


def test_grammar_request_accepts_both_openai_spellings() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    for fmt in (
        {"type": "json_schema", "json_schema": {"name": "A", "schema": schema}},
        {"type": "json_object", "schema": schema},
    ):
        kwargs = grammar_request(
            {"messages": [], "response_format": fmt, "temperature": 0}, lambda s: json.loads(s)
        )
        assert kwargs["grammar"] == schema and kwargs["temperature"] == 0


def test_real_llama_grammar_rejects_free_text() -> None:
    llama_cpp = pytest.importorskip("llama_cpp")
    grammar = llama_cpp.LlamaGrammar.from_json_schema(
        json.dumps(ClauseLabel.model_json_schema()), verbose=False
    )
    assert grammar is not None and "achievement" in grammar._grammar
