"""Vietnamese figures are parsed by code; these are the forms real reports use."""

from __future__ import annotations

import pytest

from summarizer.numbers import find_figures, numbers_in, parse_number


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("1.401,351", 1401.351),
        ("8.360", 8360),
        ("61,68", 61.68),
        ("832.270.966.973", 832270966973),
        ("03", 3),
        ("100", 100),
        ("0,72", 0.72),
    ],
)
def test_parse_number(token: str, value: float) -> None:
    assert parse_number(token) == pytest.approx(value)


@pytest.mark.parametrize("token", ["1.40", "abc", "", "1,2,3"])
def test_parse_number_rejects_non_numbers(token: str) -> None:
    with pytest.raises(ValueError):
        parse_number(token)


def one(text: str):
    figures = find_figures(text, 0, len(text))
    assert len(figures) == 1, figures
    return figures[0]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Thu ngân sách ước đạt 1.401,351 tỷ đồng", 1401.351, "tỷ đồng"),
        ("Tổng diện tích gieo trồng 8.360 ha", 8360, "ha"),
        ("Giá trị xuất khẩu đạt 61,68 triệu USD", 61.68, "triệu USD"),
        ("Tổng vốn 832.270.966.973 đồng", 832270966973, "đồng"),
        ("Thu ngân sách hơn 334 tỷ đồng", 334, "tỷ đồng"),
        ("Tổng diện tích gieo trồng 12.100,1ha", 12100.1, "ha"),
    ],
)
def test_values_and_units(text: str, value: float, unit: str) -> None:
    fig = one(text)
    assert fig.value == pytest.approx(value)
    assert fig.unit == unit
    assert text[fig.start : fig.end] == fig.quote


def test_fraction_gives_value_and_total() -> None:
    fig = one("nâng tổng số xã đạt chuẩn NTM lên 21/21 xã, đạt 100% KH")
    assert (fig.value, fig.of_total, fig.unit) == (21, 21, "xã")
    assert fig.plan_pct == [(100, "KH")]


def test_every_percentage_lands_on_its_figure() -> None:
    text = (
        "Tổng thu ngân sách nhà nước ước đạt 768,8 tỷ đồng, đạt 82,7% dự toán tỉnh giao và "
        "72,6% dự toán huyện giao, bằng 100,2% so với cùng kỳ"
    )
    fig = one(text)
    assert fig.plan_pct == [(82.7, "dự toán tỉnh giao"), (72.6, "dự toán huyện giao")]
    assert fig.same_period_pct == 100.2
    assert fig.change_pct is None


def test_two_figures_keep_their_own_percentages() -> None:
    text = (
        "Sản lượng lương thực ước đạt 33.405 tấn, đạt 55,6% KH, bằng 96,9% so với CK; "
        "diện tích cây hàng hóa 566,7 ha, đạt 115,5% KH"
    )
    first, second = find_figures(text, 0, len(text))
    assert (first.value, first.plan_pct, first.same_period_pct) == (33405, [(55.6, "KH")], 96.9)
    assert (second.value, second.plan_pct, second.same_period_pct) == (566.7, [(115.5, "KH")], None)


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("Giá trị sản phẩm dịch vụ tăng 12,6% so với cùng kỳ", 12.6),
        ("riêng giá trị sản phẩm công nghiệp giảm 0,72% so cùng kỳ", -0.72),
    ],
)
def test_percentage_only_facts_are_changes(text: str, change: float) -> None:
    fig = one(text)
    assert fig.value is None
    assert fig.change_pct == change


def test_change_inside_brackets_and_plan_with_basis() -> None:
    text = (
        "tổng giá trị sản xuất đạt 4.995 tỷ đồng (tăng 12,6% so với cùng kỳ năm 2022 và đạt "
        "52,9% so với kế hoạch năm 2023)"
    )
    fig = one(text)
    assert fig.change_pct == 12.6
    assert fig.plan_pct == [(52.9, "kế hoạch năm 2023")]


def test_a_rate_is_a_value_in_percent() -> None:
    fig = one("độ che phủ rừng đạt 70%, đạt 100% KH")
    assert (fig.value, fig.unit, fig.plan_pct) == (70, "%", [(100, "KH")])


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 3-7, Ban Chấp hành Đảng bộ huyện tổ chức Hội nghị lần thứ 17",
        "Sáng 8/10, hội nghị khóa XXIII diễn ra",
        "theo Nghị quyết 11 của Ban Chấp hành và Chỉ thị 05-CT/TW ngày 18/5/2021",
        "kỳ họp thứ 9, HĐND huyện khoá XX, nhiệm kỳ 2021-2026",
        "trong bối cảnh đại dịch Covid-19 và 6 tháng đầu năm 2023",
    ],
)
def test_dates_ordinals_and_references_are_not_figures(text: str) -> None:
    assert find_figures(text, 0, len(text)) == []


def test_names_come_from_the_words_of_the_figure() -> None:
    assert one("Có 28 doanh nghiệp được thành lập mới").name == "Doanh nghiệp được thành lập mới"
    assert (
        one("Tổng diện tích gieo trồng 8.360 ha, đạt 97,2% KH").name == "Tổng diện tích gieo trồng"
    )
    assert one("toàn huyện kết nạp 40 đảng viên mới").name.endswith("đảng viên mới")


def test_numbers_in_reads_vietnamese_forms() -> None:
    assert {1401.351, 8360, 21} <= numbers_in("1.401,351 tỷ; 8.360 ha; 21/21 xã")
