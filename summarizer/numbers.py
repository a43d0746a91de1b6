"""Vietnamese figures in code, never by the model: the mechanics.

Reports write "1.401,351 tỷ đồng" (dot groups thousands, comma is the decimal mark), "21/21 xã",
"đạt 82,7% dự toán tỉnh giao", "bằng 100,2% so với cùng kỳ", "tăng 12,6%", "trên 90%",
"từ 5-7%", and put indicators in tables. :func:`find_figures` turns one clause into
:class:`Figure` candidates: each value with its unit, bound, range or total, and every
percentage that qualifies it. What these words mean is genre knowledge and lives in
``summarizer.genre`` (units, figures, percent, grouping, tables, names); this module reads
digits and walks the clause. Every number in the output comes from here, so it is in the
source by construction, and the pipeline's last gate checks it is inside the figure's own span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .genre.figures import (
    DecimalStyle,
    decimal_style,
    fraction_total,
    is_list_number,
    meeting_protocol,
    not_a_measure,
    qualifier_before,
    range_high,
)
from .genre.grouping import (
    absorbed_change,
    another_figure,
    continues_figure,
    link_at,
    value_in_brackets,
)
from .genre.names import UNNAMED, NameParts, enumeration_start, name_parts
from .genre.percent import pct_role
from .genre.series import names_in_context
from .genre.tables import header_above, plan_word, table_cells
from .genre.units import is_measure, read_unit, unlisted_count

__all__ = [
    "UNNAMED",
    "Figure",
    "find_figures",
    "numbers_in",
    "parse_number",
    "read_number",
]

_DIGIT = re.compile(r"\d")
_WHOLE_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")
_CHUNK_END = re.compile(r"[,;]\s|\s\(|\)\s?[,;]?")
_PCT = re.compile(r"\s?%")
_RANGE_START = re.compile(r"\s?[-–]|\s+(?:đến|tới)\s")
_TOKEN = re.compile(r"(?<![\w.,/:+\-–])\d+(?:[.,]\d+)*(?!\d)")


def read_number(token: str, style: DecimalStyle = "vi") -> float | None:
    """A number token as a reader of a ``style`` document means it; None if malformed.

    Unambiguous forms are read as written in either style: "1.401,351" = 1401.351,
    "1,401.351" = 1401.351, "3.5" = 3.5, "82,7" = 82.7, "832.270.966" = 832270966. Only one
    separator followed by exactly three digits ("8.360", "8,360") depends on the style:
    Vietnamese reads the dot as grouping (8360) and the comma as the decimal mark (8.36).
    """
    if not _WHOLE_TOKEN.fullmatch(token):
        return None
    dots, commas = token.count("."), token.count(",")
    if not dots and not commas:
        return float(token)
    if dots and commas:
        decimal = "," if token.rfind(",") > token.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _, frac = token.rpartition(decimal)
        if group in frac or decimal in whole or not _grouped(whole, group):
            return None
        return float(whole.replace(group, "") + "." + frac)
    sep = "." if dots else ","
    if dots + commas > 1:
        return float(token.replace(sep, "")) if _grouped(token, sep) else None
    whole, frac = token.split(sep)
    ambiguous = len(frac) == 3 and whole != "0" and len(whole) <= 3
    is_group = ambiguous and sep == ("." if style == "vi" else ",")
    return float(whole + frac) if is_group else float(whole + "." + frac)


def _grouped(token: str, sep: str) -> bool:
    first, *rest = token.split(sep)
    return 1 <= len(first) <= 3 and all(len(part) == 3 for part in rest)


def parse_number(token: str, style: DecimalStyle = "vi") -> float:
    """Like :func:`read_number`, but a malformed token is an error."""
    value = read_number(token.strip(), style)
    if value is None:
        raise ValueError(f"not a number: {token!r}")
    return value


def numbers_in(text: str) -> set[float]:
    """Every number written in ``text`` under either decimal style (a lenient check)."""
    return {
        v
        for m in re.finditer(r"(?<![\d.,])\d+(?:[.,]\d+)*", text)
        for style in ("vi", "en")
        if (v := read_number(m.group(), style)) is not None
    }


@dataclass
class Figure:
    """A candidate indicator found by code in one clause, with its span in the report."""

    start: int
    end: int
    quote: str
    value: float | None = None
    unit: str | None = None
    value_high: float | None = None
    qualifier: str | None = None
    of_total: float | None = None
    plan_pct: list[tuple[float, str]] = field(default_factory=list)
    same_period_pct: float | None = None
    change_pct: float | None = None
    name: str = ""
    #: the pieces of the name, for naming figures of a series together (``genre.names``)
    parts: NameParts = field(default_factory=lambda: NameParts(""))
    #: offset of the headline number (the value, else the first percentage) inside ``quote``
    value_at: int | None = None
    #: where the figure's words start inside its clause (for naming)
    head: int = field(default=0, repr=False)
    #: where the number starts and its unit ends inside the clause (for naming)
    num_at: int = field(default=0, repr=False)
    num_end: int | None = field(default=None, repr=False)

    @property
    def has_amount(self) -> bool:
        """Whether the figure states a value other than a percentage."""
        return self.value is not None and self.unit != "%"


@dataclass
class _Atom:
    """One number of a clause with what is written around it."""

    start: int  # the bound word, else the number (clause offset)
    num: int  # the number
    end: int  # after its unit / %
    value: float
    high: float | None
    total: float | None
    unit: str | None
    qualifier: str | None

    @property
    def pct(self) -> bool:
        return self.unit == "%"


def _atoms(clause: str, style: DecimalStyle) -> list[_Atom]:
    """Every number of ``clause`` that measures something, with unit, bound, range, total."""
    atoms: list[_Atom] = []
    last_end = 0
    for m in _TOKEN.finditer(clause):
        if m.start() < last_end:
            continue
        value = read_number(m.group(), style)
        before, after = clause[: m.start()], clause[m.end() :]
        if value is None or is_list_number(before, after):
            continue
        high = total = None
        used = 0
        # a range or a total is written right after the number, after a dash, "đến" or "/"
        if _RANGE_START.match(after) and (span := range_high(before, after)) is not None:
            high, used = read_number(span[0], style), span[1]
        elif after[:1] == "/" and (frac := fraction_total(after)) is not None:
            total, used = read_number(frac[0], style), frac[1]
        rest = after[used:]
        if not_a_measure(before, m.group(), rest):
            continue
        pct = _PCT.match(rest)
        unit_read = None if pct else read_unit(rest)
        if pct:
            unit, unit_end = "%", pct.end()
        elif unit_read is not None and is_measure(unit_read[0]):
            unit, unit_end = unit_read
        elif meeting_protocol(rest):
            continue
        elif unit_read is not None:
            unit, unit_end = unit_read
        elif unlisted_count(rest):
            unit, unit_end = None, 0
        else:
            continue
        bound = qualifier_before(before)
        end = m.end() + used + unit_end
        atoms.append(
            _Atom(
                start=bound[1] if bound else m.start(),
                num=m.start(),
                end=end,
                value=value,
                high=high,
                total=total,
                unit=unit,
                qualifier=bound[0] if bound else None,
            )
        )
        last_end = end
    return atoms


def _chunks(clause: str) -> list[tuple[int, int]]:
    """Comma-separated chunks: a figure's qualifiers follow it after commas or in brackets."""
    spans, cursor = [], 0
    for m in _CHUNK_END.finditer(clause):
        spans.append((cursor, m.start()))
        cursor = m.end()
    spans.append((cursor, len(clause)))
    return [(a, b) for a, b in spans if clause[a:b].strip()]


