"""Result of the period or target for the next one: decided by the figure's own words.

A report states results ("đạt 4.995 tỷ đồng, tăng 12,6% so với cùng kỳ") and sets targets
("phấn đấu hết năm có 10 sản phẩm OCOP", "thời gian tới sẽ công nhận thêm 5 sản phẩm"). A
goal word governs the figures after it in its clause until the clause turns back to what was
done ("đã", "đến nay"); a goal word *before* a figure's own phrase does not make an achieved
figure a target, and a clause labelled a task still states a result when the figure's own
words measure it against the plan or last year.
"""

from __future__ import annotations

import re

from . import rule
from .units import is_measure

__all__ = ["figure_kind", "short_of_plan"]

#: Words that set a figure for the coming period ("thực hiện các mục tiêu" pursues goals set
#: before; "Chương trình mục tiêu quốc gia" is a programme's name).
_GOAL = re.compile(
    r"phấn đấu|\bsẽ\b|(?<!hiện )(?<!các )(?<!những )mục tiêu(?=\s*(?::|năm|đến|là|đạt|đề ra cho))|"
    r"thời gian tới|năm tới|"
    r"sắp tới|chỉ tiêu (?:đề ra )?cho năm|kế hoạch năm tới|nhiệm vụ năm tới|định hướng",
    re.IGNORECASE,
)
#: Words that turn a clause back to what the period achieved.
_DONE = re.compile(
    r"\bđã\b|đạt được|ước đạt|ước tính|ước thực hiện|đến nay|hiện nay|hiện có|lũy kế|luỹ kế|"
    r"kết quả",
    re.IGNORECASE,
)
#: A figure measured against the plan or last year is an outcome, not an aim.
_MEASURED = re.compile(
    r"\d\s?%\s*(?:so\s+(?:với\s+)?)?(?:kế hoạch|KH\b|dự toán|chỉ tiêu|nghị quyết|NQ\b|"
    r"cùng kỳ|CK\b)|\bđã\b|ước đạt|đạt được",
    re.IGNORECASE,
)
#: How a review assesses what was done ("có nhiều đổi mới", "chỉ đạo tốt"): said of the
#: period, not asked of the next one.
_REVIEWED = re.compile(
    r"có nhiều (?:đổi mới|chuyển biến|tiến bộ|khởi sắc)|đạt nhiều kết quả|"
    r"(?<!cần )(?<!phải )(?:chỉ đạo|thực hiện|triển khai|tổ chức) tốt|"
    r"(?<!cần )(?<!phải )(?<!tiếp tục )được (?:tăng cường|quan tâm|triển khai|duy trì|chú trọng)",
    re.IGNORECASE,
)
_OLD_GOAL = re.compile(r"phấn đấu|\bsẽ\b|mục tiêu|thời gian tới|năm tới|chỉ tiêu đề ra cho", re.I)


def _kind_off(clause: str, at: int, quote: str, label: str | None) -> str:
    return "target" if label == "task" or _OLD_GOAL.search(clause[:at]) else "result"


@rule(off=_kind_off)
def figure_kind(clause: str, at: int, quote: str, label: str | None) -> str:
    """A figure is a target when its own words set it for the coming period: a goal word
    ("phấn đấu", "mục tiêu năm ...", "sẽ", "thời gian tới", "năm tới") before it that the
    sentence has not turned away from ("đã", "đến nay", "ước đạt" in between), or a clause
    labelled a task whose figure is not measured against the plan or last year ("đạt 52,9% kế
    hoạch", "so với cùng kỳ") and whose clause does not assess what was done ("có nhiều đổi
    mới", "chỉ đạo tốt"). Otherwise it is a result of the period.

    ``clause`` is the figure's sentence up to the end of its clause (a goal opening a list,
    "Phấn đấu năm tới: ...; ...; ...", governs every item), ``at`` where the figure's number
    starts in it, ``quote`` the figure's own words, ``label`` its clause's label ("task",
    "achievement", ...) or None.
    Returns "target" or "result".
    """
    lead = clause[:at]
    goals = list(_GOAL.finditer(lead))
    if goals and not _DONE.search(lead, goals[-1].end()):
        return "target"
    own = clause[clause.rfind("; ", 0, at) + 1 :]  # the figure's own clause
    if label == "task" and not _MEASURED.search(quote) and not _REVIEWED.search(own):
        return "target"
    return "result"


#: Measures where less is better: a rate of poverty, malnutrition or population growth, or
#: counts of violations, accidents, fires and outbreaks.
_LESS_IS_BETTER = re.compile(
    r"hộ nghèo|cận nghèo|suy dinh dưỡng|tăng dân số|sinh con thứ|tai nạn|vi phạm|tội phạm|"
    r"cháy|dịch bệnh|ô nhiễm|nợ đọng|thất nghiệp|bỏ học|tử vong",
    re.IGNORECASE,
)


@rule(off=None)
def short_of_plan(
    name: str, value: float | None, of_total: float | None, plan_pcts: list[float], unit: str | None
) -> bool | None:
    """A result below its plan is a shortfall a leader must see: "76,4/140 tỷ đồng" (an
    amount over its plan), "đạt 55,6% KH". Where less is better ("tỷ lệ hộ nghèo",
    "suy dinh dưỡng 12/11%") it is the other way round. A count over a count ("18/21 xã") is
    part of a whole, not of a plan.

    Returns True (short), False (met or exceeded), or None when the figure states no plan.
    """
    less = bool(_LESS_IS_BETTER.search(name))
    if plan_pcts:
        return any((pct > 100) if less else (pct < 100) for pct in plan_pcts)
    amount = is_measure(unit)
    if value is not None and of_total is not None and amount:
        return value > of_total if less else value < of_total
    return None
