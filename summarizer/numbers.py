"""Vietnamese figures in code, never by the model.

Reports write "1.401,351 tỷ đồng" (dot groups thousands, comma is the decimal mark), "21/21 xã",
"đạt 82,7% dự toán tỉnh giao", "bằng 100,2% so với cùng kỳ", "tăng 12,6%", "giảm 0,72%".
:func:`find_figures` turns one clause into :class:`Figure` candidates: an absolute value with its
unit and every percentage that qualifies it. The model only names a candidate and says whether
it is an indicator; every number in the output comes from here, so it is in the source by
construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Figure", "PctFact", "find_figures", "numbers_in", "parse_number"]

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
NUMBER_RE = re.compile(rf"(?<![\d.,])(?:{_NUM})(?![\d])")

#: The name of a figure whose own words name nothing; the pipeline names it by its clause.
UNNAMED = "Số liệu"

#: Units of measure: a figure in these is named by the words before it, not by its unit.
_MEASURES = frozenset(
    [
        "tỷ đồng",
        "triệu đồng",
        "nghìn đồng",
        "ngàn đồng",
        "đồng",
        "tỷ USD",
        "triệu USD",
        "nghìn USD",
        "USD",
        "ha",
        "héc-ta",
        "hécta",
        "m2",
        "m²",
        "km2",
        "km",
        "m3",
        "m",
        "tấn",
        "tạ/ha",
        "tấn/ha",
        "tạ",
        "kg",
        "%",
    ]
)
#: Counted things as written after a number ("28 doanh nghiệp"). A count noun not listed leaves
#: unit=None, which is honest (the value still matches) rather than a guessed word.
_COUNTED = frozenset(
    [
        "con",
        "lượt",
        "lượt người",
        "người",
        "lao động",
        "hộ",
        "xã",
        "phường",
        "thị trấn",
        "thôn",
        "bản",
        "làng",
        "khu phố",
        "tổ dân phố",
        "doanh nghiệp",
        "hợp tác xã",
        "HTX",
        "sản phẩm",
        "chỉ tiêu",
        "tiêu chí",
        "công trình",
        "dự án",
        "trường học",
        "trường",
        "học sinh",
        "đảng viên",
        "đồng chí",
        "chi bộ",
        "đảng bộ",
        "tổ chức cơ sở đảng",
        "cơ sở",
        "đồ án",
        "trường hợp",
        "vụ",
        "cuộc",
        "lớp",
        "hồ sơ",
        "đơn",
        "căn",
        "nhà",
        "km đường",
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
    ]
)
#: Longest first, so "tỷ đồng" wins over "đồng" and "tạ/ha" over "tạ".
_UNITS = sorted((_MEASURES - {"%"}) | _COUNTED, key=len, reverse=True)
_UNIT_RE = re.compile(r"\s?(" + "|".join(re.escape(u) for u in _UNITS) + r")(?![\wÀ-ỹ])")

#: Words that make a number something other than a measure: dates, periods, ordinals, terms.
_NOT_A_MEASURE = re.compile(
    r"^\s?(?:tháng|năm|quý|ngày|giờ|lần|khóa|khoá|nhiệm kỳ|tuổi|/20\d\d|-20\d\d)\b",
    re.IGNORECASE,
)
_BEFORE_NOT_A_MEASURE = re.compile(
    r"(?:ngày|năm|tháng|lần thứ|thứ|khóa|khoá|số|quý|giai đoạn|nhiệm kỳ|kỳ họp)\s*$",
    re.IGNORECASE,
)
#: Just before a number: a date, a document reference or a name with a number in it.
_DOCUMENT_OR_DATE = re.compile(
    r"(?:sáng|chiều|tối|hôm|nghị quyết|chỉ thị|quyết định|thông báo|kết luận|công văn|"
    r"kế hoạch số|điều|khoản|mục|[A-Za-z]\s?-\s?|\d[-/])\s*$",
    re.IGNORECASE,
)
_FRACTION = re.compile(rf"(?:{_NUM})/(?:{_NUM})\s?(?:{'|'.join(re.escape(u) for u in _UNITS)})")
_STOPWORD_AFTER = re.compile(
    r"\s(?:tại|và|của|trong|với|cho|là|để|được|đã|sẽ|có|năm|tháng|ngày|lần|so|theo|từ|đến|"
    r"trên|dưới|về|thì|mà|nhưng|hoặc)\b"
)
_PCT_RE = re.compile(rf"({_NUM})\s?%")
_SAME_PERIOD = re.compile(r"^\s*\(?\s*(?:so\s+(?:với\s+)?)?(?:cùng\s+kỳ|CK)\b", re.IGNORECASE)
_PLAN_WORDS = re.compile(
    r"kế hoạch|\bKH\b|dự toán|chỉ tiêu|nghị quyết|\bNQ\b|mục tiêu|đề ra|giao\b", re.IGNORECASE
)
_BASIS_END = re.compile(r"[,;.)]|\s(?:và|bằng|đạt|tăng|giảm|so với cùng|trong đó)\s")


def parse_number(token: str) -> float:
    """'1.401,351' -> 1401.351, '33.405' -> 33405, '61,68' -> 61.68, '03' -> 3."""
    token = token.strip()
    if not re.fullmatch(_NUM, token):
        raise ValueError(f"not a Vietnamese number: {token!r}")
    return float(token.replace(".", "").replace(",", "."))


def numbers_in(text: str) -> set[float]:
    """Every number written in ``text`` (for checking that output numbers are grounded)."""
    return {parse_number(m.group()) for m in NUMBER_RE.finditer(text)}


@dataclass(frozen=True)
class PctFact:
    """One percentage and what it is relative to."""

    pct: float
    role: str  # "plan" | "same_period" | "change" | "value"
    basis: str | None = None


@dataclass
class Figure:
    """A candidate indicator found by code in one clause, with its span in the report."""

    start: int
    end: int
    quote: str
    value: float | None = None
    unit: str | None = None
    of_total: float | None = None
    plan_pct: list[tuple[float, str]] = field(default_factory=list)
    same_period_pct: float | None = None
    change_pct: float | None = None
    name: str = ""
    #: offset of the value inside ``quote`` (None for a percentage-only fact)
    value_at: int | None = None
    value_abs: int | None = field(default=None, repr=False)


def _basis(text: str) -> str:
    """The words after 'X%' up to the next separator: 'dự toán tỉnh giao', 'kế hoạch (KH)'."""
    text = re.sub(r"^\s*(?:so\s+với|so)\s+", "", text)
    end = _BASIS_END.search(text)
    basis = text[: end.start()] if end else text
    basis = re.sub(r"\s*\($", "", basis.strip()).strip()
    return basis[:60]


def _classify_pct(clause: str, m: re.Match[str], prev_end: int) -> PctFact:
    """Decide what the percentage at ``m`` measures from the words around it."""
    pct = parse_number(m.group(1))
    before = clause[prev_end : m.start()].lower()
    after = clause[m.end() : m.end() + 80]
    verb = re.findall(r"(tăng|giảm|đạt|bằng|vượt|còn)", before)
    last_verb = verb[-1] if verb else ""
    if last_verb in ("tăng", "giảm") and not _PLAN_WORDS.match(after.strip()):
        return PctFact(pct if last_verb == "tăng" else -pct, "change")
    if _SAME_PERIOD.match(after):
        return PctFact(pct, "same_period")
    basis = _basis(after)
    if basis and _PLAN_WORDS.search(basis):
        return PctFact(pct, "plan", re.sub(r"\s*\(\w+\)$", "", basis))
    return PctFact(pct, "value")


def _absolute_values(clause: str) -> list[re.Match[str]]:
    """Numbers in ``clause`` that measure something (not dates, periods, ordinals, or %)."""
    found = []
    for m in NUMBER_RE.finditer(clause):
        after = clause[m.end() : m.end() + 12]
        before = clause[max(0, m.start() - 16) : m.start()]
        if after.lstrip().startswith("%") or _NOT_A_MEASURE.match(after):
            continue
        if _BEFORE_NOT_A_MEASURE.search(before) or _DOCUMENT_OR_DATE.search(before):
            continue
        if re.match(r"[-/]\d|-[A-ZĐ]", after) and not _FRACTION.match(clause, m.start()):
            continue  # a date (12/7, 18/5/2021) or a document number (05-CT/TW)
        if re.match(r"(?:19|20)\d\d$", m.group()) and not _UNIT_RE.match(after):
            continue  # a bare year
        if m.start() == 0 and re.match(r"\s*[.)]", after):
            continue  # a list number: "1. Phấn đấu ..."
        if (
            not _UNIT_RE.match(after)
            and not re.match(r"\s?/", after)
            and (not re.match(r"\s[a-zđà-ỹ]", after) or _STOPWORD_AFTER.match(after))
        ):
            continue  # a bare number that measures nothing named
        found.append(m)
    return found


def _chunks(clause: str) -> list[tuple[int, int]]:
    """Comma-separated chunks: a figure's qualifiers follow it after commas or in brackets."""
    spans, cursor = [], 0
    for m in re.finditer(r"[,;]\s|\s\(|\)\s?[,;]?", clause):
        spans.append((cursor, m.start()))
        cursor = m.end()
    spans.append((cursor, len(clause)))
    return [(a, b) for a, b in spans if clause[a:b].strip()]


