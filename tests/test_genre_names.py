"""Figure names: short noun phrases of whole words of their own clause (issue 10, item 1).

All sentences are invented in the style of the reports; expected names are written by hand.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.genre import disabled
from summarizer.genre.frames import (
    actor_subject,
    deadline_frame,
    named_places,
    preamble_cut,
    total_starts_name,
)
from summarizer.genre.names import (
    UNNAMED,
    NameParts,
    breakdown_parent,
    clause_subject,
    enumeration_start,
    name_parts,
)
from summarizer.genre.series import (
    area_head,
    distinct_names,
    elided_description,
    elided_head,
    generic_amount,
    plan_fraction,
)
from summarizer.indicators import figures_of, indicators_of
from summarizer.ingest import make_document
from summarizer.numbers import find_figures


def names(text: str) -> list[str]:
    """The names the pipeline gives the figures of ``text`` (a whole report)."""
    doc = make_document(text)
    return [ind.name for ind in indicators_of(doc, figures_of(doc, {}))]


def name(text: str) -> str:
    (only,) = names(text)
    return only


# -- the words of one figure -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tổng diện tích gieo trồng 6.230 ha, đạt 98,5% KH.", "Tổng diện tích gieo trồng"),
        ("Toàn huyện có 31 doanh nghiệp được thành lập mới.", "Doanh nghiệp được thành lập mới"),
        ("Thu ngân sách trên địa bàn ước đạt 210,4 tỷ đồng.", "Thu ngân sách trên địa bàn"),
        (
            "Giá trị xuất khẩu nông, lâm, thủy sản tăng 4,1% so với cùng kỳ.",
            "Giá trị xuất khẩu nông, lâm, thủy sản",
        ),
        (
            "tổng mức đầu tư xã hội (không gồm vốn FDI) 9 tháng tăng 3,2%.",
            "Tổng mức đầu tư xã hội (không gồm vốn FDI) 9 tháng",
        ),
        ("Đã trồng 740 ha rừng tập trung, đạt 104% KH.", "Diện tích trồng rừng tập trung"),
        (
            "đã phê duyệt, điều chỉnh 6 đồ án quy hoạch chung.",
            "Phê duyệt, điều chỉnh đồ án quy hoạch chung",
        ),
        ("Năng suất ngô đạt 48,5 tạ/ha cao nhất từ trước tới nay.", "Năng suất ngô"),
        (
            "Tất cả 24 chỉ tiêu đều đạt từ 80% kế hoạch trở lên.",
            "Tất cả chỉ tiêu đều đạt từ 80% kế hoạch trở lên",
        ),
    ],
)
def test_names_of_single_figures(text: str, expected: str) -> None:
    assert name(text) == expected


def test_a_preamble_is_not_a_name() -> None:
    text = (
        "Công tác cán bộ có nhiều chuyển biến, thực hiện điều động cán bộ cơ sở đối với 17 "
        "đồng chí và bố trí đủ các chức danh còn thiếu."
    )
    assert name(text) == "Số đồng chí điều động cán bộ cơ sở"
    text = "Có 9 làng nghề được công nhận, dự kiến thời gian tới sẽ xét thêm 4 làng nghề."
    assert names(text) == ["Làng nghề được công nhận", "Xét thêm làng nghề"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Năm 2031 đã giải quyết việc làm cho 1.260 lao động.", "Số lao động giải quyết việc làm"),
        (
            "Huyện xử phạt vi phạm giao thông 48 trường hợp.",
            "Số trường hợp xử phạt vi phạm giao thông",
        ),
        (
            "Do mưa bão, việc đi làm việc ở nước ngoài bị ảnh hưởng, chỉ có 31 người.",
            "Số người đi làm việc ở nước ngoài",
        ),
        (
            "Về phát triển văn hóa, xã hội (9 chỉ tiêu).",
            "Số chỉ tiêu phát triển văn hóa, xã hội",
        ),
    ],
)
def test_a_count_that_is_not_the_object_names_what_it_counts_first(
    text: str, expected: str
) -> None:
    assert name(text) == expected
    with disabled("count_of_what_comes_before"):
        assert not name(text).startswith("Số")
    # a count the words act on stays after them
    assert name("Năm 2031 đã kết nạp 52 đảng viên mới.") == "Kết nạp đảng viên mới"


def test_preamble_cut() -> None:
    assert preamble_cut("dự kiến thời gian tới sẽ xét thêm") == "dự kiến thời gian tới sẽ "
    assert preamble_cut("do giá dầu giảm nên tổng thu ngân sách") == "do giá dầu giảm nên "
    assert preamble_cut("Thu ngân sách") == ""
    with disabled("preamble_cut"):
        assert name("Thời gian tới sẽ công nhận thêm 4 sản phẩm.").startswith("Thời gian tới")


def test_enumeration_start() -> None:
    clause = "Công tác cán bộ có chuyển biến, thực hiện luân chuyển 17 đồng chí"
    chunks = [(0, 30), (32, len(clause))]
    at = clause.index("17")
    assert enumeration_start(clause, chunks, 1, 0, at, at + 11, "đồng chí") == 32
    clause = "Giá trị xuất khẩu nông, lâm, thủy sản tăng 4,1%"
    chunks = [(0, 21), (23, 26), (28, len(clause))]
    at = clause.index("4,1")
    assert enumeration_start(clause, chunks, 2, 0, at, at + 4, "%") == 0
    with disabled("enumeration_start"):  # back over every short chunk: the preamble too
        assert name(
            "Công tác cán bộ có chuyển biến, thực hiện luân chuyển cán bộ đối với 17 đồng chí."
        ).startswith("Số đồng chí công tác")


def test_deadline_frame() -> None:
    assert deadline_frame("hết năm 2026 có") == ("có", "hết năm 2026")
    assert deadline_frame("có đến cuối năm có") == ("có", "đến cuối năm")
    assert deadline_frame("sản phẩm hết năm 2026") is None  # not at the head
    assert name("Phấn đấu hết năm 2026 có 12 làng nghề được công nhận.") == (
        "Làng nghề được công nhận (hết năm 2026)"
    )


def test_a_word_split_by_a_line_break_gives_no_fragment() -> None:
    """The line after a mid-word break joins its paragraph (genre.layout.wrapped_line), so no
    name starts with the second half of the word."""
    text = "Tiếp tục chương trình mỗi xã một sản\n\nphẩm chủ lực 12 sản phẩm được công nhận."
    assert not name(text).lower().startswith("phẩm")
    with disabled("wrapped_line"):
        assert name(text).lower().startswith("phẩm")


def test_total_starts_name() -> None:
    assert total_starts_name("về chăn nuôi tổng đàn gia cầm") == 13
    assert total_starts_name("Tổng diện tích gieo trồng") == 0
    assert names("Cấp 140 giấy phép kinh doanh với tổng vốn đăng ký 31 tỷ đồng.")[1] == (
        "Tổng vốn đăng ký"
    )


def test_actor_subject() -> None:
    assert actor_subject("Đảng bộ xã Hòa Phong kết nạp mới", "đảng viên") == (
        "Đảng bộ xã Hòa Phong"
    )
    assert actor_subject("xã", "tiêu chí") == "xã"
    assert actor_subject("Xã đạt chuẩn nông thôn mới", "xã") == ""  # it is what is counted
    assert actor_subject("Thu ngân sách", "") == ""
    assert name("Đảng bộ xã Hòa Phong kết nạp 21 đảng viên mới.") == "Kết nạp đảng viên mới"


def test_breakdown_parent() -> None:
    lead = "Tổng thu ngân sách quý II ước đạt khá, trong đó thu nội địa đạt "
    assert breakdown_parent(lead) == "Tổng thu ngân sách quý II"
    assert breakdown_parent("Thu nội địa đạt ") == ""
    assert breakdown_parent("Toàn huyện có 18/18 xã đạt chuẩn, trong đó có ") == ""
    text = "Tổng thu ngân sách quý II ước đạt khá, trong đó thu nội địa đạt 61,2 tỷ đồng."
    assert name(text) == "Thu nội địa (trong tổng thu ngân sách quý II)"


def test_clause_subject() -> None:
    clause = (
        "Tỷ lệ giải ngân vốn sự nghiệp bảo vệ môi trường do các xã quản lý thấp, đến nay mới "
        "đạt 41% KH"
    )
    subject = "Tỷ lệ giải ngân vốn sự nghiệp bảo vệ môi trường do các xã quản lý"  # not "thấp"
    assert clause_subject(clause) == subject
    assert name(clause + ".") == subject
    # a shorter subject is reached back to over the comma, and is cut the same way
    assert name("Tỷ lệ giải ngân vốn sự nghiệp thấp, đến nay mới đạt 41% KH.") == (
        "Tỷ lệ giải ngân vốn sự nghiệp"
    )
    assert clause_subject("Thu ngân sách xã còn chậm, mới đạt 35% dự toán") == "Thu ngân sách xã"
    with disabled("clause_subject"):
        assert name(clause + ".") == "Số liệu"


# -- figures of a series ---------------------------------------------------------------------


def test_elided_measure_is_restored() -> None:
    text = (
        "Cụ thể: giá trị tăng thêm nông, lâm nghiệp và thủy sản 512,3 tỷ đồng, công nghiệp - "
        "xây dựng 1.120,5 tỷ đồng, thương mại, dịch vụ 730 tỷ đồng."
    )
    assert names(text) == [
        "Giá trị tăng thêm nông, lâm nghiệp và thủy sản",
        "Giá trị tăng thêm công nghiệp - xây dựng",
        "Giá trị tăng thêm thương mại, dịch vụ",
    ]
    with disabled("elided_head"):
        assert names(text)[1:] == ["Công nghiệp - xây dựng", "Thương mại, dịch vụ"]


def test_elided_measure_across_a_semicolon() -> None:
    text = "Toàn huyện gieo trồng 3.120 ha vụ Đông Xuân, đạt 101% KH; vụ Hè Thu 2.870 ha."
    assert names(text) == ["Diện tích gieo trồng vụ Đông Xuân", "Diện tích gieo trồng vụ Hè Thu"]


def test_a_breakdown_holds_parts_in_the_unit_of_its_first_part() -> None:
    text = "Tổng diện tích gieo trồng 1.180 ha, trong đó lúa 840 ha, năng suất bình quân 57 tạ/ha."
    assert names(text) == [
        "Tổng diện tích gieo trồng",
        "Diện tích gieo trồng lúa (trong tổng diện tích gieo trồng)",
        "Năng suất bình quân",
    ]


def test_a_date_frame_is_no_name() -> None:
    text = "Công tác thu ngân sách còn khó khăn, đến ngày 30/9 mới đạt 45,6% dự toán."
    assert name(text) == "Công tác thu ngân sách còn khó khăn"


def test_elided_head_rule() -> None:
    parts = NameParts(before="công nghiệp - xây dựng")
    assert elided_head(parts, "tỷ đồng", "Giá trị sản xuất nông nghiệp", "tỷ đồng") == (
        "Giá trị sản xuất"
    )
    assert elided_head(parts, "tỷ đồng", "Giá trị sản xuất nông nghiệp", "ha") is None
    assert elided_head(NameParts(before="kỷ luật"), "đảng viên", "Kết nạp", "đảng viên") is None


def test_running_totals_keep_their_own_description() -> None:
    text = (
        "Công nhận 6 thôn đạt chuẩn NTM, lũy kế đạt 48 thôn, bằng 80% KH; 3 thôn đạt NTM kiểu "
        "mẫu, lũy kế đạt 9 thôn, bằng 75% KH."
    )
    assert names(text) == [
        "Công nhận thôn đạt chuẩn NTM",
        "Lũy kế thôn đạt chuẩn NTM",
        "Thôn đạt NTM kiểu mẫu",
        "Lũy kế thôn đạt NTM kiểu mẫu",
    ]
    previous = NameParts(before="công nhận", counted="thôn", after="đạt chuẩn NTM")
    assert elided_description(NameParts("lũy kế", "thôn"), previous) == "đạt chuẩn NTM"
    assert elided_description(NameParts("kỷ luật", "thôn"), previous) is None
    repeated = NameParts(before="", counted="làng nghề", after="được công nhận cấp tỉnh")
    assert elided_description(NameParts("công nhận thêm", "làng nghề"), repeated) == "cấp tỉnh"
    with disabled("elided_description"):
        assert names(text)[1] == "Lũy kế thôn"


def test_a_generic_amount_is_the_money_of_the_action_before_it() -> None:
    text = "Xử phạt vi phạm hành chính 31 trường hợp, số tiền 96,5 triệu đồng."
    assert names(text)[1] == "Số tiền xử phạt vi phạm hành chính"
    text = "Có 2.140 hộ được hỗ trợ với tổng kinh phí 8,6 tỷ đồng."
    assert names(text)[1] == "Tổng kinh phí hộ được hỗ trợ"
    assert generic_amount(NameParts("Thu ngân sách"), NameParts("kết nạp", "đảng viên")) is None
    with disabled("generic_amount"):
        assert names("Xử phạt 31 trường hợp, số tiền 96,5 triệu đồng.")[1] == "Số tiền"


def test_named_places_say_which_not_what() -> None:
    assert named_places("Hòa Lạc và Yên Phú đã đón Bằng công nhận") == "Hòa Lạc và Yên Phú đã"
    assert named_places("Hòa Lạc, Yên Phú đạt chuẩn") == "Hòa Lạc, Yên Phú"
    assert named_places("NTM kiểu mẫu") == ""  # an acronym describes
    assert named_places("đạt chuẩn") == ""
    assert named_places("Hòa Lạc") == ""  # nothing but names: keep them
    assert name("Năm nay có 02 xã Hòa Lạc và Yên Phú đã đón Bằng công nhận đạt chuẩn.") == (
        "Xã đón Bằng công nhận đạt chuẩn"
    )
    with disabled("named_places"):
        assert name("Có 02 xã Hòa Lạc đã đạt chuẩn.").startswith("Xã Hòa Lạc")


def test_area_head_and_plan_fraction() -> None:
    assert area_head(NameParts(before="trồng"), "ha") == "Diện tích"
    assert area_head(NameParts(before="Tổng diện tích"), "ha") == ""
    assert area_head(NameParts(before="trồng"), "tấn") == ""
    assert plan_fraction("tỷ đồng", 140.0) == "thực hiện/kế hoạch"
    assert plan_fraction("xã", 18.0) == ""  # a count over a count is part of a whole
    assert plan_fraction("tỷ đồng", None) == ""


def test_no_two_names_alike() -> None:
    parts = [NameParts("Thu ngân sách"), NameParts("Thu ngân sách", after="nội địa")]
    assert distinct_names(["Thu ngân sách", "Thu ngân sách"], parts) == [
        "Thu ngân sách",
        "Thu ngân sách – nội địa",
    ]
    plain = [NameParts("Vốn"), NameParts("Vốn")]
    assert distinct_names(["Vốn", "Vốn"], plain) == ["Vốn", "Vốn (2)"]
    with disabled("distinct_names"):
        assert distinct_names(["Vốn", "Vốn"], plain) == ["Vốn", "Vốn"]


# -- whole words, always ---------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "Công tác cán bộ có nhiều chuyển biến",
        "thực hiện luân chuyển",
        "tổng diện tích gieo trồng",
        "thu ngân sách trên địa bàn",
        "dự kiến thời gian tới sẽ",
        "phấn đấu hết năm 2026",
        "trong đó",
        "xã Hòa Phong",
        "đạt",
        "có",
    ]
)
_FIGURES = st.sampled_from(
    ["12 sản phẩm OCOP", "310,5 ha", "4,1%", "18/18 xã", "1,2 nghìn tỷ đồng", "45 hộ nghèo"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=4), _FIGURES, st.sampled_from([", ", " ", "; "]))
def test_names_are_whole_words_of_the_clause(pieces: list[str], figure: str, sep: str) -> None:
    clause = sep.join(pieces) + " " + figure + ", đạt 95% kế hoạch"
    words = set(re.findall(r"[\wÀ-ỹ]+", clause.lower()))
    # head ("Diện tích", "Số"), suffix, parent
    restored = {"diện", "tích", "số", "thực", "hiện", "kế", "hoạch", "trong"}
    for fig in find_figures(clause, 0, len(clause)):
        if fig.name == UNNAMED:  # nothing in the clause names it: said so, not made up
            continue
        for word in re.findall(r"[\wÀ-ỹ]+", fig.name.lower()):
            assert word in words or word in restored, (word, fig.name, clause)


def test_name_parts_of_a_percentage_only_figure() -> None:
    clause = "Giá trị sản phẩm dịch vụ tăng 6,2% so cùng kỳ"
    parts = name_parts(clause, 0, clause.index("6,2"), None, None)
    assert parts == NameParts(before="Giá trị sản phẩm dịch vụ")
