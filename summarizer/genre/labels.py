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
    "an_award_given",
    "continues_directions",
    "follows_a_request",
    "is_lead_in",
    "reviews_a_result",
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
    "chưa đạt", "khó khăn", "đạt thấp"); a clause with no such word is not a shortcoming.
    A difficulty that is overcome ("kịp thời khắc phục, tháo gỡ khó khăn, vướng mắc") is not
    a limit: the words after such a verb, up to where the clause says something else of its
    own ("còn", "chưa", "nhưng", ...), do not count."""
    return has_cue(_OVERCOME.sub(lambda m: "·" * len(m.group()), clause), LIMITS)


#: A verb of overcoming and its object: at most ten syllables, up to a full stop, a semicolon
#: or a word that starts a statement of its own.
_OVERCOME = re.compile(
    r"(?<![^\W\d_])(?:khắc phục|giải quyết|tháo gỡ|vượt qua|ứng phó)(?![^\W\d_])"
    r"(?:[\s,]+(?!(?:còn|chưa|vẫn|nhưng|song|tuy nhiên|không)(?![^\W\d_]))[^\s,.;:]+){0,10}",
    re.IGNORECASE,
)


@rule(off=False)
def continues_directions(part: str) -> bool:
    """A paragraph that sets directions states tasks: every clause of it is one, once the
    clauses that only introduce them (a lead-in, a speaker) are set aside."""
    return part == "coming"


@rule(off=False)
def reviews_a_result(part: str, open_labels: tuple[str, ...]) -> bool:
    """A paragraph that reviews the period states its results: a clause there that states no
    limit and asks for nothing, once headings, lead-ins and what the meeting did are set
    aside, is an achievement."""
    return part == "review" and open_labels == ("achievement", "other")


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


#: What a meeting does with its reports: hear, discuss, agree, assess, vote ("bàn", to
#: discuss, is not "bàn giao", to hand over).
_AGENDA = (
    r"(?:thông qua|nghe|thảo luận|cho ý kiến|góp ý|tham gia ý kiến|biểu quyết|bỏ phiếu|"
    r"xem xét|nghiên cứu|đánh giá|thống nhất|bàn(?! giao)|phân tích|làm rõ)(?![^\W\d_])"
)
_AGENDA_LIST = (
    rf"(?:(?:tập trung|sôi nổi|dân chủ|tích cực)\s+)?{_AGENDA}(?:\s*(?:,|và)\s*{_AGENDA})*"
)
#: Who does it: the meeting ("Hội nghị Ban Chấp hành ... lần thứ 13", after a dateline), the
#: session or the delegates ("Tại hội nghị, các đại biểu ...").
_PROTOCOL = re.compile(
    r"^(?:(?:sáng|chiều|tối)?\s*ngày\s[^,;]{1,30},\s*)?"
    r"(?:(?:tại|trong)\s+(?:buổi\s+|khuôn khổ\s+)?(?:hội nghị|phiên họp|buổi làm việc)"
    r"[^,]*,\s*)?(?:hội nghị(?:\s[^,.;:]{0,80}?)?|phiên họp|các đại biểu|đại biểu)\s+"
    rf"(?:cũng\s+)?(?:đã\s+)?{_AGENDA_LIST}",
    re.IGNORECASE,
)
#: Someone presenting the meeting's papers ("Phó Chủ tịch UBND huyện trình bày báo cáo ...",
#: "đồng chí Trưởng ban Tổ chức thông qua dự thảo ..."): a person, not the body that adopts them.
_PRESENTS = re.compile(
    r"^(?:đồng chí|ông|bà|phó|trưởng|bí thư|chủ tịch|giám đốc|ủy viên)(?![^\W\d_])[^.;:]{0,120}?"
    r"(?<![^\W\d_])(?<!được )(?:trình bày|thông qua)\s+(?:các\s+|toàn văn\s+)?(?:dự thảo\s+)?"
    r"(?:báo cáo|tờ trình|dự thảo|đề án|chương trình)",
    re.IGNORECASE,
)
#: A clause going on with the meeting's agenda, its subject said earlier in the sentence
#: ("Hội nghị đã thông qua ...; bàn giải pháp ...").
_MORE_AGENDA = re.compile(rf"^{_AGENDA_LIST}", re.IGNORECASE)
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
def what_the_meeting_did(clause: str, sentence_before: str = "") -> bool:
    """What the meeting itself did ("Hội nghị cũng đã thông qua các báo cáo ...", "Tại hội
    nghị, các đại biểu đã tập trung thảo luận, thống nhất ...") or someone presenting its
    papers ("Phó Chủ tịch UBND huyện trình bày báo cáo ...") is protocol, not a result or
    a task, and so is a clause that goes on with the agenda of such a sentence without a
    subject of its own ("...; bàn giải pháp và đề ra phương hướng ..."; ``sentence_before``
    is the sentence up to the clause), unless the clause goes on to a direction ("...,
    phấn đấu hoàn thành ...")."""
    said = clause.strip()
    match = _PROTOCOL.match(said) or _PRESENTS.match(said)
    if match is None and _PROTOCOL.match(sentence_before.strip()) and said[:1].islower():
        match = _MORE_AGENDA.match(said)
    return match is not None and not has_cue(said[match.end() :], _DIRECTIONS)


#: "khen thưởng", "trao tặng Giấy khen", "tặng Bằng khen", "biểu dương" ... for a record of
#: achievement; not received ("được tặng Bằng khen" is a result).
_AWARD = re.compile(
    r"^(?:(?!được|nhận)[^.;:]){0,60}?(?<![^\W\d_])(?:khen thưởng|trao(?: tặng)?|tặng|biểu dương)"
    r"(?![^\W\d_])[^.;]{0,120}?(?:thành tích|hoàn thành xuất sắc|xuất sắc)",
    re.IGNORECASE,
)


@rule(off=False)
def an_award_given(clause: str) -> bool:
    """The meeting closes by honouring those who did well ("Dịp này, huyện đã tặng Giấy khen
    cho 12 tập thể có thành tích xuất sắc", "Khen thưởng cho các chi bộ hoàn thành xuất sắc
    nhiệm vụ"): a ceremony, neither a result of the period nor a task, unless it is asked for
    ("cần kịp thời khen thưởng ...")."""
    return _AWARD.match(clause.strip()) is not None and not has_cue(clause, _ASKS)
