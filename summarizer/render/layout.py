"""Decide what a briefing shows so that it fits one A4 page, the same for every format.

The HTML briefing (``templates/briefing.html.j2``) prints on A4 with 12 mm margins: 273 mm of
height. :class:`Caps` holds the limits and a height model in millimetres that mirrors that
template's CSS (font sizes, line heights, paddings); text widths are counted in characters of
the Times-metric fonts it names. The estimate errs on the tall side, and the one-page test
(``tests/test_render.py``) prints real reports with Chromium to keep it honest.

Rules: rows and bullets are taken from the top of the one ranking (:mod:`.rank`: results
before targets, figures against the plan first, stressed shortcomings, the chair's
conclusions) and shown in that order; a bullet is a whole clause or one shortened at a clause
boundary (:mod:`.clause`); section items are taken round-robin (each section keeps its best
items) while height remains. Sector sub-headings are not shown: each cost a line (about one
bullet) and broke the most-important-first order. Whatever is left out is counted ("+N mục
khác"), never silently dropped; lead-ins are not items and are not counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date

from ..schema import Indicator, ReportSummary, SectionItem
from .clause import shorten
from .common import (
    COLUMNS,
    EMPTY_SECTION,
    INDICATORS_TITLE,
    SECTION_TITLES,
    TITLE,
    Briefing,
    IndicatorRow,
    SectionView,
    format_date,
    heading_line,
    indicator_row,
)
from .rank import rank_indicators, rank_items

__all__ = ["Caps", "build_briefing"]


@dataclass(frozen=True)
class Caps:
    """Limits and the height model (mm) of one printed A4 briefing."""

    indicators: int = 12
    items: dict[str, int] = field(
        default_factory=lambda: {"achievements": 10, "shortcomings": 6, "tasks": 10}
    )
    words: int = 36  # a longer clause is shortened at a clause boundary (see .clause)
    table_share: float = 0.45  # at most this part of the free height goes to the table
    page_mm: float = 273.0  # 297 mm minus two 12 mm margins
    safety_mm: float = 6.0
    # Characters per line: bullets, heading, and the four table columns (9 pt).
    bullet_chars: int = 120
    heading_chars: int = 70
    footer_chars: int = 170
    column_chars: tuple[int, ...] = (44, 18, 38, 15)
    bar_chars: int = 9  # a plan bar and its gap, in characters of the plan column
    # Heights (mm) derived from the template's CSS.
    line_mm: float = 4.2  # 9.5 pt x 1.25
    item_gap_mm: float = 0.35
    note_mm: float = 4.2
    h2_mm: float = 8.4
    header_fixed_mm: float = 12.0  # kicker, date line, rule, paddings
    heading_line_mm: float = 5.4  # 12.5 pt x 1.2
    table_line_mm: float = 3.8  # 9 pt x 1.18
    table_row_mm: float = 1.3  # cell padding and border
    footer_fixed_mm: float = 4.0
    footer_line_mm: float = 3.4


def _n_lines(text: str, width: int) -> int:
    return max(1, math.ceil(len(text) / width))


def _row_mm(row: IndicatorRow, caps: Caps) -> float:
    name_w, value_w, plan_w, same_w = caps.column_chars
    plan = sum(_n_lines(p.text, plan_w - caps.bar_chars) for p in row.plans)
    lines = max(
        _n_lines(row.name, name_w),
        _n_lines(row.value, value_w),
        plan,
        _n_lines(row.same_period, same_w),
    )
    return caps.table_row_mm + lines * caps.table_line_mm


def _bullet_mm(text: str, caps: Caps) -> float:
    return _n_lines(text, caps.bullet_chars) * caps.line_mm + caps.item_gap_mm


def _table_mm(rows: list[IndicatorRow], hidden: int, caps: Caps) -> float:
    """Header row, rows, the targets' sub-heading row when there are targets, the "+N" note."""
    header = caps.table_row_mm + caps.table_line_mm
    targets = any(r.is_target for r in rows)
    return (
        header * (1 + targets)
        + sum(_row_mm(r, caps) for r in rows)
        + (caps.note_mm if hidden else 0)
    )


