"""Which part of a report a paragraph belongs to: the period reviewed, the coming one, or the
meeting itself; and what each part allows its clauses to be.

Reports move through their parts in long stretches (opening and protocol, review with its
results and then its limitations, directions for the coming period, closing), so a paragraph's
part is judged with its neighbours in mind, and a paragraph's part limits what its clauses can
be: a review holds no tasks, a list of directions holds no achievements.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from . import rule
from .cues import has_cue

__all__ = [
    "ALLOWED_LABELS",
    "allowed_labels",
    "limitation_opening",
    "opens_with_the_coming_period",
    "opens_with_the_reviewed_period",
    "smooth_parts",
]

LABELS = ("achievement", "shortcoming", "task", "other")
ALLOWED_LABELS: dict[str, tuple[str, ...]] = {
    "review": ("achievement", "shortcoming", "other"),
    "coming": ("task", "other"),
    "meeting": LABELS,
    "heading": ("other",),
}


@rule(off=lambda part: LABELS)
def allowed_labels(part: str) -> tuple[str, ...]:
    """A paragraph's part limits its clauses: one that reviews the period states results and
    limitations, never tasks; one that sets directions states tasks (or introduces them),
    never results; only a paragraph about the meeting (the chair's conclusion among them) can
    hold any of them."""
    return ALLOWED_LABELS.get(part, LABELS)


def _argmax_parts(rows: list[tuple[int, Mapping[str, float]]]) -> dict[int, str]:
    return {pid: max(dist, key=lambda p: dist[p]) for pid, dist in rows}


#: The probability at which the model's part for a paragraph is kept whatever its neighbours.
SURE = 0.8


@rule(off=_argmax_parts)
def smooth_parts(rows: list[tuple[int, Mapping[str, float]]]) -> dict[int, str]:
    """Reports move through their parts in long stretches: the review (results, then
    limitations), then the directions for the coming period, with paragraphs about the
    meeting (protocol, captions, speakers) anywhere between them without breaking the
    stretch. So a lone review paragraph between two coming ones (or the reverse) follows its
    neighbours, meeting paragraphs skipped; and a report opens with its review, so a lone
    coming paragraph before the first review one is review too. Smoothing corrects the
    model's doubtful calls, not its sure ones: a paragraph whose part has a probability of
    at least ``SURE`` keeps it (news reports do alternate: a lede on the coming months,
    then the results, then a speaker's directions).

    ``rows`` is (paragraph id, probability of each part) in report order; each paragraph
    starts from its most probable part. (Reading the whole sequence with the probabilities,
    Viterbi with a cost per switch, was measured and lost on both example sets: see
    bench/RESULTS.md.)"""
    parts = _argmax_parts(rows)
    order = [pid for pid, _ in rows if parts[pid] in ("review", "coming")]
    decided = ["review"] + [parts[pid] for pid in order]
    sure = {pid for pid, dist in rows if max(dist.values()) >= SURE}
    for i in range(1, len(decided) - 1):
        if decided[i - 1] == decided[i + 1] != decided[i] and order[i - 1] not in sure:
            parts[order[i - 1]] = decided[i - 1]
    return parts


_DIRECTION = (
    "khắc phục",
    "tập trung",
    "đẩy mạnh",
    "tăng cường",
    "cần",
    "phải",
    "đề nghị",
    "yêu cầu",
    "phấn đấu",
    "tiếp tục",
    "nâng cao",
    "thời gian tới",
    "sắp tới",
)
_LIMITATION = ("hạn chế", "tồn tại", "yếu kém", "khó khăn", "còn chậm", "chưa đạt", "khuyết điểm")


@rule(off=False)
def limitation_opening(opening: str) -> bool:
    """A paragraph that opens by stating limitations with no direction in it ("Tuy nhiên, vẫn
    còn một số hạn chế ...") reviews the period, whatever else it mentions later."""
    return has_cue(opening, _LIMITATION) and not has_cue(opening, _DIRECTION)


_COMING_PERIOD = re.compile(
    r"(?:thời gian tới|những tháng (?:cuối|còn lại)|(?:\d{1,2}|ba|sáu) tháng cuối năm|"
    r"quý (?:IV|4) |năm (?:tới|sau)|nhiệm kỳ tới)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:năm\s+)?((?:19|20)\d\d)\b", re.IGNORECASE)


@rule(off=False)
def opens_with_the_coming_period(opening: str, reviewed_year: int | None) -> bool:
    """A paragraph that opens by naming the period after the one reviewed ("Năm 2026, ..."
    in a review of 2025, "Thời gian tới, ...", "6 tháng cuối năm, ...") sets directions for
    it."""
    head = opening[:60]
    if _COMING_PERIOD.search(head):
        return True
    year = _YEAR.match(head.strip())
    return bool(year and reviewed_year and int(year.group(1)) > reviewed_year)


_REVIEWED_PERIOD = re.compile(
    r"^(?:(?:trong|qua|sau)\s+)?(?:\d{1,2}|ba|sáu|chín)\s+tháng\s+(?:đầu\s+năm|qua|vừa qua)"
    r"|^(?:trong\s+)?quý\s+(?:IV|III|II|I|[1-4])\b(?!\s+tới)",
    re.IGNORECASE,
)


@rule(off=False)
def opens_with_the_reviewed_period(opening: str) -> bool:
    """A paragraph that opens by naming the months under review ("6 tháng đầu năm 2023, ...",
    "Trong 9 tháng qua, ...", "Quý III, ...") reviews them, however the model read it."""
    return bool(_REVIEWED_PERIOD.match(opening.strip()))


def _opening(text: str) -> str:
    """The first sentence of a paragraph (up to its first full stop)."""
    return re.split(r"(?<=[.!?…])\s", text, maxsplit=1)[0]


def apply_part_rules(
    answers: Mapping[int, Mapping[str, float]],
    paragraphs: list[tuple[int, str]],
    reviewed_year: int | None = None,
) -> dict[int, str]:
    """Each paragraph's part from the model's probabilities (``answers``; headings have
    none) and the genre's part rules, in order: a lone paragraph follows its neighbours, then
    the opening has the last word: one opening with limitations or with the months under
    review reviews the period, one opening with the coming period sets directions.
    ``paragraphs`` is (id, text) in report order; those without an answer (headings) get
    "heading"."""
    rows = [(pid, answers[pid]) for pid, _ in paragraphs if pid in answers]
    result = smooth_parts(rows)
    for pid, text in paragraphs:
        if pid not in answers:
            result[pid] = "heading"
            continue
        opening = _opening(text)  # what the opening says has the last word
        if (result[pid] != "review" and opens_with_the_reviewed_period(opening)) or (
            result[pid] == "coming" and limitation_opening(opening)
        ):
            result[pid] = "review"
        elif result[pid] == "review" and opens_with_the_coming_period(opening, reviewed_year):
            result[pid] = "coming"
    return result