def _is_qualifier(chunk: str, values: list[re.Match[str]], current: Figure) -> bool:
    """True when a chunk only qualifies the previous figure: 'đạt 97,2% KH', 'và 72,6% ...',
    or 'tăng 03 tiêu chí so với năm 2019' (a change of the same measure, not a new one)."""
    head = chunk.strip().lower()
    if values:
        unit = _UNIT_RE.match(chunk[values[0].end() :])
        return bool(
            re.match(r"^(?:tăng|giảm)\s", head)
            and unit is not None
            and current.unit is not None
            and unit.group(1) == current.unit
        )
    return bool(
        re.match(r"^(?:và\s+|ước\s+)?(?:đạt|bằng|tăng|giảm|vượt)?\s*(?:[\d.,]+\s?%)", head)
        or re.match(r"^(?:và\s+)?(?:đạt|bằng|tăng|giảm)\s+(?:[\d.,]+\s?%)", head)
    )


def find_figures(text: str, start: int, end: int) -> list[Figure]:
    """Candidate indicators in ``text[start:end]`` (one clause), spans into ``text``."""
    clause = text[start:end]
    figures: list[Figure] = []
    current: Figure | None = None
    chunks = _chunks(clause)
    for index, (a, b) in enumerate(chunks):
        chunk = clause[a:b]
        values = [m for m in _absolute_values(chunk) if a + m.start() >= 0]
        pcts = list(_PCT_RE.finditer(chunk))
        if not values and not pcts:
            continue
        if current is not None and _is_qualifier(chunk, values, current):
            current.end = start + b
        else:
            if values:
                first = values[0]
                current = Figure(start=start + a, end=start + b, quote="")
                current.value = parse_number(first.group())
                current.value_abs = start + a + first.start()
                tail = chunk[first.end() :]
                frac = re.match(rf"/({_NUM})", tail)
                if frac:
                    current.of_total = parse_number(frac.group(1))
                    tail = tail[frac.end() :]
                unit = _UNIT_RE.match(tail)
                current.unit = unit.group(1) if unit else None
            elif pcts:
                current = Figure(start=start + a, end=start + b, quote="")
            else:  # pragma: no cover - guarded by the `continue` above
                continue
            figures.append(current)
            current.start = start + _name_start(clause, chunks, index, figures)
        prev_end = values[0].end() if values and current.start == start + a else 0
        for m in pcts:
            fact = _classify_pct(chunk, m, prev_end)
            prev_end = m.end()
            if fact.role == "plan":
                current.plan_pct.append((fact.pct, fact.basis or ""))
            elif fact.role == "same_period" and current.same_period_pct is None:
                current.same_period_pct = fact.pct
            elif fact.role == "change" and current.change_pct is None:
                current.change_pct = fact.pct
            elif fact.role == "value" and current.value is None:
                current.value, current.unit = fact.pct, "%"
                current.value_abs = start + a + m.start()
    for fig in figures:
        fig.start, fig.end = _trim(text, fig.start, fig.end)
        fig.quote = text[fig.start : fig.end]
        if fig.value_abs is not None:
            fig.value_at = fig.value_abs - fig.start
        fig.name = figure_name(fig)
    return [
        f
        for f in figures
        if f.value is not None
        or f.plan_pct
        or f.change_pct is not None
        or f.same_period_pct is not None
    ]


