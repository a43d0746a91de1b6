"""Headings, list items and the sections headings open (genre/layout.py). Invented lines."""

from __future__ import annotations

import pytest

from summarizer.genre import disabled
from summarizer.genre.layout import is_heading, list_marker


@pytest.mark.parametrize(
    ("line", "marker"),
    [
        ("- Giải ngân vốn đầu tư công còn chậm", "- "),
        ("+ Thu ngân sách 52,4/90 tỷ đồng;", "+ "),
        ("• Tăng cường công tác quản lý đất đai.", "• "),
        ("1. Tập trung chỉ đạo thu hoạch lúa vụ mùa.", "1. "),
        ("2.3. Văn hóa - xã hội", "2.3. "),
        ("a) Lĩnh vực nông nghiệp:", "a) "),
        ("IV. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2027", "IV. "),
        ("Thu ngân sách đạt 1.250 tỷ đồng.", None),
        ("2026 là năm bản lề", None),
    ],
)
def test_list_marker(line: str, marker: str | None) -> None:
    assert list_marker(line) == marker


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("A. KẾT QUẢ ĐẠT ĐƯỢC", True),
        ("II. Một số nhiệm vụ trọng tâm 6 tháng cuối năm", True),
        ("1. Sản xuất nông, lâm, ngư nghiệp:", True),
        ("Toàn cảnh hội nghị. Ảnh: Minh Anh", True),
        ("Huyện Sơn Khê về đích sớm các chỉ tiêu năm 2026", True),  # a title
        # a bulleted line is an item of its section, however short and unpunctuated
        ("- Giải ngân vốn đầu tư công còn chậm", False),
        ("+ Xã đạt chuẩn nông thôn mới 6/8 xã", False),
        ("1. Tập trung chỉ đạo thu hoạch lúa vụ mùa, phòng chống bão lũ, bảo đảm an toàn.", False),
        (
            "Tuy nhiên, bên cạnh kết quả đạt được, vẫn còn một số hạn chế, "
            "trong đó nổi bật như sau:",
            False,
        ),
        ("Trồng trọt: tổng diện tích gieo trồng 5.120 ha, đạt 96% kế hoạch.", False),
    ],
)
def test_is_heading(line: str, heading: bool) -> None:
    assert is_heading(line) is heading


def test_switched_off_nothing_is_a_heading_or_an_item() -> None:
    with disabled("is_heading", "list_marker"):
        assert is_heading("A. KẾT QUẢ ĐẠT ĐƯỢC") is False
        assert list_marker("- Giải ngân còn chậm") is None


def test_a_line_wrapped_mid_sentence_continues_its_paragraph() -> None:
    from summarizer.genre import disabled
    from summarizer.genre.layout import wrapped_line
    from summarizer.ingest import make_document

    assert wrapped_line("Xây dựng thêm 4 sản phẩm mỗi xã một sản", "phẩm đạt chuẩn 3 sao.")
    assert not wrapped_line("Thu ngân sách đạt 52 tỷ đồng.", "sau đó là các khoản khác")
    assert not wrapped_line("Các nhiệm vụ chủ yếu", "a) Về kinh tế: tập trung thu hoạch")
    assert not wrapped_line("Nông nghiệp", "Sản lượng lúa đạt 41 nghìn tấn.")
    text = (
        "Tiếp tục xây dựng sản\nphẩm OCOP; hỗ trợ 12 hộ nghèo xây dựng nhà ở kiên cố.\n"
        "Thu ngân sách đạt 9 tỷ đồng."
    )
    doc = make_document(text)
    assert [p.text for p in doc.paragraphs] == [
        "Tiếp tục xây dựng sản\nphẩm OCOP; hỗ trợ 12 hộ nghèo xây dựng nhà ở kiên cố.",
        "Thu ngân sách đạt 9 tỷ đồng.",
    ]
    assert doc.clauses[0].text == "Tiếp tục xây dựng sản\nphẩm OCOP;"
    with disabled("wrapped_line"):
        assert len(make_document(text).paragraphs) == 3
