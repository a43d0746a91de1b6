"""Pooling report scores and printing them: the tables ``summarizer eval`` shows.

Counts are pooled over reports (micro averages), so an empty section weighs nothing, and every
score is given twice: strict (the rules the targets use: evidence in the right place, half of an
item inside gold quotes, numbers inside their own span) and lenient (any overlap).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .evaluate import IndicatorScore, ReportScore, SectionScore

__all__ = ["aggregate", "format_table"]

_SECTIONS = ("achievements", "shortcomings", "tasks")
_PAIR_FIELDS = ("plan_pct", "same_period_pct", "change_pct", "of_total", "kind")


def _ratio(num: float, den: int) -> float | None:
    return num / den if den else None


def _pool_indicators(ind: list[IndicatorScore]) -> tuple[dict[str, Any], dict[str, Any]]:
    tp, n_pred, n_gold = (sum(getattr(x, k) for x in ind) for k in ("tp", "n_pred", "n_gold"))
    agree = {f: sum(x.field_agree[f] for x in ind) for f in _PAIR_FIELDS}
    counts = {
        "tp": tp,
        "n_pred": n_pred,
        "n_gold": n_gold,
        "precision": _ratio(tp, n_pred),
        "recall": _ratio(tp, n_gold),
        "f1": _ratio(2 * tp, n_pred + n_gold),
    }
    fields = {
        "pairs": tp,
        **{f: _ratio(n, tp) for f, n in agree.items()},
        "all_pct_agree": _ratio(sum(x.all_pct_agree_count for x in ind), tp),
        "accuracy": _ratio(sum(agree.values()), tp * len(_PAIR_FIELDS)),
    }
    return counts, fields


def _pool_sections(per_report: list[dict[str, SectionScore]]) -> dict[str, dict[str, Any]]:
    sections: dict[str, dict[str, Any]] = {}
    for sec in _SECTIONS:
        sc = [s[sec] for s in per_report]
        c = {k: sum(getattr(x, k) for x in sc) for k in ("right", "wrong", "neutral", "recalled")}
        c["n_gold"] = sum(x.n_gold for x in sc)
        c["precision"] = _ratio(c["right"], c["right"] + c["wrong"])
        c["recall"] = _ratio(c["recalled"], c["n_gold"])
        sections[sec] = c
    return sections


def aggregate(scores: list[ReportScore]) -> dict[str, Any]:
    """The overall scores, lenient at the top level and strict under ``"strict"``."""
    indicators, fields = _pool_indicators([s.indicators for s in scores])
    strict_indicators, strict_fields = _pool_indicators([s.strict_indicators for s in scores])
    names_right = sum(s.names.right for s in scores)
    names_total = sum(s.names.total for s in scores)
    return {
        "reports": len(scores),
        "indicators": indicators,
        "fields": fields,
        "ungrounded": sum(len(s.ungrounded) for s in scores),
        "numbers_checked": sum(s.numbers_checked for s in scores),
        "sections": _pool_sections([s.sections for s in scores]),
        "meta_accuracy": _ratio(sum(s.meta.accuracy for s in scores), len(scores)),
        "strict": {
            "indicators": strict_indicators,
            "fields": strict_fields,
            "outside_span": sum(len(s.outside_span) for s in scores),
            "sections": _pool_sections([s.strict_sections for s in scores]),
            "names": {
                "right": names_right,
                "total": names_total,
                "accuracy": _ratio(names_right, names_total),
            },
        },
    }


_SECTION_COLUMNS = tuple(f"{s[0].upper()} {m}" for s in _SECTIONS for m in ("P", "R"))
_STRICT_COLUMNS = ("ind P", "ind R", "ind F1", "fields", "names", "outside", *_SECTION_COLUMNS)
_STRICT_COLUMNS += ("meta", "sec", "calls", "retr", "tokens")
_LENIENT_COLUMNS = ("ind P", "ind R", "ind F1", "fields", "ungr", *_SECTION_COLUMNS)
_RUN_KEYS = ("seconds", "calls", "retries", "tokens")


def _fmt(v: Any, digits: int = 2) -> str:
    if v is None:
        return "–"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def _prf_cells(ind: dict[str, Any]) -> list[str]:
    return [_fmt(ind[k]) for k in ("precision", "recall", "f1")]


def _section_cells(sec: dict[str, Any]) -> list[str]:
    return [_fmt(sec[s][k]) for s in _SECTIONS for k in ("precision", "recall")]


def _strict_cells(name: str, agg: dict[str, Any], run: dict[str, Any]) -> list[str]:
    strict = agg["strict"]
    return [
        name,
        *_prf_cells(strict["indicators"]),
        _fmt(strict["fields"]["accuracy"]),
        _fmt(strict["names"]["accuracy"]),
        str(strict["outside_span"]),
        *_section_cells(strict["sections"]),
        _fmt(agg["meta_accuracy"]),
        *(_fmt(run.get(k), 1) for k in _RUN_KEYS),
    ]


def _lenient_cells(name: str, agg: dict[str, Any], run: dict[str, Any]) -> list[str]:
    return [
        name,
        *_prf_cells(agg["indicators"]),
        _fmt(agg["fields"]["accuracy"]),
        str(agg["ungrounded"]),
        *_section_cells(agg["sections"]),
    ]


def _table(header: list[str], body: list[list[str]], overall: list[str]) -> str:
    lines = [header, *body, overall]
    widths = [max(len(line[c]) for line in lines) for c in range(len(header))]

    def render(line: list[str]) -> str:
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(w) for cell, w in zip(line[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    rule = "-" * len(render(header))
    return "\n".join([render(header), rule, *map(render, body), rule, render(overall)])


def format_table(
    rows: list[tuple[str, ReportScore, dict[str, Any]]], overall: dict[str, Any]
) -> str:
    """Two fixed-width tables, strict (the targets' rules) then lenient: a line per report,
    then the ``overall`` line.

    The third tuple element carries run cost (``seconds``, ``calls``, ``retries``, ``tokens``;
    any may be missing). The overall line sums whichever of them the rows give.
    """
    totals = {
        k: sum(r[k] for _, _, r in rows if r.get(k) is not None)
        for k in _RUN_KEYS
        if any(r.get(k) is not None for _, _, r in rows)
    }
    per_report = [(name, aggregate([s]), run) for name, s, run in rows]
    strict = _table(
        ["strict", *_STRICT_COLUMNS],
        [_strict_cells(n, a, r) for n, a, r in per_report],
        _strict_cells("OVERALL", overall, totals),
    )
    lenient = _table(
        ["lenient", *_LENIENT_COLUMNS],
        [_lenient_cells(n, a, {}) for n, a, _ in per_report],
        _lenient_cells("OVERALL", overall, {}),
    )
    return f"{strict}\n\n{lenient}"
