"""Spans are the product's promise: ``text[start:end] == quote``, always, on NFC text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.errors import InputError
from summarizer.grounding import locate, numbers_outside_span, span_numbers
from summarizer.indicators import figures_of, indicators_of
from summarizer.ingest import decode_text, make_document
from summarizer.numbers import find_figures, numbers_in, parse_number
from summarizer.pipeline import Pipeline
from summarizer.schema import Evidence, Indicator, Meta, PlanPct, ReportSummary, RunInfo

from .conftest import DEV_REPORTS


@pytest.mark.parametrize("path", DEV_REPORTS, ids=lambda p: p.stem[:3])
def test_segments_tile_the_report_and_figures_stay_inside_their_clause(path) -> None:
    """Every non-space character of the report is in exactly one clause, clauses come in
    order inside their sentence and sentences inside their paragraph, and a figure's span
    lies inside the clause it was found in."""
    doc = make_document(path.read_text(encoding="utf-8"))
    assert doc.clauses
    covered = [0] * len(doc.text)
    for clause in doc.clauses:
        sentence = doc.sentences[clause.sentence_id]
        paragraph = doc.paragraphs[clause.paragraph_id]
        assert paragraph.start <= sentence.start <= clause.start < clause.end <= sentence.end
        assert sentence.end <= paragraph.end
        for i in range(clause.start, clause.end):
            covered[i] += 1
    assert all(n <= 1 for n in covered)  # no character in two clauses
    missed = [ch for ch, n in zip(doc.text, covered, strict=True) if n == 0 and not ch.isspace()]
    assert missed == []  # nothing of the report falls between clauses
    for clause in doc.clauses:
        for fig in find_figures(doc.text, clause.start, clause.end):
            assert clause.start <= fig.start < fig.end <= clause.end


def test_clauses_split_at_semicolons_and_keep_short_heads_attached() -> None:
    doc = make_document(
        "Trong đó: tăng cường quốc phòng, an ninh; "
        "tổ chức tốt diễn tập phòng chống lụt bão cấp huyện."
    )
    assert [c.text for c in doc.clauses] == [
        "Trong đó: tăng cường quốc phòng, an ninh;",
        "tổ chức tốt diễn tập phòng chống lụt bão cấp huyện.",
    ]


def test_decomposed_text_is_normalised_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Huyện Hậu Lộc đạt 97,2% kế hoạch.")
    assert make_document(nfd).text == unicodedata.normalize("NFC", nfd)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
    ],
)
def test_unreadable_input_fails_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        decode_text(data, "r.txt")


def test_encodings() -> None:
    text = "Thu ngân sách đạt 768,8 tỷ đồng"
    assert decode_text(text.encode("utf-8-sig")) == text
    assert decode_text(text.encode("utf-16")) == text
    assert unicodedata.normalize("NFC", decode_text(to_cp1258(text))) == text


def to_cp1258(text: str) -> bytes:
    """Windows-1258 has base letters like 'ô' but writes tone marks as combining characters."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            out.append(unicodedata.normalize("NFC", parts[:-1]) + parts[-1])
    return "".join(out).encode("cp1258")


def test_locate_exact_then_tolerant() -> None:
    text = "Tổng  diện tích rau màu 1.275 ha, đạt 96,4% kế hoạch"
    assert locate(text, "1.275 ha") == (24, 32)
    start, end = locate(text, "tong dien tich rau mau")  # no diacritics, one space
    assert text[start:end] == "Tổng  diện tích rau màu"
    assert locate(text, "sản lượng lúa") is None


vietnamese = st.text(
    alphabet=st.sampled_from(
        list(
            "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệ"
            "íìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ĐÁ.,;%0123456789\n"
        )
    ),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(vietnamese, st.data())
def test_locate_never_returns_a_wrong_span(text: str, data: st.DataObject) -> None:
    text = unicodedata.normalize("NFC", text)
    if text:
        a = data.draw(st.integers(0, len(text) - 1))
        b = data.draw(st.integers(a + 1, len(text)))
        quote = text[a:b]
        span = locate(text, quote)
        if quote.strip():
            assert span is not None and text[span[0] : span[1]] == quote.strip()


def _fold(text: str) -> str:
    """Case, diacritics and whitespace runs gone: how a model often misquotes."""
    base = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in base if not unicodedata.combining(c)).lower()
    return " ".join(plain.split())


