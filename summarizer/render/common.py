"""What every renderer shares: Vietnamese labels, number formatting, view rows, templates.

Which rows and bullets a briefing shows is decided once, for every format, in :mod:`.layout`
(in the order :mod:`.rank` gives; bullets shortened by :mod:`.clause`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import jinja2

from ..errors import ConfigError
from ..schema import Indicator, Meta

__all__ = [
    "BAR_SCALE",
    "COLUMNS",
    "EMPTY_SECTION",
    "INDICATORS_TITLE",
    "SECTION_TITLES",
    "TARGETS_TITLE",
    "TARGET_COLUMNS",
    "TITLE",
    "Briefing",
    "IndicatorRow",
    "PlanCell",
    "SectionView",
    "environment",
    "figure_text",
    "format_date",
    "format_number",
    "format_pct",
    "heading_line",
    "indicator_row",
    "period_text",
    "plan_cells",
    "render_template",
    "same_period_text",
    "templates_dir",
]

TITLE = "TÓM TẮT BÁO CÁO"
INDICATORS_TITLE = "Chỉ tiêu chủ yếu"
SECTION_TITLES = {
    "achievements": "Kết quả nổi bật",
    "shortcomings": "Hạn chế",
    "tasks": "Nhiệm vụ thời gian tới",
}
COLUMNS = ("Chỉ tiêu", "Giá trị", "% kế hoạch", "So cùng kỳ")
#: Targets are set apart under their own heading, never mixed with results.
TARGETS_TITLE = "Mục tiêu đề ra (chưa phải kết quả)"
TARGET_COLUMNS = ("Mục tiêu", "Giá trị", "% kế hoạch", "So cùng kỳ")
#: A plan bar's track spans 0 to this % of plan, so 100% sits at two thirds of it.
BAR_SCALE = 150.0
EMPTY_SECTION = "Báo cáo không nêu."
MINUS = "\u2212"


def format_number(value: float) -> str:
    """Vietnamese style: "." groups thousands, "," marks decimals; no trailing zeros."""
    if not math.isfinite(value):
        return str(value)
    text = f"{abs(value):,.6f}".rstrip("0").rstrip(".")
    out = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return "-" + out if value < 0 and out != "0" else out


def format_pct(value: float, signed: bool = False) -> str:
    """``100.2`` -> "100,2%"; signed: ``12.6`` -> "+12,6%", ``-0.72`` -> "−0,72%"."""
    body = format_number(abs(value)) + "%"
    if body == "0%":
        return body
    if value < 0:
        return MINUS + body
    return "+" + body if signed else body


def format_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def period_text(meta: Meta) -> str:
    """The reviewed period as written, with the year it reviews when the report wrote none
    ("6 tháng" of 2023: "6 tháng năm 2023"); "" when the report names no period."""
    period = (meta.period or "").strip()
    if period and meta.year and str(meta.year) not in period:
        return f"{period} {meta.year}" if period.endswith("năm") else f"{period} năm {meta.year}"
    return period


def heading_line(meta: Meta) -> str:
    """E.g. "Huyện Hậu Lộc — 6 tháng đầu năm 2023 — Hội nghị BCH Đảng bộ huyện lần thứ 17,
    khóa XXVII"; parts the report does not give are left out."""
    parts: list[str] = []
    if meta.unit_name:
        unit = meta.unit_name.strip()
        kind = meta.unit_kind if meta.unit_kind not in (None, "other") else ""
        if kind and not unit.lower().startswith(kind):
            unit = f"{kind} {unit}"
        if meta.province and meta.province.strip() not in unit:
            unit = f"{unit} ({meta.province.strip()})"
        parts.append(_capitalize(unit))
    if meta.period:
        parts.append(period_text(meta))
    if meta.body or meta.meeting_no is not None or meta.term:
        meeting = "Hội nghị"
        if meta.body:
            body = meta.body.strip().replace("Ban Chấp hành", "BCH").replace("Ban chấp hành", "BCH")
            meeting += f" {body}"
        if meta.meeting_no is not None:
            meeting += f" lần thứ {meta.meeting_no}"
        if meta.term:
            meeting += f", khóa {meta.term.strip()}"
        parts.append(meeting)
    return " — ".join(parts)


def figure_text(ind: Indicator, *, with_unit: bool = True) -> str:
    """The value as the report bounds it: "trên 90%", "5–7%", "21/21 xã", "768,8 tỷ đồng"."""
    if ind.value is None:
        return "—"
    unit = (ind.unit or "").strip() if with_unit else ""
    text = format_number(ind.value)
    if ind.value_high is not None and ind.value_high != ind.value:
        text += f"–{format_number(ind.value_high)}"
    if ind.of_total is not None:
        text += f"/{format_number(ind.of_total)}"
    if unit:
        text += unit if unit == "%" else f" {unit}"
    if ind.qualifier and ind.qualifier.strip():
        text = f"{ind.qualifier.strip()} {text}"
    return text


