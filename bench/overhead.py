"""Pipeline overhead without the model: dev reports replayed from cassettes.

    python bench/overhead.py

Prints milliseconds per report for the whole replayed run (ingest, prompts, instructor
parsing and validation, figures, grounding, assembly) and for grounding alone on a
10,000-character report. Targets (issue 5): <= 20 ms per report, <= 10 ms grounding.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from summarizer.api import open_client, summarize
from summarizer.grounding import locate
from summarizer.ingest import load_document, make_document
from summarizer.numbers import find_figures
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
REPORTS = sorted((ROOT / "examples" / "dev").glob("*.txt"))


def replay_ms(report: Path, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        cassette = ROOT / "cassettes" / "dev" / f"{report.stem}.json"
        client = open_client(Settings(), cassette=cassette)
        start = time.perf_counter()
        summarize(report, client=client)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def grounding_ms(repeat: int = 20) -> tuple[int, float]:
    """Figures and spans of a 10,000-character report, plus locating 50 quotes in it."""
    text = "\n\n".join(r.read_text(encoding="utf-8") for r in REPORTS)[:10_000]
    doc = make_document(text)
    quotes = [c.text for c in doc.clauses[:: max(1, len(doc.clauses) // 50)]][:50]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for clause in doc.clauses:
            find_figures(doc.text, clause.start, clause.end)
        for quote in quotes:
            assert locate(doc.text, quote) is not None
        times.append((time.perf_counter() - start) * 1000)
    return len(doc.text), statistics.median(times)


if __name__ == "__main__":
    summarize(
        REPORTS[0],
        client=open_client(
            Settings(), cassette=ROOT / "cassettes" / "dev" / f"{REPORTS[0].stem}.json"
        ),
    )  # warm up
    rows = [(r.stem, len(load_document(r).text), replay_ms(r)) for r in REPORTS]
    for name, chars, ms in rows:
        print(f"{name}  {chars:>6} chars  {ms:7.1f} ms per report (replayed, excluding the model)")
    print(f"median {statistics.median(ms for *_, ms in rows):.1f} ms")
    chars, ms = grounding_ms()
    print(f"grounding + figures of a {chars}-character report, 50 quotes located: {ms:.2f} ms")
