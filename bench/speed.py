"""Seconds per report: the floor, the old code and the new code, in one run (issue 9).

    python bench/speed.py [--sets dev,dev2] [--out DIR] [--skip-old] [--skip-new]

For every report of the sets (dev: ``examples/dev``; dev2: ``/work/shared/eval/dev2``):

(a) floor: seconds for the embedded model to prefill the report's text once: its tokens and
    nothing else, on a cleared context, with the engine's default settings;
(b) old: seconds per report of the code as of issue 9 (commit 9b9d7fb, checked out as a git
    worktree in ``/tmp/old``), ``summarizer eval SET --record all`` in a subprocess with
    ``PYTHONPATH`` on that tree, so both use the same installed libraries;
(c) new: the same command on this tree.

The seconds are ``run.seconds`` (``Pipeline.run``): model load is excluded and measured apart
(building the backend in a fresh process). The machine's load average is printed at every
phase: other processes share the two cores and inflate every figure, so compare only figures
from one run. The recorded cassettes (``OUT/old``, ``OUT/new``) are the input of
``python bench/identity.py compare OUT/old OUT/new`` (decision by decision). Results are
also written to ``OUT/speed.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SETS = {"dev": ROOT / "examples" / "dev", "dev2": Path("/work/shared/eval/dev2")}
OLD_COMMIT = "9b9d7fb"
OLD_TREE = Path("/tmp/old")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min)"


def reports_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.txt") if (folder / f"{p.stem}.gold.json").exists())


def floors(reports: list[Path]) -> tuple[dict[str, tuple[int, float]], float]:
    """Per report (tokens, seconds to prefill them once); and the engine's load seconds."""
    from summarizer.backends.engine import Engine
    from summarizer.backends.plan import Entry
    from summarizer.ingest import load_document
    from summarizer.model_files import ensure_gguf

    started = time.perf_counter()
    engine = Engine(str(ensure_gguf(None, None)))
    loaded = time.perf_counter() - started
    llama = engine._llama
    out = {}
    for report in reports:
        tokens = engine.tokenize(load_document(report).text, special=False)
        llama.llama_memory_clear(engine.memory, True)
        seq = engine._free[-1]
        entries = [Entry(t, i, (seq,), i == len(tokens) - 1) for i, t in enumerate(tokens)]
        started = time.perf_counter()
        for i in range(0, len(entries), engine.n_batch):
            engine._decode(entries[i : i + engine.n_batch])
        out[report.stem] = (len(tokens), time.perf_counter() - started)
        print(f"  floor {report.stem}: {len(tokens)} tokens, {out[report.stem][1]:.1f} s")
    engine.close()
    return out, loaded


