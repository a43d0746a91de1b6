"""Reading report files of every supported format into the same text (fixtures built here)."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from summarizer.errors import ConfigError, InputError
from summarizer.ingest import load_document
from summarizer.readers import read_text

from .conftest import need

SOURCE = (
    Path(__file__).resolve().parents[1] / "examples" / "dev" / "000_97fc47a35074beef.txt"
).read_text("utf-8")
PARAS = [p.strip() for p in SOURCE.splitlines() if p.strip()]
KEY_SENTENCES = [
    "Ngày 3-7, Ban Chấp hành Đảng bộ huyện Hậu Lộc đã tổ chức Hội nghị lần thứ 17",
    "Tổng diện tích gieo trồng 8.360 ha, đạt 97,2% kế hoạch (KH)",
    "Tổng thu ngân sách nhà nước 6 tháng đầu năm ước đạt 768,8 tỷ đồng",
    "Tăng cường công tác thu ngân sách, kiên quyết xử lý các trường hợp nợ đọng thuế",
]
TABLE = [["Chỉ tiêu", "Kế hoạch", "Thực hiện"], ["Diện tích gieo trồng", "8.600 ha", "8.360 ha"]]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def flat(text: str) -> str:
    """NFC with every run of whitespace made one space: layout-independent comparison."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def assert_same_report(text: str) -> None:
    assert flat(text) == flat(SOURCE)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 as Vietnamese software writes it: base letters, then combining tone marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts if m in TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(m for m in parts if m not in TONE_MARKS)))
        out.append(tones)
    return "".join(out).encode("cp1258")


# --- plain text and encodings -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("report.txt", lambda s: s.encode("utf-8")),
        ("report.md", lambda s: s.encode("utf-8")),
        ("report.noext", lambda s: s.encode("utf-8")),
        ("bom.txt", lambda s: s.encode("utf-8-sig")),
        ("utf16.txt", lambda s: b"\xff\xfe" + s.encode("utf-16-le")),
        ("windows1258.txt", cp1258_bytes),
        ("decomposed.txt", lambda s: unicodedata.normalize("NFD", s).encode("utf-8")),
    ],
)
def test_text_encodings_read_as_the_same_report(tmp_path, name, encode):
    path = write(tmp_path, name, encode(SOURCE))
    assert_same_report(read_text(path))
    doc = load_document(path)
    assert doc.text == unicodedata.normalize("NFC", doc.text)
    assert flat(doc.text) == flat(SOURCE)


def test_windows1258_really_uses_combining_tone_marks():
    data = cp1258_bytes("Hậu Lộc")
    assert "\u0323" in data.decode("cp1258")  # so NFC in ingest is what makes it compare equal


# --- .docx --------------------------------------------------------------------------------


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None, at: int = 0) -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for i, text in enumerate(paragraphs):
        if table and i == at:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, cell in enumerate(row):
                    grid.cell(r, c).text = cell
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_table_in_reading_order(tmp_path):
    path = write(tmp_path, "report.docx", make_docx(PARAS, TABLE, at=5))
    text = read_text(path)
    header, row = "Chỉ tiêu | Kế hoạch | Thực hiện", "Diện tích gieo trồng | 8.600 ha | 8.360 ha"
    assert f"\n\n{header}\n{row}\n\n" in text
    assert text.index(PARAS[4]) < text.index(header) < text.index(PARAS[5])
    assert f"{PARAS[0]}\n\n{PARAS[1]}\n\n" in text  # paragraphs separated by a blank line


def test_docx_without_table_is_the_same_report(tmp_path):
    path = write(tmp_path, "report.docx", make_docx(PARAS))
    assert_same_report(load_document(path).text)


