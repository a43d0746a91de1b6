"""What a number measures, as these reports write it right after the number.

Reports put the unit straight after the figure: a unit of measure ("tỷ đồng", "ha", "tấn"),
often with a magnitude word ("45 nghìn tấn", "1,2 nghìn tỷ đồng") and sometimes per something
("12,5 triệu đồng/người/năm"), or a counted noun ("28 doanh nghiệp", "43/43 đảng bộ, chi bộ").
:func:`read_unit` reads that unit *as written*, so the value stays the number the report
writes (45, not 45,000) and the unit carries the magnitude.
"""

from __future__ import annotations

import re

from . import rule

__all__ = [
    "COUNTED",
    "MEASURES",
    "counted_list",
    "is_measure",
    "magnitude_prefix",
    "per_unit",
    "read_unit",
    "unlisted_count",
]

#: Units of measure (money, area, mass, length, volume, yield), without magnitude words.
MEASURES = frozenset(
    [
        "đồng",
        "USD",
        "đô la",
        "ha",
        "héc-ta",
        "hécta",
        "m2",
        "m²",
        "km2",
        "km²",
        "km",
        "m3",
        "m³",
        "m",
        "tấn",
        "tạ",
        "kg",
        "lít",
        "kWh",
        "MW",
        "tạ/ha",
        "tấn/ha",
    ]
)

#: Counted things as written after a number ("28 doanh nghiệp"). A count noun not listed
#: leaves the unit unknown (None), which is honest: the value still matches.
COUNTED = frozenset(
    [
        "con",
        "lượt",
        "lượt người",
        "lượt khách",
        "khách",
        "người",
        "lao động",
        "hộ",
        "hộ gia đình",
        "xã",
        "phường",
        "thị trấn",
        "thôn",
        "bản",
        "làng",
        "ấp",
        "tổ",
        "khu phố",
        "tổ dân phố",
        "khu dân cư",
        "doanh nghiệp",
        "hợp tác xã",
        "HTX",
        "sản phẩm",
        "chỉ tiêu",
        "tiêu chí",
        "công trình",
        "dự án",
        "trường học",
        "phòng học",
        "trường",
        "học sinh",
        "giáo viên",
        "đảng viên",
        "đồng chí",
        "cán bộ",
        "chi bộ",
        "đảng bộ",
        "tổ chức cơ sở đảng",
        "cơ sở",
        "đồ án",
        "trường hợp",
        "vụ",
        "vụ việc",
        "cuộc",
        "lớp",
        "hồ sơ",
        "đơn",
        "đơn thư",
        "căn",
        "nhà",
        "giường bệnh",
        "bác sĩ",
        "thẻ",
        "đoàn viên",
        "hội viên",
        "mô hình",
        "đợt",
        "buổi",
        "tin",
        "bài",
        "giấy chứng nhận",
        "giấy phép",
        "câu lạc bộ",
        "phương tiện",
        "ca",
        "suất",
        "phần quà",
        "chiếc",
        "cơ sở sản xuất",
    ]
)

_WORD_END = r"(?![\wÀ-ỹ])"
_MAGNITUDE = re.compile(r"(?:nghìn tỷ|ngàn tỷ|nghìn|ngàn|triệu|tỷ|trăm)" + _WORD_END + r"\s*")
_MEASURE_RE = re.compile(
    r"(?:"
    + "|".join(re.escape(u) for u in sorted(MEASURES, key=len, reverse=True))
    + r")"
    + _WORD_END
)
_COUNTED_RE = re.compile(
    r"(?:"
    + "|".join(re.escape(u) for u in sorted(COUNTED, key=len, reverse=True))
    + r")"
    + _WORD_END
)
_PER = re.compile(
    r"(?:\s?/\s?(?:người|năm|tháng|ngày|ha|hộ|khẩu|lao động|sào|con|km2?|m2|lượt))+" + _WORD_END
)
_LIST_JOIN = re.compile(r"(?:,\s*|\s+và\s+|\s+hoặc\s+)")


