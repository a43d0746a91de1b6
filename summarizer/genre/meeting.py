"""Who met, when, and which period they reviewed: read from how these reports open.

Reports open with a title or a dateline and one sentence naming the body that met and the
period it reviewed: "Ngày 3-7, Ban Chấp hành Đảng bộ huyện X tổ chức Hội nghị lần thứ 17 ...
đánh giá kết quả 6 tháng đầu năm 2023"; "Đảng ủy xã Y tổng kết công tác năm 2025"; "Giao ban
UBND huyện quý III, năm 2018". Every field is a pattern of that opening, so code reads it
exactly as written and leaves it null when the text is silent; a 1.5B model asked for these
fields copied its prompt's examples and took the term's first year for the year.
"""

from __future__ import annotations

import re
from datetime import date

from ..schema import Meta
from . import rule

__all__ = [
    "meeting_date",
    "meeting_no",
    "read_meeting_facts",
    "reviewed_period",
    "term",
    "unit_and_body",
]

#: How far into a report its opening reaches (title, dateline, first paragraph or two).
HEAD_CHARS = 1200

_WORD = r"[^\W\d_]+"
_KINDS = {
    "huyện": "huyện",
    "thị xã": "thị xã",
    "thành phố": "thành phố",
    "quận": "quận",
    "tỉnh": "tỉnh",
    "xã": "other",
    "phường": "other",
    "thị trấn": "other",
}
_KIND_WORD = r"(?:huyện|thị xã|thành phố|quận|tỉnh|xã|phường|thị trấn)"
#: The committees that hold these meetings, and the unit each one governs.
_COMMITTEE_KIND = {
    "huyện ủy": "huyện",
    "thị ủy": "thị xã",
    "thành ủy": "thành phố",
    "quận ủy": "quận",
    "tỉnh ủy": "tỉnh",
}
_UY = r"(?:ủy|uỷ)"
_BODY = re.compile(
    rf"(?<!Đại hội )(?P<body>(?:Ban [Cc]hấp hành |BCH )?Đảng bộ(?: {_KIND_WORD})?|"
    rf"Đảng {_UY}(?: {_KIND_WORD})?|(?:Huyện|Thị|Thành|Quận|Tỉnh) {_UY}(?! viên)|"
    rf"UBND(?: {_KIND_WORD})?|Ủy ban nhân dân(?: {_KIND_WORD})?|HĐND(?: {_KIND_WORD})?)"
    rf"(?![^\W\d_])"
)
_UNIT = re.compile(rf"(?<![^\W\d_])(?P<kind>{_KIND_WORD}|Huyện|Tỉnh)(?![^\W\d_])")
_HELD = re.compile(
    r"^[^.;]{0,40}?(?:tổ chức|tổng kết|họp|đã diễn ra|chủ trì|sơ kết|giao ban)", re.IGNORECASE
)
_MEETING_OF = re.compile(r"[Hh]ội nghị\s+$")


def _name_after(text: str, at: int) -> str | None:
    """The proper name written at ``at``: up to four words that each start with a capital
    ("Hậu Lộc", "A Lưới", "Đak Đoa"), else None."""
    words: list[tuple[str, int]] = []
    for match in re.finditer(rf"\s*({_WORD})", text[at : at + 60]):
        if match.start() != (words[-1][1] if words else 0) or not match.group(1)[0].isupper():
            break
        words.append((match.group(1), match.end()))
        if len(words) == 4:
            break
    return " ".join(w for w, _ in words) or None


def _norm_kind(word: str) -> str:
    return _KINDS.get(word.lower(), "other")


