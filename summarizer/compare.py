"""Tables over a batch of summaries: every indicator as CSV, and common indicators side by side.

``indicators.csv`` is UTF-8 with a BOM (so Excel shows Vietnamese) with one row per indicator.
The comparison groups indicators of different reports that mean the same thing: by a
normalised name (case, diacritics and words like "tổng"/"ước" ignored) and, for well-known
families (budget revenue, production value, ...), by keywords.
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

from .render.common import indicator_row
from .schema import Indicator, ReportSummary

__all__ = [
    "FAMILIES",
    "Comparison",
    "build_comparison",
    "comparison_html",
    "comparison_markdown",
    "family_key",
    "indicators_csv",
    "name_key",
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
#: Words that do not change what an indicator measures ("tổng thu" is "thu").
_FILLER = {"tong", "uoc", "uoc tinh", "so", "cua huyen", "tren dia ban"}
#: family key -> (label, every keyword that must occur in the normalised name)
FAMILIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "budget_revenue": ("Thu ngân sách", ("thu ngan sach",)),
    "production_value": ("Giá trị sản xuất", ("gia tri san xuat",)),
    "food_output": ("Sản lượng lương thực", ("san luong luong thuc",)),
    "party_admissions": ("Kết nạp đảng viên", ("ket nap", "dang vien")),
    "sown_area": ("Diện tích gieo trồng", ("dien tich gieo trong",)),
    "new_enterprises": ("Doanh nghiệp thành lập mới", ("doanh nghiep", "thanh lap")),
}
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _plain(text: str) -> str:
    """Casefolded, without diacritics (đ -> d), punctuation as spaces, spaces collapsed."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w%]+", " ", text).split())


def name_key(name: str) -> str:
    """The grouping key of an indicator name: plain text without filler words."""
    text = f" {_plain(name)} "
    for word in sorted(_FILLER, key=len, reverse=True):
        text = text.replace(f" {word} ", " ")
    return " ".join(text.split())


def family_key(name: str) -> str:
    """A well-known family ("budget_revenue", ...) when the name says so, else its name key."""
    plain = _plain(name)
    for key, (_, words) in FAMILIES.items():
        if all(re.search(rf"\b{re.escape(w)}\b", plain) for w in words):
            return key
    return name_key(name)


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
class Comparison:
    """Columns are reports, rows are indicator groups, cells are formatted figures."""

    columns: list[str]
    rows: list[tuple[str, list[str]]]


def _rank(ind: Indicator) -> tuple[int, int, int]:
    # per report and group, show the result (not a target) with a value and the plainest name
    return (ind.kind != "result", ind.value is None, len(name_key(ind.name)))


def _cell(ind: Indicator) -> str:
    row = indicator_row(ind)
    return f"{row.value} ({row.plan})" if row.plan else row.value


def build_comparison(reports: Sequence[tuple[str, ReportSummary]]) -> Comparison:
    """Groups found in at least two reports (every group when there is only one report)."""
    columns = []
    chosen: list[dict[str, Indicator]] = []
    labels: dict[str, str] = {}
    for file, summary in reports:
        head = " · ".join(x for x in (summary.meta.unit_name, summary.meta.period) if x)
        columns.append(head if summary.meta.unit_name else f"{file} · {head}".strip(" ·"))
        best: dict[str, Indicator] = {}
        for ind in summary.indicators:
            key = family_key(ind.name)
            if key:
                labels.setdefault(key, FAMILIES[key][0] if key in FAMILIES else ind.name)
                if key not in best or _rank(ind) < _rank(best[key]):
                    best[key] = ind
        chosen.append(best)
    need = 1 if len(reports) == 1 else 2
    keys = [k for k in FAMILIES if sum(k in c for c in chosen) >= need]
    keys += sorted(
        (k for k in labels if k not in FAMILIES and sum(k in c for c in chosen) >= need),
        key=lambda k: labels[k].casefold(),
    )
    rows = [(labels[k], [_cell(c[k]) if k in c else "—" for c in chosen]) for k in keys]
    return Comparison(columns=columns, rows=rows)


def _md(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def comparison_markdown(table: Comparison) -> str:
    lines = ["# So sánh chỉ tiêu", ""]
    if not table.columns:
        return "\n".join([*lines, "Không có báo cáo nào được tóm tắt.", ""])
    if not table.rows:
        lines += ["Không có chỉ tiêu chung giữa các báo cáo.", ""]
    lines.append("| Chỉ tiêu | " + " | ".join(_md(c) for c in table.columns) + " |")
    lines.append("|---" * (len(table.columns) + 1) + "|")
    for label, cells in table.rows:
        lines.append(f"| {_md(label)} | " + " | ".join(_md(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
    "th,td{border:1px solid #bbb;padding:.3em .6em;vertical-align:top;text-align:left}"
    "th{background:#eee}"
)


def comparison_html(table: Comparison) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    body = "".join(
        f"<tr><th>{escape(label)}</th>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>"
        for label, cells in table.rows
    )
    note = "" if table.rows else "<p>Không có chỉ tiêu chung giữa các báo cáo.</p>"
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>So sánh chỉ tiêu</title><style>{_CSS}</style></head>\n"
        f"<body><h1>So sánh chỉ tiêu</h1>{note}\n"
        f"<table><thead><tr><th>Chỉ tiêu</th>{head}</tr></thead>\n<tbody>{body}</tbody></table>"
        "\n</body></html>\n"
    )
