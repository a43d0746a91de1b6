"""Score a predicted :class:`ReportSummary` against a hand-made gold file (``summarizer eval``).

The rules are those of ``examples/ANNOTATION.md`` ("Scoring"). Gold quotes are exact substrings of
the report, so both sides are compared as character spans: a prediction is judged by *where* its
evidence points, not by how its paraphrase reads. Undefined ratios (nothing to divide by) are
``None`` rather than 0 or 1, so an empty section neither rewards nor punishes a report, and the
aggregates skip them by pooling raw counts instead of averaging ratios.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .evaltable import aggregate, format_table
from .schema import Indicator, IndicatorKind, Meta, ReportSummary, SectionItem

__all__ = [
    "SECTIONS",
    "Gold",
    "GoldIndicator",
    "IndicatorScore",
    "MetaScore",
    "NameScore",
    "ReportScore",
    "SectionScore",
    "UngroundedNumber",
    "aggregate",
    "format_table",
    "load_gold",
    "name_is_right",
    "numbers_in_text",
    "score_report",
]

SECTIONS = ("achievements", "shortcomings", "tasks")
#: Fields compared on matched indicator pairs; the first three are the percentages.
PAIR_FIELDS = ("plan_pct", "same_period_pct", "change_pct", "of_total", "kind")
_PCT_FIELDS = PAIR_FIELDS[:3]
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
Span = tuple[int, int]


class _Model(BaseModel):
    # Hand-written files: a misspelt key must fail loudly, not be silently ignored.
    model_config = ConfigDict(extra="forbid")


class GoldPlanPct(_Model):
    """A gold "% of plan"; the basis may be left null where the report names none."""

    pct: float
    basis: str | None = None


class GoldIndicator(_Model):
    """One gold indicator; ``quote`` is the shortest clause of the report that holds it."""

    name: str
    quote: str = Field(min_length=1)
    value: float | None = None
    unit: str | None = None
    of_total: float | None = None
    plan_pct: list[GoldPlanPct] = Field(default_factory=list)
    same_period_pct: float | None = None
    change_pct: float | None = None
    kind: IndicatorKind = "result"


class Gold(_Model):
    """A gold file as described in ``ANNOTATION.md``; section items are exact quotes."""

    doc: str | None = None
    meta: Meta
    indicators: list[GoldIndicator] = Field(default_factory=list)
    achievements: list[str] = Field(default_factory=list)
    shortcomings: list[str] = Field(default_factory=list)
    tasks: list[str] = Field(default_factory=list)

    def spans(self, text: str) -> dict[str, list[Span]]:
        """Locate every quote in ``text`` (first occurrence, as the format promises).

        Keys are ``"indicators"`` and the section names; a quote that is not in the text is an
        annotation error, so it raises ``ValueError`` naming the quote instead of scoring 0.
        """
        text = _nfc(text)
        quotes = {"indicators": [ind.quote for ind in self.indicators]}
        quotes.update({sec: getattr(self, sec) for sec in SECTIONS})
        out: dict[str, list[Span]] = {}
        for key, items in quotes.items():
            out[key] = []
            for quote in items:
                q = _nfc(quote)
                start = text.find(q)
                if start < 0:
                    raise ValueError(f"gold {key} quote not found in the report text: {quote!r}")
                out[key].append((start, start + len(q)))
        return out


def load_gold(path: str | Path, text: str | None = None) -> Gold:
    """Read a gold file and check that its quotes are in the report.

    The report is ``text`` when given, else the ``doc`` file beside the gold file when it
    exists; checking at load time makes a broken annotation fail before any model is run.
    """
    path = Path(path)
    gold = Gold.model_validate(json.loads(path.read_text(encoding="utf-8")))
    if text is None and gold.doc and (path.parent / gold.doc).is_file():
        text = (path.parent / gold.doc).read_text(encoding="utf-8")
    if text is not None:
        gold.spans(text)
    return gold


class UngroundedNumber(_Model):
    """A number the summary states that the report never writes (a likely hallucination)."""

    where: str = Field(description="e.g. 'indicators[3].plan_pct[0]' or 'meta.year'")
    value: float


class IndicatorScore(_Model):
    """Indicator matching: counts, P/R/F1 and field agreement on matched pairs."""

    tp: int
    n_pred: int
    n_gold: int
    precision: float | None
    recall: float | None
    f1: float | None
    pairs: list[tuple[int, int]] = Field(description="(prediction index, gold index)")
    field_agree: dict[str, int] = Field(description="matched pairs agreeing, per field")
    field_accuracy: dict[str, float | None]
    fields_accuracy: float | None = Field(description="agreements / (pairs x fields)")
    all_pct_agree_count: int
    all_pct_agree: float | None


class SectionScore(_Model):
    """One section; ``verdicts`` give each predicted item's judgement, in order."""

    right: int
    wrong: int
    neutral: int
    recalled: int
    n_gold: int
    precision: float | None = Field(description="right/(right+wrong); None when both are 0")
    recall: float | None = Field(description="recalled/n_gold; None when the gold is empty")
    verdicts: list[Literal["right", "wrong", "neutral"]]


