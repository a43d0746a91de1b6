"""A report's indicators: figures found, parsed, named and typed by code, never by the model.

The model's only part is the clause labels, which tell a target (a figure in a task) from a
result (``genre.kind``). Asking the 1.5B model to name figures cost 81 s a report and named
no better (bench/RESULTS.md); every number here is parsed from its own span, so it is in the
report by construction, and the pipeline's last gate checks that again.
"""

from __future__ import annotations

from .genre.figures import decimal_style, first_statements
from .genre.kind import figure_kind
from .genre.sectors import sector_of
from .genre.series import names_in_context
from .grounding import evidence_for
from .ingest import Document
from .numbers import Figure, find_figures
from .schema import Indicator, PlanPct

__all__ = ["indicators_of"]


def _figure_key(fig: Figure) -> tuple[object, ...]:
    """What makes two statements of a figure the same fact: its own name and its numbers."""
    numbers = (fig.value, fig.value_high, fig.unit, fig.of_total, fig.same_period_pct)
    return (fig.parts.text().lower(), *numbers, fig.change_pct, tuple(fig.plan_pct))


def _indicator(doc: Document, fig: Figure, kind: str, name: str) -> Indicator:
    return Indicator(
        name=name,
        value=fig.value,
        value_high=fig.value_high,
        qualifier=fig.qualifier,
        unit=fig.unit,
        of_total=fig.of_total,
        plan_pct=[PlanPct(pct=p, basis=b) for p, b in fig.plan_pct],
        same_period_pct=fig.same_period_pct,
        change_pct=fig.change_pct,
        kind=kind,
        sector=sector_of(f"{name} {fig.quote}"),
        evidence=[evidence_for(doc.text, fig.start, fig.end)],
    )


def figures_of(doc: Document, labels: dict[int, str]) -> list[tuple[Figure, str, int]]:
    """(figure, kind, clause id) for every figure of the report, each fact once: figures of
    one sentence are found clause by clause, and a goal opening the sentence governs its
    list (``genre.kind``)."""
    text = doc.text
    style = decimal_style(text)
    found: list[tuple[Figure, str, int]] = []
    for clause in doc.clauses:
        begin = doc.sentences[clause.sentence_id].start
        said = text[begin : clause.end]
        for fig in find_figures(text, clause.start, clause.end, style=style):
            at = max(0, fig.start + (fig.value_at or 0) - begin)
            kind = figure_kind(said, at, fig.quote, labels.get(clause.id))
            found.append((fig, kind, clause.id))
    keep = first_statements([_figure_key(fig) for fig, _, _ in found])
    return [f for f, kept in zip(found, keep, strict=True) if kept]


def indicators_of(doc: Document, found: list[tuple[Figure, str, int]]) -> list[Indicator]:
    """The indicators of :func:`figures_of`, named together sentence by sentence
    (``genre.names``: a figure of a list borrows the measure its sentence names)."""
    sentence = {c.id: c.sentence_id for c in doc.clauses}
    names = names_in_context(
        [fig.parts for fig, _, _ in found],
        [fig.unit for fig, _, _ in found],
        [fig.of_total for fig, _, _ in found],
        [sentence[cid] for _, _, cid in found],
    )
    return [
        _indicator(doc, fig, kind, name) for (fig, kind, _), name in zip(found, names, strict=True)
    ]
