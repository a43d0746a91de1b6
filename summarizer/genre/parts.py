"""Which part of a report a paragraph belongs to: the period reviewed, the coming one, or the
meeting itself; and what each part allows its clauses to be.

Reports move through their parts in long stretches (opening and protocol, review with its
results and then its limitations, directions for the coming period, closing), so a paragraph's
part is judged with its neighbours in mind, and a paragraph's part limits what its clauses can
be: a review holds no tasks, a list of directions holds no achievements.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from . import rule
from .cues import has_cue
from .layout import list_marker

__all__ = [
    "ALLOWED_LABELS",
    "allowed_labels",
    "heading_governs",
    "limitation_opening",
    "opens_with_the_coming_period",
    "sequence_parts",
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


#: How much likelier (as a log ratio) a paragraph must look to switch between the review and
#: the coming period than to stay where the report is.
SWITCH_COST = math.log(3)
_FLOOR = 0.02  # an answer given without probabilities still leaves the others possible


def _argmax_parts(rows: list[tuple[int, Mapping[str, float]]]) -> dict[int, str]:
    return {pid: max(dist, key=lambda p: dist[p]) for pid, dist in rows}


@rule(off=_argmax_parts)
def sequence_parts(rows: list[tuple[int, Mapping[str, float]]]) -> dict[int, str]:
    """Reports move through their parts in long stretches: the review (results, then
    limitations), then the directions for the coming period, with paragraphs about the
    meeting (protocol, captions, speakers) anywhere between them without breaking the
    stretch. So each paragraph's part is read with its neighbours: the most probable sequence
    (Viterbi) under the model's probabilities, where moving between review and coming costs
    a factor of three and a meeting paragraph costs nothing. Reports open in the review.

    ``rows`` is (paragraph id, probability of each part) in report order."""
    # composite states: (the stretch the report is in, whether this paragraph is the meeting)
    states = [("review", False), ("coming", False), ("review", True), ("coming", True)]

    def emit(dist: Mapping[str, float], state: tuple[str, bool]) -> float:
        part = "meeting" if state[1] else state[0]
        return math.log(max(dist.get(part, 0.0), _FLOOR))

    score = {s: (0.0 if s[0] == "review" else -SWITCH_COST) for s in states}
    back: list[dict[tuple[str, bool], tuple[str, bool]]] = []
    for _, dist in rows:
        step, came = {}, {}
        for s in states:
            best = max(states, key=lambda p: score[p] - (SWITCH_COST if p[0] != s[0] else 0))
            step[s] = score[best] - (SWITCH_COST if best[0] != s[0] else 0) + emit(dist, s)
            came[s] = best
        score = step
        back.append(came)
    if not rows:
        return {}
    state = max(states, key=lambda s: score[s])
    path = [state]
    for came in reversed(back[1:]):
        state = came[state]
        path.append(state)
    path.reverse()
    return {pid: "meeting" if s[1] else s[0] for (pid, _), s in zip(rows, path, strict=True)}


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


@rule(off=None)
def heading_governs(heading_part: str | None) -> str | None:
    """In a formal report a section heading ("KẾT QUẢ ĐẠT ĐƯỢC", "PHƯƠNG HƯỚNG, NHIỆM VỤ")
    says which part the items listed under it are ("- ...", "+ ...", "1. ..."), until the
    next such heading; a field heading ("Lĩnh vực kinh tế") keeps the part it is in. Prose
    paragraphs keep their own judgement. Returns the part the heading imposes, if any."""
    return heading_part


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


def _opening(text: str) -> str:
    """The first sentence of a paragraph (up to its first full stop)."""
    return re.split(r"(?<=[.!?…])\s", text, maxsplit=1)[0]


def apply_part_rules(
    answers: Mapping[int, Mapping[str, float]],
    paragraphs: list[tuple[int, str, str | None]],
    reviewed_year: int | None = None,
) -> dict[int, str]:
    """Each paragraph's part from the model's probabilities (``answers``; headings have
    none) and the genre's part rules, in order: the parts are read as a sequence, a section
    heading governs its items, and then the opening has the last word: one opening with
    limitations stays in the review, one opening with the coming period sets directions.
    ``paragraphs`` is (id, text, heading part) in report order; headings get "heading"."""
    rows = [(pid, answers[pid]) for pid, _, _ in paragraphs if pid in answers]
    result = sequence_parts(rows)
    governing: str | None = None
    for pid, text, imposed in paragraphs:
        if pid not in answers:
            result[pid] = "heading"
            governing = heading_governs(imposed) or governing
            continue
        if (
            governing is not None
            and result.get(pid) in ("review", "coming")
            and list_marker(text) is not None
        ):
            result[pid] = governing
    for pid, text, _ in paragraphs:  # what the opening says has the last word
        opening = _opening(text)
        if result.get(pid) == "coming" and limitation_opening(opening):
            result[pid] = "review"
        elif result.get(pid) == "review" and opens_with_the_coming_period(opening, reviewed_year):
            result[pid] = "coming"
    return result
