"""Regression: the dev reports, replayed from their cassettes, give the accepted summaries.

A change to prompts, parsing or assembly that changes any summary fails here with a diff.
Re-record the model's answers (live model, minutes):
    summarizer eval examples/dev --cassette cassettes/dev --record all
and re-accept the summaries (offline, seconds):
    SUMMARIZER_ACCEPT=1 pytest tests/test_regression.py
"""

from __future__ import annotations

import difflib
import json
import os

import pytest

from summarizer.api import open_client, summarize
from summarizer.settings import Settings

from .conftest import DEV_CASSETTES, DEV_REPORTS, ROOT

EXPECTED = ROOT / "tests" / "expected"
HOW = (
    "summarizer eval examples/dev --cassette cassettes/dev --record all; "
    "re-accept: SUMMARIZER_ACCEPT=1 pytest tests/test_regression.py"
)


def stable_json(report) -> str:
    cassette = DEV_CASSETTES / f"{report.stem}.json"
    client = open_client(Settings(), cassette=cassette, record="replay", rerecord_hint=HOW)
    summary = summarize(report, client=client)
    data = summary.model_dump(mode="json")
    data["run"]["seconds"] = None  # the only field that differs between identical runs
    data["text"] = None  # the report itself (examples/dev): the offsets are what is checked
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("report", DEV_REPORTS, ids=lambda p: p.stem[:3])
def test_replayed_summary_matches_the_accepted_one(report) -> None:
    actual = stable_json(report)
    expected_path = EXPECTED / f"{report.stem}.json"
    if os.environ.get("SUMMARIZER_ACCEPT"):
        expected_path.parent.mkdir(exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
        pytest.skip("re-accepted, not checked: run again without SUMMARIZER_ACCEPT")
    assert expected_path.exists(), f"no accepted summary for {report.name}; {HOW}"
    expected = expected_path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), "accepted", "now", n=2
            )
        )
        pytest.fail(f"summary of {report.name} changed:\n{diff[:6000]}\n{HOW}", pytrace=False)