def _pick_indicators(
    summary: ReportSummary, caps: Caps, budget_mm: float
) -> tuple[list[Indicator], float]:
    """The figures shown, in rank order (results first, see .rank), and the table's height.

    Rows are taken from the top of the ranking, so a target only gets a row left over by the
    results; when the table is too tall the last row goes first (a target before any result).
    """
    ranked = rank_indicators(summary.indicators)
    if not ranked:
        return [], caps.note_mm
    shown = ranked[: caps.indicators]
    while True:
        rows = [indicator_row(i) for i in shown]
        height = _table_mm(rows, len(ranked) - len(shown), caps)
        if height <= budget_mm or len(shown) <= 1:
            return shown, height
        shown = shown[:-1]


def _told_by_the_table(item: SectionItem, shown: list[Indicator]) -> bool:
    """An achievement that is mostly figures the table shows ("Tổng diện tích gieo trồng
    8.360 ha, đạt 97,2% KH"): a bullet would only repeat the table. A figure left out of the
    table keeps its bullet."""
    spans = [(e.start, e.end) for ind in shown for e in ind.evidence]
    for ev in item.evidence:
        covered = sum(max(0, min(b, ev.end) - max(a, ev.start)) for a, b in spans)
        if covered < 0.6 * (ev.end - ev.start):
            return False
    return True


def _pick_items(
    summary: ReportSummary, shown: list[Indicator], caps: Caps, budget_mm: float
) -> list[SectionView]:
    """Round-robin over the sections, each taking its next most telling item, until one does
    not fit: no section is crowded out by another's short items, each keeps its best ones."""
    pools = {key: rank_items(key, summary, shown) for key in SECTION_TITLES}
    pools["achievements"] = [i for i in pools["achievements"] if not _told_by_the_table(i, shown)]
    bullets = {
        key: [shorten(i.text, caps.words, statement=key != "tasks") for i in pool]
        for key, pool in pools.items()
    }
    budget_mm -= len(pools) * caps.note_mm  # room for each "+N mục khác" / empty note
    turns = [
        (key, idx)
        for idx in range(max(caps.items.values()))
        for key, texts in bullets.items()
        if idx < min(len(texts), caps.items.get(key, len(texts)))
    ]
    chosen: dict[str, list[str]] = {k: [] for k in pools}
    for key, idx in turns:
        cost = _bullet_mm(bullets[key][idx], caps)
        if cost > budget_mm:  # the page is full: no later, smaller item jumps the queue
            break
        budget_mm -= cost
        chosen[key].append(bullets[key][idx])
    return [
        SectionView(
            key=key,
            title=SECTION_TITLES[key],
            items=chosen[key],
            hidden=len(bullets[key]) - len(chosen[key]),
            total=len(bullets[key]),
        )
        for key in pools
    ]


def build_briefing(
    summary: ReportSummary, *, today: date | None = None, caps: Caps | None = None
) -> Briefing:
    """Everything a briefing shows, already formatted and cut to one page."""
    caps = caps or Caps()
    heading = heading_line(summary.meta)
    briefing = Briefing(
        title=TITLE,
        heading=heading,
        meeting_date=format_date(summary.meta.meeting_date),
        indicators_title=INDICATORS_TITLE,
        columns=COLUMNS,
        rows=[],
        targets=[],
        rows_hidden=0,
        sections=[],
        source=summary.doc or "không rõ",
        model=f"{summary.run.model} ({summary.run.backend})",
        generated=format_date(today or date.today()),
        empty_section=EMPTY_SECTION,
    )
    fixed = (
        caps.header_fixed_mm
        + _n_lines(heading, caps.heading_chars) * caps.heading_line_mm
        + (1 + len(SECTION_TITLES)) * caps.h2_mm
        + caps.footer_fixed_mm
        + _n_lines(briefing.footer, caps.footer_chars) * caps.footer_line_mm
        + caps.safety_mm
    )
    free = caps.page_mm - fixed
    shown, table_mm = _pick_indicators(summary, caps, free * caps.table_share)
    rows = [indicator_row(i) for i in shown]
    return replace(
        briefing,
        rows=[r for r in rows if not r.is_target],
        targets=[r for r in rows if r.is_target],
        rows_hidden=len(summary.indicators) - len(rows),
        sections=_pick_items(summary, shown, caps, free - table_mm),
    )
