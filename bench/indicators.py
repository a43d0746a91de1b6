"""Indicator quality on dev and dev2, with the model replayed or left out (figures are code).

    python bench/indicators.py [--dev DIR] [--dev2 DIR] [--ablate RULE ...] [--each-rule] [--misses]

dev reports are replayed from ``cassettes/dev`` (the clause labels are the model's); dev2 has
no cassettes, so its indicators come from the pipeline's figure stage with no clause labels
(every figure is judged by its own clause). Scores follow ``eval/ANNOTATION.md``:

- lenient: value (and unit) match, one-to-one in prediction order;
- strict: the same, and the indicator's evidence overlaps the gold quote;
- fields: plan_pct, same_period_pct, change_pct, of_total, kind on strict pairs;
- names: on strict pairs, the predicted name holds >= 70% of the gold name's content words
  (filler ignored, abbreviations expanded) and is at most twice the gold name + 3 words long
  (the count of misses in brackets); "name F1": mean token F1 of content words, a finer signal;
- outside: numbers an indicator states that a plain reading of its own evidence does not hold.

``--each-rule`` runs once per registered genre rule with that rule switched off.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import unicodedata
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from summarizer.evaluate import PAIR_FIELDS, Gold, _field_agrees, _matches, _score_indicators
from summarizer.ingest import make_document
from summarizer.pipeline import Pipeline, _Run
from summarizer.schema import Indicator

ROOT = Path(__file__).resolve().parents[1]
SETS = {"dev": ROOT / "examples" / "dev", "dev2": Path("/work/shared/eval/dev2")}

_FILLER = {"số", "của", "các", "và", "được", "đã", "có", "những", "toàn", "huyện", "xã"}
_EXPAND = {
    "ntm": "nông thôn mới",
    "kh": "kế hoạch",
    "ck": "cùng kỳ",
    "cn": "công nghiệp",
    "ttcn": "tiểu thủ công nghiệp",
}


def _words(name: str) -> list[str]:
    words = re.findall(r"\w+", unicodedata.normalize("NFC", name).lower())
    return [w for word in words for w in _EXPAND.get(word, word).split()]


def name_f1(pred: str, gold: str) -> float:
    """Token F1 of the content words of two names (a finer signal than the 70% rule)."""
    p = [w for w in _words(pred) if w not in _FILLER]
    g = [w for w in _words(gold) if w not in _FILLER]
    common = sum(min(p.count(w), g.count(w)) for w in set(p))
    return 2 * common / (len(p) + len(g)) if p and g else 0.0


def name_right(pred: str, gold: str) -> bool:
    """ANNOTATION.md's "Indicator names" rule."""
    gold_words = _words(gold)
    content = [w for w in gold_words if w not in _FILLER]
    have = set(_words(pred))
    covered = sum(w in have for w in content)
    return covered >= 0.7 * len(content) and len(_words(pred)) <= 2 * len(gold_words) + 3


def _plain_numbers(quote: str) -> set[float]:
    """Every digit group of ``quote`` read with either mark as the decimal one."""
    out: set[float] = set()
    for token in re.findall(r"\d+(?:[.,]\d+)*", quote):
        for dec, group in ((",", "."), (".", ",")):
            body = token.replace(group, "")
            if body.count(dec) <= 1:
                out.add(float(body.replace(dec, ".")))
    return out


def outside(ind: Indicator) -> list[float]:
    stated = [ind.value, ind.of_total, ind.same_period_pct, getattr(ind, "value_high", None)]
    stated += [p.pct for p in ind.plan_pct]
    stated += [abs(ind.change_pct)] if ind.change_pct is not None else []
    have = set().union(*(_plain_numbers(e.quote) for e in ind.evidence))
    return [n for n in stated if n is not None and not any(math.isclose(n, h) for h in have)]


def predict(report: Path, replay: bool) -> tuple[str, list[Indicator]]:
    text = report.read_text(encoding="utf-8")
    cassette = ROOT / "cassettes" / "dev" / f"{report.stem}.json"
    if replay and cassette.exists():
        from summarizer.api import open_client, summarize
        from summarizer.settings import Settings

        summary = summarize(report, client=open_client(Settings(), cassette=cassette))
        return summary.text or text, summary.indicators
    doc = make_document(text, name=report.name)
    pipe = Pipeline(client=None, prompts=None)  # type: ignore[arg-type]
    run = _Run(doc=doc)
    return doc.text, pipe._indicators(run)


def strict_pairs(preds: list[Indicator], gold: Gold, text: str) -> list[tuple[int, int]]:
    spans = gold.spans(text)["indicators"]
    used: set[int] = set()
    pairs = []
    for i, p in enumerate(preds):
        ev = [(e.start, e.end) for e in p.evidence]
        for j, g in enumerate(gold.indicators):
            a, b = spans[j]
            if j not in used and _matches(p, g) and any(s < b and a < e for s, e in ev):
                used.add(j)
                pairs.append((i, j))
                break
    return pairs


