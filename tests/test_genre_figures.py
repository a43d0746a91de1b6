"""The genre rules about figures, one by one, and what switching each off does.

Fixtures are invented sentences in the style of the reports; every expectation is written by
hand. The off behaviour is checked through ``find_figures`` so it is what the pipeline sees.
"""

from __future__ import annotations

import pytest

from summarizer.genre import disabled
from summarizer.genre.figures import (
    first_statements,
    fraction_total,
    is_list_number,
    not_a_measure,
    qualifier_before,
    range_high,
)
from summarizer.genre.grouping import (
    absorbed_change,
    another_figure,
    continues_figure,
    value_in_brackets,
)
from summarizer.genre.percent import (
    bare_share_of_plan,
    change_sign,
    growth_rate,
    pct_role,
    plan_basis,
    same_period,
)
from summarizer.genre.tables import column_roles, header_above, plan_word, table_cells
from summarizer.genre.units import (
    counted_list,
    is_measure,
    magnitude_prefix,
    per_unit,
    read_unit,
    unlisted_count,
)
from summarizer.numbers import Figure, find_figures


def figures(text: str) -> list[Figure]:
    return find_figures(text, 0, len(text))


# -- units ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "unit"),
    [
        (" tỷ đồng, đạt", "tỷ đồng"),
        (" nghìn tỷ đồng", "nghìn tỷ đồng"),
        (" ngàn tấn", "ngàn tấn"),
        (" triệu đồng/người/năm;", "triệu đồng/người/năm"),
        ("ha lúa", "ha"),
        (" hộ gia đình", "hộ gia đình"),
        (" thôn, bản đạt chuẩn", "thôn, bản"),
        (" triệu", "triệu"),  # a magnitude with no unit after it is the unit
        (" đồng chí", "đồng chí"),  # the longest known unit wins over "đồng"
        (" tháng", None),
        ("  ha", None),  # two spaces: not written as one figure
    ],
)
def test_read_unit(after: str, unit: str | None) -> None:
    found = read_unit(after)
    assert (found[0] if found else None) == unit


def test_magnitude_prefix_and_its_switch() -> None:
    assert magnitude_prefix("nghìn tỷ đồng") == len("nghìn tỷ ")
    assert magnitude_prefix("tấn") == 0
    with disabled("magnitude_prefix"):
        assert figures("Sản lượng đạt 45 nghìn tấn")[0].unit is None


def test_per_unit_and_its_switch() -> None:
    assert per_unit("/người/năm, tăng") == len("/người/năm")
    assert per_unit(" người") == 0
    with disabled("per_unit"):
        assert figures("Thu nhập 52 triệu đồng/người/năm")[0].unit == "triệu đồng"


def test_counted_list_and_its_switch() -> None:
    assert counted_list(", chi bộ hoàn thành") == len(", chi bộ")
    assert counted_list(" và 3 xã") == 0
    with disabled("counted_list"):
        assert figures("15/15 đảng bộ, chi bộ hoàn thành đại hội")[0].unit == "đảng bộ"


def test_unlisted_count_and_its_switch() -> None:
    assert unlisted_count(" điểm trường mới")
    assert not unlisted_count(" và hơn")
    assert not unlisted_count(", đạt")
    with disabled("unlisted_count"):
        assert figures("xây mới 9 điểm trường") == []


def test_is_measure() -> None:
    assert is_measure("tỷ đồng") and is_measure("%") and is_measure("triệu đồng/người/năm")
    assert not is_measure("đảng viên") and not is_measure(None)


# -- numbers that are not figures; bounds; ranges; fractions --------------------------------


@pytest.mark.parametrize(
    ("before", "token", "after", "expected"),
    [
        ("Ngày ", "5", "/7, hội nghị", True),
        ("lần thứ ", "12", ", khóa", True),
        ("trẻ em dưới ", "6", " tuổi", True),
        ("Chỉ thị ", "16", "/CT-TTg", True),
        ("trong ", "9", " tháng", True),
        ("nhiệm kỳ ", "2025", "-2030", True),
        ("đến năm ", "2030", ", huyện", True),
        ("cây hàng năm ", "4.805,2", " ha", False),  # an amount follows the period word
        ("kỷ luật ", "3", " đảng viên", False),  # "kỷ luật" is not a law ("Luật 3")
        ("thu ", "2025", " tỷ đồng", False),  # a year-shaped amount with its unit
        ("đạt ", "97", "% kế hoạch", False),
    ],
)
def test_not_a_measure(before: str, token: str, after: str, expected: bool) -> None:
    assert not_a_measure(before, token, after) is expected


def test_not_a_measure_switched_off_lets_dates_through() -> None:
    with disabled("not_a_measure"):
        assert [f.value for f in figures("Ngày 5 tháng 7 hội nghị họp lần thứ 12 đại biểu")]


