"""What every renderer shares: Vietnamese labels, number formatting, view rows, templates.

Which rows and bullets a briefing shows is decided once, for every format, in :mod:`.layout`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import jinja2

from ..errors import ConfigError
from ..schema import Indicator, Meta

__all__ = [
    "COLUMNS",
    "EMPTY_SECTION",
    "INDICATORS_TITLE",
    "OTHER_SECTOR",
    "SECTION_TITLES",
    "TITLE",
    "Briefing",
    "IndicatorRow",
    "ItemGroup",
    "SectionView",
    "environment",
    "format_date",
    "format_number",
    "format_pct",
    "heading_line",
    "indicator_row",
    "render_template",
    "shorten",
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
TARGET_MARK = "(mục tiêu)"
OTHER_SECTOR = "Khác"
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
        parts.append(meta.period.strip())
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


def shorten(text: str, words: int) -> str:
    """At most ``words`` words, ending in "…" when cut; capitalised, whitespace collapsed."""
    tokens = text.split()
    if len(tokens) > words:
        return _capitalize(" ".join(tokens[:words]).rstrip(",;:.-–—") + "…")
    return _capitalize(" ".join(tokens))


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    value: str
    plan: str
    same_period: str
    is_target: bool

    @property
    def cells(self) -> tuple[str, str, str, str]:
        name = f"{self.name} {TARGET_MARK}" if self.is_target else self.name
        return (name, self.value, self.plan, self.same_period)


def indicator_row(ind: Indicator, words: int = 14) -> IndicatorRow:
    unit = f" {ind.unit.strip()}" if ind.unit and ind.unit.strip() else ""
    if ind.value is None:
        value = "—"
    elif ind.of_total is not None:
        value = f"{format_number(ind.value)}/{format_number(ind.of_total)}{unit}"
    else:
        value = f"{format_number(ind.value)}{unit}"
    plan = "; ".join(f"{format_pct(p.pct)} {p.basis.strip()}".strip() for p in ind.plan_pct)
    same = []
    if ind.same_period_pct is not None:
        same.append(format_pct(ind.same_period_pct))
    if ind.change_pct is not None:
        same.append(format_pct(ind.change_pct, signed=True))
    return IndicatorRow(
        name=shorten(ind.name, words),
        value=value,
        plan=plan,
        same_period="; ".join(same),
        is_target=ind.kind == "target",
    )


@dataclass(frozen=True)
class ItemGroup:
    sector: str | None
    items: list[str]


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    groups: list[ItemGroup]
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
    rows_hidden: int
    sections: list[SectionView]
    source: str
    model: str
    generated: str
    empty_section: str = EMPTY_SECTION

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
