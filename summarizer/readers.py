"""Report file -> plain text, by format: text/Markdown, .docx, .pdf (text layer), HTML.

The format is decided by the file's first bytes (magic numbers) before its extension, so a
mislabelled file still reads, or fails with a reason naming the file. Format libraries (python-docx,
pypdf, trafilatura) are imported only when a file of that kind is read. The caller
(``ingest.make_document``) NFC-normalises the result; here we only return ``str``.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import importlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import ConfigError, InputError
from .ingest import decode_text

__all__ = ["read_text"]

_EXTRA = "pip install --force-reinstall summarizer"
#: A report is a few pages; even a .pdf or .docx with pictures stays far below this. Checked
#: before reading, so a huge file is refused instead of filling the memory.
MAX_BYTES = 64 * 2**20
_OTHER_FORMATS = {  # magic bytes of formats we cannot read -> what to tell the user
    b"\xd0\xcf\x11\xe0": "an old binary Office file (.doc/.xls); save it as .docx",
    b"{\\rtf": "an RTF document; save it as .docx or .txt",
    b"\x89PNG": "a PNG image; run OCR first",
    b"\xff\xd8\xff": "a JPEG image; run OCR first",
    b"GIF8": "a GIF image; run OCR first",
    b"\x1f\x8b": "a gzip archive; unpack it first",
}
_HTML_START = re.compile(
    rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_TERMINAL = tuple('.!?:;…"”»)]')
_LIST_ITEM = re.compile(r"[a-zđ][).]\s")  # "a) ...", "b. ...": starts lower case, yet new


def read_text(path: str | Path) -> str:
    """Return the report text of ``path``; :class:`InputError` with a one-line reason if none."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a report file")
    if not path.is_file():  # /dev/zero, a pipe, a socket: endless or blocking, never a report
        raise InputError(f"{path}: not a regular file")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(
                f"{path}: {path.stat().st_size // 2**20} MB is too large for one report "
                f"(limit {MAX_BYTES // 2**20} MB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise InputError(f"{path}: the file is empty (or only whitespace)")
    kind = _sniff(data, path)
    text = _READERS[kind](data, path)
    if not text.strip():
        raise InputError(f"{path}: no text found in this {kind} file")
    return text


def _sniff(data: bytes, path: Path) -> str:
    """The format of ``data``: content first, then the extension for what content cannot tell."""
    suffix = path.suffix.lower()
    if data.lstrip().startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return "PDF"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "Word .docx"
        except zipfile.BadZipFile as exc:
            raise InputError(f"{path}: a damaged ZIP/.docx file ({_why(exc)})") from exc
        raise InputError(f"{path}: a ZIP archive but not a Word .docx document")
    for magic, what in _OTHER_FORMATS.items():
        if data.startswith(magic):
            raise InputError(f"{path}: this is {what}")
    if suffix == ".pdf":
        raise InputError(f"{path}: named .pdf but not a PDF (no %PDF header)")
    if suffix == ".docx":
        raise InputError(f"{path}: named .docx but not a Word document (not a ZIP package)")
    head = data[:2048].removeprefix(b"\xef\xbb\xbf")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: sniff its ASCII letters
        head = head.decode("utf-16", "ignore").encode("ascii", "ignore")
    if suffix in {".html", ".htm", ".xhtml"} or _HTML_START.match(head):
        return "HTML"
    return "text"


def _why(exc: Exception) -> str:
    """A library's error as one short line for an :class:`InputError` message."""
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:200]


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _need(module: str, package: str, path: Path) -> Any:
    """Import a format library, or say which extra installs it."""
    if (found := _optional(module)) is None:
        raise ConfigError(f"{path}: reading this file needs {package}; run: {_EXTRA}")
    return found


def _read_plain(data: bytes, path: Path) -> str:
    text: str = decode_text(data, source=str(path))
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise InputError(f"{path}: looks like a binary file, not text")
    return text


# --- .docx ------------------------------------------------------------------------------------


def _read_docx(data: bytes, path: Path) -> str:
    docx = _need("docx", "python-docx", path)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document.element.body, document))
    except Exception as exc:  # a malformed package fails in many library-specific ways
        raise InputError(f"{path}: cannot read as .docx ({_why(exc)})") from exc
    return "\n\n".join(b for b in blocks if b.strip())


