"""Report file or text -> :class:`Document`: NFC text cut into sentences and clauses with spans.

Everything downstream cites character offsets into ``Document.text``, and a service holding only
the JSON and the file must find the quoted characters. So the text is the decoded file text
(byte-order mark removed) in NFC, **nothing else changed**: line endings (CRLF stays CRLF),
leading blank lines, no-break spaces and trailing spaces are kept, and segmentation treats them
as whitespace instead. This is also the one place that decides what a clause is. Reading other
formats (.docx, .pdf, .html) lives in ``summarizer.readers``; this module only sees text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .genre.layout import wrapped_line

__all__ = ["Document", "Segment", "decode_text", "load_document", "make_document"]

#: Where a sentence may end: after . ! ? or … (see :func:`_sentence_spans` for the rest).
_SENTENCE_GAP = re.compile(r"(?<=[.!?…])[ \t\u00a0]*(?=\S)")
_OPENS_SENTENCE = '"“(-–•*+'
#: A line that so far holds only an enumerator ("A.", "II.", "2.3."): its heading goes on.
_ENUMERATOR_ONLY = re.compile(r"^\s*(?:[IVXLC]{1,5}|[A-ZĐ]|\d{1,2}(?:\.\d{1,2}){0,3})\.$")
#: A paragraph is one line of the file, whatever its line ending.
_LINE = re.compile(r"[^\r\n]+")
#: Clause breaks inside a sentence: semicolons, and a colon that opens a list of directions.
_CLAUSE_BREAK = re.compile(r";\s+|:\s+(?=[A-ZĐÀ-Ỹa-zđà-ỹ])")
_MIN_CLAUSE_CHARS = 25
#: One report is a few pages; 200k characters is ~60 pages. Beyond that it is not one report
#: (or not a report), and summarising it clause by clause would take hours.
MAX_CHARS = 200_000


@dataclass(frozen=True)
class Segment:
    """A span of the report: ``doc.text[start:end]`` is its text, with no outer whitespace."""

    id: int
    start: int
    end: int
    text: str
    sentence_id: int
    paragraph_id: int = 0


@dataclass
class Document:
    """A report ready for the pipeline. ``text`` is NFC; every offset points into it."""

    text: str
    name: str | None = None
    paragraphs: list[Segment] = field(default_factory=list)
    sentences: list[Segment] = field(default_factory=list)
    clauses: list[Segment] = field(default_factory=list)

    def head(self, max_chars: int = 900) -> str:
        """The opening of the report (title, date, first paragraph), cut at a sentence end."""
        cut = len(self.text)
        if cut > max_chars:
            cut = max((s.end for s in self.sentences if s.end <= max_chars), default=max_chars)
        return "\n".join(line.strip() for line in self.text[:cut].splitlines()).strip()


def decode_text(data: bytes, source: str = "input") -> str:
    """Decode report bytes: UTF-8 (BOM or not), UTF-16 (BOM), else Windows-1258.

    Binary data fails here, with a reason a person can act on, rather than as garbage later.
    """
    if not data.strip():
        raise InputError(f"{source}: the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise InputError(f"{source}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    data = data.removeprefix(b"\xef\xbb\xbf")
    if _utf8_letters(data) >= 3:
        # Real UTF-8 text with some pasted Windows-1258 bytes: keep the UTF-8 text as it is
        # and read only the stray bytes as 1258, instead of turning the file into mojibake.
        # (A genuine 1258 file has no valid multi-byte UTF-8 sequences to speak of.)
        return data.decode("utf-8", errors=_CP1258_FALLBACK)
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: cannot decode as UTF-8, UTF-16 or Windows-1258") from exc


def _read_stray_bytes_as_cp1258(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    stray = exc.object[exc.start : exc.end]
    return stray.decode("cp1258", errors="replace"), exc.end


_CP1258_FALLBACK = "summarizer-cp1258-fallback"
codecs.register_error(_CP1258_FALLBACK, _read_stray_bytes_as_cp1258)


def _utf8_letters(data: bytes) -> int:
    """How many non-ASCII characters of ``data`` are written as valid UTF-8."""
    return sum(ord(ch) > 127 for ch in data.decode("utf-8", errors="ignore"))


def normalise(text: str) -> str:
    """NFC only (Vietnamese often arrives decomposed): every other character stays where the
    file has it, so offsets into the result are offsets into the decoded file (NFC aside)."""
    return unicodedata.normalize("NFC", text)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in pattern.finditer(text, start, end):
        spans.append((cursor, match.start() + (1 if match.group()[0] in ";:" else 0)))
        cursor = match.end()
    spans.append((cursor, end))
    return [s for s in (_strip_span(text, a, b) for a, b in spans) if s[1] > s[0]]


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of one line. A sentence ends at . ! ? … before a capital letter, a digit, a
    quote or a bullet, after a space, or glued to the capital after an ellipsis ("…Tuy nhiên",
    as scraped news writes it); not after an enumerator that opens the line ("A. KẾT QUẢ")."""
    spans, cursor = [], start
    for match in _SENTENCE_GAP.finditer(text, start, end):
        after = text[match.end()]
        glued = match.end() == match.start()
        if not (after.isupper() or after.isdigit() or after in _OPENS_SENTENCE):
            continue
        if glued and not (
            after.isupper()
            and (text[match.start() - 1] == "…" or text[match.start() - 3 : match.start()] == "...")
        ):
            continue
        if _ENUMERATOR_ONLY.match(text[cursor : match.start()]):
            continue
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [s for s in (_strip_span(text, a, b) for a, b in spans) if s[1] > s[0]]


