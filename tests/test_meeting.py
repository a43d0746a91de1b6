"""Meeting facts that are patterns (ordinal, term, reviewed period, date) are read by code."""

from __future__ import annotations

from datetime import date

import pytest

from summarizer.meeting import read_meeting_facts


def test_ordinal_term_and_a_short_date_taking_the_period_year() -> None:
    facts = read_meeting_facts(
        "Ngày 5-4, Ban Chấp hành Đảng bộ huyện tổ chức hội nghị lần thứ 12, khóa XXV đánh giá "
        "kết quả quý I năm 2025 và triển khai nhiệm vụ quý II."
    )
    assert (facts.meeting_no, facts.term) == (12, "XXV")
    assert (facts.period, facts.period_months, facts.year) == ("quý I năm 2025", 3, 2025)
    assert facts.meeting_date == date(2025, 4, 5)


def test_the_reviewed_period_is_not_the_coming_one() -> None:
    facts = read_meeting_facts(
        "Triển khai nhiệm vụ 6 tháng cuối năm 2022. Sáng 14/7, hội nghị đánh giá kết quả "
        "6 tháng đầu năm và bàn nhiệm vụ 6 tháng cuối năm."
    )
    assert facts.period == "6 tháng đầu năm 2022"
    assert facts.meeting_date == date(2022, 7, 14)


@pytest.mark.parametrize(
    ("text", "period", "months"),
    [
        ("kết quả 9 tháng năm 2024 và nhiệm vụ 3 tháng cuối năm 2024", "9 tháng năm 2024", 9),
        ("Trong 6 tháng qua, năm 2023, huyện đạt nhiều kết quả", "6 tháng đầu năm 2023", 6),
    ],
)
def test_period_forms(text: str, period: str, months: int) -> None:
    facts = read_meeting_facts(text)
    assert (facts.period, facts.period_months) == (period, months)


def test_full_date_and_annual_review_held_next_year() -> None:
    full = read_meeting_facts("Ngày 11 tháng 7 năm 2023, Hội nghị lần thứ 13 (khóa XXII) họp.")
    assert full.meeting_date == date(2023, 7, 11) and full.term == "XXII"
    annual = read_meeting_facts("Sáng 8/1, hội nghị tổng kết 12 tháng năm 2023.")
    assert annual.meeting_date == date(2024, 1, 8)


def test_silent_text_gives_nulls() -> None:
    facts = read_meeting_facts("Huyện ủy họp bàn công tác cán bộ.")
    assert facts == type(facts)()


def test_a_term_without_the_meeting_ordinal_is_not_taken() -> None:
    assert read_meeting_facts("Kỳ họp HĐND huyện khóa XX đã thông qua nghị quyết.").term is None
