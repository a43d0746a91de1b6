"""Which field of government an item is about (genre/sectors.py). Invented items."""

from __future__ import annotations

import pytest

from summarizer.genre import disabled
from summarizer.genre.sectors import sector_of


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("Tổng diện tích gieo trồng vụ đông đạt 1.240 ha", "Kinh tế"),
        (
            "Tỷ lệ học sinh đỗ tốt nghiệp đạt 98%, công tác y tế dự phòng được quan tâm",
            "Văn hóa - xã hội",
        ),
        ("Hoàn thành 100% chỉ tiêu tuyển quân, giữ vững an ninh trật tự", "Quốc phòng - an ninh"),
        ("Kết nạp 36 đảng viên mới, kiện toàn 4 chi bộ", "Xây dựng Đảng, chính quyền"),
        ("Hội nghị diễn ra trong một ngày", None),  # no field's words: no guess
        # two words of each field: a tie goes to the field listed first
        ("Công tác quốc phòng, an ninh, thu ngân sách và thu hút đầu tư", "Kinh tế"),
    ],
)
def test_sector_of(text: str, sector: str | None) -> None:
    assert sector_of(text) == sector


def test_switched_off_no_item_has_a_sector() -> None:
    with disabled("sector_of"):
        assert sector_of("Kết nạp 36 đảng viên mới") is None
