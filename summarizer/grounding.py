"""Find where the report says something, and refuse what it does not say.

:func:`locate` maps a quote to a span of the NFC report text: exactly first, then tolerating
differences in whitespace, case and Vietnamese diacritics (models often drop or change tone
marks), always returning a span of the *original* text so ``text[start:end]`` is what the
report really says.

:func:`numbers_outside_span` is the last gate for figures: every number an indicator states
must be written inside that indicator's own evidence. It reads the span on its own, as plainly
as possible (every digit group under either decimal convention), not with the parser that
produced the indicator, so a misreading ("3.5%" read as 5) cannot vouch for itself.
"""

from __future__ import annotations

import math
import re
import unicodedata

from .schema import Evidence, Indicator

__all__ = ["evidence_for", "locate", "numbers_outside_span", "span_numbers"]

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


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


def span_numbers(quote: str) -> set[float]:
    """Every number ``quote`` can be read to write: each digit group ("8.360", "3.5",
    "1.401,351", each side of "21/21") with either mark as the decimal one and the other as
    grouping. A digit group is read whole: "3.5" holds 3.5 or 35, never 5."""
    found: set[float] = set()
    for token in _DIGITS.findall(quote):
        for decimal, group in ((",", "."), (".", ",")):
            body = token.replace(group, "")
            if body.count(decimal) <= 1:
                found.add(float(body.replace(decimal, ".")))
    return found


def numbers_outside_span(indicator: Indicator) -> list[float]:
    """The numbers ``indicator`` states (value, its range's high end, total, every plan
    percentage, the same-period ratio, the size of its change) that its own evidence does
    not write; [] when every one is there."""
    stated = [indicator.value, indicator.value_high, indicator.of_total]
    stated += [p.pct for p in indicator.plan_pct]
    stated += [indicator.same_period_pct]
    stated += [abs(indicator.change_pct)] if indicator.change_pct is not None else []
    written: set[float] = set()
    for evidence in indicator.evidence:
        written |= span_numbers(evidence.quote)
    return [
        n
        for n in stated
        if n is not None
        and not any(math.isclose(n, w, rel_tol=1e-9, abs_tol=1e-9) for w in written)
    ]
