"""Bullets are whole clauses or clauses shortened at a boundary, never cut mid-phrase.

Texts are invented in the style of the reports (places and figures made up).
"""

from __future__ import annotations

import pytest

from summarizer.render.clause import MIN_SAVED, MIN_WORDS, shorten
from summarizer.render.layout import Caps

CAP = Caps().words  # 36
#: 54 words, three clauses joined by commas; the first two together are 34 words.
LONG = (
    "Công tác quản lý đất đai ở các xã vùng cao phía tây còn nhiều lúng túng, "
    "việc xử lý lấn chiếm hành lang đường tỉnh 712 chưa kịp thời và dứt điểm, "
    "hồ sơ cấp giấy chứng nhận quyền sử dụng đất cho hộ dân tái định cư vẫn tồn đọng kéo dài"
)


def test_a_long_clause_is_shortened_at_its_last_boundary_within_the_cap() -> None:
    assert len(LONG.split()) == 54
    short = shorten(LONG, CAP)
    assert short == (
        "Công tác quản lý đất đai ở các xã vùng cao phía tây còn nhiều lúng túng, "
        "việc xử lý lấn chiếm hành lang đường tỉnh 712 chưa kịp thời và dứt điểm…"
    )
    # nothing was cut inside a phrase: the kept words end where the text has a comma
    kept = short.removesuffix("…")
    assert LONG.startswith(kept) and LONG[len(kept)] == ","


def test_a_clause_just_over_the_cap_stays_whole() -> None:
    text = " ".join(LONG.split()[: CAP + MIN_SAVED])  # a cut would save too little to be worth it
    assert shorten(text, CAP) == text


def test_enumeration_commas_and_and_are_not_boundaries() -> None:
    text = (
        "Hoàn thành việc chi trả hỗ trợ cho các hộ bị thiệt hại do lũ quét ở thôn Nà Lìu "
        "bảo đảm kịp thời, công khai, minh bạch, đúng đối tượng, không để xảy ra thắc mắc "
        "hay khiếu nại kéo dài trong nhân dân"
    )
    short = shorten(text, CAP, statement=False)
    # "kịp thời, công khai, minh bạch" is one list: the cut comes after it, not inside it
    assert short.endswith("kịp thời, công khai, minh bạch, đúng đối tượng…")
    text2 = (
        "Giá trị sản xuất nông, lâm nghiệp và thuỷ sản của xã Bản Vược ước đạt 312 tỷ đồng "
        "trong điều kiện thời tiết rét đậm kéo dài ảnh hưởng tới cây trồng vụ đông xuân "
        "ở nhiều thôn vùng thấp ven hai bờ sông Lô"
    )
    assert len(text2.split()) > CAP + MIN_SAVED
    assert shorten(text2, CAP) == text2  # no clause boundary: kept whole rather than cut