@settings(max_examples=200, deadline=None)
@given(vietnamese, st.data())
def test_locate_finds_a_quote_that_lost_its_diacritics_case_and_spacing(
    text: str, data: st.DataObject
) -> None:
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        return
    a = data.draw(st.integers(0, len(text) - 1))
    b = data.draw(st.integers(a + 1, len(text)))
    quote = _fold(text[a:b])
    if not quote or quote in text:
        return  # the exact path; this test is about the tolerant one
    span = locate(text, quote)
    assert span is not None
    assert _fold(text[span[0] : span[1]]) == quote  # the original characters, as they are


@settings(max_examples=300, deadline=None)
@given(vietnamese)
def test_figures_never_crash_and_state_only_numbers_of_their_span(text: str) -> None:
    for fig in find_figures(text, 0, len(text)):
        written = span_numbers(text[fig.start : fig.end])
        stated = [fig.value, fig.value_high, fig.of_total, fig.same_period_pct]
        stated += [pct for pct, _ in fig.plan_pct]
        stated += [abs(fig.change_pct)] if fig.change_pct is not None else []
        assert all(n in written for n in stated if n is not None), (fig, written)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**12), st.integers(0, 999))
def test_parse_number_round_trips_vietnamese_formatting(whole: int, frac: int) -> None:
    grouped = f"{whole:,}".replace(",", ".")
    assert parse_number(grouped) == whole
    assert parse_number(f"{grouped},{frac:03d}") == pytest.approx(whole + frac / 1000)


def test_offsets_index_the_file_text_of_a_crlf_file_with_bom_and_blank_lines(
    tmp_path, fake_openai, env, capsys
) -> None:
    """A service given the JSON and the file finds every quoted character (issue 11, item 17):
    decode the file (the BOM is not text), NFC it, and slice. Nothing else is changed, so a
    CRLF file does not drift by one character per line."""
    import json

    from .conftest import run_cli

    lines = [
        "",
        "  ",
        "Hội nghị Ban Chấp hành Đảng bộ huyện Sơn Khê lần thứ 9.",
        "Thu ngân sách đạt 412,5 tỷ đồng, đạt 88,1% dự toán; tổng diện tích lúa 3.120 ha.",
        "Tuy nhiên, tiến độ giải phóng mặt bằng còn chậm.",
        "Thời gian tới, tập trung đẩy mạnh chuyển đổi số, tăng cường quản lý đất đai.",
    ]
    data = b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n"
    report = tmp_path / "son-khe.txt"
    report.write_bytes(data)
    code = run_cli(["extract", str(report), "--json", "--base-url", fake_openai.base_url, "-q"])
    out = capsys.readouterr().out
    assert code == 0
    summary = json.loads(out)
    file_text = unicodedata.normalize("NFC", data.decode("utf-8-sig"))
    assert summary["text"] == file_text
    spans = [
        e
        for key in ("indicators", "achievements", "shortcomings", "tasks")
        for item in summary[key]
        for e in item["evidence"]
    ]
    assert len(spans) >= 3
    for e in spans:
        assert file_text[e["start"] : e["end"]] == e["quote"]
    # the last line's figures sit after four CRLFs and two blank lines: offsets did not drift
    revenue = next(i for i in summary["indicators"] if i["value"] == 412.5)
    assert revenue["evidence"][0]["start"] == file_text.index("Thu ngân sách")


# -- the last gate: every number an indicator states is inside its own evidence ---------------

MISREAD_REPORT = (
    "Ngày 5/7, Đảng ủy xã Lộc Yên họp sơ kết 6 tháng. Tỷ lệ hộ nghèo còn 3.5%, giảm 0,8% so "
    "với cùng kỳ; thu ngân sách đạt 2,4 tỷ đồng."
)


def _indicator(text: str, quote: str, **numbers: object) -> Indicator:
    start = text.index(quote)
    evidence = Evidence(quote=quote, start=start, end=start + len(quote))
    return Indicator(name="Tỷ lệ hộ nghèo", evidence=[evidence], **numbers)  # type: ignore[arg-type]


