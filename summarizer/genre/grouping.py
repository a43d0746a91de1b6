"""Which figure a number belongs to: how reports chain a figure's qualifiers after it.

A figure is written as a value with its unit, then its percentages after commas or in
brackets: "Thu ngân sách đạt 120 tỷ đồng (đạt 40% kế hoạch, bằng 75% so với cùng kỳ)". A
clause may hold several figures ("3 dự án với tổng vốn 1.200 tỷ đồng"), state the plan share
before the value ("đạt 70% kế hoạch (3.600 tỷ đồng)"), or add an absolute change in the
figure's own unit ("51.000 con, tăng 420 con so với cùng kỳ"), which qualifies it.
"""

from __future__ import annotations

import re

from . import rule
from .units import is_measure

__all__ = [
    "absorbed_change",
    "another_figure",
    "continues_figure",
    "link_at",
    "value_in_brackets",
]

_NUM = r"\d+(?:[.,]\d+)*"
_BOUND = r"(?:trên|hơn|gần|khoảng|xấp xỉ|dưới)"
_QUALIFYING_CHUNK = re.compile(
    rf"^(?:và\s+|ước\s+|so\s+với\s+|chiếm\s+)?(?:(?:ước\s+|chỉ\s+|mới\s+)?(?:đạt|bằng)|tăng|"
    rf"giảm|vượt)?\s*(?:{_BOUND}\s+)?{_NUM}\s?%",
    re.IGNORECASE,
)


@rule(off=False)
def continues_figure(chunk: str) -> bool:
    """A chunk that opens with a percentage ("đạt 97% KH", "và 72,6% dự toán huyện giao",
    "bằng 100,2% so với cùng kỳ", "tăng 12,6%") qualifies the figure before it rather than
    starting a new one."""
    return bool(_QUALIFYING_CHUNK.match(chunk.strip()))


_CHANGE_BEFORE = re.compile(r"\b(?:tăng|giảm)(?:\s+(?:thêm|khoảng|gần|hơn|trên))?\s*$", re.I)


@rule(off=False)
def absorbed_change(before: str, unit: str | None, current_unit: str | None) -> bool:
    """ "Tổng đàn 51.000 con, tăng 420 con so với cùng kỳ", "đạt 287 tiêu chí, tăng 03 tiêu
    chí": an increase or decrease in the figure's own unit is a change of that figure, not a
    new measured thing.

    ``before`` is the clause text before the number; ``unit`` its unit; ``current_unit`` the
    unit of the figure it may qualify.
    """
    return unit is not None and unit == current_unit and bool(_CHANGE_BEFORE.search(before))


@rule(off=False)
def value_in_brackets(opened_by_bracket: bool, current_has_value: bool) -> bool:
    """ "Doanh thu đạt 70,9% kế hoạch (36.900 tỷ đồng)": when the plan share comes first, the
    absolute value follows in brackets and belongs to the same figure."""
    return opened_by_bracket and not current_has_value


_LINK = re.compile(r"\b(?:với|gồm|bao gồm|trong đó|tổng|tổng số|số tiền)\b", re.IGNORECASE)


@rule(off=False)
def another_figure(between: str, unit: str | None) -> bool:
    """One clause can state several figures: "3 dự án với tổng vốn 1.200 tỷ đồng" (a count
    and an amount), "cấp 168 giấy phép, tổng vốn gần 26 tỷ đồng". A further number in the same
    phrase is a figure of its own when it is an amount (a unit of measure) or is linked by
    "với", "gồm", "trong đó", "tổng" within the five words before it; a bare count right after
    a noun ("diện tích lúa 2 vụ") only describes that noun.

    ``between`` is the text from the previous figure's unit to this number.
    """
    if unit is None:
        return False
    return is_measure(unit) or bool(_LINK.search(" ".join(between.split()[-5:])))


def link_at(between: str) -> int:
    """Where the words of a second figure of one phrase start in ``between`` (the text from
    the previous figure to its number): at its link word ("... với tổng vốn"), else 0."""
    links = list(re.finditer(r"\b(?:với|gồm|bao gồm|trong đó)\b", between, re.IGNORECASE))
    return links[-1].start() if links else 0
