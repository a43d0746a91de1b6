"""Names of figures read together: what a series says once, and no two names alike.

Figures written in a series share what the report says once: "giá trị sản xuất nông nghiệp
640 tỷ đồng, công nghiệp 1.300 tỷ đồng" (the measure), "công nhận 4 thôn NTM, lũy kế 111
thôn" (the description of the counted noun). :func:`names_in_context` restores it for every
figure of a report, adds what the unit and a total say, and makes names distinct.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from . import rule
from .names import BRANCH, MEASURE_HEADS, UNNAMED, NameParts, W
from .units import is_measure

__all__ = [
    "area_head",
    "distinct_names",
    "elided_description",
    "elided_head",
    "generic_amount",
    "names_in_context",
    "plan_fraction",
]


def _series_head(name: str) -> str:
    """The measure a series of figures shares: the words before a list opener ("Tỷ trọng các
    ngành: ..."), else the measure words a name starts with ("Giá trị sản xuất ...")."""
    if ":" in name:
        return name.split(":")[0].strip()
    m = MEASURE_HEADS.match(name)
    return m.group().strip() if m else ""


@rule(off=None)
def elided_head(
    parts: NameParts, unit: str | None, previous: str, previous_unit: str | None
) -> str | None:
    """In a series of amounts ("giá trị sản xuất nông nghiệp 642 tỷ đồng, công nghiệp - xây
    dựng 1.330 tỷ đồng, dịch vụ 953 tỷ đồng"; "gieo trồng 2.600 ha vụ Đông Xuân; vụ mùa
    7.300 ha") the report names the measure once: a later amount named only by a branch of
    the economy or a short phrase takes the measure of the figure before it, in the same unit
    (without "tổng": a part of a total is not the total).

    Returns the head to put before the name, or None.
    """
    if not is_measure(unit) or unit != previous_unit or MEASURE_HEADS.match(parts.before):
        return None
    words = re.findall(rf"{W}+", parts.before)
    if not words or (len(words) > 3 and not BRANCH.match(parts.before)):
        return None
    head = re.sub(r"^tổng\s+", "", _series_head(previous), flags=re.IGNORECASE)
    return head[:1].upper() + head[1:] if head else None


_WORDS = re.compile(rf"{W}+")
_RUNNING_TOTAL = re.compile(r"^(?:lũy kế|luỹ kế|nâng tổng số|tổng số|tổng|nâng lên|lên)$", re.I)


@rule(off=None)
def elided_description(parts: NameParts, previous: NameParts | None) -> str | None:
    """A running total, or the same action repeated, says the counted noun without its
    description: "công nhận 4 thôn NTM, lũy kế đạt 111 thôn" counts NTM villages, "5 thôn đạt
    NTM kiểu mẫu, lũy kế đạt 14 thôn" model ones, "9 làng nghề được công nhận cấp tỉnh, sẽ công
    nhận thêm 3 làng nghề" provincial ones. The bare noun takes the description of the same
    noun just before (without the words its own action repeats).

    Returns the description to put after the counted noun, or None.
    """
    if previous is None or not parts.counted or parts.after:
        return None
    if parts.counted != previous.counted or not previous.after:
        return None
    if _RUNNING_TOTAL.match(parts.before.strip()):
        return previous.after
    own = set(_WORDS.findall(parts.before.lower()))
    said = _WORDS.findall(previous.after)
    if own and own <= {w.lower() for w in said} | {"thêm", "mới", "lại"}:
        rest = [w for w in said if w.lower() not in own | {"được", "đã"}]
        return " ".join(rest) or None  # "12 sản phẩm được công nhận OCOP, công nhận thêm 5"
    return None


_GENERIC = re.compile(r"^(?:tổng\s+)?(?:số tiền|kinh phí|trị giá|giá trị|vốn)$", re.IGNORECASE)


@rule(off=None)
def generic_amount(parts: NameParts, previous: NameParts | None) -> str | None:
    """ "xử phạt 25 trường hợp, số tiền 73 triệu đồng", "hỗ trợ 45 hộ, kinh phí 2,3 tỷ đồng":
    an amount named only by a generic word (số tiền, kinh phí, trị giá, tổng vốn) is the money
    of the action of the figure just before it, and its name says which action.

    Returns the words to put after the generic word, or None.
    """
    if previous is None or parts.after or not _GENERIC.match(parts.before.strip()):
        return None
    action = previous.before or f"{previous.counted} {previous.after}".strip()
    if action[:1].isupper() and action.split()[0][1:].islower():
        action = action[:1].lower() + action[1:]  # capitalised only as a sentence's first word
    return action or None


@rule(off="")
def area_head(parts: NameParts, unit: str | None) -> str:
    """Hectares measure an area: a figure whose words only say what was done ("trồng 1.388 ha
    rừng sản xuất", "tích tụ 295 ha đất") is named "Diện tích ..." (a name that opens with a
    measure, "Tổng diện tích", "Vốn", keeps its own)."""
    if unit is None or not re.match(r"(?:ha|héc-ta|hécta|m2|m²|km2|km²)(?:/|$)", unit):
        return ""
    if re.search(r"diện tích", f"{parts.head} {parts.before} {parts.after}", re.IGNORECASE):
        return ""
    return "" if MEASURE_HEADS.match(parts.head or parts.before) else "Diện tích"


@rule(off="")
def plan_fraction(unit: str | None, of_total: float | None) -> str:
    """ "76,4/140 tỷ đồng", "5.614/6.300 ha", "1,68/1,50%": an amount written over another is
    achieved over planned (a count over a count, "21/21 xã", is part of a whole), and the name
    says so, since the two numbers alone do not."""
    if of_total is None or not is_measure(unit):
        return ""
    return "thực hiện/kế hoạch"


def names_in_context(
    parts: Sequence[NameParts],
    units: Sequence[str | None],
    totals: Sequence[float | None],
    series: Sequence[int],
) -> list[str]:
    """Final names of a report's figures, in order: each figure's parts, completed by what
    its series (``series``: figures with the same number are one sentence) says once, then
    made distinct. A figure with no words of its own is named :data:`UNNAMED`."""
    done: list[NameParts] = []
    whole_unit: dict[tuple[int, str], str | None] = {}  # a "trong đó" list: parts in one unit
    for i, p in enumerate(parts):
        prev = i - 1 if i and series[i - 1] == series[i] else None
        if p.parent and whole_unit.setdefault((series[i], p.parent), units[i]) != units[i]:
            p = replace(p, parent="")  # "trong đó lúa 890 ha, năng suất 58 tạ/ha"
        if prev is not None:
            head = elided_head(p, units[i], done[prev].text(), units[prev])
            if head:
                p = replace(p, head=head)
            desc = elided_description(p, done[prev]) or generic_amount(p, done[prev])
            if desc:
                p = replace(p, after=desc)
        p = replace(
            p, head=p.head or area_head(p, units[i]), suffix=plan_fraction(units[i], totals[i])
        )
        done.append(p)
    return distinct_names([p.text() or UNNAMED for p in done], done)


def _distinct_off(names: list[str], parts: Sequence[NameParts]) -> list[str]:
    return names


@rule(off=_distinct_off)
def distinct_names(names: list[str], parts: Sequence[NameParts]) -> list[str]:
    """Two figures of one report are two things; when their names coincide, each keeps the
    words that tell it apart: its description or its deadline (and, failing both, its place
    in the report: "(2)")."""
    out = list(names)
    for name in {n for n in names if names.count(n) > 1}:
        same = [i for i, n in enumerate(names) if n == name]
        for rank, i in enumerate(same, 1):
            p = parts[i]
            extra = p.after if p.after and p.after not in name else ""
            out[i] = f"{name} – {extra}" if extra else (f"{name} ({rank})" if rank > 1 else name)
    return out
