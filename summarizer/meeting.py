"""Meeting facts that are patterns, read by code: ordinal, term, reviewed period, date.

Reports write these in a few fixed ways ("lần thứ 17", "khóa XXVII", "6 tháng đầu năm 2023",
"Ngày 3-7", "Sáng 8/10", "ngày 11 tháng 7 năm 2023"). Code reads them exactly; the model is
asked only for the names (unit, province, body), where it is good and code is not. One call
asking a 1.5B model for all ten fields got half of them wrong (bench/RESULTS.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["MeetingFacts", "read_meeting_facts"]

_ORDINAL = re.compile(r"lần thứ\s+(\d{1,3})\b", re.IGNORECASE)
_TERM_AFTER_ORDINAL = re.compile(
    r"lần thứ\s+\d{1,3}\W{0,3}\(?\s*kh(?:óa|oá)\s+([IVXLC]+)\b", re.IGNORECASE
)
_PERIOD = re.compile(
    r"(?P<months>\d{1,2})\s+tháng(?P<part>\s+(?:đầu|cuối))?(?:\s+năm(?:\s+(?P<year>(?:19|20)\d\d))?)?"
    r"|quý\s+(?P<quarter>IV|III|II|I|[1-4])(?:\s+năm\s+(?P<qyear>(?:19|20)\d\d))?",
    re.IGNORECASE,
)
_FULL_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)", re.IGNORECASE
)
_SHORT_DATE = re.compile(
    r"(?:ngày|sáng|chiều|tối|trưa|hôm nay|hôm qua)\s+(?:nay\s+)?\(?(\d{1,2})[-/.](\d{1,2})"
    r"(?:[-/.]((?:19|20)\d\d))?\)?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_FUTURE = re.compile(r"^\s*(?:tới|còn lại|tiếp theo|sắp tới)", re.IGNORECASE)


@dataclass(frozen=True)
class MeetingFacts:
    """What code can read for :class:`summarizer.schema.Meta`; None where the text is silent."""

    meeting_no: int | None = None
    term: str | None = None
    period: str | None = None
    period_months: int | None = None
    year: int | None = None
    meeting_date: date | None = None


def _first_year(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group()) if match else None


def _reviewed_period(text: str) -> tuple[str | None, int | None, int | None]:
    """The period under review: the first period phrase that is not the coming one.

    'N tháng cuối năm' and '... tới' name the next period; a phrase without a year takes the
    report's first year; a bare '6 tháng' is the first half ('6 tháng đầu năm')."""
    fallback_year = _first_year(text)
    for m in _PERIOD.finditer(text):
        if m.group("quarter"):
            year = int(m.group("qyear")) if m.group("qyear") else fallback_year
            if _FUTURE.match(text, m.end()):
                continue
            label = f"quý {m.group('quarter').upper()}" + (f" năm {year}" if year else "")
            return label, 3, year
        months = int(m.group("months"))
        part = (m.group("part") or "").strip().lower()
        if part == "cuối" or _FUTURE.match(text, m.end()) or not 1 <= months <= 12:
            continue
        year = int(m.group("year")) if m.group("year") else fallback_year
        if part == "đầu" or (not part and months == 6):
            label = f"{months} tháng đầu năm"
        else:
            label = f"{months} tháng năm" if months < 12 else "năm"
        return (f"{label} {year}" if year else label), months, year
    return None, None, fallback_year


def _meeting_date(head: str, period_year: int | None, period_months: int | None) -> date | None:
    """The first date in the opening; a day-month without a year takes the period's year
    (the next year for an annual review held in its first months)."""
    full, short = _FULL_DATE.search(head), _SHORT_DATE.search(head)
    first = min((m for m in (full, short) if m), key=lambda m: m.start(), default=None)
    if first is None:
        return None
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


def read_meeting_facts(text: str, head_chars: int = 1200) -> MeetingFacts:
    """Read ordinal, term, reviewed period and date from a report's NFC text."""
    head = text[:head_chars]
    ordinal = _ORDINAL.search(text)
    # Only a term named with the meeting's ordinal: a report also names other bodies' terms.
    term = _TERM_AFTER_ORDINAL.search(text)
    period, months, year = _reviewed_period(text)
    return MeetingFacts(
        meeting_no=int(ordinal.group(1)) if ordinal else None,
        term=term.group(1).upper() if term else None,
        period=period,
        period_months=months,
        year=year,
        meeting_date=_meeting_date(head, year, months),
    )
