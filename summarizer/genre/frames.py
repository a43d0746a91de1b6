"""What stands around a figure's words but is not its name.

A clause says more than what a figure measures: a frame before it ("Thời gian tới sẽ ...",
"do ... nên"), a deadline ("hết năm 2025"), the unit that achieved it ("Đảng bộ xã An Lạc"),
the places it counts ("xã Hòa Lạc và Yên Phú"), verbs and bounds ("ước đạt", "trên"), a word
cut by a line break. These rules say what to leave out; ``genre.names`` builds the name.
"""

from __future__ import annotations

import re

from . import rule

__all__ = [
    "LEAD",
    "TRAIL",
    "W",
    "actor_subject",
    "deadline_frame",
    "named_places",
    "preamble_cut",
    "total_starts_name",
]

W = r"[\wÀ-ỹ]"  # one letter of a Vietnamese word


LEAD = re.compile(
    r"^(?:(?:(?:tính )?đến ngày \d{1,2}/\d{1,2}(?:/\d{2,4})?|trong đó|trong năm|trong|riêng|toàn|"
    r"chỉ có|tổng cộng|cả|hết|đến nay|"
    r"tính đến nay|tính đến|nay|hiện nay|hiện|đã|có|có thêm|thêm|ước đạt|ước tính|ước|đạt|"
    r"là|được|với|và|lên|còn|nâng|nâng tổng số|dự kiến|phấn đấu|thực hiện|huyện|năm|tháng|đầu năm|"
    r"cuối năm|đó|theo đó|về|cụ thể|gồm|bao gồm|\d+|[,;:(\-–+•*.]|[a-zđ]\))(?![\wÀ-ỹ])\s*)+",
    re.IGNORECASE,
)
TRAIL = re.compile(
    r"(?:\s+(?:ước tính|ước đạt|ước|đạt được|đạt|là|có thêm|có|được|lên|còn|đã|với|đối với|"
    r"(?:tính )?đến nay|hiện nay|"
    r"bằng|tới|khoảng|trên|hơn|gần|đến|cho|xong|thực hiện|chỉ có|chỉ|tính|hiện|"
    r"từ|chiếm|sẽ|tại|dự kiến|tăng|giảm|chỉ đạt|mới đạt|xấp xỉ|dưới|ít nhất|tối thiểu|"
    r"và|hoặc|trong|của|là|[,;:(\-–]))+\s*$",
    re.IGNORECASE,
)
_DEADLINE = re.compile(
    r"\b((?:đến hết|đến cuối|đến|hết|cuối|trước|trong)\s+(?:năm|quý|tháng)\s*[\dIVX/]*"
    r"(?:\s*-\s*\d{4})?)\s*",
    re.IGNORECASE,
)


@rule(off="")
def preamble_cut(before: str) -> str:
    """What precedes the measured thing in a clause is often a frame, not a name: "Thời gian
    tới sẽ công nhận thêm", "dự kiến ... sẽ", "phấn đấu ...", "Theo báo cáo, ...". A name
    starts after the last such frame (the frame still decides the figure's kind elsewhere).

    Returns the frame to drop from the start of ``before`` ("" when none).
    """
    frames = re.finditer(
        r"(?:thời gian tới|sắp tới|năm tới|những tháng cuối năm|\bsẽ\b|phấn đấu|"
        r"theo báo cáo|tuy nhiên|bên cạnh đó|ngoài ra|đồng thời|nhìn chung|\bnên\b|do đó|"
        r"vì vậy|vì thế|dẫn đến|hội nghị(?: cũng)?(?: đã)? (?:thông qua|thống nhất))[\s,:]*",
        before,
        re.IGNORECASE,
    )
    last = max((m.end() for m in frames), default=0)
    return before[:last]


@rule(off=None)
def deadline_frame(before: str) -> tuple[str, str] | None:
    """A deadline at the head of a figure's words ("phấn đấu hết năm 2025 có 10 sản phẩm",
    "đến cuối năm có 30 xã") says *by when*, not *what*: it goes in brackets after the name.

    Returns (the words after it, the deadline), or None when ``before`` does not open with
    one (after lead words such as "có", "dự kiến").
    """
    for m in _DEADLINE.finditer(before):
        if LEAD.sub("", before[: m.start()].strip()):
            return None
        if re.search(r"\d", m.group(1)) or "cuối" in m.group(1).lower():
            return before[m.end() :], m.group(1).strip()
    return None


_TOTAL = re.compile(
    r"(?:^|[\s:,])(tổng (?:số|thu|chi|vốn|mức|giá trị|diện tích|sản lượng|sản phẩm|đàn))", re.I
)


@rule(off=0)
def total_starts_name(before: str) -> int:
    """ "Về sản xuất nông nghiệp tổng diện tích gieo trồng là 1.790 ha", "cấp 168 giấy phép với
    tổng vốn 26 tỷ đồng", "Trồng trọt: Tổng diện tích ...": a "tổng ..." (total) phrase opens
    the measured thing; what comes before it is the topic or the previous figure.

    Returns where the name starts in ``before`` (0 when it has no later "tổng" phrase).
    """
    m = _TOTAL.search(before)
    return m.start(1) if m and m.start(1) > 0 else 0


_ACTOR = re.compile(
    r"^(?:toàn\s+)?(?:đảng bộ|chi bộ|huyện ủy|huyện uỷ|thị ủy|thị uỷ|thành ủy|thành uỷ|tỉnh ủy|"
    r"tỉnh uỷ|đảng ủy|đảng uỷ|ubnd|ủy ban nhân dân|uỷ ban nhân dân|huyện|xã|tỉnh|thị xã|"
    r"thành phố|phường|thị trấn)(?:\s+(?:huyện|xã|tỉnh|phường))?(?!" + W + ")",
    re.IGNORECASE,
)


@rule(off="")
def actor_subject(before: str, counted: str) -> str:
    """ "Đảng bộ xã An Lạc kết nạp 14 đảng viên", "xã đạt 11/19 tiêu chí": the unit that
    achieved a figure (the party committee, the commune, with its proper name) is the subject
    of the sentence, not part of what is measured, unless it is what is counted ("xã đạt chuẩn
    NTM 4/5 xã").

    Returns the actor words to drop from the start of ``before`` ("" when none).
    """
    m = _ACTOR.match(before)
    if not m or (counted and counted.split(",")[0].strip().lower() in m.group().lower()):
        return ""
    end = m.end()
    for word in re.finditer(r"\s+(\S+)", before[m.end() :]):
        if not word.group(1)[:1].isupper():
            break
        end = m.end() + word.end()
    return before[:end]


@rule(off="")
def named_places(description: str) -> str:
    """ "02 xã An Hòa và Tân Lập đã đón Bằng công nhận", "3 thôn Đông, Tây đạt chuẩn": a count
    may name the places it counts; the names say which, not what, and are no part of the
    figure's name (acronyms such as "NTM", "OCOP" are).

    ``description`` is the words after a count's noun; returns the names (and a following
    "đã") to drop from its start ("" when it opens with none).
    """
    cut = 0
    for m in re.finditer(r"\S+", description):
        word = m.group().strip(",")
        if word == "và" or (word[:1].isupper() and word[1:].islower()):
            cut = m.end()
        else:
            break
    if (
        not cut
        or cut >= len(description.rstrip())
        or description[:cut].rstrip(", ").endswith(" và")
    ):
        return ""  # nothing but names: they are all the description there is
    rest = description[cut:]
    done = re.match(r"\s+đã(?=\s)", rest)
    return description[: cut + (done.end() if done else 0)]