class NameScore(_Model):
    """Indicator names on strictly matched pairs, by ANNOTATION.md's "Indicator names" rule."""

    right: int
    total: int
    verdicts: list[bool] = Field(description="per strict pair, in pair order")


class MetaScore(_Model):
    """Per-field equality of the ten meta fields."""

    fields: dict[str, bool]
    accuracy: float


class ReportScore(_Model):
    """Everything scored for one report; ``model_dump_json()`` is the ``--json`` output."""

    doc: str | None = None
    indicators: IndicatorScore
    numbers_checked: int
    ungrounded: list[UngroundedNumber]
    sections: dict[str, SectionScore]
    meta: MetaScore
    strict_indicators: IndicatorScore = Field(
        description="matches whose evidence also overlaps the gold figure's quote"
    )
    strict_sections: dict[str, SectionScore] = Field(
        description="an item right when half its characters lie in gold quotes of its section; "
        "a gold quote found when half of it is covered"
    )
    outside_span: list[UngroundedNumber] = Field(
        description="numbers an indicator states that its own evidence span does not write"
    )
    names: NameScore


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _norm_str(s: str) -> str:
    """NFC, casefold, collapse whitespace: the differences a reader would not call different."""
    return " ".join(_nfc(s).casefold().split())


def _ratio(num: float, den: int) -> float | None:
    return num / den if den else None


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, Any]:
    """Counts and P/R/F1; 2tp/(pred+gold) is F1, and 0 (not None) when one side is empty."""
    return {
        "tp": tp,
        "n_pred": n_pred,
        "n_gold": n_gold,
        "precision": _ratio(tp, n_pred),
        "recall": _ratio(tp, n_gold),
        "f1": _ratio(2 * tp, n_pred + n_gold),
    }


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _same_plan(a: Indicator | GoldIndicator, b: Indicator | GoldIndicator) -> bool:
    """Equal *sets* of plan percentages (order, basis wording and repeats do not matter)."""
    return {round(p.pct, 9) for p in a.plan_pct} == {round(p.pct, 9) for p in b.plan_pct}


def _matches(pred: Indicator, gold: GoldIndicator) -> bool:
    """The ANNOTATION.md match rule; a value-less pair needs a *given* percentage in common."""
    if gold.value is not None:
        pu, gu = pred.unit, gold.unit
        unit_ok = pu is None or gu is None or _norm_str(pu) == _norm_str(gu)
        return _same(pred.value, gold.value) and unit_ok
    if pred.value is not None:
        return False
    return (
        (gold.change_pct is not None and _same(pred.change_pct, gold.change_pct))
        or (gold.same_period_pct is not None and _same(pred.same_period_pct, gold.same_period_pct))
        or (bool(gold.plan_pct) and _same_plan(pred, gold))
    )


def _field_agrees(field: str, pred: Indicator, gold: GoldIndicator) -> bool:
    if field == "plan_pct":
        return _same_plan(pred, gold)
    if field == "kind":
        return bool(pred.kind == gold.kind)
    return _same(getattr(pred, field), getattr(gold, field))


def _score_indicators(
    preds: list[Indicator],
    golds: list[GoldIndicator],
    gold_spans: list[Span] | None = None,
) -> IndicatorScore:
    """Greedy one-to-one matching in prediction order, each to the first free gold match.

    With ``gold_spans`` (the gold quotes' spans) a pair also needs the prediction's evidence
    to overlap the gold quote: the strict rule, "the figure was found in the right place".
    """
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for i, pred in enumerate(preds):
        spans = [(e.start, e.end) for e in pred.evidence]
        j = next(
            (
                j
                for j, g in enumerate(golds)
                if j not in used
                and _matches(pred, g)
                and (gold_spans is None or _touches(spans, [gold_spans[j]]))
            ),
            None,
        )
        if j is not None:
            used.add(j)
            pairs.append((i, j))
    agree = {f: sum(_field_agrees(f, preds[i], golds[j]) for i, j in pairs) for f in PAIR_FIELDS}
    all_pct = sum(all(_field_agrees(f, preds[i], golds[j]) for f in _PCT_FIELDS) for i, j in pairs)
    tp = len(pairs)
    return IndicatorScore(
        **_prf(tp, len(preds), len(golds)),
        pairs=pairs,
        field_agree=agree,
        field_accuracy={f: _ratio(n, tp) for f, n in agree.items()},
        fields_accuracy=_ratio(sum(agree.values()), tp * len(PAIR_FIELDS)),
        all_pct_agree_count=all_pct,
        all_pct_agree=_ratio(all_pct, tp),
    )


