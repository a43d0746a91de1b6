"""What a one-page briefing shows first: the one ranking rule for figures and section items.

A leader reads the top of each list and stops. So every list of the briefing is ordered by how
much an item tells a leader, ties kept in report order, and the page is filled from the top:

- **Figures** (the indicator table): results before targets, always; among each, a figure
  measured against the plan ("đạt 82,7% dự toán") first, then one compared with the same period,
  then a bare count. A target never takes a row a result could have.
- **Achievements**: one that states a plan percentage the table does not show first, then one
  that states any other figure the table does not show, then the rest (a figure already in the
  table tells the reader nothing new).
- **Shortcomings**: the ones the report stresses first: a shortfall in figures ("chỉ đạt 12%
  kế hoạch", "đạt thấp"), then one with intensifying words ("nghiêm trọng", "kéo dài", "nhất
  là"), then the rest.
- **Tasks**: the chair's conclusions first (tasks said after the "Phát biểu kết luận / chỉ đạo
  hội nghị" passage of the report), then tasks with a figure to reach, then the rest.
- **Lead-ins** ("…, như sau:", "…hạn chế, như", "Phát biểu kết luận hội nghị, đồng chí … đề
  nghị") announce items rather than state one; they are never shown.

The cue words are facts of the genre (how these reports announce a list or the chair's closing
words); they sit here, beside the only rule that uses them, because they decide what a page
shows, not what the summary holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..genre.labels import is_lead_in as lead_in
from ..schema import Indicator, ReportSummary, SectionItem

__all__ = [
    "conclusion_start",
    "indicator_weight",
    "is_lead_in",
    "rank_indicators",
    "rank_items",
]

_WS = r"[ \t]+"
#: Where the chair (or a visiting leader) starts speaking: "Phát biểu kết luận hội nghị",
#: "… phát biểu chỉ đạo tại hội nghị", "Kết luận hội nghị, …". Not "Kết luận số 01-KL/TW".
_CUE = re.compile(
    rf"\b(?:phát{_WS}biểu{_WS}(?:kết{_WS}luận|chỉ{_WS}đạo|bế{_WS}mạc)"
    rf"|kết{_WS}luận{_WS}(?:tại{_WS})?hội{_WS}nghị"
    rf"|chỉ{_WS}đạo{_WS}(?:tại{_WS})?hội{_WS}nghị)",
    re.IGNORECASE,
)
#: Words of a request: the passage after a cue holds the chair's directions.
_REQUEST = re.compile(r"\b(?:đề nghị|yêu cầu|cần|phải|nhấn mạnh|lưu ý)\b", re.IGNORECASE)
#: A caption under a photo ("Đồng chí … phát biểu chỉ đạo tại hội nghị.") is a short paragraph.
_CAPTION_WORDS = 25
_PLAN_PCT = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*%\s*(?:so với\s+)?(?:kế hoạch|KH|dự toán|chỉ tiêu|mục tiêu)",
    re.IGNORECASE,
)
_SHORTFALL = re.compile(
    r"\b(?:chỉ đạt|mới đạt|chỉ có|đạt thấp|còn thấp|thấp so với|không đạt|chưa đạt)\b",
    re.IGNORECASE,
)
_STRESS = re.compile(
    r"\b(?:nghiêm trọng|rất|kéo dài|phức tạp|bức xúc|nổi cộm|yếu kém|nhiều khó khăn"
    r"|nhất là|đặc biệt là|tiềm ẩn)\b",
    re.IGNORECASE,
)


def indicator_weight(ind: Indicator) -> int:
    """Against the plan 4, against the same period 2, a value 1 (summed)."""
    compared = ind.same_period_pct is not None or ind.change_pct is not None
    return 4 * bool(ind.plan_pct) + 2 * compared + (ind.value is not None)


def rank_indicators(indicators: Sequence[Indicator]) -> list[Indicator]:
    """Results, then targets; each by weight, ties in report order."""
    order = {id(ind): k for k, ind in enumerate(indicators)}
    return sorted(
        indicators,
        key=lambda i: (i.kind != "result", -indicator_weight(i), order[id(i)]),
    )


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer(r"\n\s*\n|\n", text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def conclusion_start(text: str | None) -> int | None:
    """Offset where the chair's closing directions begin, or None when the report has none.

    A cue opens them when its paragraph holds a request after the cue, or, for a photo caption
    (a short paragraph), when the next paragraph that is not another caption holds one.
    """
    if not text:
        return None
    paras = _paragraphs(text)
    for match in _CUE.finditer(text):
        k = next(i for i, (a, b) in enumerate(paras) if a <= match.start() < b)
        start, end = paras[k]
        if _REQUEST.search(text, match.end(), end):
            return start
        if len(text[start:end].split()) > _CAPTION_WORDS:
            continue
        for a, b in paras[k + 1 :]:
            body = text[a:b]
            if len(body.split()) <= _CAPTION_WORDS and _CUE.search(body):
                continue  # another caption
            if _REQUEST.search(body):
                return start
            break
    return None


def is_lead_in(item: SectionItem, text: str | None) -> bool:
    """Whether the item only announces what follows ("…, như:", "…đồng chí X đề nghị"), by
    the genre's rule (``genre.labels.is_lead_in``); with the report text, a colon right after
    the item counts too."""
    before_colon = bool(text) and any(
        text[ev.end : ev.end + 3].lstrip(" \t").startswith(":")  # type: ignore[index]
        for ev in item.evidence
    )
    return lead_in(item.text, before_colon)


@dataclass(frozen=True)
class _Context:
    """What the weights of one summary's items look at, computed once."""

    plan_spans: list[tuple[int, int]]  # figures with a plan % that the table does not show
    figure_spans: list[tuple[int, int]]  # any figure the table does not show
    all_figures: list[tuple[int, int]]
    target_spans: list[tuple[int, int]]
    conclusion: int | None