def test_no_cut_inside_brackets_or_before_the_predicate() -> None:
    text = (
        "Tổng giá trị sản xuất theo giá so sánh của thị xã Hồng Sơn ước đạt 7.215 tỷ đồng "
        "(tăng 8,4% so với cùng kỳ, đạt 51,2% kế hoạch năm, trong đó công nghiệp chiếm phần lớn, "
        "dịch vụ tăng khá, nông nghiệp giữ ổn định)"
    )
    assert len(text.split()) > CAP + MIN_SAVED
    short = shorten(text, CAP)
    assert short == (
        "Tổng giá trị sản xuất theo giá so sánh của thị xã Hồng Sơn ước đạt 7.215 tỷ đồng…"
    )
    subjects_first = (
        "Việc lập hồ sơ thu hồi đất ở hai phường phía bắc, công tác kiểm đếm tài sản, "
        "bồi thường, hỗ trợ tái định cư cho dự án đường vành đai 3 của thị xã Hồng Sơn "
        "còn chậm, chưa bảo đảm tiến độ đề ra"
    )
    # a statement is not cut before its predicate ("còn chậm"); a long bullet beats a bare subject
    assert len(subjects_first.split()) > CAP + MIN_SAVED
    assert shorten(subjects_first, CAP) == subjects_first
    assert shorten(subjects_first, CAP, statement=False).endswith("phía bắc…")  # a task may


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Trong đó, tập trung chỉ đạo thu hoạch lúa vụ xuân",
            "Tập trung chỉ đạo thu hoạch lúa vụ xuân",
        ),
        (
            "Trong 9 tháng đầu năm 2031, huyện Sơn Động đã giải ngân 88 tỷ đồng vốn đầu tư công",
            "Huyện Sơn Động đã giải ngân 88 tỷ đồng vốn đầu tư công",
        ),
        (
            "Mặc dù thời tiết bất lợi, dịch bệnh trên đàn lợn, nhưng với quyết tâm cao, "
            "sản xuất nông nghiệp của xã Tà Xùa vẫn giữ ổn định",
            "Sản xuất nông nghiệp của xã Tà Xùa vẫn giữ ổn định",
        ),
        (
            "Tổng thu ngân sách ước đạt 61,4 tỷ đồng, đạt 58% dự toán, trong đó",
            "Tổng thu ngân sách ước đạt 61,4 tỷ đồng, đạt 58% dự toán",
        ),
        ("tăng cường kiểm tra an toàn thực phẩm.", "Tăng cường kiểm tra an toàn thực phẩm"),
        ("Trong đó, xây dựng", "Trong đó, xây dựng"),  # too little would remain: kept
        # a list item's marker: the bullet replaces it
        ("2. Tổ chức tổng kết 5 năm thực hiện Đề án", "Tổ chức tổng kết 5 năm thực hiện Đề án"),
        ("b) Rà soát hộ nghèo", "Rà soát hộ nghèo"),
        ("+ Tăng cường phòng chống dịch", "Tăng cường phòng chống dịch"),
        ("2031 là năm bản lề của nhiệm kỳ", "2031 là năm bản lề của nhiệm kỳ"),  # not a marker
    ],
)
def test_leading_connectives_and_announced_breakdowns_are_dropped(text: str, expected: str) -> None:
    assert shorten(text, CAP) == expected


def test_a_task_is_cut_before_a_conjunction() -> None:
    task = (
        "Chỉ đạo đẩy nhanh giải phóng mặt bằng, tái định cư cho người dân vùng dự án hồ chứa "
        "Khe Mơ, tuyến đường nối trung tâm xã Đồng Tâm với quốc lộ 9 và các công trình trường học "
        "đang triển khai trên địa bàn huyện"
    )
    short = shorten(task, CAP, statement=False)
    assert short.endswith("với quốc lộ 9…") and len(short.split()) >= MIN_WORDS
    assert task.startswith(short.removesuffix("…"))


def test_an_opening_subordinate_clause_is_never_all_that_is_kept() -> None:
    text = (
        "Để hoàn thành các chỉ tiêu, nhiệm vụ năm 2031, Chủ tịch UBND huyện Sơn Động yêu cầu "
        "các phòng, ban chuyên môn, đơn vị sự nghiệp, các xã, thị trấn tập trung rà soát từng chỉ "
        "tiêu còn đạt thấp, chủ động đề xuất giải pháp tháo gỡ khó khăn về vốn, mặt bằng và nhân "
        "lực cho các dự án trọng điểm đang triển khai trên địa bàn huyện trong quý cuối năm"
    )
    # too long: the purpose clause goes, the main clause stays, and its list of addressees
    # ("các phòng, ban chuyên môn, đơn vị sự nghiệp, các xã, thị trấn") is not cut
    assert shorten(text, CAP, statement=False) == (
        "Chủ tịch UBND huyện Sơn Động yêu cầu các phòng, ban chuyên môn, đơn vị sự nghiệp, "
        "các xã, thị trấn tập trung rà soát từng chỉ tiêu còn đạt thấp…"
    )
    short = "Để phát triển du lịch, huyện Sơn Động cần rà soát quy hoạch các điểm đến"
    assert shorten(short, CAP, statement=False) == short  # short enough: kept whole