def _name_start(
    clause: str, chunks: list[tuple[int, int]], index: int, figures: list[Figure]
) -> int:
    """Where a figure's wording starts: back over short number-free chunks that name it,
    as in 'Giá trị sản phẩm nông, lâm, thủy sản tăng 3,83%' (cut at its commas)."""
    start = chunks[index][0]
    earlier_end = figures[-2].end if len(figures) > 1 else 0
    while index > 0:
        a, b = chunks[index - 1]
        piece = clause[a:b]
        if b - a >= 40 or NUMBER_RE.search(piece) or a < earlier_end:
            break
        start, index = a, index - 1
    return start


#: Words around a figure that say how it was reached, not what it measures.
_LEAD = re.compile(
    r"^(?:(?:trong|riêng|toàn|chỉ có|chỉ|tổng cộng|cả|hết|đến|tính đến|nay|đã|có|có thêm|thêm|"
    r"ước|ước đạt|"
    r"đạt|là|được|với|và|lên|còn|nâng|nâng tổng số|dự kiến|phấn đấu|huyện|năm|tháng|đó|"
    r"\d+|[,;:(\-–])\s*)+",
    re.IGNORECASE,
)
_TRAIL = re.compile(
    r"(?:\s+(?:ước|ước đạt|đạt|là|có|được|lên|còn|đã|với|bằng|tới|khoảng|trên|hơn|gần|"
    r"đến|lũy kế|luỹ kế|cho|xong|mới))+\s*$",
    re.IGNORECASE,
)


