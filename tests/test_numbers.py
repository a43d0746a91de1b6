"""Figures read as a Vietnamese reader means them, in every common notation.

Every fixture here is invented (places, names and figures); the expected values are written by
hand from what the sentence says, not produced by the code under test.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.genre.figures import decimal_style
from summarizer.grounding import span_numbers
from summarizer.numbers import Figure, find_figures, numbers_in, parse_number, read_number


def figures(text: str, style: str | None = None) -> list[Figure]:
    return find_figures(text, 0, len(text), style=style)


def one(text: str, style: str | None = None) -> Figure:
    found = figures(text, style)
    assert len(found) == 1, found
    return found[0]


# -- reading a number ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "style", "value"),
    [
        ("2.375,48", "vi", 2375.48),  # both marks: the last one is the decimal mark
        ("2,375.48", "vi", 2375.48),
        ("2,375.48", "en", 2375.48),
        ("4.2", "vi", 4.2),  # not three digits after the mark: a decimal in any document
        ("7,25", "en", 7.25),
        ("1234,567", "vi", 1234.567),  # four digits before the mark: not a thousands group
        ("0,480", "vi", 0.48),
        ("6.480", "vi", 6480),  # one mark + three digits: the document decides
        ("6.480", "en", 6.48),
        ("6,480", "vi", 6.48),
        ("6,480", "en", 6480),
        ("915.300.000", "vi", 915300000),
        ("915,300,000", "en", 915300000),
        ("05", "vi", 5),
    ],
)
def test_read_number(token: str, style: str, value: float) -> None:
    assert read_number(token, style) == pytest.approx(value)


@pytest.mark.parametrize("token", ["1.2.3", "12,34.5,6", "abc", "", "1.234,5.6"])
def test_malformed_numbers_are_refused(token: str) -> None:
    assert read_number(token) is None
    with pytest.raises(ValueError):
        parse_number(token)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**10), st.integers(0, 999), st.sampled_from(["vi", "en"]))
def test_a_number_written_in_a_style_reads_back_in_it(whole: int, frac: int, style: str) -> None:
    grouped = f"{whole:,}"
    decimal = f"{grouped}.{frac:03d}"
    if style == "vi":
        grouped = grouped.replace(",", ".")
        decimal = decimal.replace(",", "_").replace(".", ",").replace("_", ".")
    assert read_number(grouped, style) == whole
    assert read_number(decimal, style) == pytest.approx(whole + frac / 1000)


def test_numbers_in_reads_both_conventions() -> None:
    assert {1205.75, 12, 6480, 6.48} <= numbers_in("1.205,75 tỷ; 12/12 xã; 6.480 ha")


# -- the document's decimal style ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("Thu ngân sách 1.205,7 tỷ đồng, đạt 91,4% dự toán; diện tích 6.480 ha.", "vi"),
        ("Revenue rose 3.5%; thu 12.75 tỷ đồng; diện tích 6,480 ha.", "en"),
        ("Tổng vốn 2,150,000 USD, diện tích 6,480 ha.", "en"),
        ("Diện tích 6.480 ha, sản lượng 1.250 tấn.", "vi"),  # nothing decides: Vietnamese
        ("đạt 4.5% và 82,7% kế hoạch", "vi"),  # a tie: Vietnamese
    ],
)
def test_decimal_style_is_decided_by_the_document(text: str, style: str) -> None:
    assert decimal_style(text) == style


def test_an_english_style_document_reads_its_grouped_numbers_as_thousands() -> None:
    text = "Thu ngân sách đạt 12.75 tỷ đồng, tăng 3.5% so với cùng kỳ. Diện tích lúa 8,450 ha."
    start = text.index("Diện")
    (fig,) = find_figures(text, start, len(text))
    assert (fig.value, fig.unit) == (8450, "ha")
    (budget,) = find_figures(text, 0, start)
    assert (budget.value, budget.change_pct) == (12.75, 3.5)


def test_a_vietnamese_document_reads_the_same_digits_as_a_decimal() -> None:
    assert one("Diện tích lúa đạt 8,450 ha, bằng 97,1% so với cùng kỳ").value == 8.45


def test_a_dot_before_one_digit_is_a_decimal_point_in_a_vietnamese_document() -> None:
    fig = one("Ngày 5/7, xã Lộc Yên báo cáo tỷ lệ hộ nghèo còn 3.5%")
    assert (fig.value, fig.unit) == (3.5, "%")


# -- units and magnitudes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Tổng vốn đầu tư 1,2 nghìn tỷ đồng", 1.2, "nghìn tỷ đồng"),
        ("Sản lượng cá đạt 45 nghìn tấn", 45, "nghìn tấn"),
        ("Kim ngạch xuất khẩu 18,5 triệu USD", 18.5, "triệu USD"),
        ("Thu nhập bình quân 58,3 triệu đồng/người/năm", 58.3, "triệu đồng/người/năm"),
        ("Năng suất lúa 61,4 tạ/ha", 61.4, "tạ/ha"),
        ("Diện tích cây ăn quả 2.015,6ha", 2015.6, "ha"),
        ("đón 135 nghìn lượt khách", 135, "nghìn lượt khách"),
        ("12/14 đảng bộ, chi bộ hoàn thành đại hội", 12, "đảng bộ, chi bộ"),
        ("luân chuyển 17 đồng chí", 17, "đồng chí"),  # not "đồng" (money)
        ("xây mới 9 điểm trường", 9, None),  # a count of an unlisted noun
    ],
)
def test_units_as_written(text: str, value: float, unit: str | None) -> None:
    fig = one(text)
    assert (fig.value, fig.unit) == (value, unit)


# -- ranges, bounds, several figures ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("Tăng trưởng kinh tế từ 5-7%", 5, 7, "%"),
        ("Thu hút vốn đầu tư 5 - 7 tỷ đồng", 5, 7, "tỷ đồng"),
        ("Tỷ lệ che phủ rừng từ 41 đến 43%", 41, 43, "%"),
        ("Phấn đấu tăng 6,5–7% so với cùng kỳ", 6.5, 7, "%"),
    ],
)
def test_a_range_is_a_low_and_a_high_end_not_a_change(
    text: str, low: float, high: float, unit: str
) -> None:
    fig = one(text)
    assert (fig.value, fig.value_high, fig.unit, fig.change_pct) == (low, high, unit, None)


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("Tỷ lệ tiêm chủng đạt trên 90%", 90, "trên"),
        ("Thu ngân sách hơn 334 tỷ đồng", 334, "hơn"),
        ("Hỗ trợ gần 1.000 hộ nghèo", 1000, "gần"),
        ("Sản lượng khoảng 2.300 tấn", 2300, "khoảng"),
        ("Tỷ lệ hộ nghèo dưới 2%", 2, "dưới"),
        ("Tạo việc làm cho ít nhất 600 lao động", 600, "ít nhất"),
        ("Mỗi xã tối thiểu 3 sản phẩm", 3, "tối thiểu"),
    ],
)
def test_bounds_are_kept(text: str, value: float, qualifier: str) -> None:
    fig = one(text)
    assert (fig.value, fig.qualifier) == (value, qualifier)


def test_several_figures_in_one_phrase() -> None:
    first, second = figures("Thu hút 3 dự án với tổng vốn 1.200 tỷ đồng")
    assert (first.value, first.unit) == (3, "dự án")
    assert (second.value, second.unit) == (1200, "tỷ đồng")
    assert second.name == "Tổng vốn thu hút"  # the money of the action before it


def test_a_count_right_after_a_noun_only_describes_it() -> None:
    fig = one("có 4 chỉ tiêu vượt mức như sản lượng ngô 2 vụ")
    assert (fig.value, fig.unit) == (4, "chỉ tiêu")


# -- achieved of plan, percentages and their roles ----------------------------------------


def test_an_amount_over_an_amount_is_achieved_of_plan() -> None:
    fig = one("+ Thu ngân sách trên địa bàn 76,4/140 tỷ đồng;")
    assert (fig.value, fig.of_total, fig.unit) == (76.4, 140, "tỷ đồng")
    assert fig.name == "Thu ngân sách trên địa bàn (thực hiện/kế hoạch)"


def test_a_count_over_a_count_is_part_of_a_whole() -> None:
    fig = one("nâng tổng số xã đạt chuẩn lên 18/18 xã, đạt 100% KH")
    assert (fig.value, fig.of_total, fig.unit) == (18, 18, "xã")
    assert fig.plan_pct == [(100, "KH")]


def test_every_percentage_lands_on_its_figure() -> None:
    text = (
        "Thu ngân sách ước đạt 512,4 tỷ đồng, đạt 88,1% dự toán tỉnh giao và 76,5% dự toán "
        "huyện giao, bằng 103,2% so với cùng kỳ"
    )
    fig = one(text)
    assert fig.plan_pct == [(88.1, "dự toán tỉnh giao"), (76.5, "dự toán huyện giao")]
    assert (fig.same_period_pct, fig.change_pct) == (103.2, None)


def test_two_figures_keep_their_own_percentages() -> None:
    text = "Sản lượng lúa ước đạt 21.050 tấn, đạt 61,2% KH; diện tích rau màu 310,5 ha, đạt 104% KH"
    first, second = figures(text)
    assert (first.value, first.plan_pct) == (21050, [(61.2, "KH")])
    assert (second.value, second.plan_pct) == (310.5, [(104, "KH")])


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("Giá trị sản xuất dịch vụ tăng 8,4% so với cùng kỳ", 8.4),
        ("riêng giá trị khai khoáng giảm 1,15% so cùng kỳ", -1.15),
        ("Tổng mức bán lẻ tăng khoảng 12% so cùng kỳ", 12),
        ("Tốc độ tăng trưởng kinh tế ước đạt 7,2%", 7.2),  # a growth rate is a change
    ],
)
def test_percentage_only_facts_are_changes(text: str, change: float) -> None:
    fig = one(text)
    assert (fig.value, fig.change_pct) == (None, change)


def test_a_noun_with_tang_in_it_is_not_a_change() -> None:
    fig = one("Tỷ lệ tăng dân số bình quân 1,12%")
    assert (fig.value, fig.unit, fig.change_pct) == (1.12, "%", None)


def test_the_plan_share_may_come_before_the_value_in_brackets() -> None:
    fig = one("Doanh thu dịch vụ đạt 68,5% kế hoạch (2.140 tỷ đồng), tăng 9,3% so với cùng kỳ")
    assert (fig.value, fig.unit, fig.plan_pct, fig.change_pct) == (
        2140,
        "tỷ đồng",
        [(68.5, "kế hoạch")],
        9.3,
    )
    assert fig.name == "Doanh thu dịch vụ"


def test_a_change_in_the_figures_own_unit_qualifies_it() -> None:
    fig = one("Tổng đàn trâu bò 18.600 con, đạt 99,5% KH, tăng 310 con so với cùng kỳ")
    assert (fig.value, fig.plan_pct) == (18600, [(99.5, "KH")])


def test_a_bare_share_after_a_count_is_of_the_plan() -> None:
    fig = one("kết nạp 26 đảng viên, đạt 108,3%")
    assert fig.plan_pct == [(108.3, "")]


def test_a_rate_is_a_value_in_percent() -> None:
    fig = one("độ che phủ rừng đạt 52%, đạt 100% KH")
    assert (fig.value, fig.unit, fig.plan_pct) == (52, "%", [(100, "KH")])


# -- tables ----------------------------------------------------------------------------------


def row_figures(text: str, row: int) -> list[Figure]:
    start = sum(len(line) + 1 for line in text.split("\n")[:row])
    end = start + len(text.split("\n")[row])
    return find_figures(text, start, end)


def test_a_table_row_is_read_through_its_header() -> None:
    text = (
        "Chỉ tiêu | ĐVT | Kế hoạch | Thực hiện | % KH\n"
        "Diện tích lúa | ha | 7.100 | 6.950 | 97,9\n"
        "Sản lượng thịt hơi | tấn | 3.200 | 3.410 | 106,6"
    )
    (area,) = row_figures(text, 1)
    assert (area.name, area.value, area.unit, area.of_total) == ("Diện tích lúa", 6950, "ha", 7100)
    assert area.plan_pct == [(97.9, "KH")]
    (meat,) = row_figures(text, 2)
    assert (meat.value, meat.of_total) == (3410, 3200)
    assert text[meat.start : meat.end] == meat.quote


def test_a_row_with_units_in_its_cells_reports_the_achieved_column() -> None:
    text = "Chỉ tiêu | Kế hoạch | Thực hiện\nDiện tích | 7.100 ha | 6.950 ha"
    (fig,) = row_figures(text, 1)
    assert (fig.value, fig.unit, fig.of_total) == (6950, "ha", 7100)


def test_tab_separated_rows() -> None:
    text = "Nội dung\tƯớc TH\tKH năm\tSo cùng kỳ (%)\nSản lượng cá\t1.620 tấn\t1.500 tấn\t104,2"
    (fig,) = row_figures(text, 1)
    assert (fig.value, fig.unit, fig.of_total, fig.same_period_pct) == (1620, "tấn", 1500, 104.2)


def test_markdown_table_with_a_rule_line() -> None:
    text = (
        "| Chỉ tiêu | Thực hiện | Tăng/giảm (%) |\n|---|---|---|\n"
        "| Thu ngân sách | 85,4 tỷ đồng | -3,1 |"
    )
    (fig,) = row_figures(text, 2)
    assert (fig.name, fig.value, fig.change_pct) == ("Thu ngân sách", 85.4, -3.1)


def test_a_row_with_two_numbers_and_no_header_is_not_guessed() -> None:
    assert row_figures("Dân số\nDiện tích | 7.100 ha | 6.950 ha", 1) == []


# -- what is not a figure --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 5/7, Huyện ủy Sông Mây tổ chức hội nghị lần thứ 12",
        "Sáng 14-9, hội nghị khóa XXI diễn ra tại hội trường",
        "theo Chỉ thị 16/CT-TTg và Nghị quyết số 08/2022/NQ-HĐND ngày 19/12/2022",
        "kỳ họp thứ 7, nhiệm kỳ 2025-2030",
        "trẻ em dưới 6 tuổi được cấp thẻ",
        "Cập nhật lúc 07:45, 12-09-2024",
        "khắc phục hậu quả cơn bão số 4 trên Quốc lộ 12",
        "trong 9 tháng năm 2024 và quý III-2024",
        "phòng chống dịch Covid-19 ở thôn 3",
        "1. Phát triển kinh tế nông nghiệp",
    ],
)
def test_dates_periods_ordinals_and_references_are_not_figures(text: str) -> None:
    assert figures(text) == []


def test_an_amount_after_a_period_word_is_a_figure() -> None:
    fig = one("Diện tích cây lâu năm 4.805,2 ha")
    assert (fig.value, fig.unit) == (4805.2, "ha")


# -- properties ------------------------------------------------------------------------------

_NAMES = st.sampled_from(["Thu ngân sách", "Diện tích rau màu", "Sản lượng thủy sản", "Vốn vay"])
_UNITS = st.sampled_from(["tỷ đồng", "ha", "tấn", "triệu USD", "nghìn tấn"])
_BOUNDS = st.sampled_from(["", "trên ", "gần ", "khoảng ", "hơn "])


def _vi(value: float) -> str:
    whole, frac = f"{value:,.1f}".split(".")
    return whole.replace(",", ".") + ("," + frac if frac != "0" else "")


@settings(max_examples=200, deadline=None)
@given(
    _NAMES,
    st.integers(1, 999_999),
    _UNITS,
    _BOUNDS,
    st.integers(10, 1999),
    st.integers(10, 1999),
)
def test_generated_sentences_read_back(
    name: str, tenths: int, unit: str, bound: str, plan: int, same: int
) -> None:
    value, plan_pct, same_pct = tenths / 10, plan / 10, same / 10
    text = (
        f"{name} ước đạt {bound}{_vi(value)} {unit}, đạt {_vi(plan_pct)}% kế hoạch, "
        f"bằng {_vi(same_pct)}% so với cùng kỳ"
    )
    fig = one(text)
    assert (fig.value, fig.unit, fig.qualifier) == (value, unit, bound.strip() or None)
    assert fig.plan_pct == [(plan_pct, "kế hoạch")]
    assert fig.same_period_pct == same_pct
    assert fig.name == name
    # every number the figure states is written inside its own span (read independently)
    written = span_numbers(fig.quote)
    assert {value, plan_pct, same_pct} <= written


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 99), st.integers(1, 99), st.sampled_from(["%", " tỷ đồng", " ha"]))
def test_generated_ranges_read_back(low: int, width: int, unit: str) -> None:
    fig = one(f"Phấn đấu tăng trưởng từ {low}-{low + width}{unit}")
    assert (fig.value, fig.value_high, fig.change_pct) == (low, low + width, None)


_PIECES = st.sampled_from(
    [
        "tỷ đồng",
        "ha",
        "tấn",
        "%",
        "đạt",
        "kế hoạch",
        "so với cùng kỳ",
        "tăng",
        "giảm",
        "trên",
        "từ",
        "đến",
        "nghìn",
        "xã",
        "Chỉ tiêu",
        "Thực hiện",
        "Kế hoạch",
        "/",
        "-",
        ",",
        ";",
        "trong đó",
        "phấn đấu",
        "Ngày",
        "năm",
        "5",
        "12,5",
        "1.200",
        "3.5",
        "8,360",
        "76,4/140",
        "21/21",
        "5-7",
        "(",
        ")",
        "|",
        "\t",
        "\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(alphabet="aăđêôơưáạ 0123456789.,%/-|", max_size=5))))
def test_any_text_gives_figures_whose_numbers_are_in_their_own_span(pieces: list[str]) -> None:
    text = " ".join(pieces)
    for fig in figures(text):
        assert text[fig.start : fig.end] == fig.quote
        stated = [fig.value, fig.value_high, fig.of_total, fig.same_period_pct]
        stated += [pct for pct, _ in fig.plan_pct]
        stated += [abs(fig.change_pct)] if fig.change_pct is not None else []
        written = span_numbers(fig.quote)
        assert all(n in written for n in stated if n is not None), (text, fig)