def in_tree(tree: Path) -> dict[str, Any]:
    """``subprocess.run`` arguments that make a command import ``tree``'s code: its folder on
    ``PYTHONPATH`` and as the working directory (``python -m`` puts the working directory
    first on ``sys.path``), with no endpoint or setting of this shell leaking in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env["PYTHONPATH"] = str(tree)
    return {"env": env, "cwd": tree}


def load_seconds(tree: Path) -> float:
    """Seconds to build the embedded backend (model load) in a fresh process on ``tree``."""
    code = (
        "import time; from summarizer.backends.llama import LlamaBackend; "
        "t = time.perf_counter(); LlamaBackend(); print(time.perf_counter() - t)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        **in_tree(tree),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def run_eval(tree: Path, folder: Path, cassettes: Path) -> dict[str, Any]:
    """``summarizer eval`` on ``tree``, recording into ``cassettes``: its JSON, plus wall and
    CPU seconds of the whole process."""
    cassettes.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "summarizer", "eval", str(folder), "--json", "-q"]
    command += ["--cassette", str(cassettes), "--record", "all"]
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(command, **in_tree(tree), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"eval on {tree} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    result["wall"] = wall
    result["cpu"] = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return result


def run_extracts(tree: Path, folder: Path, cassettes: Path) -> dict[str, Any]:
    """``summarizer extract --json`` per report on ``tree``, recording into ``cassettes``: for
    the old code, whose ``eval`` cannot read gold files with a plan percentage of no stated
    basis (dev2 report 102). Same shape as :func:`run_eval` (reports, wall, cpu), no scores."""
    cassettes.mkdir(parents=True, exist_ok=True)
    reports: list[dict[str, Any]] = []
    before = os.times()
    started = time.perf_counter()
    for report in reports_of(folder):
        command = [sys.executable, "-m", "summarizer", "extract", str(report), "--json", "-q"]
        command += ["--cassette", str(cassettes / f"{report.stem}.json"), "--record", "all"]
        done = subprocess.run(command, **in_tree(tree), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(
                f"extract on {tree} failed ({done.returncode}):\n{done.stderr[-3000:]}"
            )
        reports.append({"name": report.stem, "run": json.loads(done.stdout)["run"]})
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return {"reports": reports, "wall": time.perf_counter() - started, "cpu": cpu}


def old_tree() -> Path:
    if not (OLD_TREE / "summarizer").exists():
        command = ["git", "worktree", "add", "--detach", str(OLD_TREE), OLD_COMMIT]
        subprocess.run(command, cwd=ROOT, check=True)
    return OLD_TREE


def table(
    name: str,
    floor: dict[str, tuple[int, float]],
    old: dict[str, float],
    new: dict[str, float],
) -> list[str]:
    lines = [
        f"| {name} report | tokens | (a) floor s | (b) old s | (c) new s | c/a | c/b |",
        "|---|---|---|---|---|---|---|",
    ]
    ratios_a: list[float] = []
    ratios_b: list[float] = []
    cols: list[list[float]] = [[], [], []]
    for stem, (tokens, a) in floor.items():
        b, c = old.get(stem), new.get(stem)
        ca = c / a if c is not None else None
        cb = c / b if c is not None and b else None
        ratios_a += [ca] if ca is not None else []
        ratios_b += [cb] if cb is not None else []
        for col, value in zip(cols, (a, b, c), strict=True):
            col += [value] if value is not None else []
        lines.append(
            f"| {stem[:3]} | {tokens} | {a:.1f} | {_f(b)} | {_f(c)} | {_f(ca, 2)} | {_f(cb, 2)} |"
        )
    medians = [statistics.median(c) if c else None for c in cols]
    lines.append(
        f"| **median** | | {_f(medians[0])} | {_f(medians[1])} | {_f(medians[2])} | "
        f"{_f(statistics.median(ratios_a) if ratios_a else None, 2)} | "
        f"{_f(statistics.median(ratios_b) if ratios_b else None, 2)} |"
    )
    return lines


def _f(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="dev,dev2")
    parser.add_argument("--out", type=Path, default=Path("/tmp/speed"))
    parser.add_argument("--skip-old", action="store_true")
    parser.add_argument("--skip-new", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {"sets": {}}
    sets = {name: SETS[name] for name in args.sets.split(",")}
    print(f"(a) floor, {load()}")
    floor_of: dict[str, dict[str, tuple[int, float]]] = {}
    for name, folder in sets.items():
        floor_of[name], results["engine_load"] = floors(reports_of(folder))
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    for label, skip, tree in (("old", args.skip_old, None), ("new", args.skip_new, ROOT)):
        if skip:
            continue
        tree = tree or old_tree()
        results[f"{label}_load_seconds"] = load_seconds(tree)
        for name, folder in sets.items():
            print(f"({'b' if label == 'old' else 'c'}) {label} on {name}, {load()}")
            measure = run_extracts if label == "old" else run_eval
            run = measure(tree, folder, args.out / label / name)
            runs.setdefault(label, {})[name] = run
            print(f"  wall {run['wall']:.0f} s, cpu {run['cpu']:.0f} s, {load()}")
    print(f"done, {load()}")
    for name in sets:
        seconds = {
            label: {r["name"]: r["run"]["seconds"] for r in runs[label][name]["reports"]}
            for label in runs
        }
        lines = table(name, floor_of[name], seconds.get("old", {}), seconds.get("new", {}))
        print("\n".join(lines))
        results["sets"][name] = {
            "floor": floor_of[name],
            **{label: runs[label][name] for label in runs},
        }
    for label in ("old", "new"):
        if f"{label}_load_seconds" in results:
            seconds = results[f"{label}_load_seconds"]
            print(f"model load ({label} code, fresh process): {seconds:.1f} s")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "speed.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    main()
