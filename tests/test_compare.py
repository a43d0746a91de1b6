"""The comparison sets side by side only what is comparable.

Reports, places and figures are invented.
"""

from __future__ import annotations

import re

from summarizer.compare import (
    build_comparison,
    comparison_html,
    comparison_markdown,
    measure_key,
)
from summarizer.schema import Evidence, Indicator, Meta, PlanPct, ReportSummary, RunInfo

RUN = RunInfo(model="m", backend="b", prompt_version="p")


def report(unit: str | None, months: int | None, *figures: Indicator) -> ReportSummary:
    period = f"{months} tháng đầu năm 2031" if months else None
    return ReportSummary(
        meta=Meta(unit_name=unit, period=period, period_months=months),
        indicators=list(figures),
        run=RUN,
    )


def fig(name: str, value: float | None, unit: str | None = "tỷ đồng", **kw: object) -> Indicator:
    return Indicator(
        name=name, value=value, unit=unit, evidence=[Evidence(quote="x", start=0, end=1)], **kw
    )  # type: ignore[arg-type]


def labels(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [r.label for r in rows]


def test_measure_key_keeps_scope_and_price_basis() -> None:
    same = measure_key("Tổng thu ngân sách nhà nước 6 tháng đầu năm", "tỷ đồng")
    assert same == measure_key("Thu ngân sách nhà nước", "Tỷ đồng")
    assert measure_key("Thu ngân sách nhà nước", "tỷ đồng") != measure_key(
        "Thu ngân sách trên địa bàn", "tỷ đồng"
    )
    assert measure_key("Giá trị sản xuất (giá so sánh)", "tỷ đồng") != measure_key(
        "Giá trị sản xuất (giá hiện hành)", "tỷ đồng"
    )
    assert measure_key("Sản lượng lương thực", "tấn") != measure_key(
        "Sản lượng lương thực", "nghìn tấn"
    )


def test_six_and_nine_month_reports_never_share_a_table() -> None:
    a = report("Sơn Động", 6, fig("Thu ngân sách nhà nước", 61.4))
    b = report("Mường Tè", 6, fig("Tổng thu ngân sách nhà nước", 48.2))
    c = report("Bảo Lạc", 9, fig("Thu ngân sách nhà nước", 90.5))
    table = build_comparison([("a.txt", a), ("b.txt", b), ("c.txt", c)])
    (six,) = table.tables
    assert six.months == 6
    assert six.columns == ["Sơn Động · 6 tháng đầu năm 2031", "Mường Tè · 6 tháng đầu năm 2031"]
    assert labels(six.results) == ["Thu ngân sách nhà nước (tỷ đồng)"]
    assert [c.text if c else None for c in six.results[0].cells] == ["61,4", "48,2"]
    assert any("Bảo Lạc" in n and "9 tháng" in n for n in table.notes)
    md = comparison_markdown(table)
    assert "90,5" not in md  # the lone 9-month report is named, not tabulated


def test_different_scopes_and_units_are_never_merged() -> None:
    a = report(
        "Sơn Động",
        6,
        fig("Thu ngân sách nhà nước", 61.4),
        fig("Giá trị sản xuất (giá so sánh)", 3120),
        fig("Sản lượng lương thực", 21.5, "nghìn tấn"),
    )
    b = report(
        "Mường Tè",
        6,
        fig("Thu ngân sách trên địa bàn", 48.2),
        fig("Giá trị sản xuất (giá hiện hành)", 4010),
        fig("Sản lượng lương thực", 18300, "tấn"),
    )
    (six,) = build_comparison([("a", a), ("b", b)]).tables
    assert six.results == [] and six.targets == []
    md = comparison_markdown(build_comparison([("a", a), ("b", b)]))
    assert "Không có chỉ tiêu nào cùng tên và đơn vị" in md
    assert "61,4" not in md and "48,2" not in md


def test_a_target_is_never_shown_as_a_result() -> None:
    a = report(
        "Sơn Động",
        6,
        fig("Xã đạt chuẩn nông thôn mới", 12, "xã"),
        fig("Sản phẩm OCOP", 4, "sản phẩm", kind="target"),
    )
    b = report(
        "Mường Tè",
        6,
        fig("Xã đạt chuẩn nông thôn mới", 15, "xã", kind="target"),
        fig("Sản phẩm OCOP", 6, "sản phẩm", kind="target"),
    )
    (six,) = build_comparison([("a", a), ("b", b)]).tables
    assert six.results == []  # 12 achieved communes vs a goal of 15: not the same measure
    assert labels(six.targets) == ["Sản phẩm OCOP (sản phẩm)"]
    md = comparison_markdown(build_comparison([("a", a), ("b", b)]))
    results_part, targets_part = md.split("Mục tiêu đề ra (chưa phải kết quả)")
    assert "| 4 | 6 |" in targets_part and "15" not in md and "| 12 |" not in results_part


def test_rows_only_for_measures_in_two_reports_and_names_given_twice_are_left_out() -> None:
    a = report(
        "Sơn Động",
        9,
        fig("Diện tích gieo trồng", 8100, "ha", plan_pct=[PlanPct(pct=96.5, basis="KH")]),
        fig("Lũy kế thôn", 40, "thôn"),
        fig("Lũy kế thôn", 9, "thôn"),
        fig("Độ che phủ rừng", 61, "%"),
    )
    b = report(
        None,
        9,
        fig("Diện tích gieo trồng", 7600, "ha", change_pct=-1.5),
        fig("Lũy kế thôn", 31, "thôn"),
    )
    (nine,) = build_comparison([("a.txt", a), ("mường-tè.docx", b)]).tables
    assert labels(nine.results) == ["Diện tích gieo trồng (ha)"]  # "Lũy kế thôn" is ambiguous in a
    assert nine.columns[1] == "mường-tè.docx · 9 tháng đầu năm 2031"  # the caller's label
    cells = [c.text if c else "" for c in nine.results[0].cells]
    assert cells == ["8.100 (96,5% KH)", "7.600 (giảm 1,5% so cùng kỳ)"]


def test_fewer_than_two_comparable_reports_are_said_so_not_listed() -> None:
    a = report("Sơn Động", 6, fig("Thu ngân sách nhà nước", 61.4))
    b = report("Mường Tè", None, fig("Thu ngân sách nhà nước", 48.2))
    table = build_comparison([("a", a), ("b", b)])
    assert table.tables == []
    md = comparison_markdown(table)
    assert "Chưa có hai báo cáo cùng loại kỳ" in md and "không rõ độ dài kỳ" in md
    assert "Thu ngân sách" not in md and "61,4" not in md
    html = comparison_html(table)
    assert "Chưa có hai báo cáo cùng loại kỳ" in html and "<table" not in html
    assert "Không có báo cáo nào" in comparison_markdown(build_comparison([]))


def test_comparison_escapes_and_draws_plan_bars() -> None:
    evil = "<script>alert(1)</script> | x"
    a = report(
        "Sơn Động",
        6,
        fig(evil, 1, "<b>"),
        fig("Thu ngân sách nhà nước", 61.4, plan_pct=[PlanPct(pct=58, basis="dự toán")]),
    )
    b = report(
        "Mường Tè",
        6,
        fig(evil, 2, "<b>"),
        fig("Thu ngân sách nhà nước", 70.2, plan_pct=[PlanPct(pct=112, basis="dự toán")]),
    )
    table = build_comparison([("a", a), ("b", b)])
    html = comparison_html(table)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    bars = re.findall(r'<span class="bar (below|met)"', html)
    assert bars == ["below", "met"]
    assert ".bar.below > i" in html  # the hollow style travels with the page
    md = comparison_markdown(table)
    assert "\\| x" in md and "\\<script\\>" in md and "<script>" not in md
