"""The one ranking rule: what a one-page briefing shows first, and what it never shows.

The report text and figures are invented (a made-up district, Sơn Động, in a made-up year).
"""

from __future__ import annotations

from summarizer.render.layout import build_briefing
from summarizer.render.rank import (
    conclusion_start,
    indicator_weight,
    is_lead_in,
    rank_indicators,
    rank_items,
)
from summarizer.schema import (
    Evidence,
    Indicator,
    Meta,
    PlanPct,
    ReportSummary,
    RunInfo,
    SectionItem,
)

RUN = RunInfo(model="m", backend="b", prompt_version="p")
SAID = [Evidence(quote="x", start=0, end=1)]

TEXT = """Hội nghị Ban Chấp hành Đảng bộ huyện Sơn Động lần thứ 9, khóa XXX.

Đồng chí Lò Văn Páo, Bí thư Huyện ủy phát biểu chỉ đạo tại hội nghị.

Trong 6 tháng đầu năm 2031, kinh tế của huyện tăng trưởng khá. Tổng thu ngân sách đạt 61,4 tỷ \
đồng, đạt 58% dự toán. Toàn huyện có 7 hợp tác xã thành lập mới. Văn hóa - xã hội có chuyển biến.

Tuy nhiên, vẫn còn một số hạn chế, như: giải ngân vốn đầu tư công mới đạt 31% kế hoạch; tình \
trạng khai thác cát trái phép còn diễn biến phức tạp; một số trường thiếu giáo viên.

Nhiệm vụ 6 tháng cuối năm: đẩy mạnh thu ngân sách; phấn đấu có thêm 3 xã đạt chuẩn nông thôn mới.

Phát biểu kết luận hội nghị, đồng chí Lò Văn Páo đề nghị: các cấp ủy tập trung hoàn thành giải \
phóng mặt bằng đường tránh; siết chặt quản lý khoáng sản.
"""


def ev(quote: str) -> list[Evidence]:
    start = TEXT.index(quote)
    return [Evidence(quote=quote, start=start, end=start + len(quote))]


def item(quote: str) -> SectionItem:
    return SectionItem(text=quote, evidence=ev(quote))


def figure(name: str, quote: str, value: float, **kw: object) -> Indicator:
    return Indicator(name=name, value=value, evidence=ev(quote), **kw)  # type: ignore[arg-type]


def summary(text: str | None = TEXT) -> ReportSummary:
    budget = figure(
        "Tổng thu ngân sách",
        "Tổng thu ngân sách đạt 61,4 tỷ đồng, đạt 58% dự toán",
        61.4,
        unit="tỷ đồng",
        plan_pct=[PlanPct(pct=58, basis="dự toán")],
    )
    coops = figure("Hợp tác xã thành lập mới", "7 hợp tác xã thành lập mới", 7, unit="hợp tác xã")
    communes = figure(
        "Xã đạt chuẩn nông thôn mới", "có thêm 3 xã đạt chuẩn nông thôn mới", 3, kind="target"
    )
    return ReportSummary(
        text=text,
        meta=Meta(),
        run=RUN,
        indicators=[budget, coops, communes],
        achievements=[
            item("kinh tế của huyện tăng trưởng khá"),
            item("Toàn huyện có 7 hợp tác xã thành lập mới"),
            item("Văn hóa - xã hội có chuyển biến"),
            item("Tổng thu ngân sách đạt 61,4 tỷ đồng, đạt 58% dự toán"),
        ],
        shortcomings=[
            item("Tuy nhiên, vẫn còn một số hạn chế, như"),
            item("một số trường thiếu giáo viên"),
            item("tình trạng khai thác cát trái phép còn diễn biến phức tạp"),
            item("giải ngân vốn đầu tư công mới đạt 31% kế hoạch"),
        ],
        tasks=[
            item("đẩy mạnh thu ngân sách"),
            item("phấn đấu có thêm 3 xã đạt chuẩn nông thôn mới"),
            item("Phát biểu kết luận hội nghị, đồng chí Lò Văn Páo đề nghị"),
            item("các cấp ủy tập trung hoàn thành giải phóng mặt bằng đường tránh"),
            item("siết chặt quản lý khoáng sản"),
        ],
    )


def texts(items: list[SectionItem]) -> list[str]:
    return [i.text for i in items]


# --- the chair's conclusion -----------------------------------------------------------------


def test_conclusion_starts_at_the_closing_passage_not_at_a_caption_near_the_top() -> None:
    # the caption "… phát biểu chỉ đạo tại hội nghị." is followed by results, not requests
    assert conclusion_start(TEXT) == TEXT.index("Phát biểu kết luận hội nghị")


def test_a_caption_followed_by_requests_opens_the_conclusion() -> None:
    text = (
        "Kết quả 9 tháng: thu ngân sách đạt 40 tỷ đồng.\n\n"
        "Bí thư Huyện ủy Lò Văn Páo phát biểu kết luận hội nghị.\n\n"
        "Để hoàn thành kế hoạch năm, đồng chí yêu cầu các cấp ủy rà soát từng chỉ tiêu."
    )
    assert conclusion_start(text) == text.index("Bí thư Huyện ủy")


def test_no_conclusion_without_a_cue_or_text() -> None:
    assert conclusion_start(None) is None
    assert (
        conclusion_start("Tiếp tục thực hiện Kết luận số 21-KL/TW; cần rà soát quy hoạch.") is None
    )
    assert conclusion_start("KẾT LUẬN\n\nHỘI NGHỊ BAN CHẤP HÀNH, cần làm tốt.") is None