class _Walk:
    """Assigns the numbers of one clause to figures, chunk by chunk."""

    def __init__(self, clause: str, style: DecimalStyle) -> None:
        self.clause = clause
        self.chunks = _chunks(clause)
        self.atoms = _atoms(clause, style)
        self.figures: list[Figure] = []
        self.current: Figure | None = None

    def new(self, head: int, atom: _Atom, end: int) -> Figure:
        fig = Figure(start=head, end=end, quote="", head=head, num_at=atom.start)
        fig.qualifier = atom.qualifier
        self.figures.append(fig)
        self.current = fig
        return fig

    @staticmethod
    def set_value(fig: Figure, atom: _Atom, *, named_by: bool = True) -> None:
        """Give ``fig`` the value of ``atom``; ``named_by``: the figure is named by the words
        around this number (not when the value only follows in brackets)."""
        fig.value, fig.unit, fig.value_high = atom.value, atom.unit, atom.high
        fig.of_total, fig.qualifier = atom.total, atom.qualifier
        if named_by:
            fig.num_at, fig.num_end = atom.start, atom.end

    def run(self) -> list[Figure]:
        floor = 0
        for index, (a, b) in enumerate(self.chunks):
            atoms = [t for t in self.atoms if a <= t.num < b]
            if not atoms:
                continue
            chunk = self.clause[a:b]
            bracketed = a > 0 and self.clause[a - 1] == "("
            continues = self.current is not None and continues_figure(chunk)
            previous_end = a
            for k, atom in enumerate(atoms):
                cur = self.current
                if atom.pct:
                    self.percentage(atom, k == 0 and not continues, index, floor, b)
                elif cur is not None and absorbed_change(
                    self.clause[: atom.num], atom.unit, cur.unit
                ):
                    pass
                elif cur is not None and k == 0 and value_in_brackets(bracketed, cur.has_amount):
                    self.set_value(cur, atom, named_by=False)
                elif k == 0:
                    head = enumeration_start(
                        self.clause, self.chunks, index, floor, atom.start, atom.end, atom.unit
                    )
                    self.set_value(self.new(head, atom, b), atom)
                elif another_figure(self.clause[previous_end : atom.num], atom.unit):
                    head = previous_end + link_at(self.clause[previous_end : atom.num])
                    if cur is not None:
                        cur.end = head
                    self.set_value(self.new(head, atom, b), atom)
                previous_end = atom.end
                if self.current is not None:
                    self.current.end = max(self.current.end, b)
            if self.current is not None:
                floor = self.current.end
        return self.figures

    def percentage(self, atom: _Atom, opens: bool, index: int, floor: int, b: int) -> None:
        """Attach a percentage to the current figure, or open a percentage-only figure."""
        cur = self.current
        if cur is None or opens:
            head = enumeration_start(
                self.clause, self.chunks, index, floor, atom.start, atom.end, atom.unit
            )
            cur = self.new(head, atom, b)
        prev = max((t.end for t in self.atoms if t.end <= atom.num), default=0)
        before = self.clause[max(prev, cur.head) : atom.num]
        fact = pct_role(
            atom.value,
            before,
            self.clause[atom.end :],
            self.clause[cur.head : atom.num],
            cur.has_amount,
        )
        # a range is stated as low-high, never as a change or a share
        fact_role = "value" if atom.high is not None and cur.value is None else fact.role
        if fact_role == "plan":
            cur.plan_pct.append((fact.pct, fact.basis or ""))
        elif fact_role == "same_period" and cur.same_period_pct is None:
            cur.same_period_pct = fact.pct
        elif fact_role == "change" and cur.change_pct is None:
            cur.change_pct = fact.pct
            if cur.value is None:
                cur.qualifier, cur.num_at = atom.qualifier, atom.start
        elif fact_role == "value" and cur.value is None:
            self.set_value(cur, atom)


