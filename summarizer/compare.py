"""Tables over a batch of summaries: every indicator as CSV, and common indicators side by side.

``indicators.csv`` is UTF-8 with a BOM (so Excel shows Vietnamese) with one row per indicator.

The comparison sets side by side only what is comparable:

- **the same kind of period**: one table per ``meta.period_months`` (a 6-month column is never
  beside a 9-month one); a report whose period length is unknown, or the only one of its kind,
  is named with the reason and compared with nothing;
- **the same measure**: a row joins figures whose names are the same once case, diacritics,
  spacing, "tổng"/"ước" and the period words ("6 tháng đầu năm") are set aside, and whose units
  are the same. Scope and price basis stay in the name ("thu ngân sách nhà nước" is not "thu
  ngân sách trên địa bàn", "theo giá so sánh" is not "theo giá hiện hành"): no keyword families;
- **results apart from targets**: a target is never a result's cell; targets get rows of their
  own under their own heading;
- a row only when at least two reports of the table have the measure, and a name used twice
  in one report (it does not say which figure it is) is left out for that report.

Columns are headed by the unit's name and the period as the report writes them (the caller's
label when the unit is unknown); rows by the measure's name and unit.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from .render.bars import BAR_CSS, bar_html
from .render.common import PlanCell, figure_text, period_text, plan_cells, same_period_text
from .render.markdown import md_escape as _md
from .schema import Indicator, ReportSummary

__all__ = [
    "Comparison",
    "ComparisonCell",
    "ComparisonRow",
    "PeriodTable",
    "build_comparison",
    "comparison_html",
    "comparison_markdown",
    "indicators_csv",
    "measure_key",
]

CSV_HEADER = (
    "file",
    "unit",
    "period",
    "name",
    "value",
    "unit of measure",
    "% plan",
    "vs same period",
    "change",
    "kind",
)
#: Words that do not change what is measured ("tổng thu" is "thu", "ước đạt" is "đạt").
_FILLER = ("tong", "uoc tinh", "uoc dat", "uoc")
#: The period, which the column already says: "6 tháng đầu năm 2023", "9 tháng", "quý II".
_PERIOD = re.compile(
    r"\b(?:\d+ thang(?: (?:dau|cuoi))?(?: nam)?(?: \d{4})?|nam \d{4}|quy [ivx\d]+(?: nam \d{4})?)\b"
)
#: The period as written, removed from row labels (the column heading says it).
_PERIOD_WRITTEN = re.compile(
    r"\b\d+ tháng(?: (?:đầu|cuối))?(?: năm)?(?: \d{4})?\b|\bnăm \d{4}\b", re.IGNORECASE
)
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _plain(text: str) -> str:
    """Casefolded, without diacritics (đ -> d), punctuation as spaces, spaces collapsed."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w%]+", " ", text).split())


def measure_key(name: str, unit: str | None) -> tuple[str, str]:
    """What a figure measures, for grouping: its plain name without filler or period words,
    and its unit. Nothing else is merged: scope and price basis stay in the name."""
    text = f" {_PERIOD.sub(' ', _plain(name))} "
    for word in _FILLER:
        text = text.replace(f" {word} ", " ")
    return " ".join(text.split()), _plain(unit or "")


def _num(value: float | None) -> str:
    """The value exactly as parsed, in plain decimal notation: "1401.351", "12345678".

    Never rounded (``{:g}`` kept six digits: 1401.35) and never in exponent form (1.23457e+07,
    which a spreadsheet reads as a different number): the shortest text that reads back as the
    same float, written out in full.
    """
    if value is None:
        return ""
    if not math.isfinite(value):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _cell_text(text: str | None) -> str:
    """Text for a CSV cell that a spreadsheet will never run as a formula."""
    text = text or ""
    return "'" + text if text.startswith(_CSV_FORMULA) else text


