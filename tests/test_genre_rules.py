"""Cue words, parts and clause labels (genre/cues.py, parts.py, labels.py). Invented text."""

from __future__ import annotations

import pytest

from summarizer.genre import disabled
from summarizer.genre.cues import has_cue
from summarizer.genre.labels import (
    continues_directions,
    follows_a_request,
    reviews_a_result,
    shortfall_is_a_shortcoming,
    states_a_limit,
    too_short_to_judge,
)
from summarizer.genre.parts import (
    allowed_labels,
    apply_part_rules,
    limitation_opening,
    smooth_parts,
)


@pytest.mark.parametrize(
    ("text", "cues", "found"),
    [
        ("Tiến độ giải ngân còn chậm", ("còn chậm",), True),
        ("lũy kế đạt 96 thôn", ("lũ",), False),  # "lũ" is not inside "lũy"
        ("mưa lũ gây thiệt hại", ("lũ",), True),
        ("chủ yếu là lúa nước", ("yếu",), False),  # "chủ yếu" means "mainly"
        ("năng lực còn yếu", ("yếu",), True),
        ("các xã còn lại đang xây dựng", ("còn",), False),  # "còn lại" means "remaining"
        ("thu ngân sách còn thấp", ("còn",), True),
        ("công tác giảm nghèo được quan tâm", ("giảm",), False),
        ("SẢN LƯỢNG GIẢM", ("giảm",), True),  # case does not matter
    ],
)
def test_cues_match_whole_syllables_outside_other_compounds(
    text: str, cues: tuple[str, ...], found: bool
) -> None:
    assert has_cue(text, cues) is found


def test_a_part_limits_the_labels_of_its_clauses() -> None:
    assert "task" not in allowed_labels("review")
    assert set(allowed_labels("coming")) == {"task", "other"}
    assert set(allowed_labels("meeting")) == {"achievement", "shortcoming", "task", "other"}
    with disabled("allowed_labels"):
        assert "task" in allowed_labels("review")


def _sure(part: str, p: float = 0.95) -> dict[str, float]:
    rest = (1 - p) / 2
    return {q: (p if q == part else rest) for q in ("review", "coming", "meeting")}


def test_a_lone_doubtful_paragraph_follows_its_neighbours() -> None:
    parts = ["meeting", "review", "coming", "review", "review", "coming"]
    rows = [(i, _sure(p, 0.6 if i == 2 else 0.95)) for i, p in enumerate(parts)]
    assert smooth_parts(rows) == dict(enumerate(["meeting"] + ["review"] * 4 + ["coming"]))
    # a meeting paragraph does not break the stretch it sits in
    stretch = ["coming", "coming", "meeting", "review", "coming"]
    rows = [(i, _sure(p, 0.6 if i == 3 else 0.95)) for i, p in enumerate(stretch)]
    assert smooth_parts(rows) == dict(
        enumerate(["coming", "coming", "meeting", "coming", "coming"])
    )
    # a report opens with its review
    first = [(0, _sure("coming", 0.6)), (1, _sure("review"))]
    assert smooth_parts(first) == {0: "review", 1: "review"}
    with disabled("smooth_parts"):
        assert smooth_parts(first) == {0: "coming", 1: "review"}


def test_a_paragraph_the_model_is_sure_of_keeps_its_part() -> None:
    # a news report alternates: lede on the coming months, results, a speaker's directions
    parts = ["coming", "review", "coming", "review", "coming"]
    sure = [(i, _sure(p, 0.9)) for i, p in enumerate(parts)]
    assert smooth_parts(sure) == dict(enumerate(parts))
    doubtful = [(i, _sure(p, 0.9 if i != 3 else 0.5)) for i, p in enumerate(parts)]
    assert smooth_parts(doubtful)[3] == "coming"


