"""Find where the report says something, and refuse what it does not say.

:func:`locate` maps a quote to a span of the NFC report text: exactly first, then tolerating
differences in whitespace, case and Vietnamese diacritics (models often drop or change tone
marks), always returning a span of the *original* text so ``text[start:end]`` is what the
report really says. (Numbers are grounded by construction: ``numbers`` parses them from the
source, and the pipeline's last gate drops any item stating one the source does not write.)
"""

from __future__ import annotations

import unicodedata

from .schema import Evidence

__all__ = ["evidence_for", "locate"]


def _fold_char(ch: str) -> str:
    """One character without case or diacritics ('Ệ' -> 'e', 'đ' -> 'd')."""
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)
    return "".join(c for c in base if not unicodedata.combining(c)).casefold()


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded (whitespace runs -> one space) and each folded char's source index."""
    out: list[str] = []
    index: list[int] = []
    previous_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if previous_space:
                continue
            previous_space = True
            out.append(" ")
            index.append(i)
            continue
        previous_space = False
        for folded in _fold_char(ch):
            out.append(folded)
            index.append(i)
    return "".join(out), index


def locate(text: str, quote: str, start_at: int = 0) -> tuple[int, int] | None:
    """Span of ``quote`` in ``text`` (exact, else tolerant), or None when it is not there."""
    quote = unicodedata.normalize("NFC", quote).strip()
    if not quote:
        return None
    found = text.find(quote, start_at)
    if found >= 0:
        return found, found + len(quote)
    folded_text, index = _folded(text)
    folded_quote, _ = _folded(quote)
    folded_quote = folded_quote.strip()
    if not folded_quote:
        return None
    begin = next((k for k, i in enumerate(index) if i >= start_at), len(index))
    hit = folded_text.find(folded_quote, begin)
    if hit < 0:
        return None
    start, end = index[hit], index[hit + len(folded_quote) - 1] + 1
    return start, end


def evidence_for(text: str, start: int, end: int) -> Evidence:
    """Evidence for a span already known to be in ``text``."""
    return Evidence(quote=text[start:end], start=start, end=end)