#: ANNOTATION.md "Indicator names": abbreviations read in full, filler words ignored.
_ABBREVIATIONS = {
    "ntm": "nông thôn mới",
    "kh": "kế hoạch",
    "ck": "cùng kỳ",
    "cn": "công nghiệp",
    "ttcn": "tiểu thủ công nghiệp",
}
_NAME_FILLERS = frozenset(
    ["số", "của", "các", "và", "được", "đã", "có", "những", "toàn", "huyện", "xã"]
)


def _name_words(name: str) -> list[str]:
    words: list[str] = []
    for word in re.findall(r"\w+", _nfc(name).lower()):
        words += _ABBREVIATIONS.get(word, word).split()
    return [w for w in words if w not in _NAME_FILLERS]


def name_is_right(predicted: str, gold: str) -> bool:
    """At least 70% of the gold name's words, and not longer than twice the gold name plus
    three words (a whole clause offered as a name is not a name)."""
    want, have = _name_words(gold), _name_words(predicted)
    if not want:
        return True
    held = sum(1 for w in want if w in set(have))
    return held >= 0.7 * len(want) and len(have) <= 2 * len(want) + 3


def _score_names(
    preds: list[Indicator], golds: list[GoldIndicator], pairs: list[tuple[int, int]]
) -> NameScore:
    verdicts = [name_is_right(preds[i].name, golds[j].name) for i, j in pairs]
    return NameScore(right=sum(verdicts), total=len(verdicts), verdicts=verdicts)


def numbers_in_text(text: str) -> set[float]:
    """Every number the report writes, under each plausible reading.

    Vietnamese writes "1.401,351" for 1401.351 and "33.405" for 33405, but sources also contain
    English-style decimals, so a token with one separator is also read with it as a decimal
    point ("33.405" -> 33.405 too). "21/21" yields 21 twice since "/" splits tokens. Extra
    readings only make grounding more lenient; they never invent digits that are not there.
    """
    found: set[float] = set()
    for token in _NUMBER.findall(text):
        if token.count(",") <= 1:
            found.add(float(token.replace(".", "").replace(",", ".")))
        else:  # "1,2,3": a list, not a number
            found.update(float(part) for part in re.split(r"[.,]", token))
        if len(re.findall(r"[.,]", token)) == 1:
            found.add(float(token.replace(",", ".")))
    return found


def _indicator_numbers(ind: Indicator, at: str) -> list[tuple[str, float]]:
    """(where, value) for every number one indicator asserts."""
    out: list[tuple[str, float]] = []
    for field in ("value", "value_high", "of_total", "same_period_pct"):
        if (v := getattr(ind, field)) is not None:
            out.append((f"{at}.{field}", v))
    out += [(f"{at}.plan_pct[{k}]", p.pct) for k, p in enumerate(ind.plan_pct)]
    if ind.change_pct is not None:
        out.append((f"{at}.change_pct", ind.change_pct))
    return out


def _written_in(where: str, value: float, known: set[float]) -> bool:
    # "giảm 0,72%" is written unsigned: a change is grounded by its magnitude.
    target = abs(value) if where.endswith(".change_pct") else value
    return any(abs(target - n) <= 1e-6 for n in known)


def _outside_own_span(summary: ReportSummary, text: str) -> list[UngroundedNumber]:
    """Numbers an indicator states that its own evidence does not write (strict rule): a
    figure read from elsewhere, or misread, even if the number occurs somewhere else."""
    out = []
    for i, ind in enumerate(summary.indicators):
        known: set[float] = set()
        for e in ind.evidence:
            known |= numbers_in_text(text[e.start : e.end])
        out += [
            UngroundedNumber(where=where, value=v)
            for where, v in _indicator_numbers(ind, f"indicators[{i}]")
            if not _written_in(where, v, known)
        ]
    return out


def _stated_numbers(summary: ReportSummary) -> list[tuple[str, float]]:
    """(where, value) for every number the summary asserts, in summary order."""
    out: list[tuple[str, float]] = []
    for i, ind in enumerate(summary.indicators):
        out += _indicator_numbers(ind, f"indicators[{i}]")
    for field in ("meeting_no", "year"):
        if (v := getattr(summary.meta, field)) is not None:
            out.append((f"meta.{field}", float(v)))
    return out


def _touches(spans: list[Span], targets: list[Span]) -> list[int]:
    """Indices of ``targets`` sharing at least one character with any of ``spans``."""
    return [k for k, (a, b) in enumerate(targets) if any(s < b and a < e for s, e in spans)]


