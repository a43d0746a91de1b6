"""How these reports write a figure around its number: which numbers are not measures, how a
number is bounded ("trên", "gần"), ranges, "achieved/plan" fractions, and how decimals are
written in the document.

``summarizer.numbers`` holds the mechanics (reading digits, walking a clause); every fact
about the genre it relies on is a rule here, so it can be tested alone and switched off.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Sequence

from . import rule
from .units import is_measure, read_unit

__all__ = [
    "DecimalStyle",
    "decimal_style",
    "first_statements",
    "fraction_total",
    "is_list_number",
    "meeting_protocol",
    "not_a_measure",
    "qualifier_before",
    "range_high",
]

DecimalStyle = str  # "vi": 1.401,351  |  "en": 1,401.351

_TOKEN = r"\d+(?:[.,]\d+)*"
_ANY_TOKEN = re.compile(rf"(?<![\w.,]){_TOKEN}(?!\d)")


def _style_votes(token: str) -> tuple[int, int]:
    """(vi, en) evidence of one number token: only forms that one style alone can write."""
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        return (1, 0) if token.rfind(",") > token.rfind(".") else (0, 1)
    if dots > 1:
        return 1, 0
    if commas > 1:
        return 0, 1
    if dots == 1 and len(token.split(".")[1]) != 3:
        return 0, 1
    if commas == 1 and len(token.split(",")[1]) != 3:
        return 1, 0
    return 0, 0


@functools.lru_cache(maxsize=16)
def _style_of(text: str) -> DecimalStyle:
    vi = en = 0
    for m in _ANY_TOKEN.finditer(text):
        a, b = _style_votes(m.group())
        vi, en = vi + a, en + b
    return "en" if en > vi else "vi"


@rule(off="vi")
def decimal_style(text: str) -> DecimalStyle:
    """Vietnamese reports write "1.401,351" (dot groups thousands, comma is the decimal mark),
    but some sources are typed English-style ("8,360 ha", "3.5%"). The document decides: the
    style of the numbers only one convention can write ("82,7", "1.401,351" vs "3.5",
    "1,234,567") wins, Vietnamese on a tie. An ambiguous number ("8.360", "8,360") is then read
    in the document's style; an unambiguous one is always read as written.
    """
    return _style_of(text)


#: A number right after these words is a date, a period, an ordinal, a reference or a name.
_BEFORE_WORDS = frozenset(
    [
        "lần thứ",
        "thứ",
        "khóa",
        "khoá",
        "số",
        "giai đoạn",
        "nhiệm kỳ",
        "kỳ họp",
        "sáng",
        "chiều",
        "tối",
        "trưa",
        "hôm",
        "đêm",
        "nghị quyết",
        "chỉ thị",
        "quyết định",
        "thông báo",
        "kết luận",
        "công văn",
        "thông tư",
        "nghị định",
        "luật",
        "kế hoạch số",
        "điều",
        "khoản",
        "chương",
        "bão",
        "quốc lộ",
        "tỉnh lộ",
        "đường tỉnh",
        "đường huyện",
        "ql",
        "đt",
        "đh",
        "thôn",
        "tổ",
        "ấp",
        "khối",
        "xóm",
        "khu phố",
        "khóm",
        "buôn",
        "tiểu khu",
        "phường",
        "lớp",
        "hạng",
        "bậc",
        "top",
        "đợt",
        "vòng",
        "gmt",
        "trang",
        "phiên",
        "năm học",
        "niên khóa",
    ]
)
#: ... but not inside these ("tổng số 150 hộ", "kỷ luật 3 đảng viên").
_NOT_BEFORE = frozenset(["tổng số", "kỷ luật"])
#: ... nor right after a letter and a dash or plus ("Covid-19", "GMT+7") or a date part.
_MARK_BEFORE = re.compile(r"(?:[A-Za-zĐđ][-+]|[A-Za-zĐđ]\s-\s|\d[-/.])\s*$")
#: ... a period word before it ("ngày 15", "tháng 7", "năm 2023") makes a date, unless an
#: amount follows ("cây hàng năm 5.600 ha").
_PERIOD_WORDS = frozenset(["ngày", "năm", "tháng", "quý", "tuần"])
#: ... and a number followed by these is one too.
_AFTER = re.compile(
    r"^(?:\s?(?:tháng|năm|quý|ngày|giờ|phút|giây|tuần|tuổi|khóa|khoá|nhiệm kỳ|kỳ họp|thế kỷ)"
    r"(?![\wÀ-ỹ])|\s?(?:h\d|g\d|:\d)|[-/.]\d|[-/][A-ZĐ]|-[A-ZĐ]|/20\d\d|-20\d\d)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")


@rule(off=False)
def not_a_measure(before: str, token: str, after: str) -> bool:
    """Dates ("Ngày 5/7", "04/10/2019", "6-10"), periods ("9 tháng", "năm 2023"), ordinals
    ("lần thứ 25"), terms ("nhiệm kỳ 2020-2025"), ages ("dưới 5 tuổi"), times ("06:26"),
    document numbers ("Chỉ thị 16/CT-TTg", "số 04/2018"), road, hamlet and storm names
    ("thôn 5", "bão số 10") and bare years are numbers, but not figures of the period.

    ``before`` and ``after`` are the clause text on either side of the number ``token``;
    a date-like "a/b" or "a-b" followed by a unit ("21/21 xã", "5-7%") is a figure.
    """
    if _MARK_BEFORE.search(before[-6:]):
        return True
    words = last_words(before)
    if words:
        if words[-1] in _PERIOD_WORDS and not _amount_after(after):
            return True
        if any(w in _BEFORE_WORDS for w in words) and not any(w in _NOT_BEFORE for w in words):
            return True
    if _AFTER.match(after):
        return True
    if _YEAR.fullmatch(token):  # a bare year, unless a unit says it is an amount
        return not _PCT.match(after) and read_unit(after) is None
    return False


_WORD = re.compile(r"[\wÀ-ỹ]+")
_PCT = re.compile(r"\s?%")


def last_words(before: str, most: int = 3) -> list[str]:
    """The last one, two and three words of ``before`` (lower case), when it ends in a word
    followed only by spaces: the words a number directly follows."""
    stripped = before[-40:].rstrip()
    if not stripped or not stripped[-1].isalnum():
        return []
    words = _WORD.findall(stripped.lower())
    return [" ".join(words[-k:]) for k in range(min(most, len(words)), 0, -1)]


_PROTOCOL = re.compile(
    r"^\s?(?:đại biểu|điểm cầu|ý kiến|lượt ý kiến|tham luận|báo cáo|tờ trình|phiên họp|"
    r"đại biểu dự|khách mời)(?![\wÀ-ỹ])",
    re.IGNORECASE,
)


@rule(off=False)
def meeting_protocol(after: str) -> bool:
    """Counts about the meeting itself, not the period: delegates ("150 đại biểu"), video
    points ("3 điểm cầu"), speeches and opinions ("12 ý kiến", "8 tham luận"), the papers
    adopted ("4 báo cáo và 2 tờ trình"). They are no indicators of the area's results.

    ``after`` is the text right after the number.
    """
    return bool(_PROTOCOL.match(after))


def _amount_after(after: str) -> bool:
    unit = read_unit(after)
    return bool(re.match(r"\s?%", after)) or (unit is not None and is_measure(unit[0]))


_LIST_MARK = re.compile(r"[.)]\s")


def is_list_number(before: str, after: str) -> bool:
    """A list number at the start of an item ("1. Phấn đấu ...", "2) ...", "+ 3. ..")."""
    return not before.strip(" \t-+•*–") and bool(_LIST_MARK.match(after))


_QUALIFIERS = frozenset(
    [
        "trên dưới",
        "trên",
        "hơn",
        "gần",
        "khoảng",
        "xấp xỉ",
        "dưới",
        "ít nhất",
        "tối thiểu",
        "tối đa",
        "chưa đến",
        "chưa tới",
        "không dưới",
        "không quá",
        "ngót",
        "trên mức",
    ]
)


@rule(off=None)
def qualifier_before(before: str) -> tuple[str, int] | None:
    """Reports bound figures they do not know exactly: "trên 90%", "hơn 334 tỷ đồng",
    "gần 1.000 hộ", "khoảng 45%", "đạt trên 11%", "dưới 5%", "ít nhất", "tối thiểu". The bound
    is part of what the report says and is kept with the figure.

    Returns the qualifier as written and where it starts in ``before`` (the clause text up to
    the number), or None.
    """
    if not before[-1:].isspace():
        return None
    for words in last_words(before, 2):
        if words in _QUALIFIERS:
            stripped = before.rstrip()
            start = len(stripped) - len(words)
            if stripped[start:].lower() == words:
                return stripped[start:], start
    return None


_RANGE = re.compile(rf"\s?[-–]\s?({_TOKEN})|\s+(?:đến|tới)\s+({_TOKEN})")


@rule(off=None)
def range_high(before: str, after: str) -> tuple[str, int] | None:
    """A range is written "5-7%", "5 - 7 tỷ đồng" or "từ 5 đến 7%": the figure is its low end
    and the high end is kept beside it (it is not a change of 7%). The "đến" form needs the
    "từ" before the low end; either form needs a unit or % after the high end, which is what
    tells a range from a date ("6-10").

    Returns the high end's digits and where they end in ``after``, or None.
    """
    m = _RANGE.match(after)
    if not m:
        return None
    if m.group(2) and not re.search(r"\btừ\s*$", before, re.IGNORECASE):
        return None
    rest = after[m.end() :]
    if not re.match(r"\s?(?:%|[a-zđà-ỹA-Z])", rest):
        return None
    return m.group(1) or m.group(2), m.end()


_FRACTION = re.compile(rf"/({_TOKEN})(?=\s?(?:%|[a-zđà-ỹA-ZĐ]))")


@rule(off=None)
def fraction_total(after: str) -> tuple[str, int] | None:
    """ "A/B unit" is A achieved of B: "21/21 xã" (all communes), "10/17 chỉ tiêu",
    "76,4/140 tỷ đồng" (76,4 collected of a plan of 140), "1,68/1,50%". The figure is A, the
    total B; the unit or % after B is what tells it from a date ("5/7").

    Returns B's digits and where they end in ``after``, or None.
    """
    m = _FRACTION.match(after)
    return (m.group(1), m.end()) if m else None


def _keep_all(keys: Sequence[Hashable]) -> list[bool]:
    return [True] * len(keys)


@rule(off=_keep_all)
def first_statements(keys: Sequence[Hashable]) -> list[bool]:
    """News items restate the headline's figure in the body ("Năm 2025, xã hoàn thành 25/25
    chỉ tiêu" as title and as first sentence); summaries restate a table row in the text. A
    figure with the same name and the same numbers as an earlier one of the report is the same
    fact stated again: only its first statement is kept.

    ``keys`` identify each figure (its name and numbers), in report order; returns, for each,
    whether to keep it.
    """
    seen: set[Hashable] = set()
    keep = []
    for key in keys:
        keep.append(key not in seen)
        seen.add(key)
    return keep
