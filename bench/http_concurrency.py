"""One report against an HTTP server at 200 ms per call, 1, 4 and 16 questions at a time.

    python bench/http_concurrency.py [REPORT]     # default: examples/dev/000_*.txt

An OpenAI-compatible fake server (``tests/fake_openai_server.py``) on 127.0.0.1 answers every
call after 200 ms with rule-based answers; the report is summarised with
``SUMMARIZER_CONCURRENCY`` 1, 4 and 16. Printed: wall seconds, model calls, the most calls the
server saw at once, and the ideal (calls of the widest round / concurrency, times 200 ms).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer.api import open_client, summarize  # noqa: E402
from summarizer.settings import Settings  # noqa: E402
from tests.fake_openai_server import answer_by_rules, running_server  # noqa: E402

LATENCY = 0.2


class Slow:
    """The rule-based answer after ``LATENCY`` seconds, counting calls in flight."""

    def __init__(self) -> None:
        self.now = self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(LATENCY)
        with self.lock:
            self.now -= 1
        return answer_by_rules(request)


def main() -> None:
    default = sorted((ROOT / "examples" / "dev").glob("000_*.txt"))[0]
    report = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print(f"{report.name}, fake server answering after {LATENCY * 1000:.0f} ms")
    for concurrency in (1, 4, 16):
        answer = Slow()
        with running_server(answer) as server:
            settings = Settings(
                base_url=server.base_url, api_key="bench", model="bench", concurrency=concurrency
            )
            started = time.perf_counter()
            summary = summarize(report, client=open_client(settings))
            wall = time.perf_counter() - started
        calls = summary.run.usage.calls
        print(
            f"concurrency {concurrency:>2}: {wall:5.1f} s, {calls} calls, "
            f"at most {answer.peak} at once; sequential would be {calls * LATENCY:.1f} s"
        )


if __name__ == "__main__":
    main()
