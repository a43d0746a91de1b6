"""What a percentage measures, from the words around it.

Reports qualify a figure with percentages of different kinds, and the words say which:
"đạt 82,7% dự toán tỉnh giao" (a share of a plan), "bằng 100,2% so với cùng kỳ" (a ratio to
the same period last year), "tăng 12,6%" / "giảm 0,72%" (a change), "độ che phủ rừng đạt 70%"
(the figure itself is a rate). :func:`pct_role` combines the rules below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import rule

__all__ = [
    "PctFact",
    "bare_share_of_plan",
    "change_sign",
    "growth_rate",
    "pct_role",
    "plan_basis",
    "same_period",
]


@dataclass(frozen=True)
class PctFact:
    """One percentage and what it is relative to."""

    pct: float
    role: str  # "plan" | "same_period" | "change" | "value" | "other"
    basis: str | None = None


_FILL = r"(?:\s+(?:thêm|khoảng|gần|hơn|trên|dưới|bình quân|được|xấp xỉ|ước|đạt))*"
_CHANGE = re.compile(rf"\b(tăng|giảm){_FILL}\s*$", re.IGNORECASE)


@rule(off=None)
def change_sign(before: str) -> int | None:
    """ "tăng 12,6%" is a change of +12,6%, "giảm 0,72%" of -0,72%: the verb stands right
    before the number (only bounds such as "khoảng", "thêm", "bình quân" between). "tăng
    trưởng 7%" (growth), "giảm còn 3%" / "tăng lên 5%" (a level reached) and "Tỷ lệ tăng dân
    số 1,2%" (a noun) are not changes.

    Returns +1, -1, or None when no change verb governs the number.
    """
    m = _CHANGE.search(before[-40:])
    if not m:
        return None
    return 1 if m.group(1).lower() == "tăng" else -1


_SAME_PERIOD = re.compile(
    r"^\s*\(?\s*(?:so\s+(?:với\s+)?)?(?:cùng\s+kỳ|CK\b|cùng\s+thời\s+điểm|năm\s+trước)",
    re.IGNORECASE,
)


@rule(off=False)
def same_period(after: str) -> bool:
    """ "bằng 100,2% so với cùng kỳ", "101,8% CK", "so cùng kỳ năm trước": a percentage
    followed by the same period (cùng kỳ, CK, năm trước) compares with last year."""
    return bool(_SAME_PERIOD.match(after))


_PLAN_WORDS = re.compile(
    r"kế hoạch|\bKH\b|dự toán|chỉ tiêu|nghị quyết|\bNQ\b|mục tiêu|đề ra|\bgiao\b",
    re.IGNORECASE,
)
_BASIS_END = re.compile(r"[,;.)]|\s\(|\s(?:và|bằng|đạt|tăng|giảm|so với cùng|trong đó)\s|$")


@rule(off=None)
def plan_basis(after: str) -> str | None:
    """ "đạt 82,7% dự toán tỉnh giao", "55,6% KH", "150,2% so với Nghị quyết Đảng uỷ": a
    percentage followed by a plan, estimate, target or resolution is a share of it. The basis
    is kept as written, up to the next separator.

    Returns the basis, or None when the words after name no plan.
    """
    text = re.sub(r"^\s*(?:so\s+với|so)\s+", "", after[:80])
    end = _BASIS_END.search(text)
    basis = text[: end.start() if end else len(text)].strip()
    basis = re.sub(r"\s*\($", "", basis).strip()
    if not _PLAN_WORDS.search(basis):
        return None
    return re.sub(r"\s*\(\w+\)$", "", basis)[:60]


_GROWTH = re.compile(r"tốc độ tăng|tăng trưởng", re.IGNORECASE)


@rule(off=False)
def growth_rate(subject: str) -> bool:
    """A growth rate is a change: "Tốc độ tăng giá trị sản xuất ước đạt 11%", "tăng trưởng
    kinh tế đạt 7,5%" state the change of the named thing, not a level.

    ``subject`` is the figure's words before its percentage.
    """
    return bool(_GROWTH.search(subject))


@rule(off=False)
def bare_share_of_plan(verb: str, has_value: bool) -> bool:
    """ "kết nạp 14 đảng viên, đạt 116,6%": a bare "đạt X%" after an absolute figure, naming
    no basis, is the share of the plan reached (a count cannot be X% of itself)."""
    return has_value and verb.lower().endswith("đạt")


_VERB = re.compile(
    r"\b(ước đạt|chỉ đạt|mới đạt|đạt|bằng|vượt|chiếm|là)"
    r"(?:\s+(?:trên|hơn|gần|khoảng|xấp xỉ|dưới|được))*\s*$",
    re.IGNORECASE,
)


def pct_role(pct: float, before: str, after: str, subject: str, has_value: bool) -> PctFact:
    """What the percentage ``pct`` measures. ``before``: the clause text before it since the
    previous number; ``after``: the text after the "%"; ``subject``: the figure's words before
    the percentage; ``has_value``: whether its figure already has an absolute value."""
    verb_m = _VERB.search(before[-40:])
    verb = verb_m.group(1) if verb_m else ""
    sign = change_sign(before)
    basis = plan_basis(after)
    if verb.lower() == "vượt":
        return PctFact(pct, "other")  # "vượt 5% kế hoạch": an excess, not a share
    if sign is not None and basis is None:
        return PctFact(sign * pct, "change")
    if same_period(after):
        return PctFact(pct, "same_period")
    if basis is not None:
        return PctFact(pct, "plan", basis)
    if not has_value and growth_rate(subject):
        return PctFact(pct, "change")
    if bare_share_of_plan(verb, has_value):
        return PctFact(pct, "plan", "")
    return PctFact(pct, "value")