def test_docx_merged_cell_is_read_once(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    grid = document.add_table(rows=1, cols=3)
    grid.cell(0, 0).merge(grid.cell(0, 1)).text = "Kết quả thực hiện"
    grid.cell(0, 2).text = "đạt 100% KH"
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_text(write(tmp_path, "merged.docx", buffer.getvalue()))
    assert text == "Kết quả thực hiện | đạt 100% KH"


def test_mislabelled_docx_is_sniffed(tmp_path):
    path = write(tmp_path, "report.doc", make_docx(PARAS))
    assert_same_report(read_text(path))


def test_docx_without_text_fails(tmp_path):
    path = write(tmp_path, "blank.docx", make_docx(["", "   "]))
    with pytest.raises(InputError, match=r"blank\.docx.*no text"):
        read_text(path)


# --- .pdf ---------------------------------------------------------------------------------


def make_pdf(pages: list[list[str]], image: bool = False) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    if any(pages):
        need(FONT.is_file(), f"no Unicode TTF font at {FONT} (apt-get install fonts-dejavu-core)")
    if any(pages):
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=11)
    for paragraphs in pages:
        pdf.add_page()
        for text in paragraphs:
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        if image:
            png = io.BytesIO()
            pytest.importorskip("PIL.Image").new("RGB", (60, 30), "gray").save(png, "PNG")
            pdf.image(png, x=20, y=20, w=60)
    return bytes(pdf.output())


def test_pdf_text_layer_is_the_same_report(tmp_path):
    path = write(tmp_path, "report.pdf", make_pdf([PARAS[:10], PARAS[10:]]))
    text = read_text(path)
    assert_same_report(text)
    assert f"{PARAS[9]}\n\n{PARAS[10]}" in text  # pages joined by a blank line
    assert_same_report(load_document(path).text)


def test_pdf_wrapped_lines_are_rejoined(tmp_path):
    text = read_text(write(tmp_path, "report.pdf", make_pdf([PARAS[:4]])))
    assert text.split("\n") == [p for p in PARAS[:4]]


def test_mislabelled_pdf_is_sniffed(tmp_path):
    path = write(tmp_path, "report.txt", make_pdf([PARAS[:3]]))
    assert flat(read_text(path)) == flat(" ".join(PARAS[:3]))


@pytest.mark.parametrize("image", [False, True], ids=["empty-page", "image-only"])
def test_pdf_without_text_layer_asks_for_ocr(tmp_path, image):
    path = write(tmp_path, "scan.pdf", make_pdf([[], []], image=image))
    with pytest.raises(InputError, match=r"scan\.pdf: the PDF has no text layer.*OCR"):
        read_text(path)


def test_damaged_pdf_fails(tmp_path):
    path = write(tmp_path, "broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer\n")
    with pytest.raises(InputError, match=r"broken\.pdf"):
        read_text(path)


# --- HTML ---------------------------------------------------------------------------------

MENU = ["Trang chủ", "Thời sự", "Kinh tế", "Đăng nhập"]


