"""Scoring against gold files: perfect predictions score 1.0, each kind of error costs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.evaluate import (
    SECTIONS,
    Gold,
    GoldIndicator,
    ReportScore,
    UngroundedNumber,
    aggregate,
    format_table,
    load_gold,
    name_is_right,
    numbers_in_text,
    score_report,
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

DATA = Path(__file__).resolve().parents[1] / "examples" / "dev"
PAIR = "000_97fc47a35074beef"
DEV = DATA
DEV_GOLDS = sorted(DEV.glob("*.gold.json")) if DEV.is_dir() else []
RUN = RunInfo(model="gold", backend="test", prompt_version="test")
# Not listed under any section in the bundled gold file: a "free" indicator quote.
FREE_QUOTE = (
    "Tổng diện tích gieo trồng 8.360 ha, đạt 97,2% kế hoạch (KH), bằng 100,2% so với cùng kỳ (CK)"
)


def ev(text: str, quote: str) -> Evidence:
    start = text.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote))


def item(text: str, quote: str) -> SectionItem:
    return SectionItem(text=quote, evidence=[ev(text, quote)])


def perfect(gold: Gold, text: str) -> ReportSummary:
    """The gold file turned into a prediction, every item citing its gold quote."""
    indicators = [
        Indicator(**g.model_dump(exclude={"quote"}), evidence=[ev(text, g.quote)])
        for g in gold.indicators
    ]
    sections = {sec: [item(text, q) for q in getattr(gold, sec)] for sec in SECTIONS}
    return ReportSummary(
        doc=gold.doc, meta=gold.meta.model_copy(), indicators=indicators, run=RUN, **sections
    )


def load_pair(folder: Path, name: str) -> tuple[Gold, str]:
    text = (folder / f"{name}.txt").read_text(encoding="utf-8")
    return load_gold(folder / f"{name}.gold.json"), text


@pytest.fixture
def pair() -> tuple[Gold, str]:
    return load_pair(DATA, PAIR)


def assert_perfect(score: ReportScore, gold: Gold) -> None:
    ind = score.indicators
    assert (ind.tp, ind.n_pred, ind.n_gold) == (len(gold.indicators),) * 3
    assert ind.precision == ind.recall == ind.f1 == 1.0
    assert set(ind.field_accuracy.values()) == {1.0}
    assert ind.fields_accuracy == ind.all_pct_agree == 1.0
    assert score.ungrounded == []
    assert score.numbers_checked > 0
    for sec in SECTIONS:
        s = score.sections[sec]
        expected = 1.0 if getattr(gold, sec) else None
        assert (s.precision, s.recall, s.wrong, s.neutral) == (expected, expected, 0, 0), sec
    assert score.meta.accuracy == 1.0
    assert score.strict_indicators.tp == len(gold.indicators)
    assert score.outside_span == []
    assert score.names.right == score.names.total == len(gold.indicators)
    for sec in SECTIONS:
        s = score.strict_sections[sec]
        expected = 1.0 if getattr(gold, sec) else None
        assert (s.precision, s.recall, s.wrong, s.neutral) == (expected, expected, 0, 0), sec


def test_perfect_prediction_on_bundled_pair(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    assert_perfect(score_report(perfect(gold, text), gold, text), gold)


@pytest.mark.parametrize("gold_path", DEV_GOLDS, ids=lambda p: p.name.split(".")[0])
def test_perfect_prediction_on_dev_set(gold_path: Path) -> None:
    gold, text = load_pair(DEV, gold_path.name.removesuffix(".gold.json"))
    assert_perfect(score_report(perfect(gold, text), gold, text), gold)


def test_aggregate_of_perfect_dev_set_is_one() -> None:
    if not DEV_GOLDS:
        pytest.skip(f"no dev gold files in {DEV}")
    scores = []
    for path in DEV_GOLDS:
        gold, text = load_pair(DEV, path.name.removesuffix(".gold.json"))
        scores.append(score_report(perfect(gold, text), gold, text))
    overall = aggregate(scores)
    assert overall["reports"] == len(DEV_GOLDS) == 5
    assert overall["indicators"]["f1"] == overall["fields"]["accuracy"] == 1.0
    assert overall["fields"]["all_pct_agree"] == 1.0
    assert overall["ungrounded"] == 0
    for sec in SECTIONS:
        assert overall["sections"][sec]["precision"] == overall["sections"][sec]["recall"] == 1.0
    assert overall["meta_accuracy"] == 1.0


def test_load_gold_spans_point_at_quotes(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    spans = gold.spans(text)
    assert [text[a:b] for a, b in spans["indicators"]] == [g.quote for g in gold.indicators]
    assert [text[a:b] for a, b in spans["tasks"]] == gold.tasks


def test_load_gold_rejects_quote_missing_from_text(tmp_path: Path) -> None:
    data = json.loads((DATA / f"{PAIR}.gold.json").read_text(encoding="utf-8"))
    data["tasks"].append("câu này không có trong báo cáo")
    (tmp_path / f"{PAIR}.gold.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / f"{PAIR}.txt").write_bytes((DATA / f"{PAIR}.txt").read_bytes())
    with pytest.raises(ValueError, match="câu này không có trong báo cáo"):
        load_gold(tmp_path / f"{PAIR}.gold.json")


def test_section_item_shifted_onto_another_section_is_wrong(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    summary = perfect(gold, text)
    summary.achievements[0] = item(text, gold.tasks[0])
    score = score_report(summary, gold, text)
    ach, n = score.sections["achievements"], len(gold.achievements)
    assert (ach.right, ach.wrong, ach.neutral) == (n - 1, 1, 0)
    assert ach.verdicts[0] == "wrong"
    assert ach.precision == pytest.approx((n - 1) / n)
    assert ach.recall == pytest.approx((n - 1) / n)
    assert score.sections["tasks"].recall == 1.0  # an achievement never recalls a task


def test_wrong_plan_pct_is_matched_but_loses_field_accuracy(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    summary = perfect(gold, text)
    k = next(i for i, g in enumerate(gold.indicators) if g.plan_pct)
    summary.indicators[k].plan_pct[0].pct += 1.0
    ind = score_report(summary, gold, text).indicators
    n = len(gold.indicators)
    assert ind.tp == n and ind.f1 == 1.0
    assert ind.field_accuracy["plan_pct"] == pytest.approx((n - 1) / n)
    assert ind.all_pct_agree == pytest.approx((n - 1) / n)
    assert ind.field_accuracy["same_period_pct"] == ind.field_accuracy["kind"] == 1.0


def test_number_not_in_text_is_ungrounded(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    summary = perfect(gold, text)
    assert 987654 not in numbers_in_text(text)
    summary.indicators[1].of_total = 987654
    summary.meta.year = 1999
    score = score_report(summary, gold, text)
    assert score.ungrounded == [
        UngroundedNumber(where="indicators[1].of_total", value=987654),
        UngroundedNumber(where="meta.year", value=1999),
    ]
    assert score.indicators.field_accuracy["of_total"] < 1.0
    assert score.meta.fields["year"] is False


def test_change_pct_sign_is_ignored_for_grounding() -> None:
    text = "Giá trị sản xuất giảm 0,72% so với cùng kỳ."
    gold = Gold(meta=Meta(), indicators=[GoldIndicator(name="x", quote=text, change_pct=-0.72)])
    pred = [
        Indicator(name="x", change_pct=c, evidence=[ev(text, "giảm 0,72%")]) for c in (-0.72, -0.73)
    ]
    summary = ReportSummary(meta=Meta(), indicators=pred, run=RUN)
    score = score_report(summary, gold, text)
    assert [u.where for u in score.ungrounded] == ["indicators[1].change_pct"]
    assert score.indicators.pairs == [(0, 0)]  # value-less gold matched by equal change_pct


def test_item_on_free_indicator_quote_is_neutral(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    summary = perfect(gold, text)
    summary.achievements.append(item(text, FREE_QUOTE))
    summary.shortcomings.append(item(text, FREE_QUOTE))
    score = score_report(summary, gold, text)
    ach, short = score.sections["achievements"], score.sections["shortcomings"]
    assert ach.verdicts[-1] == "neutral"
    assert (ach.right, ach.wrong, ach.neutral, ach.precision) == (len(gold.achievements), 0, 1, 1.0)
    assert (short.neutral, short.wrong, short.precision, short.recall) == (1, 0, None, None)


def test_spans_that_only_touch_do_not_overlap() -> None:
    text = "Sản xuất tăng trưởng khá. Thu ngân sách còn chậm."
    gold = Gold(meta=Meta(), achievements=["Sản xuất tăng trưởng khá."])
    for quote, verdict in ((" Thu ngân sách", "wrong"), ("khá. Thu", "right")):
        summary = ReportSummary(meta=Meta(), achievements=[item(text, quote)], run=RUN)
        assert score_report(summary, gold, text).sections["achievements"].verdicts == [verdict]


def test_item_on_indicator_quote_listed_under_a_section_is_wrong(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    summary = perfect(gold, text)
    summary.tasks.append(item(text, "19 chỉ tiêu đạt kế hoạch"))  # an achievement's indicator
    tasks = score_report(summary, gold, text).sections["tasks"]
    assert (tasks.wrong, tasks.neutral) == (1, 0)
    assert tasks.precision == pytest.approx(len(gold.tasks) / (len(gold.tasks) + 1))


def test_duplicate_predictions_match_one_gold_indicator_once(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    summary = perfect(gold, text)
    summary.indicators.insert(3, summary.indicators[2].model_copy(deep=True))
    ind = score_report(summary, gold, text).indicators
    n = len(gold.indicators)
    assert (ind.tp, ind.n_pred, ind.n_gold) == (n, n + 1, n)
    assert ind.precision == pytest.approx(n / (n + 1)) and ind.recall == 1.0
    assert (3, 2) not in ind.pairs and (2, 2) in ind.pairs


def test_units_compared_case_insensitively_and_only_when_both_given() -> None:
    text = "Diện tích 8.360 ha và 8.360 tấn."
    gold = Gold(
        meta=Meta(),
        indicators=[GoldIndicator(name="a", quote="8.360 ha", value=8360, unit="ha")],
    )
    span = [ev(text, "8.360 ha")]

    def tp(unit: str | None) -> int:
        pred = Indicator(name="a", value=8360, unit=unit, evidence=span)
        summary = ReportSummary(meta=Meta(), indicators=[pred], run=RUN)
        return score_report(summary, gold, text).indicators.tp

    assert (tp(" HA "), tp(None), tp("tấn")) == (1, 1, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thu 1.401,351 tỷ đồng", {1401.351}),
        ("đạt 33.405 tấn", {33405.0, 33.405}),
        ("61,68 triệu USD", {61.68}),
        ("21/21 xã", {21.0}),
        ("có 28 doanh nghiệp, đạt 100% KH", {28.0, 100.0}),
    ],
)
def test_numbers_in_text_reads_vietnamese_forms(text: str, expected: set[float]) -> None:
    assert numbers_in_text(text) == expected


def test_numbers_in_text_does_not_invent_numbers() -> None:
    assert numbers_in_text("lần thứ 17, năm 2023") == {17.0, 2023.0}
    assert 1401351.0 not in numbers_in_text("1.401,351")


def test_meta_strings_normalised_and_each_field_counts(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    summary = perfect(gold, text)
    summary.meta.unit_name = "  hậu   LỘC "
    assert score_report(summary, gold, text).meta.accuracy == 1.0
    summary.meta.term = "XXVI"
    meta = score_report(summary, gold, text).meta
    assert meta.accuracy == pytest.approx(0.9)
    assert [f for f, ok in meta.fields.items() if not ok] == ["term"]


def test_aggregate_pools_counts_and_skips_undefined(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    good = score_report(perfect(gold, text), gold, text)
    empty = score_report(ReportSummary(meta=Meta(), run=RUN), gold, text)
    assert empty.sections["achievements"].precision is None
    assert empty.indicators.precision is None and empty.indicators.f1 == 0.0
    overall = aggregate([good, empty])
    n = len(gold.indicators)
    assert overall["indicators"]["precision"] == 1.0
    assert overall["indicators"]["recall"] == pytest.approx(0.5)
    assert overall["indicators"]["f1"] == pytest.approx(2 * n / (n + 2 * n))
    assert overall["sections"]["achievements"]["precision"] == 1.0
    assert overall["sections"]["achievements"]["recall"] == pytest.approx(0.5)
    assert overall["sections"]["shortcomings"]["precision"] is None
    assert overall["meta_accuracy"] == pytest.approx((1.0 + empty.meta.accuracy) / 2)


def test_report_score_round_trips_through_json(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    score = score_report(perfect(gold, text), gold, text)
    data = json.loads(score.model_dump_json())
    assert data["indicators"]["f1"] == 1.0 and data["sections"]["shortcomings"]["recall"] is None
    assert ReportScore.model_validate_json(score.model_dump_json()) == score


def test_format_table_has_a_strict_and_a_lenient_table(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    good = score_report(perfect(gold, text), gold, text)
    bad = score_report(ReportSummary(meta=Meta(), run=RUN), gold, text)
    rows = [
        ("good", good, {"seconds": 1.25, "calls": 3, "retries": 1, "tokens": 900}),
        ("bad", bad, {"seconds": 2.25, "calls": 2}),
    ]
    strict, lenient = format_table(rows, aggregate([good, bad])).split("\n\n")
    for table, first in ((strict, "strict"), (lenient, "lenient")):
        lines = table.splitlines()
        assert len(lines) == 6  # header, rule, 2 reports, rule, overall
        assert lines[0].split()[:4] == [first, "ind", "P", "ind"]
        assert lines[2].split()[0] == "good" and "1.00" in lines[2]
        assert lines[3].split()[0] == "bad" and "–" in lines[3]
        assert lines[5].split()[0] == "OVERALL"
    assert strict.splitlines()[5].split()[-4:] == ["3.5", "5", "1", "900"]
    assert "names" in strict.splitlines()[0] and "ungr" in lenient.splitlines()[0]


# -- strict rules (ANNOTATION.md "Strict scores" and "Indicator names") ----------------------

INVENTED = (
    "Ngày 5/7, huyện Sơn Khê tổ chức hội nghị. Thu ngân sách đạt 3.5% dự toán. "
    "Diện tích lúa 1.250 ha, đạt 96% kế hoạch. Sản lượng cá 420 tấn."
)


def test_strict_indicator_needs_its_evidence_on_the_gold_quote() -> None:
    text = "Diện tích lúa 1.250 ha, đạt 96% kế hoạch. Tổng kết: lúa 1.250 ha."
    gold = Gold(
        meta=Meta(),
        indicators=[
            GoldIndicator(
                name="Diện tích lúa",
                quote="Diện tích lúa 1.250 ha, đạt 96% kế hoạch",
                value=1250,
                unit="ha",
            )
        ],
    )
    elsewhere = Indicator(
        name="Diện tích lúa", value=1250, unit="ha", evidence=[ev(text, "lúa 1.250 ha.")]
    )
    summary = ReportSummary(meta=Meta(), indicators=[elsewhere], run=RUN)
    score = score_report(summary, gold, text)
    assert score.indicators.tp == 1  # the same value: lenient match
    assert score.strict_indicators.tp == 0  # but not where the report says it


def test_strict_section_item_needs_half_of_it_inside_gold() -> None:
    text = (
        "Sản xuất nông nghiệp phát triển khá. Các đại biểu dự hội nghị gồm lãnh đạo các ban, "
        "ngành, đoàn thể và bí thư các chi bộ trong toàn huyện."
    )
    gold = Gold(meta=Meta(), achievements=["Sản xuất nông nghiệp phát triển khá."])
    summary = ReportSummary(meta=Meta(), achievements=[item(text, text)], run=RUN)
    score = score_report(summary, gold, text)
    assert score.sections["achievements"].verdicts == ["right"]  # it overlaps: lenient
    strict = score.strict_sections["achievements"]
    assert strict.verdicts == ["wrong"] and strict.recalled == 1  # gold covered, item too wide


def test_strict_recall_needs_half_of_the_gold_quote_covered() -> None:
    text = "Công tác cải cách hành chính được đẩy mạnh, tỷ lệ hồ sơ đúng hạn tăng rõ rệt."
    gold = Gold(meta=Meta(), achievements=[text])
    summary = ReportSummary(meta=Meta(), achievements=[item(text, "Công tác cải cách")], run=RUN)
    score = score_report(summary, gold, text)
    assert score.sections["achievements"].recalled == 1
    assert score.strict_sections["achievements"].recalled == 0
    assert score.strict_sections["achievements"].verdicts == ["right"]  # all of it inside gold


def test_a_misread_number_is_outside_its_own_span_though_written_elsewhere() -> None:
    text = INVENTED
    gold = Gold(meta=Meta())
    misread = Indicator(
        name="Thu ngân sách",
        plan_pct=[PlanPct(pct=5, basis="dự toán")],
        evidence=[ev(text, "Thu ngân sách đạt 3.5% dự toán")],
    )
    right = Indicator(
        name="Sản lượng cá", value=420, unit="tấn", evidence=[ev(text, "Sản lượng cá 420 tấn")]
    )
    summary = ReportSummary(meta=Meta(), indicators=[misread, right], run=RUN)
    score = score_report(summary, gold, text)
    assert score.ungrounded == []  # "5" occurs in "Ngày 5/7": the whole-report check passes it
    assert score.outside_span == [UngroundedNumber(where="indicators[0].plan_pct[0]", value=5)]


@pytest.mark.parametrize(
    ("predicted", "gold", "right"),
    [
        ("Tổng thu ngân sách nhà nước trên địa bàn", "Thu ngân sách nhà nước", True),
        ("Thu ngân sách", "Thu ngân sách nhà nước", False),  # 3 of 5 words
        ("Số xã đạt chuẩn nông thôn mới", "Xã đạt chuẩn NTM", True),  # NTM read in full
        ("Sản lượng lương thực", "Sản lượng lương thực có hạt", True),  # 4 of 5 = 0.8
        (
            "Tổng diện tích gieo trồng cây hàng năm của huyện trong vụ đông xuân năm nay "
            "đạt kết quả khá so với cùng kỳ năm trước",
            "Diện tích gieo trồng",
            False,  # holds the words, but a clause is not a name
        ),
        ("Kết nạp đảng viên mới", "Đảng viên mới kết nạp", True),
    ],
)
def test_name_rule(predicted: str, gold: str, right: bool) -> None:
    assert name_is_right(predicted, gold) is right


def test_names_are_scored_on_strict_pairs(pair: tuple[Gold, str]) -> None:
    gold, text = pair
    summary = perfect(gold, text)
    summary.indicators[0].name = "Chỉ tiêu"
    score = score_report(summary, gold, text)
    n = len(gold.indicators)
    assert (score.names.right, score.names.total) == (n - 1, n)
    assert aggregate([score])["strict"]["names"]["accuracy"] == pytest.approx((n - 1) / n)