def same_period_text(ind: Indicator, suffix: str = "") -> str:
    """Which measure the same-period figure is: a ratio ("bằng 75%") or a change ("tăng 12,6%",
    "giảm 0,72%"); never a bare "75%" beside "+12,6%". ``suffix`` (" so cùng kỳ") is added
    where no column heading says it."""
    parts = []
    if ind.same_period_pct is not None:
        parts.append(f"bằng {format_pct(ind.same_period_pct)}{suffix}")
    if ind.change_pct is not None:
        if ind.change_pct > 0:
            parts.append(f"tăng {format_pct(ind.change_pct)}{suffix}")
        elif ind.change_pct < 0:
            parts.append(f"giảm {format_pct(-ind.change_pct)}{suffix}")
        else:
            parts.append(f"không đổi{suffix}")
    return "; ".join(parts)


@dataclass(frozen=True)
class PlanCell:
    """One "đạt X% <basis>" of a figure, with what its bar draws."""

    pct: float
    text: str
    #: "đạt từ 70% kế hoạch trở lên": a bar every figure reached, not how far one got; no bar
    threshold: bool = False

    @property
    def below(self) -> bool:
        """Short of the plan: drawn hollow, apart from the solid bars of plans met."""
        return self.pct < 100

    @property
    def bar_width(self) -> float:
        """Width of the bar in % of its track; the track spans 0 to ``BAR_SCALE`` % of plan."""
        return round(max(0.0, min(self.pct, BAR_SCALE)) / BAR_SCALE * 100, 1)


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    value: str
    plans: tuple[PlanCell, ...]
    same_period: str
    is_target: bool

    @property
    def plan(self) -> str:
        return "; ".join(p.text for p in self.plans)

    @property
    def cells(self) -> tuple[str, str, str, str]:
        return (self.name, self.value, self.plan, self.same_period)


#: A basis that makes its percentage a floor: "kế hoạch trở lên" (or more), "trở xuống".
_THRESHOLD = re.compile(r"\btrở\s+(?:lên|xuống)\s*$", re.IGNORECASE)


def plan_cells(ind: Indicator) -> tuple[PlanCell, ...]:
    """Every "đạt X% <basis>" of the figure, as written: "82,7% dự toán tỉnh giao"; a threshold
    as one ("từ 70% kế hoạch trở lên")."""
    cells = []
    for p in ind.plan_pct:
        text = f"{format_pct(p.pct)} {p.basis.strip()}".strip()
        threshold = bool(_THRESHOLD.search(p.basis))
        cells.append(PlanCell(p.pct, f"từ {text}" if threshold else text, threshold))
    return tuple(cells)


def indicator_row(ind: Indicator, words: int | None = None) -> IndicatorRow:
    """The row of one figure. The name is shown whole (a long one wraps in its cell); ``words``
    caps it for callers that want a hard limit (cut at a word boundary, marked "…")."""
    name = " ".join(ind.name.split())
    if words is not None and len(name.split()) > words:
        name = " ".join(name.split()[:words]) + "…"
    return IndicatorRow(
        name=_capitalize(name),
        value=figure_text(ind),
        plans=plan_cells(ind),
        same_period=same_period_text(ind),
        is_target=ind.kind == "target",
    )


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    items: list[str]
    hidden: int
    total: int

    @property
    def shown(self) -> int:
        return self.total - self.hidden


@dataclass(frozen=True)
class Briefing:
    title: str
    heading: str
    meeting_date: str
    indicators_title: str
    columns: tuple[str, ...]
    rows: list[IndicatorRow]
    targets: list[IndicatorRow]
    rows_hidden: int
    sections: list[SectionView]
    source: str
    model: str
    generated: str
    empty_section: str = EMPTY_SECTION
    targets_title: str = TARGETS_TITLE
    target_columns: tuple[str, ...] = TARGET_COLUMNS

    @property
    def footer(self) -> str:
        return f"Nguồn: {self.source} · Mô hình: {self.model} · Lập ngày {self.generated}"


def templates_dir() -> Path:
    """``summarizer/_templates`` in an installed wheel, else the repo's top ``templates/``."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_templates", package.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise ConfigError("the bundled render templates are missing from this installation")


@lru_cache(maxsize=4)
def _environment(folder: str, autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def environment(autoescape: bool) -> jinja2.Environment:
    return _environment(str(templates_dir()), autoescape)


def render_template(name: str, *, autoescape: bool, **variables: object) -> str:
    try:
        return environment(autoescape).get_template(name).render(**variables)
    except jinja2.TemplateError as exc:
        raise ConfigError(f"render template {name}: {exc}") from exc