def _merge_short(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Glue a fragment too short to be one idea onto its neighbour (e.g. 'Trong đó:')."""
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and (
            b - a < _MIN_CLAUSE_CHARS or merged[-1][1] - merged[-1][0] < _MIN_CLAUSE_CHARS
        ):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-blank lines, a line wrapped mid-sentence joined to the one before it."""
    spans: list[tuple[int, int]] = []
    for match in _LINE.finditer(text):
        pa, pb = _strip_span(text, match.start(), match.end())
        if pb <= pa:
            continue
        if spans and wrapped_line(text[spans[-1][0] : spans[-1][1]], text[pa:pb]):
            spans[-1] = (spans[-1][0], pb)
        else:
            spans.append((pa, pb))
    return spans


def make_document(text: str, name: str | None = None) -> Document:
    """Normalise ``text`` and cut it into sentences and clauses (the units the model labels)."""
    text = normalise(text)
    if not text.strip():
        raise InputError(f"{name or 'input'}: no text to summarise")
    if len(text) > MAX_CHARS:
        raise InputError(
            f"{name or 'input'}: {len(text):,} characters is too long for one report "
            f"(limit {MAX_CHARS:,}); split it into separate reports"
        )
    doc = Document(text=text, name=name)
    for pa, pb in _paragraph_spans(text):
        pid = len(doc.paragraphs)
        doc.paragraphs.append(Segment(pid, pa, pb, text[pa:pb], len(doc.sentences), pid))
        for a, b in _sentence_spans(text, pa, pb):
            sentence = Segment(len(doc.sentences), a, b, text[a:b], len(doc.sentences), pid)
            doc.sentences.append(sentence)
            for ca, cb in _merge_short(text, _split(text, a, b, _CLAUSE_BREAK)):
                doc.clauses.append(Segment(len(doc.clauses), ca, cb, text[ca:cb], sentence.id, pid))
    return doc


def load_document(path: str | Path) -> Document:
    """Read a report file (any supported format) into a :class:`Document`."""
    from .readers import read_text  # readers pull optional format libraries; keep them lazy

    path = Path(path)
    return make_document(read_text(path), name=path.name)