def test_the_chairs_conclusions_lead_the_tasks() -> None:
    ranked = texts(rank_items("tasks", summary()))
    assert ranked == [
        "các cấp ủy tập trung hoàn thành giải phóng mặt bằng đường tránh",
        "siết chặt quản lý khoáng sản",
        "phấn đấu có thêm 3 xã đạt chuẩn nông thôn mới",  # a target with a figure
        "đẩy mạnh thu ngân sách",
    ]


def test_without_the_report_text_tasks_keep_report_order() -> None:
    ranked = texts(rank_items("tasks", summary(text=None)))
    assert ranked == [
        "phấn đấu có thêm 3 xã đạt chuẩn nông thôn mới",
        "đẩy mạnh thu ngân sách",
        "các cấp ủy tập trung hoàn thành giải phóng mặt bằng đường tránh",
        "siết chặt quản lý khoáng sản",
    ]


# --- lead-ins -----------------------------------------------------------------------------


def test_lead_ins_are_recognised() -> None:
    for said in (
        "Tuy nhiên, vẫn còn một số hạn chế, như",
        "Kết quả cụ thể như sau:",
        "Các nhiệm vụ trọng tâm sau đây",
        "Phát biểu kết luận hội nghị, đồng chí Lò Văn Páo đề nghị",
    ):
        assert is_lead_in(SectionItem(text=said, evidence=SAID), None), said
    for said in (
        "Tập trung cao cho nhiệm vụ 6 tháng cuối năm bằng tinh thần chủ động, quyết liệt và cụ thể",
        "Rà soát các chỉ tiêu đạt thấp như thu ngân sách và giải ngân vốn đầu tư công",
    ):
        assert not is_lead_in(SectionItem(text=said, evidence=SAID), None), said
    # the colon after the quote in the report gives it away too
    assert is_lead_in(item("Nhiệm vụ 6 tháng cuối năm"), TEXT)


def test_a_briefing_never_shows_a_lead_in_nor_counts_it() -> None:
    briefing = build_briefing(summary())
    shown = {s.key: s for s in briefing.sections}
    every = [t for s in briefing.sections for t in s.items]
    assert not any(t.split()[-1] == "như" or t.endswith("đề nghị") for t in every)
    assert shown["shortcomings"].total == 3 and shown["tasks"].total == 4


# --- shortcomings and achievements --------------------------------------------------------


def test_shortcomings_the_report_stresses_come_first() -> None:
    ranked = texts(rank_items("shortcomings", summary()))
    assert ranked == [
        "giải ngân vốn đầu tư công mới đạt 31% kế hoạch",  # a shortfall in figures
        "tình trạng khai thác cát trái phép còn diễn biến phức tạp",  # stressed
        "một số trường thiếu giáo viên",
    ]


def test_achievements_with_figures_the_table_lacks_come_first() -> None:
    s = summary()
    assert texts(rank_items("achievements", s))[:2] == [
        "Tổng thu ngân sách đạt 61,4 tỷ đồng, đạt 58% dự toán",  # a plan % not in any table
        "Toàn huyện có 7 hợp tác xã thành lập mới",
    ]
    # once the table shows the budget figure, its bullet tells nothing new: it goes last
    ranked = texts(rank_items("achievements", s, shown=[s.indicators[0]]))
    assert ranked[0] == "Toàn huyện có 7 hợp tác xã thành lập mới"
    assert ranked[-1] == "Tổng thu ngân sách đạt 61,4 tỷ đồng, đạt 58% dự toán"


# --- figures --------------------------------------------------------------------------------


def _figures(n_results: int, n_targets: int) -> list[Indicator]:
    out = []
    for k in range(n_results):
        kw: dict[str, object] = {}
        if k % 3 == 0:
            kw["plan_pct"] = [PlanPct(pct=90 + k, basis="KH")]
        elif k % 3 == 1:
            kw["change_pct"] = 2.5 + k
        out.append(Indicator(name=f"Kết quả {k}", value=10 + k, evidence=SAID, **kw))  # type: ignore[arg-type]
    for k in range(n_targets):
        plan = [PlanPct(pct=100, basis="KH")]
        out.insert(
            k * 4,
            Indicator(name=f"Mục tiêu {k}", value=k, kind="target", plan_pct=plan, evidence=SAID),
        )
    return out


def test_results_before_targets_then_plan_then_same_period_then_counts() -> None:
    ranked = rank_indicators(_figures(14, 3))
    assert [i.kind for i in ranked] == ["result"] * 14 + ["target"] * 3
    weights = [indicator_weight(i) for i in ranked[:14]]
    assert weights == sorted(weights, reverse=True)
    plan_first = [i.name for i in ranked if i.plan_pct and i.kind == "result"]
    assert [i.name for i in ranked[: len(plan_first)]] == plan_first  # in report order
    assert plan_first == ["Kết quả 0", "Kết quả 3", "Kết quả 6", "Kết quả 9", "Kết quả 12"]


def test_targets_only_take_rows_the_results_leave() -> None:
    full = build_briefing(ReportSummary(meta=Meta(), run=RUN, indicators=_figures(14, 3)))
    assert len(full.rows) == 12 and not full.targets and full.rows_hidden == 5
    assert all(not r.is_target for r in full.rows)
    room = build_briefing(ReportSummary(meta=Meta(), run=RUN, indicators=_figures(9, 3)))
    assert len(room.rows) == 9 and [r.name for r in room.targets] == [
        "Mục tiêu 0",
        "Mục tiêu 1",
        "Mục tiêu 2",
    ]
    assert room.rows_hidden == 0