def test_meeting_protocol_counts_are_no_figures() -> None:
    from summarizer.genre.figures import meeting_protocol

    assert meeting_protocol(" đại biểu dự hội nghị")
    assert meeting_protocol(" điểm cầu trực tuyến")
    assert not meeting_protocol(" đảng viên mới")
    text = "Dự hội nghị có 150 đại biểu, tại 3 điểm cầu; hội nghị thông qua 4 báo cáo."
    assert figures(text) == []
    with disabled("meeting_protocol"):
        assert len(figures(text)) == 3


def test_list_numbers() -> None:
    assert is_list_number("", ". Phát triển")
    assert is_list_number("+ ", ") Nâng cao")
    assert not is_list_number("đạt ", " tỷ")


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("Thu ngân sách đạt trên ", "trên"),
        ("hỗ trợ gần ", "gần"),
        ("tạo việc làm cho ít nhất ", "ít nhất"),
        ("Thu ngân sách trên địa bàn ", None),  # "trên địa bàn" is a place, not a bound
        ("đạt ", None),
    ],
)
def test_qualifier_before(before: str, expected: str | None) -> None:
    found = qualifier_before(before)
    assert (found[0] if found else None) == expected
    if found:
        assert before[found[1] :].startswith(expected or "")


def test_qualifier_switched_off() -> None:
    with disabled("qualifier_before"):
        assert figures("Thu ngân sách hơn 334 tỷ đồng")[0].qualifier is None


@pytest.mark.parametrize(
    ("before", "after", "high"),
    [
        ("tăng trưởng từ ", "-7%", "7"),
        ("vốn ", " - 7 tỷ đồng", "7"),
        ("che phủ từ ", " đến 43%", "43"),
        ("vốn ", " đến 43%", None),  # "đến" needs "từ" before the low end
        ("Ngày ", "-10, hội nghị", None),  # no unit after: a date
    ],
)
def test_range_high(before: str, after: str, high: str | None) -> None:
    found = range_high(before, after)
    assert (found[0] if found else None) == high


def test_range_switched_off_is_not_a_range() -> None:
    with disabled("range_high"):  # "5-7" reads as a date: no figure, no high end
        assert all(f.value_high is None for f in figures("Tăng trưởng kinh tế từ 5-7%"))


@pytest.mark.parametrize(
    ("after", "total"),
    [("/140 tỷ đồng", "140"), ("/18 xã", "18"), ("/1,50%", "1,50"), ("/7, hội nghị", None)],
)
def test_fraction_total(after: str, total: str | None) -> None:
    found = fraction_total(after)
    assert (found[0] if found else None) == total


def test_fraction_switched_off() -> None:
    with disabled("fraction_total"):
        assert figures("đạt 18/18 xã") == []  # "18/18" reads as a date without the rule


def test_first_statements_keep_a_restated_figure_once() -> None:
    keys = [("thu ngân sách", 12.0), ("số xã", 3.0), ("thu ngân sách", 12.0)]
    assert first_statements(keys) == [True, True, False]
    with disabled("first_statements"):
        assert first_statements(keys) == [True, True, True]


# -- percentages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "sign"),
    [
        ("Giá trị dịch vụ tăng ", 1),
        ("riêng khai khoáng giảm ", -1),
        ("bán lẻ tăng khoảng ", 1),
        ("tăng trưởng kinh tế ", None),
        ("tỷ lệ hộ nghèo giảm còn ", None),  # a level reached, not a change
        ("Tỷ lệ tăng dân số bình quân ", None),
    ],
)
def test_change_sign(before: str, sign: int | None) -> None:
    assert change_sign(before) == sign


def test_same_period_and_plan_basis() -> None:
    assert same_period(" so với cùng kỳ năm trước")
    assert same_period(" CK")
    assert not same_period(" kế hoạch")
    assert plan_basis(" dự toán tỉnh giao và 70%") == "dự toán tỉnh giao"
    assert plan_basis(" so với Nghị quyết Đảng ủy, tăng") == "Nghị quyết Đảng ủy"
    assert plan_basis(" kế hoạch (KH), bằng") == "kế hoạch"
    assert plan_basis(" so với cùng kỳ") is None


def test_growth_rate_and_bare_share() -> None:
    assert growth_rate("Tốc độ tăng trưởng kinh tế ước đạt ")
    assert not growth_rate("Tỷ lệ che phủ rừng đạt ")
    assert bare_share_of_plan("đạt", True)
    assert not bare_share_of_plan("đạt", False)  # a rate is its own value
    assert not bare_share_of_plan("bằng", True)


def test_pct_role_combines_the_rules() -> None:
    assert pct_role(8.4, " tăng ", " so với cùng kỳ", "Dịch vụ tăng", False).role == "change"
    assert pct_role(97.0, " đạt ", " KH", "Lúa đạt", True).role == "plan"
    assert pct_role(103.0, " bằng ", " so với CK", "Lúa bằng", True).role == "same_period"
    assert pct_role(52.0, " đạt ", ", đạt 100% KH", "Độ che phủ đạt", False).role == "value"
    assert pct_role(5.0, " vượt ", " kế hoạch", "Thu vượt", True).role == "other"