@rule(off=0)
def magnitude_prefix(after: str) -> int:
    """Magnitude words (nghìn, ngàn, triệu, tỷ, nghìn tỷ) after a number belong to its unit:
    "1,2 nghìn tỷ đồng" is 1,2 of "nghìn tỷ đồng", "45 nghìn tấn" is 45 of "nghìn tấn".

    Returns the length of the magnitude words at the start of ``after`` (0 when none).
    """
    m = _MAGNITUDE.match(after)
    return m.end() if m else 0


@rule(off=0)
def per_unit(after: str) -> int:
    """Incomes, yields and rates are written per something: "triệu đồng/người/năm",
    "tạ/ha", "triệu đồng/năm"; the "/..." tail is part of the unit.

    Returns the length of the per-tail at the start of ``after`` (0 when none).
    """
    m = _PER.match(after)
    return m.end() if m else 0


@rule(off=0)
def counted_list(after: str) -> int:
    """A count may cover several kinds of one thing, written as a list of count nouns:
    "43/43 đảng bộ, chi bộ", "12 xã, phường"; the whole list is the unit.

    ``after`` starts right after a count noun; returns the length of the further count nouns
    joined to it by a comma, "và" or "hoặc" (0 when none).
    """
    end = 0
    while True:
        join = _LIST_JOIN.match(after, end)
        if not join:
            return end
        noun = _COUNTED_RE.match(after, join.end())
        if not noun:
            return end
        end = noun.end()


def is_measure(unit: str | None) -> bool:
    """True for a unit of measure ("tỷ đồng", "ha", "%"), False for a counted noun."""
    if unit is None:
        return False
    base = unit[magnitude_prefix(unit) :].split("/")[0].strip()
    return unit == "%" or base in MEASURES or not base


def read_unit(after: str) -> tuple[str, int] | None:
    """The unit written at the start of ``after`` (the text right after a number), as
    written, and where it ends in ``after``; None when no known unit follows.

    A magnitude word with no known unit after it is the unit itself ("5 triệu", "3 nghìn").
    """
    lead = len(after) - len(after.lstrip(" "))
    if lead > 1:
        return None
    pos = lead
    # the rules below are only asked where their words could start (this runs per number)
    mag = magnitude_prefix(after[pos:]) if after[pos : pos + 1] in ("n", "t", "N", "T") else 0
    measure = _MEASURE_RE.match(after, pos + mag)
    counted = _COUNTED_RE.match(after, pos + mag)
    base = max((m for m in (measure, counted) if m), key=lambda m: m.end(), default=None)
    if base is None:
        if not mag:
            return None
        end = pos + len(after[pos : pos + mag].rstrip())
    else:
        end = base.end()
        if base.group() in COUNTED and after[end : end + 1] in (",", " "):
            end += counted_list(after[end:])
        if "/" in after[end : end + 2]:
            end += per_unit(after[end:])
    return after[pos:end], end


_FUNCTION_WORD = re.compile(
    r"\s(?:tại|và|của|trong|với|cho|là|để|được|đã|sẽ|có|năm|tháng|ngày|lần|so|theo|từ|đến|"
    r"trên|dưới|về|thì|mà|nhưng|hoặc|đạt|tăng|giảm|bằng|như|các|những|này|đó|khi|nên|vì|do|"
    r"đều|cũng|còn|vượt|hơn|gần|khoảng)(?![\wÀ-ỹ])",
    re.IGNORECASE,
)


_LOWER_WORD = re.compile(r"\s[a-zđà-ỹ]")


@rule(off=False)
def unlisted_count(after: str) -> bool:
    """A number followed by a noun not in the lexicon still counts that noun ("12 điểm
    trường", "5 tuyến đường"): reports count many things no list can hold. A function word or
    a verb after the number ("2 và", "5 đạt") says the number counts nothing named.

    The figure keeps no unit (None): the value is honest, the noun is left to its name.
    """
    return bool(_LOWER_WORD.match(after)) and not _FUNCTION_WORD.match(after)
