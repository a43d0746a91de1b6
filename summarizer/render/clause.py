"""Bullets that read as whole clauses: shortened only where a clause ends, never mid-phrase.

A word cap ("the first 30 words") cuts "…đạt 52,9% so…" or "…các cơ sở sản xuất kinh…": the
reader is left guessing. A bullet here is the item's whole clause, or that clause shortened at
a clause boundary:

- a statement's announced breakdown (", trong đó") is dropped, and so is
- a leading connective or adverbial of time or field ("Trong đó,", "Tuy nhiên,", "Trong 6 tháng
  đầu năm 2023,", "Trên lĩnh vực kinh tế,", "Mặc dù …, nhưng") is dropped: the heading already
  names the period, and what follows the comma is a whole clause;
- a clause longer than the cap ends at its last boundary within the cap: a semicolon, a comma
  between clauses, the opening of a parenthesis, or a conjunction ("và", "nhưng", "để", "nhằm",
  "đồng thời"), and gets "…";
- a comma or "và" inside an enumeration of short items ("nông, lâm nghiệp và thuỷ sản",
  "kịp thời, công khai, minh bạch") is not a boundary, nor is anything inside brackets or
  quotes, nor anything before the main clause of a text that opens with a subordinate one
  ("Để hoàn thành …, Bí thư Huyện ủy yêu cầu …"): when such a text is too long, the
  subordinate clause is what goes first;
- with no boundary in reach the clause is kept whole: a long bullet beats a cut one.
"""

from __future__ import annotations

import re

from ..genre.layout import list_marker

__all__ = ["MIN_WORDS", "shorten"]

#: A shortened bullet keeps at least this many words: fewer rarely holds the clause's point.
MIN_WORDS = 12
#: A cut must drop at least this many words; saving fewer is not worth losing the tail.
MIN_SAVED = 6
#: An enumeration item has at most this many words ("công khai", "lâm nghiệp").
_LIST_ITEM = 2
#: Words that carry a stated clause's predicate ("… còn chậm", "… đã tập trung", "… chưa được").
#: A cut that leaves every one of them in the dropped tail keeps only the subject: not allowed.
_PREDICATE = {"được", "đã", "đang", "còn", "chưa", "bị", "là", "đạt"}
_CONJUNCTIONS = {"và", "nhưng", "song", "để", "nhằm", "đồng thời"}
_LIST_JOINERS = {"và", "hoặc"}
#: Words that open a subordinate clause; the main clause follows its comma.
_SUBORDINATORS = {"để", "nhằm", "khi", "nếu", "dù", "tuy", "mặc dù", "sau khi", "trước khi"}
_OPEN = "(“‘["
_CLOSE = ")”’]"
_TRAILING = ",;:.-–— "
#: A statement that goes on into its breakdown ("…đạt 45,8% KH, trong đó") ends before it.
_BREAKDOWN = re.compile(r",\s*(?:trong đó|cụ thể|gồm)\s*:?\s*$", re.IGNORECASE)
_LEADING = re.compile(
    r"^(?:"
    r"(?:trong đó|tuy nhiên|bên cạnh đó|ngoài ra|đồng thời|nhìn chung|mặt khác|"
    r"(?:trong )?thời gian tới|đến nay|hiện nay|"
    r"trên (?:lĩnh vực|các lĩnh vực) [^,;]{1,40}|"
    r"(?:trong )?\d+ tháng [^,;]{0,30}|trong (?:những|các|năm|quý) [^,;]{0,40}|"
    r"đứng trước [^,;]{0,60}|với [^,;]{0,60})\s*,"
    r"|(?:mặc dù|dù) [^;.]{3,160}?,\s*nhưng"
    r")\s+",
    re.IGNORECASE,
)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _drop_lead(text: str) -> str:
    """Without its list marker (the genre's ``list_marker``: the bullet replaces it), and
    without its leading connectives and adverbials when a clause of 5+ words remains."""
    text = text[len(list_marker(text) or "") :]
    for _ in range(3):  # "Trong 6 tháng đầu năm, mặc dù …, nhưng …"
        match = _LEADING.match(text)
        if not match or len(text[match.end() :].split()) < 5:
            break
        text = text[match.end() :]
    return text


