"""Decide what a briefing shows so that it fits one A4 page, the same for every format.

The HTML briefing (``templates/briefing.html.j2``) prints on A4 with 12 mm margins: 273 mm of
height. :class:`Caps` holds the limits and a height model in millimetres that mirrors that
template's CSS (font sizes, line heights, paddings); text widths are counted in characters of
the Times-metric fonts it names. The estimate errs on the tall side, and the one-page test
(``tests/test_render.py``) prints real reports with Chromium to keep it honest.

Rules: indicator rows, results before targets, the most informative first (a comparison with
plan or the same period beats a bare count), shown in report order; at most ``words`` words
per bullet; section items taken round-robin (each section keeps its first items) while height
remains. Whatever is left out is counted ("+N mục khác"), never silently dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date

from ..schema import Indicator, ReportSummary, SectionItem
from .common import (
    COLUMNS,
    EMPTY_SECTION,
    INDICATORS_TITLE,
    OTHER_SECTOR,
    SECTION_TITLES,
    TITLE,
    Briefing,
    IndicatorRow,
    ItemGroup,
    SectionView,
    format_date,
    heading_line,
    indicator_row,
    shorten,
)

__all__ = ["Caps", "build_briefing"]


@dataclass(frozen=True)
class Caps:
    """Limits and the height model (mm) of one printed A4 briefing."""

    indicators: int = 12
    targets_reserved: int = 2
    items: dict[str, int] = field(
        default_factory=lambda: {"achievements": 10, "shortcomings": 6, "tasks": 10}
    )
    words: int = 30
    table_share: float = 0.45  # at most this part of the free height goes to the table
    page_mm: float = 273.0  # 297 mm minus two 12 mm margins
    safety_mm: float = 6.0
    # Characters per line: bullets, heading, and the four table columns (9 pt).
    bullet_chars: int = 120
    heading_chars: int = 70
    footer_chars: int = 170
    column_chars: tuple[int, ...] = (50, 20, 31, 13)
    # Heights (mm) derived from the template's CSS.
    line_mm: float = 4.2  # 9.5 pt x 1.25
    item_gap_mm: float = 0.35
    group_mm: float = 5.2
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
    lines = max(_n_lines(c, w) for c, w in zip(row.cells, caps.column_chars, strict=True))
    return caps.table_row_mm + lines * caps.table_line_mm


def _bullet_mm(text: str, caps: Caps) -> float:
    return _n_lines(text, caps.bullet_chars) * caps.line_mm + caps.item_gap_mm


def _weight(ind: Indicator) -> int:
    """How much a row tells: comparisons (plan, same period, change) before bare counts."""
    compared = bool(ind.plan_pct) or ind.same_period_pct is not None or ind.change_pct is not None
    return 2 * compared + (ind.value is not None)


def _pick_indicators(
    summary: ReportSummary, caps: Caps, budget_mm: float
) -> tuple[list[IndicatorRow], float]:
    """The rows shown (report order, results then targets) and the height they take."""
    results = [i for i in summary.indicators if i.kind == "result"]
    targets = [i for i in summary.indicators if i.kind == "target"]
    if not results and not targets:
        return [], caps.note_mm
    n_targets = min(len(targets), caps.targets_reserved)
    n_results = min(len(results), caps.indicators - n_targets)
    n_targets = min(len(targets), caps.indicators - n_results)

    def ranked(pool: list[Indicator], n: int) -> list[int]:
        return sorted(range(len(pool)), key=lambda k: (-_weight(pool[k]), k))[:n]

    keep_r, keep_t = ranked(results, n_results), ranked(targets, n_targets)
    while True:
        rows = [indicator_row(results[k]) for k in sorted(keep_r)]
        rows += [indicator_row(targets[k]) for k in sorted(keep_t)]
        hidden = len(summary.indicators) - len(rows)
        height = caps.table_row_mm + caps.table_line_mm  # header row
        height += sum(_row_mm(r, caps) for r in rows) + (caps.note_mm if hidden else 0)
        if height <= budget_mm or len(rows) <= 1:
            return rows, height
        # Too tall: drop the least informative row, results before the reserved targets.
        (keep_r if len(keep_r) > 1 or not keep_t else keep_t).pop()


def _told_by_the_table(item: SectionItem, summary: ReportSummary) -> bool:
    """An achievement that is mostly figures already in the indicator table ("Tổng diện tích
    gieo trồng 8.360 ha, đạt 97,2% KH"): a bullet would only repeat the table."""
    spans = [(e.start, e.end) for ind in summary.indicators for e in ind.evidence]
    for ev in item.evidence:
        covered = sum(max(0, min(b, ev.end) - max(a, ev.start)) for a, b in spans)
        if covered < 0.6 * (ev.end - ev.start):
            return False
    return True


def _pick_items(summary: ReportSummary, caps: Caps, budget_mm: float) -> list[SectionView]:
    """Round-robin over the sections so each keeps its first items when space runs out."""
    pools: dict[str, list[SectionItem]] = {k: getattr(summary, k) for k in SECTION_TITLES}
    pools["achievements"] = [i for i in pools["achievements"] if not _told_by_the_table(i, summary)]
    grouped = {k: any(i.sector for i in pool) for k, pool in pools.items()}
    chosen: dict[str, list[int]] = {k: [] for k in pools}
    seen: dict[str, set[str]] = {k: set() for k in pools}
    budget_mm -= len(pools) * caps.note_mm  # room for each "+N mục khác" / empty note
    progress = True
    while progress:
        progress = False
        for key, pool in pools.items():
            idx = len(chosen[key])
            if idx >= min(len(pool), caps.items.get(key, len(pool))):
                continue
            item = pool[idx]
            cost = _bullet_mm(shorten(item.text, caps.words), caps)
            sector = (item.sector or OTHER_SECTOR) if grouped[key] else ""
            if grouped[key] and sector not in seen[key]:
                cost += caps.group_mm
            if cost > budget_mm:
                continue
            budget_mm -= cost
            chosen[key].append(idx)
            seen[key].add(sector)
            progress = True
    views = []
    for key, pool in pools.items():
        kept = [pool[i] for i in chosen[key]]
        groups: dict[str | None, list[str]] = {}
        for item in kept:
            label = (item.sector or OTHER_SECTOR) if grouped[key] else None
            groups.setdefault(label, []).append(shorten(item.text, caps.words))
        if OTHER_SECTOR in groups and len(groups) > 1:  # unlabelled items go last
            groups[OTHER_SECTOR] = groups.pop(OTHER_SECTOR)
        views.append(
            SectionView(
                key=key,
                title=SECTION_TITLES[key],
                groups=[ItemGroup(sector=s, items=v) for s, v in groups.items()],
                hidden=len(pool) - len(kept),
                total=len(pool),
            )
        )
    return views


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
    rows, table_mm = _pick_indicators(summary, caps, free * caps.table_share)
    return replace(
        briefing,
        rows=rows,
        rows_hidden=len(summary.indicators) - len(rows),
        sections=_pick_items(summary, caps, free - table_mm),
    )