def make_html(paragraphs: list[str], charset: str = "utf-8", wrapper: str = "article") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs[1:])
    menu = "".join(f'<li><a href="/{i}">{m}</a></li>' for i, m in enumerate(MENU))
    inner = f"<h1>{paragraphs[0]}</h1>\n{body}"
    article = f"<article>{inner}</article>" if wrapper == "article" else inner
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="{charset}"><title>{paragraphs[0]} - Báo Thanh Hóa</title>
<style>.menu {{ color: red }}</style><script>var menuTrangChu = "quảng cáo";</script></head>
<body><header><nav class="menu"><ul>{menu}</ul></nav></header>
<div class="content">{article}</div>
<aside><h3>Tin liên quan</h3><ul><li><a href="/a">Bài khác về nông nghiệp huyện bên</a></li>
<li><a href="/b">Xem thêm tin thời tiết hôm nay</a></li></ul></aside>
<footer><p>Bản quyền thuộc về Báo Thanh Hóa. Địa chỉ: 248 Trần Phú, TP Thanh Hóa.</p></footer>
</body></html>"""


def assert_article_only(text: str) -> None:
    for sentence in [*KEY_SENTENCES, PARAS[0]]:
        assert sentence in flat(text)
    for noise in [*MENU, "Tin liên quan", "Bản quyền", "menuTrangChu", "color: red", "Xem thêm"]:
        assert noise not in text


@pytest.mark.parametrize("wrapper", ["article", "div"])
def test_html_keeps_the_article_and_drops_menus_and_footer(tmp_path, wrapper):
    pytest.importorskip("lxml.html")
    html = make_html(PARAS, wrapper=wrapper)
    path = write(tmp_path, "report.html", html.encode("utf-8"))
    assert_article_only(read_text(path))
    assert_article_only(load_document(path).text)


def test_html_without_trafilatura_uses_the_lxml_fallback(tmp_path, monkeypatch):
    pytest.importorskip("lxml.html")
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    path = write(tmp_path, "report.htm", make_html(PARAS, wrapper="div").encode("utf-8"))
    text = read_text(path)
    assert_article_only(text)
    assert_same_report(text)  # title + every paragraph, nothing else


@pytest.mark.parametrize(
    ("charset", "encode"),
    [
        ("windows-1258", cp1258_bytes),
        ("utf-8", lambda s: s.encode("utf-8-sig")),
        ("utf-16", lambda s: b"\xff\xfe" + s.encode("utf-16-le")),
    ],
)
def test_html_charset_is_honoured(tmp_path, charset, encode):
    pytest.importorskip("lxml.html")
    path = write(tmp_path, "report.html", encode(make_html(PARAS, charset=charset)))
    assert_article_only(load_document(path).text)


def test_html_saved_as_txt_is_sniffed(tmp_path):
    pytest.importorskip("lxml.html")
    path = write(tmp_path, "report.txt", make_html(PARAS).encode("utf-8"))
    assert_article_only(read_text(path))


def test_html_without_text_fails(tmp_path):
    pytest.importorskip("lxml.html")
    html = "<html><body><nav>Trang chủ</nav><script>x=1</script><footer>©</footer></body></html>"
    with pytest.raises(InputError, match=r"empty\.html.*no article text"):
        read_text(write(tmp_path, "empty.html", html.encode()))


# --- failures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\r\n  ", "empty"),
        ("noise.bin", random.Random(7).randbytes(3000), "binary"),
        ("noise.txt", bytes(range(1, 32)) * 50 + b"abc", "binary"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), r"old binary Office"),
        ("fake.pdf", "Hội nghị lần thứ 17".encode(), "not a PDF"),
        ("fake.docx", "Hội nghị lần thứ 17".encode(), "not a Word document"),
    ],
)
def test_unreadable_files_fail_with_a_reason_naming_the_file(tmp_path, name, data, reason):
    path = write(tmp_path, name, data)
    with pytest.raises(InputError, match=reason) as caught:
        read_text(path)
    assert name in str(caught.value)
    assert "\n" not in str(caught.value)


def test_zip_that_is_not_docx_fails(tmp_path):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    with pytest.raises(InputError, match=r"report\.odt: a ZIP archive but not a Word \.docx"):
        read_text(write(tmp_path, "report.odt", buffer.getvalue()))


def test_missing_path_and_folder_fail(tmp_path):
    with pytest.raises(InputError, match=r"missing\.txt: no such file"):
        read_text(tmp_path / "missing.txt")
    (tmp_path / "reports.docx").mkdir()
    with pytest.raises(InputError, match=r"reports\.docx: is a folder"):
        read_text(tmp_path / "reports.docx")
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "missing.pdf")


@pytest.mark.parametrize(
    ("module", "name", "make"), [("pypdf", "r.pdf", "pdf"), ("docx", "r.docx", "docx")]
)
def test_missing_format_library_says_how_to_fix(tmp_path, monkeypatch, module, name, make):
    data = make_pdf([PARAS[:2]]) if make == "pdf" else make_docx(PARAS[:2])
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ConfigError, match=r"reinstall summarizer") as caught:
        read_text(write(tmp_path, name, data))
    assert name in str(caught.value)


def test_importing_summarizer_loads_no_format_library():
    code = (
        "import sys, summarizer, summarizer.ingest, summarizer.readers; "
        "print(sorted(m for m in ('pypdf', 'docx', 'trafilatura', 'lxml') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_endless_or_blocking_files_are_refused(tmp_path):
    with pytest.raises(InputError, match=r"^/dev/zero: not a regular file$"):
        read_text("/dev/zero")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe\.txt: not a regular file"):
        read_text(fifo)  # reading it would block for ever


def test_a_file_too_large_for_one_report_is_refused_before_reading(tmp_path, monkeypatch):
    from summarizer import readers

    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    monkeypatch.setattr(readers, "MAX_BYTES", 1024)
    monkeypatch.setattr(Path, "read_bytes", lambda _self: pytest.fail("read a file too large"))
    with pytest.raises(InputError, match=r"big\.txt: .* too large for one report"):
        read_text(big)
