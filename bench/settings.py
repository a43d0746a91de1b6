"""Runtime settings of the embedded engine, measured on real requests (issue 9).

    python bench/settings.py [CASSETTE] [--reps N]   # default: cassettes/dev/000_*.json, 3

Other processes share the two cores and their load changes by a factor of two within minutes,
so settings are compared *paired*: every repetition runs the same workload once per setting,
back to back, and each setting's seconds are divided by the defaults' seconds of the same
repetition. The workload: the meta request and 12 paragraph-part requests of the cassette
together, then 12 clause-label requests (the pipeline's two rounds, a part of one report), on
a cleared cache each time (one warm-up run first, so the guesses of the choice path are
learnt). Settings: flash attention, the physical batch (``n_ubatch``), and threads: for big
rounds a fixed count or measured while running (:mod:`summarizer.backends.threads`), for small
rounds (fewer than 128 tokens, such as one decoded token) one or two.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: name -> (engine options, big-round thread choices, small-round threads)
SETTINGS: dict[str, tuple[dict[str, Any], tuple[int, ...], int]] = {
    "defaults (FA, ubatch 512, big 2|1 measured, small 1)": ({}, (2, 1), 1),
    "big 2, small 2 (all threads)": ({}, (2,), 2),
    "big 1, small 1": ({}, (1,), 1),
    "big 2, small 1": ({}, (2,), 1),
    "no flash attention": ({"flash_attn": False}, (2, 1), 1),
    "ubatch 1024": ({"n_ubatch": 1024, "n_batch": 2048}, (2, 1), 1),
}


def rounds(cassette: Path, per_round: int = 12) -> list[list[dict[str, Any]]]:
    items = [i for i in json.loads(cassette.read_text("utf-8"))["interactions"] if "response" in i]
    label = [i["request"] for i in items if "label" in json.dumps(i["request"]["response_format"])]
    other = [i["request"] for i in items if i["request"] not in label]
    return [other[: per_round + 1], label[:per_round]]


def engines() -> dict[str, Any]:
    """One backend per distinct engine option set (thread counts change at run time)."""
    from summarizer.backends.llama import LlamaBackend

    made: dict[str, Any] = {}
    for options, _, _ in SETTINGS.values():
        key = json.dumps(options, sort_keys=True)
        if key not in made:
            made[key] = LlamaBackend(**options)
    return made


def run_once(backend: Any, threads: tuple[int, ...], small: int, groups: list[list[Any]]) -> float:
    from summarizer.backends.threads import ThreadChooser

    engine = backend.engine
    engine._drop_keepers()  # a cleared cache: every setting pays the same prompts
    engine.chooser = ThreadChooser(threads)
    engine.small_chooser = ThreadChooser((small,))
    started = time.perf_counter()
    for group in groups:
        engine.run([backend._job(request) for request in group])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cassette", nargs="?", type=Path)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    cassette = args.cassette or sorted((ROOT / "cassettes" / "dev").glob("000_*.json"))[0]
    groups = rounds(cassette)
    made = engines()
    for backend in made.values():  # warm-up: the choice path learns its guesses
        run_once(backend, (2, 1), 1, groups)
    seconds: dict[str, list[float]] = {name: [] for name in SETTINGS}
    for rep in range(args.reps):
        for name, (options, threads, small) in SETTINGS.items():
            backend = made[json.dumps(options, sort_keys=True)]
            load = os.getloadavg()[0]
            seconds[name].append(run_once(backend, threads, small, groups))
            print(f"rep {rep + 1} {name}: {seconds[name][-1]:.1f} s (load {load:.2f})", flush=True)
    base = seconds[next(iter(SETTINGS))]
    print(f"\n{cassette.name}: {len(groups[0])} + {len(groups[1])} requests, {args.reps} reps")
    print("| setting | median s | median ratio to defaults (same rep) |")
    print("|---|---|---|")
    for name, values in seconds.items():
        ratio = statistics.median(v / b for v, b in zip(values, base, strict=True))
        print(f"| {name} | {statistics.median(values):.1f} | {ratio:.2f} |")
    for backend in made.values():
        backend.close()


if __name__ == "__main__":
    main()
