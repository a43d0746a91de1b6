"""The review page shows what a reviewer should check first (issue 11, item 16): every warning
of the run, and the items the model was least sure of."""

from __future__ import annotations

import re
from html import unescape

from summarizer.render import render_review
from summarizer.schema import Evidence, Meta, ReportSummary, RunInfo, SectionItem

TEXT = (
    "Huyện Sơn Khê hoàn thành 14 km đường giao thông nông thôn. "
    "Tiến độ xây dựng trường học còn chậm. "
    "Tập trung hoàn thành kè chống sạt lở trước mùa mưa."
)
WARNINGS = [
    "clause 4 not labelled: Invalid JSON <script>alert(1)</script>",
    "thin summary: 9 of 40 model answers were rejected",
]


def item(quote: str, confidence: float | None) -> SectionItem:
    start = TEXT.index(quote)
    return SectionItem(
        text=quote,
        confidence=confidence,
        evidence=[Evidence(quote=quote, start=start, end=start + len(quote))],
    )


def page() -> str:
    summary = ReportSummary(
        text=TEXT,
        meta=Meta(unit_name="Sơn Khê"),
        achievements=[item("hoàn thành 14 km đường giao thông nông thôn", 0.93)],
        shortcomings=[item("Tiến độ xây dựng trường học còn chậm", 0.42)],
        tasks=[item("Tập trung hoàn thành kè chống sạt lở trước mùa mưa", None)],
        run=RunInfo(model="m", backend="fake", prompt_version="p", warnings=WARNINGS),
    )
    return render_review(summary, TEXT)


def checks(html: str) -> str:
    found = re.search(r'<section class="checks".*?</section>', html, re.S)
    assert found, "no section listing what to check"
    return found.group(0)


def test_every_warning_is_shown_escaped() -> None:
    html = page()
    box = checks(html)
    assert "Cảnh báo (2)" in box
    shown = [
        unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in re.findall(r"<li>.*?</li>", box)
    ]
    assert shown == WARNINGS
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in box


def test_low_confidence_items_are_listed_with_a_link() -> None:
    box = checks(page())
    assert "Độ tin cậy thấp (1)" in box
    low = re.findall(r'<li class="k-(\w+) low" value="(\d+)">(.*?)</li>', box, re.S)
    assert [(kind, number) for kind, number, _ in low] == [("shortcoming", "2")]
    assert 'href="#ev-2"' in low[0][2] and "42%" in low[0][2]
    assert "trường học còn chậm" in low[0][2]


def test_nothing_to_check_shows_no_box() -> None:
    summary = ReportSummary(
        text=TEXT,
        meta=Meta(),
        tasks=[item("Tập trung hoàn thành kè chống sạt lở trước mùa mưa", 0.97)],
        run=RunInfo(model="m", backend="fake", prompt_version="p"),
    )
    assert 'class="checks"' not in render_review(summary, TEXT)
