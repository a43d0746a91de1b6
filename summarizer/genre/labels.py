"""What a clause can be: the genre's checks on the model's achievement / shortcoming / task.

The model judges each clause; these rules say what the wording and the report's structure
rule out or make certain, so a small model's guess never contradicts the text.
"""

from __future__ import annotations

import re

from . import rule
from .cues import has_cue

__all__ = [
    "LIMITS",
    "REQUESTS",
    "continues_directions",
    "follows_a_request",
    "is_lead_in",
    "shortfall_is_a_shortcoming",
    "states_a_limit",
    "states_a_request",
    "too_short_to_judge",
    "what_the_meeting_did",
]

#: How these reports state a limitation, a lack, a delay or a difficulty.
LIMITS = (
    "hạn chế",
    "chậm",
    "chưa",
    "khó khăn",
    "thấp",
    "yếu",
    "yếu kém",
    "tồn tại",
    "bất cập",
    "vướng",
    "vướng mắc",
    "thiếu",
    "không",
    "giảm",
    "còn",
    "sụt",
    "sụt giảm",
    "thách thức",
    "phức tạp",
    "ô nhiễm",
    "vi phạm",
    "nợ",
    "nợ đọng",
    "tụt",
    "kém",
    "hụt",
    "ảnh hưởng",
    "bất lợi",
    "tiềm ẩn",
    "lo ngại",
    "bất ổn",
    "thu hẹp",
    "suy",
    "suy giảm",
    "gián đoạn",
    "dịch bệnh",
    "thiên tai",
    "rủi ro",
    "áp lực",
    "xuống cấp",
    "kéo dài",
    "khuyết điểm",
    "hạn hán",
    "lũ",
    "bão",
    "biến động",
    "tăng cao",
    "đình trệ",
    "lúng túng",
)

#: What a meeting asks for or decides.
REQUESTS = (
    "đề nghị",
    "yêu cầu",
    "cần",
    "phải",
    "nhấn mạnh",
    "lưu ý",
    "giao cho",
    "thống nhất",
    "kết luận",
)

_MIN_WORDS = 4


@rule(off=False)
def too_short_to_judge(clause: str) -> bool:
    """A clause of fewer than four words (a byline, "Trong đó:", a caption) holds no result
    or task of its own."""
    return len(clause.split()) < _MIN_WORDS


@rule(off=True)
def states_a_limit(clause: str) -> bool:
    """A shortcoming is worded as one: a limit, a lack, a delay or a difficulty ("còn chậm",
    "chưa đạt", "khó khăn", "đạt thấp"); a clause with no such word is not a shortcoming."""
    return has_cue(clause, LIMITS)


@rule(off=False)
def continues_directions(part: str, opens_paragraph: bool) -> bool:
    """A paragraph that sets directions lists them: after its opening clause (which may only
    introduce them), every clause is a task."""
    return part == "coming" and not opens_paragraph


@rule(off=True)
def follows_a_request(said_so_far: str) -> bool:
    """In a paragraph about the meeting, a task is something someone asks for or decides:
    it follows a request ("đề nghị", "yêu cầu", "cần", "kết luận", ...) said earlier in the
    paragraph; without one it is protocol, not a task."""
    return has_cue(said_so_far, REQUESTS)


@rule(off=False)
def shortfall_is_a_shortcoming(period_months: int | None, short_of_plan: bool) -> bool:
    """At the end of a year, a result below its plan ("76,4/140 tỷ đồng", "đạt 89% kế hoạch")
    is a target missed, a shortcoming; during the year a share of the annual plan below 100%
    is on its way, not short."""
    return period_months == 12 and short_of_plan


#: Endings that announce a list instead of stating something.
_LEAD_IN_END = re.compile(
    r"(?:\b(?:như sau|sau đây|như|gồm|bao gồm|cụ thể là|cụ thể như|đó là|là)|:)\s*$",
    re.IGNORECASE,
)
#: "… đồng chí X, Bí thư Huyện ủy đề nghị" ends where the request starts.
_SPEAKER_END = re.compile(
    r"\b(?:đề nghị|yêu cầu|nhấn mạnh|lưu ý|khẳng định|chỉ rõ)\s*$", re.IGNORECASE
)
_SPEAKER = re.compile(r"\b(?:phát biểu|kết luận|đồng chí|bí thư|chủ tịch)\b", re.IGNORECASE)


@rule(off=False)
def is_lead_in(clause: str, before_colon: bool = False) -> bool:
    """A clause that only announces what follows states nothing itself: it ends in a colon or
    "như sau", "sau đây", "như", "gồm", "đó là" ("Tuy nhiên, vẫn còn một số hạn chế, như
    sau:"), or it is a speaker's introduction ending where the request starts ("Phát biểu kết
    luận, đồng chí Bí thư Huyện ủy đề nghị")."""
    said = clause.strip().rstrip(".…").rstrip()
    if before_colon or _LEAD_IN_END.search(said):
        return True
    return bool(_SPEAKER_END.search(said) and _SPEAKER.search(said))


#: What a request or a commitment to act sounds like, wherever it is said.
_ASKS = (*REQUESTS, "phấn đấu", "quyết tâm")


@rule(off=False)
def states_a_request(clause: str) -> bool:
    """A request or a commitment ("yêu cầu ... tiếp tục", "đề nghị", "lưu ý", "phấn đấu") sets
    a task wherever it is said, even inside a paragraph that reviews the period, so a task is
    one of the clause's choices then."""
    return has_cue(clause, _ASKS)


_PROTOCOL = re.compile(
    r"^(?:(?:tại|trong)\s+(?:buổi\s+|khuôn khổ\s+)?(?:hội nghị|phiên họp|buổi làm việc)"
    r"[^,]*,\s*)?(?:hội nghị|phiên họp|các đại biểu|đại biểu)\s+(?:cũng\s+)?(?:đã\s+)?"
    r"(?:thông qua|nghe|thảo luận|cho ý kiến|góp ý|tham gia ý kiến|biểu quyết|bỏ phiếu|xem xét)",
    re.IGNORECASE,
)
_DIRECTIONS = (
    "phấn đấu",
    "khắc phục",
    "đẩy mạnh",
    "tập trung",
    "tăng cường",
    "tiếp tục",
    "triển khai",
    "thống nhất",
)


@rule(off=False)
def what_the_meeting_did(clause: str) -> bool:
    """What the meeting itself did ("Hội nghị cũng đã thông qua các báo cáo ...", "Các đại
    biểu đã thảo luận, góp ý ...") is protocol, not a result or a task, unless the clause
    goes on to a direction ("..., phấn đấu hoàn thành ...")."""
    match = _PROTOCOL.match(clause.strip())
    return match is not None and not has_cue(clause.strip()[match.end() :], _DIRECTIONS)
