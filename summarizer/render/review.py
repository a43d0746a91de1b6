"""The review page: the whole report with every evidence span highlighted, items alongside.

The text is cut at every span boundary; each segment is wrapped in one ``<mark>`` carrying the
kind classes (``k-indicator``, ``k-achievement``, ``k-shortcoming``, ``k-task``) and item
numbers (``data-ev``) of every span covering it, so overlapping and nested spans never break
the text. Each item gets one anchor, ``ev-N``, where its first locatable span starts.

Above the items, what a reviewer should check first: every line of ``run.warnings`` (dropped
items, rejected answers, a thin summary) and the items the model was least sure of
(``confidence`` below :data:`LOW_CONFIDENCE`, when the backend gives probabilities).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from ..schema import Evidence, ReportSummary
from .common import INDICATORS_TITLE, SECTION_TITLES, heading_line, indicator_row, render_template

__all__ = ["LOW_CONFIDENCE", "ReviewItem", "mark_text", "render_review", "review_items"]

#: an item whose section the model gave a probability below this is listed for checking
LOW_CONFIDENCE = 0.6

KINDS = {
    "indicators": "indicator",
    "achievements": "achievement",
    "shortcomings": "shortcoming",
    "tasks": "task",
}
GROUP_TITLES = {"indicators": INDICATORS_TITLE, **SECTION_TITLES}
Span = tuple[int, int]


@dataclass(frozen=True)
class ReviewItem:
    number: int
    kind: str
    label: str
    detail: str
    sector: str | None
    spans: list[Span]
    missing: int  # evidence that could not be placed in the text
    confidence: float | None = None  # the model's probability for the item's section

    @property
    def low(self) -> bool:
        """The model was unsure of this item's section: worth a reviewer's look."""
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE

    @property
    def confidence_text(self) -> str:
        return "" if self.confidence is None else f"{self.confidence:.0%}"


def _locate(text: str, ev: Evidence) -> Span | None:
    """The span as given when it matches the text, else the quote's first occurrence."""
    if text[ev.start : ev.end] == ev.quote:
        return ev.start, ev.end
    quote = unicodedata.normalize("NFC", ev.quote)
    found = text.find(quote)
    return (found, found + len(quote)) if found >= 0 else None


def review_items(summary: ReportSummary, text: str) -> list[ReviewItem]:
    """Every item of the summary, numbered from 1 in section order, with its spans."""
    items: list[ReviewItem] = []
    for key, kind in KINDS.items():
        for entry in getattr(summary, key):
            located = [_locate(text, ev) for ev in entry.evidence]
            spans = [s for s in located if s is not None]
            if key == "indicators":
                row = indicator_row(entry, words=1000)
                detail = " · ".join(
                    x for x in (row.value, row.plan, row.same_period) if x and x != "—"
                )
                label = f"{row.name} {'(mục tiêu)' if row.is_target else ''}".strip()
            else:
                label, detail = entry.text, ""
            confidence = getattr(entry, "confidence", None)  # section items carry one
            items.append(
                ReviewItem(
                    number=len(items) + 1,
                    kind=kind,
                    label=label,
                    detail=detail,
                    sector=entry.sector,
                    spans=spans,
                    missing=len(located) - len(spans),
                    confidence=confidence if key != "indicators" else None,
                )
            )
    return items


def mark_text(text: str, items: list[ReviewItem]) -> Markup:
    """``text`` escaped, each covered segment in a ``<mark>`` naming the items covering it."""
    spans = [(s, e, it) for it in items for s, e in it.spans if e > s]
    cuts = sorted({0, len(text), *(p for s, e, _ in spans for p in (s, e))})
    anchors: dict[int, list[int]] = {}
    for it in items:
        if it.spans:
            anchors.setdefault(it.spans[0][0], []).append(it.number)
    out: list[str] = []
    for a, b in pairwise(cuts):
        chunk = str(escape(text[a:b]))
        covering = [it for s, e, it in spans if s <= a and e >= b]
        if not covering:
            out.append(chunk)
            continue
        numbers = sorted({it.number for it in covering})
        kinds = sorted({f"k-{it.kind}" for it in covering})
        if len(numbers) > 1:
            kinds.append("multi")
        here = anchors.pop(a, [])
        id_attr = f' id="ev-{here[0]}"' if here else ""
        extra = "".join(f'<span class="anchor" id="ev-{n}"></span>' for n in here[1:])
        out.append(
            f'<mark{id_attr} class="{" ".join(kinds)}" data-ev="{" ".join(map(str, numbers))}">'
            f"{extra}{chunk}</mark>"
        )
    return Markup("".join(out))


def render_review(summary: ReportSummary, text: str) -> str:
    """A self-contained HTML page for checking a summary against its report."""
    text = unicodedata.normalize("NFC", text)
    items = review_items(summary, text)
    groups = [
        (GROUP_TITLES[key], [it for it in items if it.kind == kind]) for key, kind in KINDS.items()
    ]
    return render_template(
        "review.html.j2",
        autoescape=True,
        heading=heading_line(summary.meta),
        source=summary.doc or "không rõ",
        run=summary.run,
        groups=groups,
        marked=mark_text(text, items),
        n_spans=sum(len(it.spans) for it in items),
        n_missing=sum(it.missing for it in items),
        low=[it for it in items if it.low],
        warnings=summary.run.warnings,
    )