def test_a_paragraph_opening_with_the_months_under_review_reviews_them() -> None:
    from summarizer.genre.parts import opens_with_the_reviewed_period

    assert opens_with_the_reviewed_period("6 tháng đầu năm 2031, với sự nỗ lực của các cấp")
    assert opens_with_the_reviewed_period("Trong 9 tháng qua, xã Đông Liêm đã tập trung")
    assert opens_with_the_reviewed_period("Quý III, thu ngân sách đạt 12 tỷ đồng")
    assert not opens_with_the_reviewed_period("6 tháng cuối năm 2031, xã tập trung")
    assert not opens_with_the_reviewed_period("Quý IV tới, huyện tập trung thu ngân sách")
    assert not opens_with_the_reviewed_period("Kết quả 6 tháng đầu năm cho thấy")
    paragraphs = [(0, "6 tháng đầu năm 2031, với sự nỗ lực của các cấp, xã đạt nhiều kết quả.")]
    doubtful = {0: {"review": 0.3, "coming": 0.2, "meeting": 0.5}}
    assert apply_part_rules(doubtful, paragraphs, 2031) == {0: "review"}
    with disabled("opens_with_the_reviewed_period"):
        assert apply_part_rules(doubtful, paragraphs, 2031) == {0: "meeting"}


def test_limitations_open_a_review_paragraph_not_a_direction() -> None:
    assert limitation_opening("Tuy nhiên, vẫn còn một số hạn chế, tồn tại sau:")
    assert not limitation_opening("Để khắc phục khó khăn, cần tập trung chỉ đạo quyết liệt.")


def test_part_rules_in_order() -> None:
    paragraphs = [
        (0, "II. HẠN CHẾ, TỒN TẠI"),
        (1, "- Tiến độ xây dựng nông thôn mới còn chậm."),
        (2, "III. PHƯƠNG HƯỚNG NHIỆM VỤ"),
        (3, "- Tập trung thu hoạch lúa mùa."),
        (4, "Tuy nhiên, công tác giải phóng mặt bằng còn chậm, vướng mắc."),
    ]
    model = {1: _sure("review"), 3: _sure("coming"), 4: _sure("coming")}
    parts = apply_part_rules(model, paragraphs)
    assert parts == {0: "heading", 1: "review", 2: "heading", 3: "coming", 4: "review"}
    with disabled("limitation_opening", "smooth_parts"):  # 4 opens with a limitation
        assert apply_part_rules(model, paragraphs)[4] == "coming"


def test_clause_rules() -> None:
    assert too_short_to_judge("Ảnh: Minh Anh") and not too_short_to_judge("Thu ngân sách tăng khá")
    assert states_a_limit("giải ngân vốn đầu tư công đạt thấp")
    assert not states_a_limit("Công tác xây dựng Đảng được tăng cường")
    # a difficulty overcome is not a limit; one still there after it is
    assert not states_a_limit("chủ động tháo gỡ, giải quyết các khó khăn, vướng mắc cho hộ dân.")
    assert states_a_limit("đã khắc phục hậu quả bão số 3 nhưng tiến độ còn chậm")
    assert states_a_limit("chưa kịp thời khắc phục những vi phạm về đất đai")
    assert continues_directions("coming")
    assert not continues_directions("review") and not continues_directions("meeting")
    # a review clause left only achievement or other states a result; any other choice is asked
    assert reviews_a_result("review", ("achievement", "other"))
    assert not reviews_a_result("review", ("achievement", "shortcoming", "other"))
    assert not reviews_a_result("review", ("achievement", "task", "other"))
    assert not reviews_a_result("meeting", ("achievement", "other"))
    assert follows_a_request("Kết luận hội nghị, đồng chí Bí thư đề nghị")
    assert not follows_a_request("Tại hội nghị, các đại biểu đã thảo luận")
    assert shortfall_is_a_shortcoming(12, short_of_plan=True)
    assert not shortfall_is_a_shortcoming(9, short_of_plan=True)  # on its way during the year
    with disabled("states_a_limit", "follows_a_request", "shortfall_is_a_shortcoming"):
        assert states_a_limit("Công tác xây dựng Đảng được tăng cường")
        assert follows_a_request("Tại hội nghị, các đại biểu đã thảo luận")
        assert not shortfall_is_a_shortcoming(12, short_of_plan=True)