_CELL = re.compile(r"\s*([-–+]\s*)?(?:(trên|hơn|gần|khoảng)\s+)?(\d+(?:[.,]\d+)*)")


def _cell_number(cell: str, style: DecimalStyle) -> tuple[int, float, str | None, str | None]:
    """The number a table cell holds (bare numbers count: the header names them): its offset,
    signed value, unit and bound; raises ValueError when the cell holds no number."""
    m = _CELL.match(cell)
    value = read_number(m.group(3), style) if m else None
    if m is None or value is None:
        raise ValueError(cell)
    rest = cell[m.end() :]
    unit = "%" if rest.lstrip().startswith("%") else (read_unit(rest) or (None,))[0]
    return m.start(3), -value if m.group(1) else value, unit, m.group(2)


def _row_figure(text: str, line_start: int, line: str, style: DecimalStyle) -> list[Figure] | None:
    """One table row read through the header above it (``genre.tables``): [] for a row that
    cannot be read without guessing, None for a line that is not a table row."""
    cells = table_cells(line)
    if cells is None:
        return None
    words = [line[a:b] for a, b in cells]
    numeric = [i for i, w in enumerate(words) if _CELL.match(w)]
    header = header_above(text, line_start)
    if header is not None and len(header[1]) == len(cells):
        titles, roles = header
    elif len(numeric) == 1:
        titles, roles = [""] * len(cells), ["other"] * len(cells)
        roles[numeric[0]] = "achieved"
    else:
        return []
    if "achieved" not in [roles[i] for i in numeric]:
        return []
    name_i = next((i for i in range(len(cells)) if i not in numeric and roles[i] != "index"), 0)
    start, end = min(cells[name_i][0], cells[numeric[0]][0]), cells[-1][1]
    fig = Figure(start=line_start + start, end=line_start + end, quote="")
    for i in numeric:
        try:
            at, value, unit, bound = _cell_number(words[i], style)
        except ValueError:
            continue
        role = roles[i]
        if role == "achieved" and fig.value is None:
            fig.value, fig.unit, fig.qualifier = abs(value), unit, bound
            fig.value_at = cells[i][0] + at - start
        elif role == "plan":
            fig.of_total = abs(value)
        elif role == "plan_pct":
            fig.plan_pct.append((abs(value), plan_word(titles[i])))
        elif role == "same_period_pct":
            fig.same_period_pct = abs(value)
        elif role == "change_pct":
            fig.change_pct = value
    if fig.value is None:
        return []
    if fig.unit is None and "unit" in roles:
        fig.unit = words[roles.index("unit")] or None
    fig.parts = NameParts(before=words[name_i].strip(" .:-+*•"))
    fig.name = fig.parts.text() or UNNAMED
    fig.quote = text[fig.start : fig.end]
    return [fig]