@rule(off=(None, None, None, None))
def unit_and_body(head: str) -> tuple[str | None, str | None, str | None, str | None]:
    """The body that met is named where the opening says who held the meeting ("Ban Chấp hành
    Đảng bộ huyện X tổ chức", "Hội nghị Thành ủy lần thứ 25", "Giao ban UBND huyện"); the unit
    is the place named with it, its kind the word before the name (a commune is "other"), and
    a province counts only when named beside the unit ("huyện X (tỉnh Y)", "X (Hà Tĩnh)").

    Returns (unit_name, unit_kind, province, body)."""
    bodies = list(_BODY.finditer(head))
    subject = next((m for m in bodies if _HELD.search(head[m.end() :])), None)
    chosen: re.Match[str] | None
    if subject is not None:  # "X tổ chức Hội nghị <body> lần thứ": the meeting's own body
        sentence_end = head.find(".", subject.end())
        of_meeting = [
            m
            for m in bodies
            if subject.end() <= m.start() < (sentence_end if sentence_end > 0 else len(head))
            and _MEETING_OF.search(head[max(0, m.start() - 12) : m.start()])
        ]
        chosen = of_meeting[0] if of_meeting else subject
    else:  # no sentence says who met: a meeting named by its body, else a body that acts
        named = [m for m in bodies if _MEETING_OF.search(head[: m.start()])]
        acting = [m for m in bodies if not re.search(r"\bcủa\s*$", head[: m.start()])]
        chosen = named[0] if named else acting[0] if acting else None
    name = kind = province = body = None
    for match in [m for m in (subject, chosen) if m is not None]:
        words = match.group("body").lower().replace("uỷ", "ủy")
        kind_word = next((k for k in _KINDS if words.endswith(" " + k)), None)
        committee = next((v for k, v in _COMMITTEE_KIND.items() if words == k), None)
        kind = kind or (_norm_kind(kind_word) if kind_word else committee)
        name = name or _name_after(head, match.end())
    if chosen is not None:
        body = chosen.group("body")
        own_name = _name_after(head, chosen.end())
        if own_name and kind == "other":
            body = f"{body} {own_name}"  # a commune's body names it ("Đảng ủy xã Y")
    if name is None:
        for match in _UNIT.finditer(head):
            unit_kind = _norm_kind(match.group("kind"))
            candidate = _name_after(head, match.end())
            if candidate and unit_kind != "tỉnh" and kind in (None, unit_kind):
                name, kind = candidate, unit_kind
                break
    for at in [m.end() for m in re.finditer(re.escape(name), head)] if name else []:
        bracket = re.match(r"\s*\((?:tỉnh\s+)?", head[at:])
        inside = _name_after(head, at + bracket.end()) if bracket else None
        if bracket and inside and head[at + bracket.end() + len(inside) :].startswith(")"):
            province = inside
            break
    if kind is None:
        mentioned = re.search(rf"(?:của|toàn)\s+(?P<k>{_KIND_WORD})\b", head)
        kind = _norm_kind(mentioned.group("k")) if mentioned else None
    return name, kind, province, body


_ORDINAL = re.compile(r"lần thứ\s+(\d{1,3})\b", re.IGNORECASE)
_TERM = re.compile(r"\bkh[oó][áa]\s+([IVXLC]{1,7})\b", re.IGNORECASE)


@rule(off=None)
def meeting_no(text: str) -> int | None:
    """The meeting's ordinal is written "lần thứ 17" (a Party congress is "lần thứ XI", in
    Roman numerals, and is not this meeting)."""
    match = _ORDINAL.search(text)
    return int(match.group(1)) if match else None


@rule(off=None)
def term(text: str) -> str | None:
    """The committee's term is "khóa XXVII", written beside the meeting's ordinal (before or
    after it, in brackets or not); a term elsewhere belongs to another body."""
    ordinals = [m.start() for m in _ORDINAL.finditer(text)]
    for match in _TERM.finditer(text):
        if any(abs(match.start() - at) <= 120 for at in ordinals):
            return match.group(1).upper()
    return None


_PERIOD = re.compile(
    r"(?P<months>\d{1,2})\s+tháng(?P<part>\s+(?:đầu|cuối))?(?:\s+năm(?:\s+(?P<year>(?:19|20)\d\d))?)?"
    r"|quý\s+(?P<quarter>IV|III|II|I|[1-4])(?:\s*[,-]?\s*(?:năm\s+)?(?P<qyear>(?:19|20)\d\d))?"
    r"|(?<![\w/.-])năm\s+(?P<annual>(?:19|20)\d\d)(?![\d/-])",
    re.IGNORECASE,
)
_COMING_AFTER = re.compile(r"^\s*(?:tới|còn lại|tiếp theo|sắp tới|cuối năm|sau)", re.IGNORECASE)
#: "phương hướng, nhiệm vụ năm 2026", "chỉ tiêu năm 2024", "những tháng còn lại của năm 2020"
_COMING_BEFORE = re.compile(
    r"(?<!thực hiện )(?:phương hướng|nhiệm vụ|kế hoạch|mục tiêu|chỉ tiêu|đề ra|sang)"
    r"(?:\s+(?:trọng tâm|chủ yếu|chính))?\s*,?\s*$|của\s*$",
    re.IGNORECASE,
)
_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _period_of(m: re.Match[str]) -> tuple[int, int | None]:
    """(months, year) of a period phrase; a quarter's review covers the year so far."""
    if m.group("annual"):
        return 12, int(m.group("annual"))
    if m.group("quarter"):
        year = m.group("qyear")
        return 3 * _QUARTERS[m.group("quarter").upper()], int(year) if year else None
    year = m.group("year")
    return int(m.group("months")), int(year) if year else None


def _is_coming(text: str, m: re.Match[str]) -> bool:
    if (m.group("part") or "").strip().lower() == "cuối" or _COMING_AFTER.match(text, m.end()):
        return True
    return bool(_COMING_BEFORE.search(text[max(0, m.start() - 40) : m.start()]))


