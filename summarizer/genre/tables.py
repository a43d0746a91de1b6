"""Tables of indicators: rows read by their column headers.

Formal reports list indicators as table rows: "Diện tích gieo trồng | ha | 8.600 | 8.360 |
97,2", under a header such as "Chỉ tiêu | ĐVT | Kế hoạch | Thực hiện | % KH". Pasted from a
word processor the cells are separated by tabs, in Markdown by "|". Which number is the
result and which the plan is said only by the header, so a row is read through it.
"""

from __future__ import annotations

import re

from . import rule

__all__ = ["column_roles", "header_above", "plan_word", "table_cells"]

Cell = tuple[int, int]


@rule(off=None)
def table_cells(line: str) -> list[Cell] | None:
    """A line with cells separated by "|" or tabs is a table row (or header); returns the
    cells' (start, end) spans in ``line`` without surrounding spaces, or None when the line
    has fewer than two cells."""
    sep = "|" if line.count("|") >= 2 or (line.count("|") == 1 and "\t" not in line) else "\t"
    if line.count(sep) < 1:
        return None
    cells: list[Cell] = []
    pos = 0
    for part in line.split(sep):
        a = pos + len(part) - len(part.lstrip())
        b = pos + len(part.rstrip())
        if b > a:
            cells.append((a, b))
        pos += len(part) + 1
    return cells if len(cells) >= 2 else None


_PLAN = r"kế hoạch|\bKH\b|dự toán|\bDT\b|mục tiêu|nghị quyết|\bNQ\b|chỉ tiêu giao|\bgiao\b"
_ACHIEVED = r"thực hiện|\bTH\b|\bước\b|kết quả|đạt được|lũy kế|luỹ kế|\bKQ\b"
_SAME = r"cùng kỳ|\bCK\b|năm trước|cùng thời điểm"
_PCT = r"%|tỷ lệ|tỉ lệ|so sánh|so với"


def plan_word(header: str) -> str:
    """The plan a percentage column compares with, as the header writes it ("KH")."""
    m = re.search(_PLAN, header, re.IGNORECASE)
    return m.group() if m else ""


def _role(index: int, cell: str) -> str:
    low = cell.lower()
    if re.fullmatch(r"s?tt|số tt|stt\.?", low):
        return "index"
    if re.search(r"đvt|đơn vị", low):
        return "unit"
    if re.search(_PCT, cell, re.IGNORECASE):
        if re.search(_SAME, cell, re.IGNORECASE):
            return "same_period_pct"
        if re.search(r"tăng|giảm", low):
            return "change_pct"
        return "plan_pct" if re.search(_PLAN, cell, re.IGNORECASE) else "other"
    if re.search(_SAME, cell, re.IGNORECASE):
        return "other"  # last year's figure: not this period's
    if re.search(_ACHIEVED, cell, re.IGNORECASE):
        return "achieved"
    if re.search(_PLAN, cell, re.IGNORECASE):
        return "plan"
    if index <= 1 and not re.search(r"\d", cell):
        return "name"
    return "other"


@rule(off=None)
def column_roles(cells: list[str]) -> list[str] | None:
    """A header names each column: the indicator ("Chỉ tiêu", "Nội dung"), its unit ("ĐVT"),
    the plan ("Kế hoạch", "KH", "Dự toán"), the result ("Thực hiện", "Ước TH", "Kết quả") and
    percentages ("% KH", "So với cùng kỳ (%)"). The achieved column gives the value, the plan
    column the total it is measured against; a row without such a header is not guessed at.

    Returns one role per cell ("name", "unit", "index", "plan", "achieved", "plan_pct",
    "same_period_pct", "change_pct", "other"), or None when ``cells`` is not a header (it
    names no achieved column).
    """
    if any(re.fullmatch(r"[-+\d.,\s%]+", c) for c in cells):
        return None  # a row of data, not a header
    roles = [_role(i, c) for i, c in enumerate(cells)]
    return roles if "achieved" in roles else None


def header_above(text: str, line_start: int) -> tuple[list[str], list[str]] | None:
    """The nearest header above the table row starting at ``line_start``: its cells and their
    roles. Only table lines (and blank lines) may lie between the two."""
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        end = start - 1
        if not line.strip():
            continue
        cells = table_cells(line)
        if cells is None:
            return None
        words = [line[a:b] for a, b in cells]
        if all(re.fullmatch(r"[-:=\s]+", w) for w in words):
            continue  # a Markdown rule line
        roles = column_roles(words)
        if roles is not None:
            return words, roles
    return None