def _keeps_predicate(tokens: list[str], n: int) -> bool:
    """Whether the first ``n`` words keep the clause's predicate (or it has no marked one)."""
    marked = [i for i, t in enumerate(tokens) if t.casefold().strip(",;") in _PREDICATE]
    return not marked or marked[0] < n


def _separators(tokens: list[str]) -> list[int]:
    """Indices after which an enumeration segment ends (",", ";" or before "và"/"hoặc")."""
    cuts = [i for i, t in enumerate(tokens) if t.endswith((",", ";"))]
    cuts += [i - 1 for i, t in enumerate(tokens) if i and t.casefold() in _LIST_JOINERS]
    return sorted(set(cuts))


def _enumerated(tokens: list[str], at: int, seps: list[int]) -> bool:
    """Whether the break after token ``at`` sits inside an enumeration: a segment of at most
    two words on either side ("kịp thời, công khai"), or a short one followed by another
    ("các cấp ủy, tổ chức đảng, cơ quan, đơn vị")."""
    before = at - max((s for s in seps if s < at), default=-1)
    later = [s for s in seps if s > at]
    after = (later[0] if later else len(tokens) - 1) - at
    after2 = later[1] - later[0] if len(later) > 1 else len(tokens)
    if tokens[at + 1].casefold() in _LIST_JOINERS:  # "A, B và C": the segment after "và" is C
        after -= 1
    return min(before, after) <= _LIST_ITEM or (after <= _LIST_ITEM + 1 and after2 <= _LIST_ITEM)


def _main_clause_start(tokens: list[str]) -> int:
    """Index of the first word of the main clause when the text opens with a subordinate one
    ("Để hoàn thành …, Bí thư Huyện ủy yêu cầu …"): there, after a comma, a capitalised word
    starts the main clause. No cut may fall before it; without one, none may fall at all."""
    head = " ".join(tokens[:2]).casefold()
    if tokens[0].casefold() not in _SUBORDINATORS and head not in _SUBORDINATORS:
        return 0
    for i, tok in enumerate(tokens[:-1]):
        if tok.endswith(",") and tokens[i + 1][:1].isupper():
            return i + 1
    return len(tokens)


def _boundaries(tokens: list[str]) -> list[int]:
    """Numbers of words after which the clause may end cleanly."""
    seps = _separators(tokens)
    depth = 0
    quote = False
    out = []
    for i, tok in enumerate(tokens[:-1]):
        depth += sum(tok.count(c) for c in _OPEN) - sum(tok.count(c) for c in _CLOSE)
        quote ^= tok.count('"') % 2 == 1
        if depth > 0 or quote:
            continue
        nxt = tokens[i + 1]
        conj = nxt.casefold() in _CONJUNCTIONS or " ".join(tokens[i + 1 : i + 3]) in _CONJUNCTIONS
        strong = tok.endswith(";") or nxt.startswith("(")
        weak = tok.endswith(",") or conj  # unless inside an enumeration
        if strong or (weak and not _enumerated(tokens, i, seps)):
            out.append(i + 1)
    main = _main_clause_start(tokens)
    return [n for n in out if n > main]


def shorten(text: str, words: int, *, statement: bool = True) -> str:
    """The item as a bullet: a whole clause, or one shortened at a clause boundary ("…").

    ``words`` is the cap; a clause at most ``MIN_SAVED`` words over it stays whole. A
    ``statement`` (an achievement or shortcoming: subject first, predicate later) is never cut
    before its predicate; a task starts with its verb, so any boundary will do.
    """
    text = _BREAKDOWN.sub("", _drop_lead(" ".join(text.split()))).rstrip(_TRAILING)
    tokens = text.split()
    if len(tokens) <= words + MIN_SAVED:
        return _capitalize(text)
    main = _main_clause_start(tokens)
    if 0 < main < len(tokens) - MIN_WORDS:  # too long: the leading subordinate clause goes
        tokens = tokens[main:]
        text = " ".join(tokens)
        if len(tokens) <= words + MIN_SAVED:
            return _capitalize(text)
    fits = [
        n
        for n in _boundaries(tokens)
        if MIN_WORDS <= n <= words and (not statement or _keeps_predicate(tokens, n))
    ]
    if not fits:
        return _capitalize(text)
    return _capitalize(" ".join(tokens[: max(fits)]).rstrip(_TRAILING) + "…")