def test_span_numbers_read_every_digit_group_both_ways() -> None:
    assert span_numbers("đạt 3.5%") == {3.5, 35}  # a digit group read whole, either way
    assert {3.5, 35} <= span_numbers("3.5")
    assert {1205.75, 1205750} & span_numbers("1.205,75") == {1205.75}
    assert {76.4, 140} <= span_numbers("76,4/140 tỷ đồng")
    assert 8 not in span_numbers("tăng 18%")


def test_the_35_percent_misread_as_5_is_caught_by_its_span() -> None:
    quote = "Tỷ lệ hộ nghèo còn 3.5%"
    misread = _indicator(MISREAD_REPORT, quote, value=5.0, unit="%")
    right = _indicator(MISREAD_REPORT, quote, value=3.5, unit="%")
    # a report-wide check cannot see it: "5" is written in the report ("Ngày 5/7")
    assert 5.0 in numbers_in(MISREAD_REPORT)
    assert numbers_outside_span(misread) == [5.0]
    assert numbers_outside_span(right) == []


def test_every_stated_number_is_checked() -> None:
    quote = "Tỷ lệ hộ nghèo còn 3.5%, giảm 0,8% so với cùng kỳ"
    ok = _indicator(MISREAD_REPORT, quote, value=3.5, change_pct=-0.8)
    assert numbers_outside_span(ok) == []
    bad = _indicator(
        MISREAD_REPORT,
        quote,
        value=3.5,
        value_high=4.0,
        of_total=7.0,
        same_period_pct=2.4,  # written in the report, but in another clause
        plan_pct=[PlanPct(pct=6.0, basis="KH")],
        change_pct=-0.9,
    )
    assert sorted(numbers_outside_span(bad)) == [0.9, 2.4, 4.0, 6.0, 7.0]


def test_the_pipelines_last_gate_drops_a_figure_stated_outside_its_span() -> None:
    doc = make_document(MISREAD_REPORT)
    quote = "Tỷ lệ hộ nghèo còn 3.5%"
    summary = ReportSummary(
        text=doc.text,
        meta=Meta(),
        indicators=[
            _indicator(doc.text, quote, value=5.0, unit="%"),
            _indicator(doc.text, quote, value=3.5, unit="%"),
        ],
        run=RunInfo(model="m", backend="b", prompt_version="p"),
    )
    Pipeline._verify(summary)
    assert [ind.value for ind in summary.indicators] == [3.5]
    assert any("dropped" in w for w in summary.run.warnings)


@pytest.mark.parametrize("path", DEV_REPORTS, ids=lambda p: p.stem[:3])
def test_every_figure_of_a_report_states_only_numbers_of_its_span(path) -> None:
    doc = make_document(path.read_text(encoding="utf-8"))
    indicators = indicators_of(doc, figures_of(doc, {}))
    assert indicators
    for ind in indicators:
        assert numbers_outside_span(ind) == [], ind


@pytest.mark.parametrize(
    ("line", "sentences"),
    [
        # an enumerator that opens a line belongs to its heading
        ("B. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2027", ["B. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2027"]),
        ("2.1. Lĩnh vực nông nghiệp", ["2.1. Lĩnh vực nông nghiệp"]),
        # scraped news glues the next sentence to an ellipsis
        (
            "Thu ngân sách đạt 41,2 tỷ đồng…Tuy nhiên chi thường xuyên còn lớn.",
            ["Thu ngân sách đạt 41,2 tỷ đồng…", "Tuy nhiên chi thường xuyên còn lớn."],
        ),
        # a lower-case word after a full stop does not start a sentence
        (
            "Đ/c. đại diện xã phát biểu. Hội nghị bế mạc.",
            ["Đ/c. đại diện xã phát biểu.", "Hội nghị bế mạc."],
        ),
        ("Năm 2026 đạt khá. 9 tháng qua, ổn định.", ["Năm 2026 đạt khá.", "9 tháng qua, ổn định."]),
    ],
)
def test_sentence_boundaries(line: str, sentences: list[str]) -> None:
    assert [s.text for s in make_document(line).sentences] == sentences
