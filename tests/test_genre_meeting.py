"""Meta fields read from a report's opening (genre/meeting.py). Invented openings only."""

from __future__ import annotations

from datetime import date

import pytest

from summarizer.genre import disabled
from summarizer.genre.meeting import (
    meeting_date,
    meeting_no,
    read_meeting_facts,
    report_year,
    reviewed_period,
    term,
    unit_and_body,
)


def test_a_district_committee_meeting_read_whole() -> None:
    facts = read_meeting_facts(
        "Sơn Khê tăng tốc về đích\n\n"
        "Sáng 14/7, Ban Chấp hành Đảng bộ huyện Sơn Khê (tỉnh Lam Giang) tổ chức Hội nghị lần "
        "thứ 11, khóa XXV, đánh giá kết quả 6 tháng đầu năm 2026, triển khai nhiệm vụ 6 tháng "
        "cuối năm."
    )
    assert (facts.unit_name, facts.unit_kind, facts.province) == ("Sơn Khê", "huyện", "Lam Giang")
    assert facts.body == "Ban Chấp hành Đảng bộ huyện"
    assert (facts.meeting_no, facts.term) == (11, "XXV")
    assert (facts.period, facts.period_months, facts.year) == ("6 tháng đầu năm 2026", 6, 2026)
    assert facts.meeting_date == date(2026, 7, 14)


def test_a_commune_body_keeps_its_name_and_its_kind_is_other() -> None:
    name, kind, province, body = unit_and_body(
        "Chiều ngày 30/12/2026, Đảng ủy xã Hòa Phong tổ chức Hội nghị tổng kết công tác năm 2026."
    )
    assert (name, kind, province, body) == ("Hòa Phong", "other", None, "Đảng ủy xã Hòa Phong")


def test_the_meeting_of_a_body_named_after_hoi_nghi_wins_over_its_organiser() -> None:
    name, kind, _, body = unit_and_body(
        "Ngày 20/10, Thị ủy Bến Lăng đã tổ chức Hội nghị Ban chấp hành Đảng bộ lần thứ 4."
    )
    assert (name, kind, body) == ("Bến Lăng", "thị xã", "Ban chấp hành Đảng bộ")


def test_a_committee_named_alone_gives_the_kind_but_no_name() -> None:
    name, kind, _, body = unit_and_body(
        "Sáng 2/4, tại Phòng họp của Thành ủy, đồng chí Bí thư Thành ủy chủ trì Hội nghị "
        "Thành ủy lần thứ 8."
    )
    assert (name, kind, body) == (None, "thành phố", "Thành ủy")


def test_a_congress_and_a_reported_source_are_not_the_body() -> None:
    _, _, _, body = unit_and_body(
        "Theo báo cáo của UBND xã, thực hiện Nghị quyết Đại hội Đảng bộ huyện lần thứ X, "
        "kinh tế tăng trưởng khá."
    )
    assert body is None


def test_province_only_when_named_beside_the_unit() -> None:
    _, _, province, _ = unit_and_body(
        "Huyện ủy Tân Lập tổ chức hội nghị. Dự hội nghị có đồng chí Phó Bí thư Tỉnh ủy Lam Giang."
    )
    assert province is None
    _, _, province, _ = unit_and_body("UBND huyện Tân Lập (Lam Giang) họp phiên thường kỳ.")
    assert province == "Lam Giang"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hội nghị tổng kết công tác năm 2025, triển khai nhiệm vụ năm 2026.",
            ("năm 2025", 12, 2025),
        ),
        ("Giao ban UBND huyện quý III, năm 2026", ("quý III, năm 2026", 9, 2026)),
        (
            "đánh giá kết quả 10 tháng đầu năm 2026 và nhiệm vụ 2 tháng cuối năm",
            ("10 tháng đầu năm 2026", 10, 2026),
        ),
        (
            "hoàn thành chỉ tiêu năm 2026; kết quả thực hiện nhiệm vụ 9 tháng năm 2026",
            ("9 tháng năm 2026", 9, 2026),
        ),
        (
            "triển khai nhiệm vụ những tháng còn lại của năm 2026. "
            "9 tháng qua, thu ngân sách tăng.",
            ("9 tháng", 9, None),
        ),
        (
            "đánh giá 9 tháng và nhiệm vụ 3 tháng cuối năm. 9 tháng năm 2026, huyện đạt",
            ("9 tháng năm 2026", 9, 2026),
        ),
    ],
)
def test_reviewed_period_as_written(text: str, expected: tuple) -> None:
    assert reviewed_period(text) == expected


def test_a_period_without_its_year_takes_the_report_year() -> None:
    assert reviewed_period("Trong 6 tháng đầu năm, kinh tế tăng trưởng.", 2026) == (
        "6 tháng đầu năm 2026",
        6,
        2026,
    )
    assert reviewed_period("9 tháng qua, kinh tế tăng trưởng.", 2026) == ("9 tháng", 9, 2026)


def test_report_year_skips_terms_ranges_comparisons_and_document_numbers() -> None:
    assert (
        report_year(
            "Nghị quyết số 07/2025/NQ-HĐND, nhiệm kỳ 2025 - 2030, tăng 3% so cùng kỳ năm 2025; "
            "năm 2026 đạt"
        )
        == 2026
    )
    assert report_year(" date 2026-07 Theo đó, tăng 2% so cùng kỳ năm 2025.") == 2026
    assert report_year("không có năm nào") is None


def test_meeting_date_forms_and_what_is_not_the_meeting() -> None:
    assert meeting_date("Ngày 6-10, Ban Chấp hành họp.", 2026, 9) == date(2026, 10, 6)
    assert meeting_date("Ngày 11 tháng 7 năm 2026, Hội nghị lần thứ 13 họp.", None, None) == date(
        2026, 7, 11
    )
    assert meeting_date("Sáng 8/1, hội nghị tổng kết năm 2025.", 2025, 12) == date(2026, 1, 8)
    assert meeting_date("Ngày cập nhật 06/12/2026. Năm 2026 huyện đạt.", 2026, 12) is None
    assert meeting_date("12-09-2026 12:43 Giao ban quý III", 2026, 9) is None
    assert (
        meeting_date(
            "thực hiện Nghị quyết số 04/2026/NQ-HĐND ngày 19 tháng 12 năm 2025 của", 2026, 12
        )
        is None
    )


def test_ordinal_and_term_beside_it() -> None:
    text = "Ban Chấp hành Đảng bộ huyện khóa XVII tổ chức hội nghị lần thứ 3 (mở rộng)."
    assert (meeting_no(text), term(text)) == (3, "XVII")
    far = "Hội nghị lần thứ 5 đã họp. " + "Nội dung khác. " * 20 + "HĐND huyện khóa XX."
    assert (meeting_no(far), term(far)) == (5, None)
    assert meeting_no("Đại hội Đảng bộ huyện lần thứ XI") is None


def test_silent_text_gives_nulls() -> None:
    facts = read_meeting_facts("Huyện ủy họp bàn công tác cán bộ.")
    assert facts.unit_name is facts.period is facts.year is facts.meeting_date is None


def test_each_rule_can_be_switched_off() -> None:
    text = "Sáng 14/7, Huyện ủy Sơn Khê tổ chức hội nghị lần thứ 4 đánh giá 6 tháng đầu năm 2026."
    with disabled("unit_and_body", "reviewed_period", "meeting_no"):
        facts = read_meeting_facts(text)
    assert facts.unit_name is facts.body is facts.period is facts.meeting_no is None
    assert facts.year == 2026  # report_year still on
