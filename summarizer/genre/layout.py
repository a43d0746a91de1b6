"""How these reports are laid out: headings, list items, wrapped lines, the distribution list.

News items are paragraphs of prose; formal reports ("Báo cáo", "Kết luận", "Thông báo") are
numbered sections ("I.", "1.", "a)") whose items are lines opening with "-", "+" or "•". Both
are read line by line (one line, one paragraph); these rules say which lines only name a section
and which state something.
"""

from __future__ import annotations

import re

from . import rule

__all__ = ["is_heading", "list_marker", "opens_the_recipients", "wrapped_line"]


_BULLET = re.compile(r"^\s*[-+•*–—·▪●○◦]\s*")
_ENUMERATOR = re.compile(
    r"^\s*(?:(?:[IVXLC]{1,5}|[A-ZĐ]|\d{1,2}(?:\.\d{1,2}){0,3})[.)/]|[a-zđ]\)|\(\w{1,4}\))\s+"
)
_SENTENCE_END = ".!?…;"


@rule(off=None)
def list_marker(line: str) -> str | None:
    """Items of a formal report are lines that open with a bullet ("-", "+", "•") or an
    enumerator ("1.", "2.3.", "a)", "I.", "(1)"); the marker is layout, not text to judge."""
    match = _BULLET.match(line) or _ENUMERATOR.match(line)
    return match.group() if match else None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


@rule(off=False)
def is_heading(line: str) -> bool:
    """A heading, title, caption or byline names or frames something instead of stating a
    result or a task: a line in capitals, a short enumerated line without a sentence end
    ("1. Sản xuất nông nghiệp:"), or a short unmarked line that does not end like a sentence
    (a title, "Toàn cảnh hội nghị", a byline). A bulleted line ("- ... còn chậm") is an item of
    its section, never a heading, however short."""
    text = line.strip()
    if not text or _BULLET.match(text):
        return False
    if _mostly_upper(text):
        return True
    enumerated = _ENUMERATOR.match(text)
    body = text[enumerated.end() :] if enumerated else text
    words = len(_words(body))
    ends_like_sentence = body.rstrip()[-1:] in _SENTENCE_END
    if enumerated:
        return words <= 10 and not ends_like_sentence
    return words < 8 or (words <= 25 and not ends_like_sentence and body.rstrip()[-1:] != ":")


_CLOSES_LINE = ".!?…;:"


@rule(off=False)
def wrapped_line(previous: str, line: str) -> bool:
    """A line that opens in lowercase (not an enumerator such as "a)"), after a line with no
    closing punctuation, is the same paragraph broken by a hard line wrap: PDF text layers
    and text copied from web pages wrap lines mid-sentence, even mid-word ("... mỗi xã một
    sản" / "phẩm OCOP ..."); paragraphs of these reports open with a capital or a marker."""
    return (
        line[:1].islower()
        and list_marker(line) is None
        and bool(previous)
        and previous.rstrip()[-1:] not in _CLOSES_LINE
    )


_RECIPIENTS = re.compile(r"^\s*nơi nhận\s*:", re.IGNORECASE)


@rule(off=False)
def opens_the_recipients(line: str) -> bool:
    """A formal document ends with its distribution list, "Nơi nhận:" and one line per
    recipient ("- Thường trực ...,", "- Lưu VP."), set by the state's rules on the format of
    administrative documents: from that line on nothing is the report's content."""
    return bool(_RECIPIENTS.match(line))
