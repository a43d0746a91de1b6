"""What a figure measures, named from the whole words of its own clause.

A name is a short noun phrase a reader can scan in a table: "Tổng diện tích gieo trồng",
"Kết nạp đảng viên mới", "Thu ngân sách (thực hiện/kế hoạch)". It is built by code from the
words around the number (instant, and it cannot invent): the phrase before the number without
the verbs and frames that say *how* it was reached, plus, for a count, the counted noun and
what describes it. Words are only ever taken whole, between separators; what a series of
figures says once is restored in ``genre.series``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import rule
from .frames import (
    LEAD,
    TRAIL,
    W,
    actor_subject,
    deadline_frame,
    named_places,
    preamble_cut,
    total_starts_name,
)
from .units import is_measure

__all__ = [
    "BRANCH",
    "MEASURE_HEADS",
    "UNNAMED",
    "NameParts",
    "W",
    "breakdown_parent",
    "clause_subject",
    "count_of_what_comes_before",
    "enumeration_start",
    "name_parts",
]

#: The name of a figure whose own words name nothing.
UNNAMED = "Số liệu"


@dataclass(frozen=True)
class NameParts:
    """A name in pieces, so figures of a series can share them."""

    before: str  # words before the number, without verbs and frames
    counted: str = ""  # the counted noun of a count ("đảng viên")
    after: str = ""  # the words after the unit that describe it ("mới", "vụ Đông Xuân")
    frame: str = ""  # a deadline kept beside the name ("hết năm 2025")
    head: str = ""  # a measure word restored from the series or the unit ("Diện tích")
    suffix: str = ""  # how to read the numbers ("thực hiện/kế hoạch")
    parent: str = ""  # the whole a "trong đó" part belongs to ("tổng thu ngân sách")
    #: the count is not the object of the words before it: "Số <counted> <before>"
    counted_first: bool = False

    def text(self) -> str:
        words = [self.head, self.before]
        if self.counted and not re.search(
            rf"(?<!{W}){re.escape(self.counted)}(?!{W})", self.before, re.IGNORECASE
        ):
            if self.counted_first and self.before:  # what is counted, then what it is of
                lowered = self.before[:1].lower() + self.before[1:]
                words = [self.head, "Số", self.counted, self.after, lowered]
            else:
                words += [self.counted, self.after]
        else:
            words.append(self.after)
        name = " ".join(" ".join(w for w in words if w).split())
        name = re.sub(r"\s+([,:;)])", r"\1", name).strip(" ,;:-–")
        parent = f"trong {self.parent[:1].lower()}{self.parent[1:]}" if self.parent else ""
        extra = ", ".join(x for x in (self.suffix, parent, self.frame) if x)
        if extra and name:
            name = f"{name} ({extra})"
        return name[:1].upper() + name[1:] if name else ""


MEASURE_HEADS = re.compile(
    r"^(?:tổng\s+)?(?:giá trị sản xuất|giá trị sản phẩm|giá trị tăng thêm|giá trị|"
    r"diện tích gieo trồng|diện tích|sản lượng|năng suất|thu ngân sách|thu|chi|"
    r"tỷ trọng(?: các ngành| ngành)?|"
    r"tỷ lệ|tốc độ tăng(?: trưởng)?|doanh thu|kim ngạch(?: xuất khẩu| nhập khẩu)?|"
    r"vốn(?: đầu tư)?|số|tổng số|đàn)(?!" + W + ")",
    re.IGNORECASE,
)
BRANCH = re.compile(
    r"^(?:(?:nông|lâm|ngư|nghiệp|thủy|thuỷ|hải|sản|công|tiểu|thủ|xây|dựng|thương|mại|dịch|"
    r"vụ|du|lịch|vận|tải|chăn|nuôi|trồng|trọt|và|các|ngành|khu|vực|cn|ttcn|tm|dv|xd)"
    r"(?!" + W + r")[\s,\-–/]*)+$",
    re.IGNORECASE,
)


# -- where the words of a figure start -----------------------------------------------------


def _enumeration_off(
    clause: str,
    chunks: list[tuple[int, int]],
    index: int,
    floor: int,
    at: int,
    end: int,
    unit: str | None,
) -> int:
    start = chunks[index][0]
    while index > 0:
        a, b = chunks[index - 1]
        if b - a >= 40 or re.search(r"\d", clause[a:b]) or a < floor:
            break
        start, index = a, index - 1
    return start


@rule(off=_enumeration_off)
def enumeration_start(
    clause: str,
    chunks: list[tuple[int, int]],
    index: int,
    floor: int,
    at: int,
    end: int,
    unit: str | None,
) -> int:
    """A figure's words are its own comma-chunk, and reach back over a preceding chunk only
    while what they hold so far is a short list item or a bracket: "Giá trị sản phẩm nông,
    lâm, thủy sản tăng 3,8%" names "nông, lâm, thủy sản", "tổng sản phẩm (trừ dầu khí) tăng
    2,4%" its bracket, but "Công tác cán bộ có nhiều đổi mới, thực hiện luân chuyển 24 đồng
    chí" names the luân chuyển, not the assessment before the comma. A period ("6 tháng của
    tỉnh") names nothing.

    ``chunks`` are the clause's comma-chunks, ``index`` the figure's, ``floor`` the end of the
    previous figure (never crossed), ``at`` where its number starts, ``end`` where its
    ``unit`` ends (a count described after it, "6 chỉ tiêu vượt", needs nothing before).
    Returns where its words start in ``clause``.
    """
    start = chunks[index][0]
    described = not is_measure(unit) and bool(_after_words(clause[end:]))
    own = clause[start:at]
    words = 3 if described else _word_count(own)
    while index > 0:
        a, b = chunks[index - 1]
        piece = clause[a:b]
        if re.search(r"\d", piece) or a < floor or len(piece.split()) > 12:
            break
        bracket = a > 0 and clause[a - 1] == "("
        item = 99 if bracket else _word_count(LEAD.sub("", piece.strip()))
        if not (words <= 2 or item <= 2 or BRANCH.match(own.strip())):
            break
        start, index, own = a, index - 1, piece
        words = 0 if bracket else _word_count(piece)
    return start


_TIME = re.compile(
    r"(?:trong\s+)?(?:\d+\s+tháng(?:\s+(?:đầu|cuối)\s+năm)?(?:\s+năm\s+\d{4})?|năm\s+\d{4}|"
    r"quý\s+[IV]+|đầu năm|cuối năm)(?:\s+(?:của\s+)?(?:tỉnh|huyện|xã|thành phố|thị xã))?",
    re.IGNORECASE,
)


_WORDS = re.compile(rf"{W}+")


def _word_count(words: str) -> int:
    """Words that could name a figure: without periods and the verbs before its number."""
    words = TRAIL.sub("", " " + _TIME.sub(" ", words))
    return len(_WORDS.findall(words))


#: What a clause says of its subject before a comma: "Tỷ lệ giải ngân thấp, đến nay ...".
_JUDGED = re.compile(
    r"\s+(?:(?:còn|rất|quá|vẫn|đạt)\s+)?(?:thấp|chậm)(?=\s*(?:,|$))|"
    r"\s+(?:còn|rất|quá|vẫn|đạt)\s+cao(?=\s*(?:,|$))",
    re.IGNORECASE,
)


def _clean_before(before: str) -> tuple[str, str]:
    """(words, deadline) from the raw text between a figure's start and its number; what the
    clause says of its subject ("thấp", "còn chậm") is not part of the name."""
    before = _JUDGED.sub("", before.replace("\n", " "))
    before = before[len(preamble_cut(before)) :].strip()
    frame = ""
    cut = deadline_frame(before)
    if cut is not None:
        before, frame = cut
    before = LEAD.sub("", before.strip())
    before = before[total_starts_name(before) :]
    before = TRAIL.sub("", " " + before).strip(" ,;:")
    left, _, right = before.rpartition(" và ")
    if right and (re.search(r"\d", left) or len(left.split()) >= 10):
        before = right  # "... giai đoạn 2021-2025 và bổ sung": the nearer conjunct names it
    return before, frame


_AFTER_END = re.compile(
    r"[,;:().…]|\s(?:đạt|bằng|tăng|giảm)\s(?=[\d.,]+)|\s(?:trong đó|nâng tổng|nâng lên|là)\s|"
    r"(?<!so)\svới\s|\s\d|"
    r"\sso với\s(?=cùng kỳ|CK|năm)|^\s*và\s|\stheo\s(?=kế hoạch|KH|chỉ tiêu|quy định)|"
    r"\s(?:cao nhất|thấp nhất|cao hơn|thấp hơn|từ trước đến nay)(?!\w)"
)
_THRESHOLD = re.compile(
    r"^[^,;.]*?\bđạt\s+(?:từ|trên)\s+\d+(?:[.,]\d+)?\s?%[^,;.]*?trở lên", re.IGNORECASE
)
_WEAK_END = re.compile(r"\s(?:cho|để|tại|của|trong|theo|thuộc|do|ở)\s")


def _after_words(tail: str, limit: int = 12) -> str:
    """The words after a unit that describe the thing counted, up to the next separator; a
    threshold ("đều đạt từ 70% kế hoạch trở lên") is part of what is counted."""
    threshold = _THRESHOLD.match(tail)
    if threshold:
        return " ".join(threshold.group().split())
    words = " ".join(_AFTER_END.split(" " + tail, maxsplit=1)[0].split())
    words = words[len(named_places(words)) :].strip()
    left, _, right = words.partition(" và ")
    if right and len(right.split()) > 5:
        words = left  # "24 đồng chí và chỉ đạo tốt việc ...": a new clause, not a description
    return TRAIL.sub("", " " + _shorten(words, limit)).strip()


def _shorten(words: str, limit: int) -> str:
    """At most ``limit`` words, cut before a preposition rather than inside a phrase (when no
    preposition allows it, the words are kept whole)."""
    if len(words.split()) <= limit:
        return words
    cuts = [
        m.start() for m in _WEAK_END.finditer(words) if len(words[: m.start()].split()) <= limit
    ]
    return words[: cuts[-1]] if cuts else words


#: Words between a phrase and a count that is not its object: "giải quyết việc làm cho 2.425
#: lao động", "luân chuyển cán bộ đối với 24 đồng chí", "nhiệm vụ phát triển kinh tế (11 chỉ
#: tiêu)", "việc xuất khẩu lao động bị ảnh hưởng, chỉ có 55 người".
_NOT_AN_OBJECT = re.compile(
    r"(?:(?<!\w)(?:cho|đối với|với)|\(|,\s*(?:chỉ\s+|mới\s+)?(?:có|còn|đạt))\s*$", re.IGNORECASE
)
#: Counters of cases, never the object a verb acts on: "xử phạt 25 trường hợp".
_CASES = re.compile(r"^(?:trường hợp|vụ|vụ việc|lượt)$", re.IGNORECASE)
#: Where a subject's own statement starts, before a count said apart ("..., chỉ có 55 người").
_PREDICATE = re.compile(r"\s(?:bị|được|đã|vẫn|còn|gặp)\s.*$", re.IGNORECASE)


@rule(off=False)
def count_of_what_comes_before(raw_before: str, counted: str, before: str) -> bool:
    """A count is named "Số <counted> <words before it>" when it is not the object of those
    words ("Số lao động giải quyết việc làm", not "Giải quyết việc làm lao động"): the words
    reach it through "cho", "đối với", a bracket or a comma ("..., chỉ có 55 người"), or it
    counts cases ("Số trường hợp xử phạt vi phạm hành chính"). ``raw_before`` is the text
    before the number, ``before`` the words kept of it."""
    if not counted or not before:
        return False
    return bool(_NOT_AN_OBJECT.search(raw_before) or _CASES.match(counted))


def name_parts(
    clause: str, head: int, at: int, value_end: int | None, unit: str | None
) -> NameParts:
    """The pieces of a figure's name. ``clause[head:at]`` are its words before the number (for
    a percentage-only figure, before the percentage); ``value_end`` is where its value and
    unit end (None for a percentage-only figure)."""
    raw = clause[head:at]
    if value_end is None:
        raw = re.sub(r"\s(?:tăng|giảm|đạt|bằng|chỉ đạt|mới đạt|ước đạt)\s*$", "", raw)
    before, frame = _clean_before(raw)
    counted, after = "", ""
    if value_end is not None:
        tail = clause[value_end:]
        if unit is None or not is_measure(unit):
            counted = _counted_word(unit or "", before)
            after = _after_words(tail)
        elif re.match(r"\s+[a-zđà-ỹ]", tail) and not re.match(r"\s+(?:so|và|với|đạt)\b", tail):
            after = _after_words(tail)
        before = before[len(actor_subject(before, unit or "")) :].strip()
    if after and not before and not counted:
        after = LEAD.sub("", after)
    if not (before or counted or after):
        before = clause_subject(clause)
    parent = breakdown_parent(clause[:at])
    first = count_of_what_comes_before(raw, counted, before)
    if first:
        before = re.sub(r"^việc\s+", "", before, flags=re.IGNORECASE)
        if re.search(r",\s*\S*\s*\S*\s*$", raw):  # the subject of a statement said apart
            before = _PREDICATE.sub("", before)
    return NameParts(
        before=before,
        counted=counted,
        after=after,
        frame=frame,
        parent=parent,
        counted_first=first,
    )


#: Classifiers count what the words before them name ("Tổng đàn gia súc 51.000 con").
_CLASSIFIERS = frozenset(["con", "chiếc", "cái", "căn", "ca", "lượt", "suất"])


def _counted_word(unit: str, before: str) -> str:
    """The counted noun as the name shows it: without a magnitude ("nghìn lượt khách" ->
    "lượt khách"); a classifier only when nothing before names the thing."""
    word = re.sub(r"^(?:nghìn tỷ|ngàn tỷ|nghìn|ngàn|triệu|tỷ|trăm)\s+", "", unit)
    return "" if word in _CLASSIFIERS and before else word


_VERB_OR_NUMBER = re.compile(
    r"\s(?:ước|đạt|tăng|giảm|bằng|cơ bản|là|có|được|thực hiện|chiếm)\b|\s\d|[,;:(]", re.I
)


@rule(off="")
def breakdown_parent(lead: str) -> str:
    """ "Thu ngân sách 8 tháng đạt yêu cầu, trong đó thu trong cân đối đạt 34,9 tỷ đồng": a
    figure after "trong đó" is a part of the whole named before it, and its own words
    ("thu trong cân đối") are read as a part of that whole.

    ``lead`` is the clause up to the figure's number; returns the whole's name: its words
    before its own number or verb ("" when none: "có 25/25 xã, trong đó 8 xã ..." names the
    part well enough).
    """
    cut = max((m.start() for m in re.finditer(r"\btrong đó\b", lead, re.IGNORECASE)), default=-1)
    if cut < 0:
        return ""
    whole = re.split(r"[.,;]\s", lead[:cut].rstrip(" ,;"))[-1]
    whole = LEAD.sub("", re.split(r"\d", whole, maxsplit=1)[0].strip())  # words before a number
    end = _VERB_OR_NUMBER.search(" " + whole)
    subject = TRAIL.sub("", (" " + whole)[: end.start() if end else None]).strip()
    return subject if 1 <= len(subject.split()) <= 10 else ""


@rule(off="")
def clause_subject(clause: str) -> str:
    """A figure whose own words name nothing ("..., đến nay mới đạt 32% KH") is what its
    clause is about: the words before the clause's first comma ("Tỷ lệ giải ngân vốn đầu tư
    công thấp, đến nay mới đạt 32% KH"), without leading frames and without what the clause
    says of it ("thấp", "còn chậm"); at most 16 words, cut before "của", "do" ... rather than
    inside a phrase."""
    first = re.split(r"[,;:]|\s\d", clause, maxsplit=1)[0]
    words, _ = _clean_before(first)
    return _shorten(words, 16)