_AFTER_END = re.compile(
    r"[,;:(.]|\s(?:đạt|bằng|tăng|giảm)\s(?=[\d.,]+)|\s(?:so với|và|trong đó|nâng)\s|\s\d"
)


def figure_name(fig: Figure) -> str:
    """What a figure measures, from its own words, by code: instant, and it cannot invent.

    The phrase before the value ('Tổng diện tích gieo trồng 8.360 ha'), plus, for a count,
    the counted noun and what follows it ('kết nạp 40 đảng viên mới' -> 'Kết nạp đảng viên
    mới'); for a percentage-only fact, the phrase before its verb.
    """
    quote, at = fig.quote, fig.value_at
    if at is None:
        pct = _PCT_RE.search(quote)
        head = quote[: pct.start() if pct else len(quote)]
        head = re.sub(r"\s(?:tăng|giảm|đạt|bằng|chỉ đạt|mới đạt)\s*$", "", head)
        name = _TRAIL.sub("", _LEAD.sub("", head.strip())).strip(" ,;:")
    else:
        before = _TRAIL.sub("", _LEAD.sub("", quote[:at].strip())).strip(" ,;:")
        tail = quote[at:]
        value_token = NUMBER_RE.match(tail)
        tail = tail[value_token.end() if value_token else 0 :]
        tail = re.sub(rf"^/(?:{_NUM})", "", tail)
        unit = fig.unit or ""
        if unit and tail.lstrip().startswith(unit):
            tail = tail.lstrip()[len(unit) :]
        after = _AFTER_END.split(" " + tail, maxsplit=1)[0]
        after = " ".join(after.split()[:6])
        counted = unit if unit and unit not in _MEASURES else ""
        if counted and re.search(rf"(?<!\w){re.escape(counted)}(?!\w)", before, re.IGNORECASE):
            counted = ""  # 'Tổng số xã đạt chuẩn' already says what is counted
        name = " ".join(p for p in (before, counted, after) if p)
    name = " ".join(name.split()[:12]) or (fig.unit or UNNAMED)
    return name[:1].upper() + name[1:]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,;(":
        start += 1
    while end > start and text[end - 1] in " ,;.:":
        end -= 1
    if (
        text[start:end].count("(") > text[start:end].count(")")
        and end < len(text)
        and text[end] == ")"
    ):
        end += 1
    return start, end