def _score_section(
    items: list[SectionItem], gold: list[Span], others: list[Span], free: list[Span]
) -> SectionScore:
    """Right = overlaps a gold quote of this section. Neutral = overlaps only indicator quotes
    that no section lists (a figure offered as a result: not an error, not a hit). Else wrong.
    """
    verdicts: list[Literal["right", "wrong", "neutral"]] = []
    recalled: set[int] = set()
    for item in items:
        spans = [(ev.start, ev.end) for ev in item.evidence]
        hits = _touches(spans, gold)
        recalled.update(hits)
        if hits:
            verdicts.append("right")
        elif _touches(spans, free) and not _touches(spans, others):
            verdicts.append("neutral")
        else:
            verdicts.append("wrong")
    right, wrong, neutral = (verdicts.count(v) for v in ("right", "wrong", "neutral"))
    return SectionScore(
        right=right,
        wrong=wrong,
        neutral=neutral,
        recalled=len(recalled),
        n_gold=len(gold),
        precision=_ratio(right, right + wrong),
        recall=_ratio(len(recalled), len(gold)),
        verdicts=verdicts,
    )


def _inside(span: Span, targets: list[Span]) -> int:
    """How many characters of ``span`` lie inside the union of ``targets``."""
    a, b = span
    cuts = sorted((max(a, s), min(b, e)) for s, e in targets if s < b and a < e)
    covered, reach = 0, a
    for s, e in cuts:
        s = max(s, reach)
        if e > s:
            covered += e - s
            reach = e
    return covered


def _score_section_strict(
    items: list[SectionItem], gold: list[Span], others: list[Span], free: list[Span]
) -> SectionScore:
    """Right = at least half of the item's evidence characters lie inside gold quotes of this
    section; found = at least half of a gold quote's characters are covered by this section's
    items. Neutral as in :func:`_score_section`."""
    verdicts: list[Literal["right", "wrong", "neutral"]] = []
    predicted: list[Span] = []
    for item in items:
        spans = [(ev.start, ev.end) for ev in item.evidence]
        predicted += spans
        size = sum(e - s for s, e in spans)
        if size and 2 * sum(_inside(sp, gold) for sp in spans) >= size:
            verdicts.append("right")
        elif _touches(spans, free) and not _touches(spans, others + gold):
            verdicts.append("neutral")
        else:
            verdicts.append("wrong")
    recalled = sum(1 for g in gold if 2 * _inside(g, predicted) >= g[1] - g[0])
    right, wrong, neutral = (verdicts.count(v) for v in ("right", "wrong", "neutral"))
    return SectionScore(
        right=right,
        wrong=wrong,
        neutral=neutral,
        recalled=recalled,
        n_gold=len(gold),
        precision=_ratio(right, right + wrong),
        recall=_ratio(recalled, len(gold)),
        verdicts=verdicts,
    )


def _meta_value(v: Any) -> Any:
    if isinstance(v, str):
        return _norm_str(v)
    return v.isoformat() if isinstance(v, date) else v


def _score_meta(pred: Meta, gold: Meta) -> MetaScore:
    fields = {
        f: _meta_value(getattr(pred, f)) == _meta_value(getattr(gold, f)) for f in Meta.model_fields
    }
    return MetaScore(fields=fields, accuracy=sum(fields.values()) / len(fields))


def score_report(summary: ReportSummary, gold: Gold, text: str) -> ReportScore:
    """Score one summary. ``text`` is the report its evidence spans point into (NFC'd here)."""
    text = _nfc(text)
    spans = gold.spans(text)
    section_spans = [s for sec in SECTIONS for s in spans[sec]]
    free = [s for s in spans["indicators"] if not _touches([s], section_spans)]
    sections, strict_sections = {}, {}
    for sec in SECTIONS:
        others = [s for other in SECTIONS if other != sec for s in spans[other]]
        items = getattr(summary, sec)
        sections[sec] = _score_section(items, spans[sec], others, free)
        strict_sections[sec] = _score_section_strict(items, spans[sec], others, free)
    stated = _stated_numbers(summary)
    known = numbers_in_text(text)
    strict = _score_indicators(summary.indicators, gold.indicators, spans["indicators"])
    return ReportScore(
        doc=summary.doc or gold.doc,
        indicators=_score_indicators(summary.indicators, gold.indicators),
        numbers_checked=len(stated),
        ungrounded=[
            UngroundedNumber(where=w, value=v) for w, v in stated if not _written_in(w, v, known)
        ],
        sections=sections,
        meta=_score_meta(summary.meta, gold.meta),
        strict_indicators=strict,
        strict_sections=strict_sections,
        outside_span=_outside_own_span(summary, text),
        names=_score_names(summary.indicators, gold.indicators, strict.pairs),
    )