def score_set(folder: Path, replay: bool, misses: bool) -> dict[str, Any]:
    keys = ["pred", "gold", "tp", "stp", "agree", "names", "name_f1", "kind", "out", "nums"]
    c: dict[str, Any] = dict.fromkeys(keys, 0)
    for gold_path in sorted(folder.glob("*.gold.json")):
        report = gold_path.with_name(gold_path.name.replace(".gold.json", ".txt"))
        data = json.loads(gold_path.read_text(encoding="utf-8"))
        for ind in data["indicators"]:  # dev2 writes a basis the report does not name as null
            for plan in ind.get("plan_pct", []):
                plan["basis"] = plan["basis"] or ""
        gold = Gold.model_validate(data)
        text, preds = predict(report, replay)
        c["pred"] += len(preds)
        c["gold"] += len(gold.indicators)
        c["tp"] += _score_indicators(preds, gold.indicators).tp
        pairs = strict_pairs(preds, gold, text)
        c["stp"] += len(pairs)
        for i, j in pairs:
            p, g = preds[i], gold.indicators[j]
            c["agree"] += sum(_field_agrees(f, p, g) for f in PAIR_FIELDS)
            c["kind"] += p.kind == g.kind
            ok = name_right(p.name, g.name)
            c["names"] += ok
            c["name_f1"] += name_f1(p.name, g.name)
            if misses:
                bad = [f for f in PAIR_FIELDS if not _field_agrees(f, p, g)]
                if bad or not ok:
                    print(f"  {report.stem[:3]} pair {p.name!r} ~ {g.name!r} name={ok} bad={bad}")
                    if bad:
                        print(f"      pred {p.model_dump(exclude={'evidence', 'name'})}")
                        print(f"      gold {g.model_dump(exclude={'quote', 'name'})}")
        for ind in preds:
            c["nums"] += 1
            c["out"] += len(outside(ind))
        if misses:
            hit = {i for i, _ in pairs}
            found = {j for _, j in pairs}
            for i, p in enumerate(preds):
                if i not in hit:
                    print(
                        f"  {report.stem[:3]} EXTRA {p.name!r} {p.value} {p.unit} "
                        f"| {p.evidence[0].quote[:90]!r}"
                    )
            for j, g in enumerate(gold.indicators):
                if j not in found:
                    print(
                        f"  {report.stem[:3]} MISSED {g.name!r} {g.value} {g.unit} "
                        f"| {g.quote[:90]!r}"
                    )
    return c


def _r(n: float, d: float) -> str:
    return f"{n / d:.2f}" if d else "–"


def line(name: str, c: dict[str, Any]) -> str:
    f1 = _r(2 * c["tp"], c["pred"] + c["gold"])
    sp, sr = _r(c["stp"], c["pred"]), _r(c["stp"], c["gold"])
    sf1 = _r(2 * c["stp"], c["pred"] + c["gold"])
    pairs = c["stp"] * len(PAIR_FIELDS)
    fields = f"{_r(c['agree'], pairs)} ({pairs - c['agree']})"
    kind = f"{_r(c['kind'], c['stp'])} ({c['stp'] - c['kind']})"
    names = f"{_r(c['names'], c['stp'])} ({c['stp'] - c['names']})"
    return (
        f"{name:<24} {f1}   {sp} / {sr} / {sf1}   {fields:>9}  {kind:>8}  {names:>9}  "
        f"{_r(c['name_f1'], c['stp'])}   {c['out']}   {c['stp']}/{c['gold']}/{c['pred']}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ablate", nargs="*", default=[])
    ap.add_argument("--each-rule", action="store_true")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--no-replay", action="store_true")
    args = ap.parse_args()
    print(
        "set, rules off           len F1   strict P / R / F1   fields (err)  kind (err)"
        "  names (miss)  name F1  outside  pairs/gold/pred"
    )
    runs: list[tuple[str, list[str]]] = [
        ("-" + ",".join(args.ablate) if args.ablate else "", args.ablate)
    ]
    if args.each_rule:
        from summarizer.genre import rules

        runs += [(f"-{r.name}", [r.name]) for r in rules()]
    for label, off in runs:
        if off:
            from summarizer.genre import disabled

            ctx: Any = disabled(*off)
        else:
            ctx = nullcontext()
        with ctx:
            total: dict[str, Any] = {}
            for set_name, folder in SETS.items():
                c = score_set(folder, not args.no_replay, args.misses)
                print(line(f"{set_name} {label}"[:24], c))
                total = {k: total.get(k, 0) + v for k, v in c.items()}
            print(line(f"both {label}"[:24], total))


if __name__ == "__main__":
    main()