def _context(summary: ReportSummary, shown: Sequence[Indicator]) -> _Context:
    def spans(pool: list[Indicator]) -> list[tuple[int, int]]:
        return [(e.start, e.end) for ind in pool for e in ind.evidence]

    untold = [i for i in summary.indicators if not any(i is s for s in shown)]
    return _Context(
        plan_spans=spans([i for i in untold if i.plan_pct]),
        figure_spans=spans(untold),
        all_figures=spans(summary.indicators),
        target_spans=spans([i for i in summary.indicators if i.kind == "target"]),
        conclusion=conclusion_start(summary.text),
    )


def _overlaps(item: SectionItem, spans: list[tuple[int, int]]) -> bool:
    return any(a < e.end and e.start < b for e in item.evidence for a, b in spans)


def _below_plan(text: str) -> bool:
    return any(float(m.group(1).replace(",", ".")) < 100 for m in _PLAN_PCT.finditer(text))


def _weight(section: str, item: SectionItem, ctx: _Context) -> int:
    """How much one item tells a leader (higher first); see the module docstring."""
    text = item.text
    if section == "achievements":
        if not _overlaps(item, ctx.all_figures):  # no figure found there: read the words
            return 2 * bool(_PLAN_PCT.search(text))
        if _overlaps(item, ctx.plan_spans):
            return 2
        return int(_overlaps(item, ctx.figure_spans))
    if section == "shortcomings":
        return 2 * bool(_SHORTFALL.search(text) or _below_plan(text)) + bool(_STRESS.search(text))
    if section == "tasks":
        chair = ctx.conclusion is not None and item.evidence[0].start >= ctx.conclusion
        return 2 * chair + _overlaps(item, ctx.target_spans)
    return 0


def rank_items(
    section: str, summary: ReportSummary, shown: Sequence[Indicator] = ()
) -> list[SectionItem]:
    """The section's items without lead-ins, most telling first, ties in report order;
    ``shown`` are the figures the page's table already shows."""
    ctx = _context(summary, shown)
    items = [
        i
        for i in getattr(summary, section)
        # "…đạt 45,8% KH, trong đó:" states a figure before its breakdown: not only a lead-in
        if not is_lead_in(i, summary.text) or _overlaps(i, ctx.all_figures)
    ]
    weights = [_weight(section, i, ctx) for i in items]
    order = sorted(range(len(items)), key=lambda k: (-weights[k], k))
    return [items[k] for k in order]