def indicators_csv(rows: Sequence[tuple[str, ReportSummary]]) -> str:
    """``(label, summary)`` pairs -> CSV text (with BOM), one row per indicator. The label fills
    the ``file`` column: batch passes each report's output name (``x``, ``x-2``), which tells
    apart two reports with the same file name and matches their briefings' file names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for file, summary in rows:
        for ind in summary.indicators:
            plan = "; ".join(f"{_num(p.pct)} ({p.basis.strip()})" for p in ind.plan_pct)
            writer.writerow(
                [
                    _cell_text(file),
                    _cell_text(summary.meta.unit_name),
                    _cell_text(summary.meta.period),
                    _cell_text(ind.name),
                    _num(ind.value),
                    _cell_text(ind.unit),
                    plan,
                    _num(ind.same_period_pct),
                    _num(ind.change_pct),
                    ind.kind,
                ]
            )
    return "\ufeff" + out.getvalue()


@dataclass(frozen=True)
class ComparisonCell:
    """One report's figure for a row: the value (unit in the row's label), its plan
    percentages (drawn as bars in HTML) and its same-period comparison, labelled."""

    value: str
    plans: tuple[PlanCell, ...]
    same_period: str

    @property
    def text(self) -> str:
        notes = [p.text for p in self.plans] + ([self.same_period] if self.same_period else [])
        return f"{self.value} ({'; '.join(notes)})" if notes else self.value


@dataclass(frozen=True)
class ComparisonRow:
    label: str  # the measure as the first report names it, with its unit
    cells: list[ComparisonCell | None]  # one per column; None: the report does not give it


@dataclass(frozen=True)
class PeriodTable:
    """The reports of one kind of period (``months``) side by side."""

    months: int
    columns: list[str]
    results: list[ComparisonRow]
    targets: list[ComparisonRow]

    @property
    def title(self) -> str:
        return f"Kỳ {self.months} tháng ({len(self.columns)} báo cáo)"


@dataclass(frozen=True)
class Comparison:
    """One table per kind of period with two or more reports, and why the others are not
    compared."""

    tables: list[PeriodTable]
    notes: list[str]
    reports: int


def _column(label: str, summary: ReportSummary) -> str:
    unit = (summary.meta.unit_name or "").strip() or label
    return " · ".join(x for x in (unit, period_text(summary.meta)) if x)


def _columns(group: list[tuple[str, ReportSummary]]) -> list[str]:
    """Column headings; two reports with the same unit and period (the same report twice,
    or two drafts) are told apart by their labels."""
    heads = [_column(label, s) for label, s in group]
    return [
        f"{head} ({label})" if heads.count(head) > 1 else head
        for head, (label, _) in zip(heads, group, strict=True)
    ]


def _by_measure(summary: ReportSummary, kind: str) -> dict[tuple[str, str], Indicator]:
    """The report's figures of one kind by measure; a measure named twice is left out."""
    seen: dict[tuple[str, str], list[Indicator]] = {}
    for ind in summary.indicators:
        if ind.kind == kind:
            seen.setdefault(measure_key(ind.name, ind.unit), []).append(ind)
    return {k: v[0] for k, v in seen.items() if len(v) == 1 and k[0]}


def _label(ind: Indicator) -> str:
    name = " ".join(_PERIOD_WRITTEN.sub(" ", ind.name).split()).strip(" ,;:-")
    name = (name or ind.name.strip())[:1].upper() + (name or ind.name.strip())[1:]
    unit = (ind.unit or "").strip()
    return f"{name} ({unit})" if unit else name


def _rows(summaries: list[ReportSummary], kind: str) -> list[ComparisonRow]:
    per_report = [_by_measure(s, kind) for s in summaries]
    first: dict[tuple[str, str], Indicator] = {}
    for found in per_report:
        for key, ind in found.items():
            first.setdefault(key, ind)
    common = [k for k in first if sum(k in found for found in per_report) >= 2]
    common.sort(key=lambda k: -sum(k in found for found in per_report))  # stable: report order
    return [
        ComparisonRow(
            label=_label(first[key]),
            cells=[
                ComparisonCell(
                    value=figure_text(found[key], with_unit=False),
                    plans=plan_cells(found[key]),
                    same_period=same_period_text(found[key], " so cùng kỳ"),
                )
                if key in found
                else None
                for found in per_report
            ],
        )
        for key in common
    ]


def build_comparison(reports: Sequence[tuple[str, ReportSummary]]) -> Comparison:
    """``(label, summary)`` pairs -> one table per kind of period holding two or more reports;
    the label heads a report's column when its unit is unknown."""
    groups: dict[int, list[tuple[str, ReportSummary]]] = {}
    notes = []
    for label, summary in reports:
        months = summary.meta.period_months
        if months is None:
            notes.append(f"{_column(label, summary)}: không rõ độ dài kỳ báo cáo, không so sánh.")
        else:
            groups.setdefault(months, []).append((label, summary))
    tables = []
    for months in sorted(groups):
        group = groups[months]
        if len(group) < 2:
            notes.append(
                f"{_column(*group[0])}: báo cáo duy nhất của kỳ {months} tháng, "
                "không có báo cáo cùng kỳ để so sánh."
            )
            continue
        summaries = [s for _, s in group]
        tables.append(
            PeriodTable(
                months=months,
                columns=_columns(group),
                results=_rows(summaries, "result"),
                targets=_rows(summaries, "target"),
            )
        )
    return Comparison(tables=tables, notes=notes, reports=len(reports))


