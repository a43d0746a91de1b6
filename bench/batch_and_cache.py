"""Batch throughput against a slow fake server, and the cost of re-running a batch.

    python bench/batch_and_cache.py

1. Throughput: an OpenAI-compatible fake server on 127.0.0.1 answers every call after a fixed
   500 ms; a batch of short reports runs at -j 1, 4, 16, 64. Reported: reports per second and
   its share of the ideal (jobs / (calls per report x 0.5 s)). Target: >= 0.9 at 16.
2. Cache: the five dev reports replayed from their cassettes into an output folder, then the
   same batch again: model calls and seconds of the re-run. Target: 0 calls, <= 1 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.api import open_client, summarize  # noqa: E402
from summarizer.batch import run_batch  # noqa: E402
from summarizer.llm import LLMClient  # noqa: E402
from summarizer.settings import Settings  # noqa: E402
from tests.fake_openai_server import answer_by_rules, running_server  # noqa: E402

LATENCY = 0.5
REPORT = (
    "Ngày 5-4, Huyện ủy tổ chức hội nghị lần thứ {n}.\n\n"
    "Thu ngân sách đạt {n} tỷ đồng, bằng 61% dự toán tỉnh giao."
)


def slow_answer(request: dict[str, Any]) -> dict[str, Any]:
    time.sleep(LATENCY)
    return answer_by_rules(request)


def throughput(jobs: int, reports: int, folder: Path) -> tuple[float, float]:
    inputs = []
    for n in range(reports):
        path = folder / f"in-{jobs}" / f"r{n:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(REPORT.format(n=n + 10 * jobs), encoding="utf-8")
        inputs.append(path)
    with running_server(slow_answer) as server:
        settings = Settings(
            base_url=server.base_url, api_key="bench", model="bench", transport_attempts=1
        )

        def summarise(path: Path) -> Any:
            return summarize(path, client=open_client(settings))

        result = run_batch(inputs, folder / f"out-{jobs}", ["json"], jobs, summarise)
        calls = result.usage.calls
    assert result.ok, [r.reason for r in result.failed]
    per_report = calls / reports
    rate = reports / result.seconds
    ideal = jobs / (per_report * LATENCY)
    return rate, rate / ideal


def cache_rerun(folder: Path) -> tuple[int, float, int, float]:
    inputs = sorted((ROOT / "examples" / "dev").glob("*.txt"))

    def summarise(path: Path) -> Any:
        client: LLMClient = open_client(
            Settings(), cassette=ROOT / "cassettes" / "dev" / f"{path.stem}.json"
        )
        return summarize(path, client=client)

    first = run_batch(inputs, folder / "cache", ["md", "json"], 1, summarise)
    again = run_batch(inputs, folder / "cache", ["md", "json"], 1, summarise)
    return first.usage.calls, first.seconds, again.usage.calls, again.seconds


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"fake server latency {LATENCY * 1000:.0f} ms per call")
        for jobs, reports in ((1, 6), (4, 24), (16, 96), (64, 256)):
            rate, share = throughput(jobs, reports, folder)
            print(
                f"-j {jobs:>2}: {reports:>3} reports, {rate:6.2f} reports/s, {share:.2f} of ideal"
            )
        calls1, s1, calls2, s2 = cache_rerun(folder)
        print(
            f"dev batch: first run {calls1} model calls (replayed) in {s1:.2f} s; "
            f"re-run {calls2} model calls in {s2:.2f} s"
        )