@rule(off=(None, None, None))
def reviewed_period(
    text: str, fallback_year: int | None = None
) -> tuple[str | None, int | None, int | None]:
    """The reviewed period is the first period phrase of the opening that is not the coming
    one ("6 tháng cuối năm", "nhiệm vụ năm 2026", "3 tháng còn lại"), as written; where the
    report writes the same period again with its year ("9 tháng năm 2021"), that fuller form.
    "Năm 2025" alone is an annual review; a quarter's review ("quý III") covers the months
    of the year so far; "6 tháng đầu năm" without its year takes the report's year
    (``fallback_year``). Returns (period, months, year)."""
    phrases = [m for m in _PERIOD.finditer(text) if not _is_coming(text, m)]
    if not phrases:
        return None, None, None
    months, year = _period_of(phrases[0])
    label = phrases[0].group().strip()
    if year is None:
        fuller = next(
            (m for m in phrases[1:] if _period_of(m)[0] == months and _period_of(m)[1]), None
        )
        if fuller is not None:
            label, year = fuller.group().strip(), _period_of(fuller)[1]
    label = re.sub(r"^0(\d)", r"\1", label)
    year = year or fallback_year
    if year is not None and label.lower().endswith("năm"):  # "6 tháng đầu năm" of 2020
        label = f"{label} {year}"
    return label, months, year


_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/]|\s*[-–]\s*(?:19|20)\d\d)")
_NOT_THE_YEAR = re.compile(
    r"(?:nhiệm kỳ|giai đoạn|kế hoạch)[^.;]{0,30}?\d{4}\s*[-–]\s*\d{4}|"
    r"\d{4}\s*[-–]\s*\d{4}|cùng kỳ(?: năm)?\s+\d{4}|năm (?:trước|tới|sau)",
    re.IGNORECASE,
)
_POSTED = re.compile(r"^\s*date\s+((?:19|20)\d\d)-\d\d")


@rule(off=None)
def report_year(text: str) -> int | None:
    """When the period phrase has no year, the year under review is the report's first year
    that is not a range ("nhiệm kỳ 2020 - 2025", "giai đoạn 2021-2025"), a comparison ("so
    cùng kỳ năm 2022") or part of a document number ("04/2018/NQ"); a news export that opens
    with its posting date (" date 2023-07") gives that year first."""
    posted = _POSTED.match(text)
    if posted:
        return int(posted.group(1))
    match = _YEAR.search(_NOT_THE_YEAR.sub(" ", text))
    return int(match.group(1)) if match else None


_FULL_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)", re.IGNORECASE
)
_SHORT_DATE = re.compile(
    r"(?<!cập nhật )(?:ngày|sáng|chiều|tối|trưa|hôm nay|hôm qua)\s+(?:ngày\s+|nay\s+)?\(?"
    r"(\d{1,2})[-/.](\d{1,2})(?:[-/.]((?:19|20)\d\d))?\)?",
    re.IGNORECASE,
)
_NOT_THE_MEETING = re.compile(r"(?:cập nhật|ban hành|của|theo)\s*$", re.IGNORECASE)


@rule(off=None)
def meeting_date(head: str, period_year: int | None, period_months: int | None) -> date | None:
    """The meeting's date is the first date of the opening introduced as a day ("Ngày 3-7",
    "Sáng 12/7", "Chiều ngày 31/12/2025", "Ngày 11 tháng 7 năm 2023"); a posting stamp
    ("12-09-2018 12:43", "Ngày cập nhật ...") or a document's date ("Nghị quyết số ... ngày
    ...") is not. A day and month without a year take the reviewed period's year, the next
    year for an annual review held in its first months."""
    found = [
        m
        for pattern in (_FULL_DATE, _SHORT_DATE)
        for m in pattern.finditer(head)
        if not _NOT_THE_MEETING.search(head[max(0, m.start() - 30) : m.start()])
        and not re.search(r"\bsố\b[^.,;]{0,40}$", head[max(0, m.start() - 40) : m.start()])
    ]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    day, month = int(first.group(1)), int(first.group(2))
    year_text = first.group(3)
    year = int(year_text) if year_text else period_year
    if year is None:
        return None
    if not year_text and period_months == 12 and month <= 3:
        year += 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_meeting_facts(text: str) -> Meta:
    """Every meta field a report's opening states (NFC text)."""
    head = text[:HEAD_CHARS]
    fallback = report_year(text)
    period, months, year = reviewed_period(head, fallback)
    if period is None:
        period, months, year = reviewed_period(text, fallback)
    year = year or fallback
    name, kind, province, body = unit_and_body(head)
    return Meta(
        unit_name=name,
        unit_kind=kind,
        province=province,
        body=body,
        meeting_no=meeting_no(text),
        term=term(text),
        meeting_date=meeting_date(head, year, months),
        period=period,
        period_months=months,
        year=year,
    )
