"""Result of the period or target for the next one (issue 10, item 2): decided by the figure's
own clause, not by a goal word somewhere before it. Invented sentences; expectations by hand."""

from __future__ import annotations

import pytest

from summarizer.genre import disabled
from summarizer.genre.kind import figure_kind
from summarizer.indicators import figures_of, indicators_of
from summarizer.ingest import make_document
from summarizer.numbers import find_figures


def kinds(clause: str, label: str | None = None) -> list[str]:
    out = []
    for fig in find_figures(clause, 0, len(clause)):
        at = fig.start + (fig.value_at or 0)
        out.append(figure_kind(clause, at, fig.quote, label))
    return out


@pytest.mark.parametrize(
    ("clause", "label", "expected"),
    [
        # a goal word before the figure, in its own phrase
        ("Phấn đấu hết năm 2026 có 12 làng nghề được công nhận", None, ["target"]),
        ("Mục tiêu năm tới thu ngân sách đạt 250 tỷ đồng", None, ["target"]),
        (
            "Có 9 làng nghề được công nhận, thời gian tới sẽ xét thêm 4 làng nghề",
            None,
            ["result", "target"],
        ),
        # a goal word the clause turns away from
        ("Thực hiện mục tiêu kép, đến nay đã giải ngân 96,4 tỷ đồng, đạt 51% KH", None, ["result"]),
        # a programme's name, or pursuing goals, is not a goal for a figure
        ("Chương trình mục tiêu quốc gia giải ngân 15,2 tỷ đồng", None, ["result"]),
        ("Thực hiện các mục tiêu năm 2024, thu ngân sách đạt 230 tỷ đồng", None, ["result"]),
        ("Mục tiêu năm 2026: thu ngân sách đạt 260 tỷ đồng", None, ["target"]),
        # "dự kiến" alone estimates the period's own result
        ("dự kiến có 7 chỉ tiêu vượt kế hoạch", None, ["result"]),
        # labelled a task by the model, but measured against the plan or last year: a result
        (
            "tổng giá trị sản xuất đạt 3.120 tỷ đồng (tăng 9,8% so với cùng kỳ và đạt 48% kế "
            "hoạch năm)",
            "task",
            ["result"],
        ),
        ("Thu ngân sách đạt 98 tỷ đồng, bằng 104% so với cùng kỳ", "task", ["result"]),
        (
            "Công tác cán bộ có nhiều chuyển biến, điều động 17 đồng chí và tổ chức tốt việc "
            "bầu bổ sung",
            "task",
            ["result"],
        ),
        ("Cần tiếp tục được quan tâm, hỗ trợ 40 hộ", "task", ["target"]),
        # labelled a task and not measured: a target
        ("kiểm định chất lượng và công nhận lại 7 trường đạt chuẩn quốc gia", "task", ["target"]),
        ("tập trung chỉ đạo nhiệm vụ phát triển kinh tế (9 chỉ tiêu)", "task", ["target"]),
    ],
)
def test_figure_kind(clause: str, label: str | None, expected: list[str]) -> None:
    assert kinds(clause, label) == expected


def test_switched_off_a_goal_word_anywhere_before_makes_a_target() -> None:
    clause = "Thực hiện mục tiêu kép, đến nay đã giải ngân 96,4 tỷ đồng, đạt 51% KH"
    with disabled("figure_kind"):
        assert kinds(clause) == ["target"]
        assert kinds("tổng giá trị sản xuất đạt 3.120 tỷ đồng (đạt 48% kế hoạch)", "task") == [
            "target"
        ]


def test_the_pipeline_gives_each_figure_its_own_kind() -> None:
    text = (
        "Thu ngân sách 9 tháng đạt 152,6 tỷ đồng, đạt 80,3% dự toán. Có 9 làng nghề được công "
        "nhận, thời gian tới sẽ xét thêm 4 làng nghề."
    )
    doc = make_document(text)
    indicators = indicators_of(doc, figures_of(doc, {}))
    assert [(ind.value, ind.kind) for ind in indicators] == [
        (152.6, "result"),
        (9, "result"),
        (4, "target"),
    ]
    tasks = {clause.id: "task" for clause in doc.clauses}
    indicators = indicators_of(doc, figures_of(doc, tasks))
    assert [ind.kind for ind in indicators] == ["result", "target", "target"]


def test_a_goal_opening_a_sentence_governs_its_list() -> None:
    text = (
        "Năm 2026, phấn đấu tăng trưởng kinh tế từ 7-7,5%; thu ngân sách trên 1.500 tỷ đồng; "
        "có thêm 3 xã đạt chuẩn nông thôn mới nâng cao. Năm 2025 thu ngân sách đạt 1.380 tỷ "
        "đồng."
    )
    doc = make_document(text)
    indicators = indicators_of(doc, figures_of(doc, {}))
    assert [(ind.value, ind.kind) for ind in indicators] == [
        (7, "target"),
        (1500, "target"),
        (3, "target"),
        (1380, "result"),
    ]


def test_every_figure_rule_has_tests_of_its_own() -> None:
    """Each rule of the figure modules is exercised by name in these test files."""
    from pathlib import Path

    from summarizer.genre import rules

    modules = {"units", "figures", "percent", "grouping", "tables", "frames", "names", "series"}
    modules.add("kind")
    mine = {r.name for r in rules() if r.module.rsplit(".", 1)[-1] in modules}
    here = Path(__file__).parent
    tests = "".join(
        (here / f).read_text(encoding="utf-8")
        for f in ("test_genre_figures.py", "test_genre_names.py", "test_genre_kind.py")
    )
    assert len(mine) >= 30
    assert sorted(n for n in mine if n not in tests) == []


@pytest.mark.parametrize(
    ("name", "value", "of_total", "pcts", "unit", "short"),
    [
        ("Thu ngân sách", 76.4, 140.0, [], "tỷ đồng", True),
        ("Diện tích lúa", 6950.0, 7100.0, [97.9], "ha", True),
        ("Sản lượng thịt", 3410.0, 3200.0, [106.6], "tấn", False),
        ("Tỷ lệ trẻ em suy dinh dưỡng", 12.0, 11.0, [], "%", True),  # less is better
        ("Tỷ lệ hộ nghèo", 1.9, 2.5, [], "%", False),
        ("Xã đạt chuẩn nông thôn mới", 18.0, 21.0, [], "xã", None),  # part of a whole
        ("Kết nạp đảng viên", 26.0, None, [], "đảng viên", None),  # no plan stated
    ],
)
def test_short_of_plan(
    name: str,
    value: float,
    of_total: float | None,
    pcts: list[float],
    unit: str,
    short: bool | None,
) -> None:
    from summarizer.genre.kind import short_of_plan

    assert short_of_plan(name, value, of_total, pcts, unit) is short
    with disabled("short_of_plan"):
        assert short_of_plan(name, value, of_total, pcts, unit) is None