def find_figures(
    text: str, start: int, end: int, *, style: DecimalStyle | None = None
) -> list[Figure]:
    """Candidate indicators in ``text[start:end]`` (one clause), spans into ``text``.

    ``style`` is the document's decimal style (:func:`genre.figures.decimal_style` of
    ``text`` when not given; pass it to avoid re-deciding it per clause).
    """
    if not _DIGIT.search(text, start, end):
        return []  # most clauses state no number at all
    style = style or decimal_style(text)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if line_start == start:
        row = _row_figure(text, start, text[start:line_end], style)
        if row is not None:
            return row
    clause = text[start:end]
    figures = [
        f
        for f in _Walk(clause, style).run()
        if f.value is not None
        or f.plan_pct
        or f.change_pct is not None
        or f.same_period_pct is not None
    ]
    for fig in figures:
        fig.parts = name_parts(clause, fig.head, fig.num_at, fig.num_end, fig.unit)
        fig.start, fig.end = _trim(text, start + fig.start, start + fig.end)
        fig.quote = text[fig.start : fig.end]
        fig.value_at = start + fig.num_at - fig.start
    names = names_in_context(
        [f.parts for f in figures],
        [f.unit for f in figures],
        [f.of_total for f in figures],
        [0] * len(figures),
    )
    for fig, name in zip(figures, names, strict=True):
        fig.name = name
    return figures


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,;(":
        start += 1
    while end > start and text[end - 1] in " ,;.:":
        end -= 1
    if (
        text[start:end].count("(") > text[start:end].count(")")
        and end < len(text)
        and text[end] == ")"
    ):
        end += 1
    return start, end
