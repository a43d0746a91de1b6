"""What each genre rule is worth: the strict scores of both example sets with one rule off.

    python bench/ablate.py                       # every rule, answers replayed from cassettes/
    python bench/ablate.py --rules states_a_limit,smooth_parts --live /tmp/ablate-tapes

A rule that only changes what code reads (figures, names, meta) needs no model: its run is
replayed from the recorded answers. A rule that changes which questions the model is asked, or
their choices, needs the model for those questions: with ``--live DIR`` the cassettes are
copied to DIR first and only the new questions are asked (``--record missing``), so the
bundled cassettes are never touched; without it such a rule is reported as "needs --live".

Prints, per rule, the strict scores per set and their difference from all rules on. A rule is
kept only when switching it off hurts on both sets (issue 8).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from summarizer.api import open_client, summarize
from summarizer.errors import CassetteError
from summarizer.evaluate import aggregate, load_gold, score_report
from summarizer.genre import disabled, rules
from summarizer.ingest import load_document
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SETS = ("dev", "dev2")
#: (label, path into aggregate()["strict"]) of the scores shown
SCORES = (
    ("ind F1", ("indicators", "f1")),
    ("fields", ("fields", "accuracy")),
    ("names", ("names", "accuracy")),
    ("A P", ("sections", "achievements", "precision")),
    ("A R", ("sections", "achievements", "recall")),
    ("S P", ("sections", "shortcomings", "precision")),
    ("S R", ("sections", "shortcomings", "recall")),
    ("T P", ("sections", "tasks", "precision")),
    ("T R", ("sections", "tasks", "recall")),
)


def _get(agg: dict, path: tuple[str, ...]) -> float | None:
    value = agg["strict"]
    for key in path:
        value = value[key]
    return value


def run_set(name: str, tapes: Path, live: bool) -> dict[str, float | None] | None:
    """Strict scores of one example set, or None when an answer is not recorded."""
    scores = []
    for report in sorted((ROOT / "examples" / name).glob("*.txt")):
        doc = load_document(report)
        client = open_client(
            Settings(),
            cassette=tapes / name / f"{report.stem}.json",
            record="missing" if live else "replay",
        )
        try:
            summary = summarize(doc, client=client)
        except CassetteError:
            return None
        gold = load_gold(report.with_name(f"{report.stem}.gold.json"), doc.text)
        scores.append(score_report(summary, gold, doc.text))
    agg = aggregate(scores)
    out = {label: _get(agg, path) for label, path in SCORES}
    out["meta"] = agg["meta_accuracy"]
    return out


def _cell(value: float | None, base: float | None) -> str:
    if value is None:
        return "–"
    if base is None or abs(value - base) < 0.005:
        return f"{value:.2f}"
    return f"{value:.2f} ({value - base:+.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", help="comma-separated rule names (default: every rule)")
    parser.add_argument("--live", type=Path, help="scratch cassette folder; ask what is missing")
    parser.add_argument("--cassettes", type=Path, default=ROOT / "cassettes")
    args = parser.parse_args(argv)
    tapes = args.cassettes
    if args.live is not None:
        if not args.live.exists():
            shutil.copytree(tapes, args.live)
        tapes = args.live
    names = args.rules.split(",") if args.rules else [r.name for r in rules()]
    base = {s: run_set(s, tapes, args.live is not None) for s in SETS}
    header = ["rule"] + [f"{s} {label}" for s in SETS for label, _ in (*SCORES, ("meta", ()))]
    print(" | ".join(header))
    print("|".join("---" for _ in header))
    on = [_cell(v, None) for s in SETS for v in (base[s] or {}).values()]
    print(" | ".join(["(all on)", *on]))
    for rule in names:
        with disabled(rule):
            results = {s: run_set(s, tapes, args.live is not None) for s in SETS}
        if any(r is None for r in results.values()):
            print(f"{rule} | needs --live (it changes the questions asked)")
            continue
        cells = [
            _cell(results[s][k], (base[s] or {}).get(k))  # type: ignore[index]
            for s in SETS
            for k in results[s]  # type: ignore[union-attr]
        ]
        print(" | ".join([rule, *cells]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
