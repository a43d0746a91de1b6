"""Spans are the product's promise: ``text[start:end] == quote``, always, on NFC text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.errors import InputError
from summarizer.grounding import locate
from summarizer.ingest import decode_text, make_document
from summarizer.numbers import find_figures, parse_number

from .conftest import DEV_REPORTS


@pytest.mark.parametrize("path", DEV_REPORTS, ids=lambda p: p.stem[:3])
def test_every_segment_and_figure_is_an_exact_span(path) -> None:
    doc = make_document(path.read_text(encoding="utf-8"))
    assert doc.clauses
    for seg in [*doc.sentences, *doc.clauses]:
        assert doc.text[seg.start : seg.end] == seg.text
        assert seg.text == seg.text.strip()
    for clause in doc.clauses:
        for fig in find_figures(doc.text, clause.start, clause.end):
            assert doc.text[fig.start : fig.end] == fig.quote


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
    text = "Tổng  diện tích gieo trồng 8.360 ha, đạt 97,2% kế hoạch"
    assert locate(text, "8.360 ha") == (27, 35)
    start, end = locate(text, "tong dien tich gieo trong")  # no diacritics, one space
    assert text[start:end] == "Tổng  diện tích gieo trồng"
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


@settings(max_examples=300, deadline=None)
@given(vietnamese)
def test_figures_never_crash_and_always_quote_exactly(text: str) -> None:
    for fig in find_figures(text, 0, len(text)):
        assert text[fig.start : fig.end] == fig.quote


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