def _docx_blocks(container: Any, parent: Any) -> Iterator[str]:
    """Paragraphs and tables in reading order (content controls opened up)."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent).text.strip()
        elif child.tag == qn("w:tbl"):
            rows = []
            for row in Table(child, parent).rows:
                cells, seen = [], set()
                for cell in row.cells:  # a merged cell repeats: keep it once
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(" ".join(cell.text.split()))
                if any(cells):
                    rows.append(" | ".join(cells))
            yield "\n".join(rows)
        elif child.tag == qn("w:sdt") and (content := child.find(qn("w:sdtContent"))) is not None:
            yield from _docx_blocks(content, parent)


# --- .pdf -------------------------------------------------------------------------------------


def _read_pdf(data: bytes, path: Path) -> str:
    pypdf = _need("pypdf", "pypdf", path)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path}: the PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, DependencyError, ValueError, ...
        raise InputError(f"{path}: cannot read the PDF ({_why(exc)})") from exc
    texts = [_unwrap(p) for p in pages]
    if not any(texts):
        raise InputError(f"{path}: the PDF has no text layer (scanned?); run OCR first")
    return "\n\n".join(t for t in texts if t)


def _unwrap(page: str) -> str:
    """Rejoin lines the PDF wrapped: a long line (or one followed by lower case) that does not
    end a sentence continues on the next line. Each remaining line is a paragraph."""
    lines = [" ".join(line.split()) for line in page.splitlines()]
    lines = [line for line in lines if line]
    width = max((len(line) for line in lines), default=0)
    out: list[str] = []
    glue = False
    for line in lines:
        if glue and out[-1].endswith("-") and out[-1][-2:-1].isalnum():  # "COVID-" + "19"
            split_word = out[-1][-2].isalpha() and line[:1].islower()
            out[-1] = (out[-1][:-1] if split_word else out[-1]) + line
        elif glue:
            out[-1] += " " + line
        else:
            out.append(line)
        glue = not line.endswith(_TERMINAL) and len(line) >= 0.75 * width
    for i in range(len(out) - 1, 0, -1):  # a continuation starting lower case
        nxt = out[i]
        if nxt[:1].islower() and not _LIST_ITEM.match(nxt) and not out[i - 1].endswith(_TERMINAL):
            out[i - 1 : i + 1] = [out[i - 1] + " " + out[i]]
    return "\n".join(out)


# --- HTML -------------------------------------------------------------------------------------


def _decode_html(data: bytes, path: Path) -> str:
    """Decode HTML bytes: a BOM, else its <meta charset>, else as plain text (UTF-8, cp1258)."""
    match = _META_CHARSET.search(data[:4096])
    if match and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        label = match.group(1).decode("ascii", "ignore").lower()
        label = "cp1252" if label in {"iso-8859-1", "latin1", "ascii", "us-ascii"} else label
        with contextlib.suppress(LookupError, UnicodeDecodeError):  # unknown or lying label
            if not codecs.lookup(label).name.startswith("utf-16"):
                return data.decode(label)
    return decode_text(data, source=str(path))


def _read_html(data: bytes, path: Path) -> str:
    lxml_html = _need("lxml.html", "lxml", path)
    markup = _XML_DECL.sub("", _decode_html(data, path))
    try:
        tree = lxml_html.document_fromstring(markup)
    except Exception as exc:  # lxml ParserError / XMLSyntaxError on garbage
        raise InputError(f"{path}: cannot parse the HTML ({_why(exc)})") from exc
    _drop_boilerplate(tree)
    text: str = ""
    if (trafilatura := _optional("trafilatura")) is not None:  # else the lxml-only fallback
        text = trafilatura.extract(copy.deepcopy(tree), include_comments=False) or ""
    if not text.strip():
        text = _main_text(tree)
    if not text.strip():
        raise InputError(f"{path}: no article text found in the HTML page")
    return text


_BOILERPLATE = (
    "//script|//style|//noscript|//template|//svg|//iframe|//form|//nav|//aside"
    "|//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary']"
    "|//header[not(ancestor::article or ancestor::main)]"
    "|//footer[not(ancestor::article or ancestor::main)]"
)
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "dt", "dd")


def _drop_boilerplate(tree: Any) -> None:
    for element in tree.xpath(_BOILERPLATE):
        element.drop_tree()


def _main_text(tree: Any) -> str:
    """Readability-style fallback: the container holding the most paragraph text, block by block."""
    score: dict[Any, float] = {}
    for p in tree.iter("p", "pre", "blockquote"):
        length = len(" ".join(p.text_content().split()))
        for weight, ancestor in zip((1.0, 0.5), p.iterancestors(), strict=False):
            score[ancestor] = score.get(ancestor, 0.0) + weight * length
    body = tree.find("body")
    best = max(score, key=score.__getitem__) if score else (body if body is not None else tree)
    blocks = [_squash(el) for el in best.iter(*_BLOCKS) if not _nested(el, best)]
    title = next(tree.iter("h1"), None)
    if title is not None and best not in title.iterancestors():
        blocks.insert(0, _squash(title))
    return "\n\n".join(b for b in blocks if b) or _squash(best)


def _squash(element: Any) -> str:
    return " ".join(element.text_content().split())


def _nested(element: Any, stop: Any) -> bool:
    """Whether ``element`` sits inside another text block (so that block already holds it)."""
    for ancestor in element.iterancestors():
        if ancestor.tag in _BLOCKS:
            return True
        if ancestor is stop:
            return False
    return False


_READERS: dict[str, Callable[[bytes, Path], str]]
_READERS = {"PDF": _read_pdf, "Word .docx": _read_docx, "HTML": _read_html, "text": _read_plain}