def test_a_paragraph_opening_with_the_coming_period_sets_directions() -> None:
    from summarizer.genre.parts import opens_with_the_coming_period

    assert opens_with_the_coming_period("Năm 2027, xã tập trung xây dựng nông thôn mới", 2026)
    assert not opens_with_the_coming_period("Năm 2026, xã hoàn thành 20/22 chỉ tiêu", 2026)
    assert opens_with_the_coming_period("Thời gian tới, huyện tiếp tục cải cách hành chính", None)
    assert opens_with_the_coming_period("Trong 3 tháng cuối năm, phấn đấu thu đủ dự toán", 2026)
    paragraphs = [
        (0, "Năm 2026, thu ngân sách đạt 52 tỷ đồng."),
        (1, "Năm 2027, tập trung xây dựng đường giao thông."),
        (2, "Sản xuất nông nghiệp ổn định."),
    ]
    parts = apply_part_rules({k: _sure("review") for k in range(3)}, paragraphs, 2026)
    assert parts == {0: "review", 1: "coming", 2: "review"}  # the opening has the last word


def test_a_request_allows_a_task_anywhere_and_protocol_is_nothing() -> None:
    from summarizer.genre.labels import states_a_request, what_the_meeting_did

    assert states_a_request("Đồng thời huyện yêu cầu xã tiếp tục rà soát hộ nghèo")
    assert states_a_request("phấn đấu hoàn thành 100% kế hoạch thu")
    assert not states_a_request("Công tác cải cách hành chính được tập trung chỉ đạo")
    assert what_the_meeting_did("Hội nghị cũng đã thông qua 3 tờ trình về đầu tư công;")
    assert what_the_meeting_did("Các đại biểu đã thảo luận, góp ý vào dự thảo báo cáo.")
    # ... unless it goes on to a direction
    assert not what_the_meeting_did(
        "Các đại biểu đã thảo luận, thống nhất tập trung khắc phục hạn chế."
    )
    assert not what_the_meeting_did("Hội nghị thống nhất tập trung thu hoạch lúa mùa.")
    # the meeting named after a dateline, and verbs of its agenda listed together
    assert what_the_meeting_did(
        "Ngày 4 tháng 8 năm 2031, Hội nghị Ban Thường vụ Đảng ủy xã Đông Liêm lần thứ 9 đã "
        "biểu quyết thông qua nghị quyết chuyên đề"
    )
    assert what_the_meeting_did(
        "Tại phiên họp, đại biểu đã sôi nổi thảo luận, thống nhất dự thảo kế hoạch năm 2032."
    )
    # a clause going on with the meeting's agenda, without a subject of its own
    before = "Hội nghị cũng đã thông qua 2 tờ trình về đầu tư công; "
    assert what_the_meeting_did("bàn giải pháp thực hiện nhiệm vụ quý IV.", before)
    assert not what_the_meeting_did("bàn giải pháp thực hiện nhiệm vụ quý IV.")
    assert not what_the_meeting_did("bàn giao mặt bằng cho nhà đầu tư.", before)
    assert not what_the_meeting_did("Huyện bàn giải pháp thực hiện nhiệm vụ quý IV.", before)
    # a person presenting the meeting's papers; not a body adopting them, nor a person doing
    # something else and reporting on it
    assert what_the_meeting_did(
        "Phó Chủ tịch UBND xã Đông Liêm Trần Văn Hà trình bày báo cáo kết quả 9 tháng"
    )
    assert what_the_meeting_did("Đồng chí Trưởng ban Tổ chức thông qua dự thảo nghị quyết;")
    assert not what_the_meeting_did("HĐND xã đã thông qua 5 nghị quyết về đầu tư công;")
    assert not what_the_meeting_did("Chủ tịch UBND xã chỉ đạo rà soát hộ nghèo, báo cáo kết quả;")


def test_an_award_given_at_the_meeting_is_ceremony() -> None:
    from summarizer.genre.labels import an_award_given

    assert an_award_given("Khen thưởng cho các chi bộ hoàn thành xuất sắc nhiệm vụ năm 2031.")
    assert an_award_given(
        "Dịp này, UBND huyện đã tặng Giấy khen cho 9 tập thể, 14 cá nhân có thành tích xuất sắc."
    )
    assert not an_award_given("Năm 2031, xã được tặng Bằng khen vì có thành tích xuất sắc.")
    assert not an_award_given("Cần kịp thời khen thưởng các cá nhân có thành tích xuất sắc.")
    assert not an_award_given("Làm tốt công tác thi đua, khen thưởng.")
    with disabled("an_award_given"):
        assert not an_award_given("Khen thưởng cho các chi bộ hoàn thành xuất sắc nhiệm vụ.")
