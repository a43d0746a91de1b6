"""The embedded path without the model: which schemas are answered by choosing, what the
completion looks like, and that the grammar still constrains the schemas that are decoded."""

from __future__ import annotations

import json
import math

import pytest

from summarizer.answers import ClauseLabel, ParagraphPart, clause_label
from summarizer.backends.engine import Outcome
from summarizer.backends.gbnf_finite import finite_language
from summarizer.backends.llama import completion_from, response_schema
from summarizer.llm import LLMClient, confidence

from .checked_answers import NamesAnswer as MetaAnswer
from .conftest import FakeBackend

ReviewLabel = clause_label(("achievement", "shortcoming", "other"))
ComingLabel = clause_label(("task", "other"))

llama_grammar = pytest.importorskip("llama_cpp.llama_grammar")


def gbnf(model: type) -> str:
    return str(llama_grammar.json_schema_to_gbnf(json.dumps(model.model_json_schema())))


@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        (ParagraphPart, "part", ["review", "coming", "meeting"]),
        (ClauseLabel, "label", ["achievement", "shortcoming", "task", "other"]),
        (ReviewLabel, "label", ["achievement", "shortcoming", "other"]),
        (ComingLabel, "label", ["task", "other"]),
    ],
)
def test_one_enum_field_schemas_are_a_finite_language(
    model: type, field: str, values: list[str]
) -> None:
    strings = finite_language(gbnf(model))
    assert strings is not None
    # every answer, with or without each optional space the grammar allows
    assert {json.loads(s)[field] for s in strings} == set(values)
    assert f'{{ "{field}": "{values[0]}"}}' in strings  # what greedy decoding produced
    assert f'{{"{field}":"{values[0]}"}} ' in strings
    assert len(strings) == len(values) * 2**4


def test_free_text_schemas_keep_the_grammar_path() -> None:
    assert finite_language(gbnf(MetaAnswer)) is None
    assert finite_language('root ::= [a-z]+ "x"') is None
    assert finite_language('root ::= "a" root | "b"') is None  # recursive


def test_grammar_escapes_are_read_as_llama_cpp_reads_them() -> None:
    schema = {"type": "object", "properties": {"k": {"enum": ["huyện", None]}}, "required": ["k"]}
    strings = finite_language(llama_grammar.json_schema_to_gbnf(json.dumps(schema)))
    assert strings is not None and '{"k":"huyện"}' in strings and '{"k": null}' in strings


def test_response_schema_accepts_both_openai_spellings() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    for fmt in (
        {"type": "json_schema", "json_schema": {"name": "A", "schema": schema}},
        {"type": "json_object", "schema": schema},
    ):
        assert response_schema({"messages": [], "response_format": fmt}) == schema
    assert response_schema({"messages": []}) is None


def test_a_chosen_answer_is_a_normal_completion_with_its_probability() -> None:
    outcome = Outcome(
        content='{ "label": "task"}',
        finish_reason="stop",
        prompt_tokens=120,
        completion_tokens=7,
        cached_tokens=100,
        logprobs={
            "content": [
                {
                    "token": "task",
                    "logprob": math.log(0.9),
                    "bytes": list(b"task"),
                    "top_logprobs": [
                        {"token": "task", "logprob": math.log(0.9), "bytes": list(b"task")},
                        {"token": "other", "logprob": math.log(0.1), "bytes": list(b"other")},
                    ],
                }
            ],
            "refusal": None,
        },
    )
    raw = completion_from(outcome, "qwen")
    assert raw["usage"] == {
        "prompt_tokens": 120,
        "completion_tokens": 7,
        "total_tokens": 127,
        "prompt_tokens_details": {"cached_tokens": 100},
    }
    client = LLMClient(FakeBackend([raw]), "qwen")
    answer = client.ask(ComingLabel, [{"role": "user", "content": "x"}], source="x")
    assert answer.label == "task"
    assert confidence(answer) == pytest.approx(0.9)
    assert client.usage.prompt_tokens == 120


def test_real_llama_grammar_rejects_free_text() -> None:
    grammar = llama_grammar.LlamaGrammar.from_json_schema(
        json.dumps(ClauseLabel.model_json_schema()), verbose=False
    )
    assert grammar is not None and "achievement" in grammar._grammar