@pytest.mark.parametrize(
    ("rule_name", "text", "field", "on", "off"),
    [
        ("change_sign", "Giá trị dịch vụ tăng 8,4% so với cùng kỳ", "change_pct", 8.4, None),
        ("same_period", "Sản lượng 3.100 tấn, bằng 96,4% so với CK", "same_period_pct", 96.4, None),
        ("plan_basis", "Thu ngân sách đạt 41,3% dự toán", "plan_pct", [(41.3, "dự toán")], []),
        ("growth_rate", "Tốc độ tăng trưởng kinh tế ước đạt 7,2%", "change_pct", 7.2, None),
        ("bare_share_of_plan", "kết nạp 26 đảng viên, đạt 108,3%", "plan_pct", [(108.3, "")], []),
    ],
)
def test_percentage_rules_switched_off(
    rule_name: str, text: str, field: str, on: object, off: object
) -> None:
    assert getattr(figures(text)[0], field) == on
    with disabled(rule_name):
        assert getattr(figures(text)[0], field) == off


# -- which figure a number belongs to --------------------------------------------------------


def test_continues_figure() -> None:
    assert continues_figure(" đạt 97,2% KH")
    assert continues_figure("và 64,9% dự toán huyện giao")
    assert continues_figure("tăng khoảng 5% so với cùng kỳ")
    assert not continues_figure("diện tích rau màu 310 ha")
    with disabled("continues_figure"):
        assert len(figures("Sản lượng lúa 21.050 tấn, đạt 61,2% KH")) == 2


def test_absorbed_change() -> None:
    assert absorbed_change("Tổng đàn 18.600 con, tăng ", "con", "con")
    assert not absorbed_change("Tổng đàn 18.600 con, tăng ", "tấn", "con")
    with disabled("absorbed_change"):
        assert len(figures("Tổng đàn trâu bò 18.600 con, tăng 310 con so với cùng kỳ")) == 2


def test_value_in_brackets() -> None:
    assert value_in_brackets(True, False)
    assert not value_in_brackets(True, True)
    with disabled("value_in_brackets"):
        fig = figures("Doanh thu dịch vụ đạt 68,5% kế hoạch (2.140 tỷ đồng)")[0]
    assert fig.value is None


def test_another_figure() -> None:
    assert another_figure(" với tổng vốn ", "tỷ đồng")
    assert another_figure(" gồm ", "hộ")
    assert not another_figure(" là diện tích lúa ", "vụ")
    assert not another_figure(" với ", None)
    with disabled("another_figure"):
        assert len(figures("Thu hút 3 dự án với tổng vốn 1.200 tỷ đồng")) == 1


# -- tables ----------------------------------------------------------------------------------


def test_table_cells() -> None:
    line = "| Diện tích lúa | ha | 7.100 |"
    assert [line[a:b] for a, b in table_cells(line) or []] == ["Diện tích lúa", "ha", "7.100"]
    assert table_cells("Sản lượng\t1.620 tấn") == [(0, 9), (10, 19)]
    assert table_cells("Thu ngân sách đạt 210 tỷ đồng.") is None


def test_column_roles() -> None:
    roles = column_roles(["STT", "Chỉ tiêu", "ĐVT", "KH năm", "Ước TH", "% KH", "So CK (%)"])
    assert roles == [
        "index",
        "name",
        "unit",
        "plan",
        "achieved",
        "plan_pct",
        "same_period_pct",
    ]
    assert column_roles(["Chỉ tiêu", "Kế hoạch"]) is None  # names no result column
    assert column_roles(["Diện tích", "7.100", "6.950"]) is None  # a row of data
    assert plan_word("So với KH (%)") == "KH"


def test_header_above_skips_rule_lines_and_stops_at_prose() -> None:
    text = "Chỉ tiêu | Thực hiện\n|---|---|\nThu | 5 tỷ đồng"
    header = header_above(text, text.index("Thu |"))
    assert header is not None and header[1] == ["name", "achieved"]
    assert header_above("Thu ngân sách tăng.\nThu | 5 tỷ đồng", 20) is None


def test_tables_switched_off() -> None:
    text = "Chỉ tiêu | Kế hoạch | Thực hiện\nDiện tích | 7.100 ha | 6.950 ha"
    row = text.index("Diện")
    assert [f.value for f in find_figures(text, row, len(text))] == [6950]
    with disabled("column_roles"):
        assert find_figures(text, row, len(text)) == []
    with disabled("table_cells"):  # read as prose: the first number, the plan
        assert find_figures(text, row, len(text))[0].value == 7100


def test_decimal_style_switched_off_reads_every_document_as_vietnamese() -> None:
    from summarizer.genre.figures import decimal_style

    text = "Thu ngân sách 12.75 tỷ đồng, tăng 3.5%; diện tích 6,480 ha."
    assert decimal_style(text) == "en"
    assert find_figures(text, text.index("diện"), len(text))[0].value == 6480
    with disabled("decimal_style"):
        assert decimal_style(text) == "vi"
        assert find_figures(text, text.index("diện"), len(text))[0].value == 6.48