TITLE = "So sánh chỉ tiêu"
NO_REPORTS = "Không có báo cáo nào được tóm tắt."
NOT_COMPARABLE = "Chưa có hai báo cáo cùng loại kỳ (cùng số tháng) để so sánh."
NO_COMMON = "Không có chỉ tiêu nào cùng tên và đơn vị trong ít nhất hai báo cáo."
TARGETS = "Mục tiêu đề ra (chưa phải kết quả)"
RULE = (
    "Chỉ so sánh báo cáo cùng loại kỳ; một dòng là một chỉ tiêu cùng tên và đơn vị "
    "có trong ít nhất hai báo cáo."
)


def _md_table(head: str, columns: list[str], rows: list[ComparisonRow]) -> list[str]:
    lines = [f"| {_md(head)} | " + " | ".join(_md(c) for c in columns) + " |"]
    lines.append("|---" * (len(columns) + 1) + "|")
    for row in rows:
        cells = [_md(c.text) if c else "—" for c in row.cells]
        lines.append(f"| {_md(row.label)} | " + " | ".join(cells) + " |")
    return lines


def comparison_markdown(table: Comparison) -> str:
    lines = [f"# {TITLE}", ""]
    if not table.reports:
        return "\n".join([*lines, NO_REPORTS, ""])
    lines += [f"_{RULE}_", ""]
    if not table.tables:
        lines += [NOT_COMPARABLE, ""]
    for period in table.tables:
        lines += [f"## {_md(period.title)}", ""]
        if not period.results and not period.targets:
            lines += [NO_COMMON, ""]
        if period.results:
            lines += [*_md_table("Chỉ tiêu", period.columns, period.results), ""]
        if period.targets:
            lines += [f"_{TARGETS}:_", "", *_md_table("Mục tiêu", period.columns, period.targets)]
            lines.append("")
    if table.notes:
        lines += ["## Không so sánh", "", *(f"- {_md(n)}" for n in table.notes), ""]
    return "\n".join(lines)


_CSS = (
    "body{font-family:'Times New Roman','Liberation Serif',serif;margin:2em;color:#111}"
    "table{border-collapse:collapse;margin-bottom:1em}"
    "th,td{border:1px solid #bbb;padding:.3em .6em;vertical-align:top;text-align:left}"
    "thead th{background:#eee}tbody.targets td,tbody.targets th{font-style:italic}"
    "td .value{font-weight:bold}.same{display:block;color:#333}"
    "@page{size:A4 landscape;margin:12mm}"
)


def _html_cell(cell: ComparisonCell | None) -> str:
    if cell is None:
        return "<td>—</td>"
    plans = "".join(f'<span class="plan">{bar_html(p)}{escape(p.text)}</span>' for p in cell.plans)
    same = f'<span class="same">{escape(cell.same_period)}</span>' if cell.same_period else ""
    return f'<td><span class="value">{escape(cell.value)}</span>{plans}{same}</td>'


def _html_body(kind: str, rows: list[ComparisonRow], width: int) -> str:
    if not rows:
        return ""
    head = f'<tr><th colspan="{width}">{escape(TARGETS)}</th></tr>' if kind == "targets" else ""
    body = "".join(
        f"<tr><th>{escape(r.label)}</th>" + "".join(_html_cell(c) for c in r.cells) + "</tr>"
        for r in rows
    )
    return f'<tbody class="{kind}">{head}{body}</tbody>'


def comparison_html(table: Comparison) -> str:
    parts = [f"<h1>{TITLE}</h1>"]
    if not table.reports:
        parts.append(f"<p>{NO_REPORTS}</p>")
    else:
        parts.append(f"<p><em>{RULE}</em></p>")
    if table.reports and not table.tables:
        parts.append(f"<p>{NOT_COMPARABLE}</p>")
    for period in table.tables:
        parts.append(f"<h2>{escape(period.title)}</h2>")
        if not period.results and not period.targets:
            parts.append(f"<p>{NO_COMMON}</p>")
            continue
        head = "".join(f"<th>{escape(c)}</th>" for c in period.columns)
        width = len(period.columns) + 1
        parts.append(
            f"<table><thead><tr><th>Chỉ tiêu</th>{head}</tr></thead>"
            + _html_body("results", period.results, width)
            + _html_body("targets", period.targets, width)
            + "</table>"
        )
    if table.notes:
        items = "".join(f"<li>{escape(n)}</li>" for n in table.notes)
        parts.append(f"<h2>Không so sánh</h2><ul>{items}</ul>")
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{TITLE}</title><style>{_CSS}\n{BAR_CSS}</style></head>\n<body>"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )
