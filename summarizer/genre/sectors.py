"""Which field of government an item is about, for grouping bullets in a briefing.

A keyword lexicon of the fields these reports are organised by (the standard headings of
Vietnamese local-government reports). It is deterministic and free; an item matching no
field gets no sector rather than a guess.
"""

from __future__ import annotations

import re

from . import rule

__all__ = ["SECTORS", "sector_of"]

SECTORS: dict[str, tuple[str, ...]] = {
    "Kinh tế": (
        "kinh tế",
        "nông nghiệp",
        "nông, lâm",
        "thủy sản",
        "thuỷ sản",
        "chăn nuôi",
        "trồng trọt",
        "gieo trồng",
        "lương thực",
        "sản lượng",
        "công nghiệp",
        "xây dựng cơ bản",
        "thương mại",
        "dịch vụ",
        "du lịch",
        "xuất khẩu",
        "doanh nghiệp",
        "đầu tư",
        "giải ngân",
        "ngân sách",
        "thu ngân sách",
        "thuế",
        "giá trị sản xuất",
        "nông thôn mới",
        "ntm",
        "ocop",
        "quy hoạch",
        "đất đai",
        "tài nguyên",
        "môi trường",
        "giải phóng mặt bằng",
        "gpmb",
        "hạ tầng",
        "giao thông",
        "cụm công nghiệp",
        "rừng",
        "hợp tác xã",
        "kinh tế - xã hội",
    ),
    "Văn hóa - xã hội": (
        "văn hóa",
        "văn hoá",
        "giáo dục",
        "trường",
        "học sinh",
        "y tế",
        "bệnh",
        "an sinh",
        "giảm nghèo",
        "hộ nghèo",
        "việc làm",
        "lao động",
        "bảo hiểm",
        "thể dục",
        "thể thao",
        "chuyển đổi số",
        "khoa học",
        "người có công",
        "trẻ em",
        "dân số",
    ),
    "Quốc phòng - an ninh": (
        "quốc phòng",
        "an ninh",
        "trật tự",
        "quân sự",
        "tội phạm",
        "phòng cháy",
        "diễn tập",
        "tuyển quân",
        "biên giới",
        "khiếu nại",
        "tố cáo",
        "vi phạm pháp luật",
        "lụt bão",
    ),
    "Xây dựng Đảng, chính quyền": (
        "đảng",
        "đảng viên",
        "chi bộ",
        "cấp ủy",
        "cấp uỷ",
        "cán bộ",
        "kiểm tra, giám sát",
        "kỷ luật",
        "dân vận",
        "mặt trận",
        "đoàn thể",
        "hệ thống chính trị",
        "chính quyền",
        "cải cách hành chính",
        "tham nhũng",
        "đại hội",
        "tổ chức cơ sở",
        "tư tưởng",
    ),
}

_SECTOR_OF_WORD = {w: sector for sector, words in SECTORS.items() for w in words}
_KEYWORDS = re.compile(
    "|".join(
        rf"(?<!\w){re.escape(w)}(?!\w)" for w in sorted(_SECTOR_OF_WORD, key=len, reverse=True)
    ),
    re.IGNORECASE,
)


@rule(off=None)
def sector_of(text: str) -> str | None:
    """Reports are organised by the fields of government (economy; culture and society;
    defence and security; Party and government building), each named by its own words; an
    item belongs to the field whose words it uses most (the first listed wins a tie), and to
    none when it uses none."""
    hits = dict.fromkeys(SECTORS, 0)
    for match in _KEYWORDS.finditer(text):
        hits[_SECTOR_OF_WORD[match.group().lower()]] += 1
    best = max(hits, key=lambda s: hits[s])
    return best if hits[best] else None
