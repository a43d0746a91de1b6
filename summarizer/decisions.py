"""From the model's answers to each paragraph's part and each clause's section, by the rules of
the genre (``summarizer.genre``).

Two rounds. First every paragraph that is not a heading gets a part from the model (unless each
of its clauses is "other" by a rule whatever its part), and the genre's part rules correct what
the report's structure contradicts (a lone paragraph follows its neighbours, one opening with
limitations stays in the review; the distribution list is not asked about). Then each clause is
either decided by a rule (a heading's, a lead-in, what the meeting did, a paragraph of
directions, a result stated in the review) or asked with only the labels its part and wording
leave open (a review holds no tasks; a shortcoming is worded as a limit), so the model's answer
can never contradict the text and is asked only where the text leaves a real choice. A task said
in a paragraph about the meeting must follow a request; at the end of a year a result short of
its plan is a shortcoming.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .genre.labels import (
    an_award_given,
    continues_directions,
    follows_a_request,
    is_lead_in,
    reviews_a_result,
    shortfall_is_a_shortcoming,
    states_a_limit,
    states_a_request,
    too_short_to_judge,
    what_the_meeting_did,
)
from .genre.layout import is_heading, opens_the_recipients
from .genre.parts import allowed_labels, apply_part_rules
from .ingest import Document, Segment

__all__ = ["Decisions", "label_plan", "mark_shortfalls", "parts_of", "settle"]

#: A label the model gave, with its probability among the allowed ones (None: not reported).
Answer = tuple[str, float | None]


@dataclass
class Decisions:
    """Each paragraph's part, each clause's label, and how sure the model was of it."""

    parts: dict[int, str] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    #: per clause the model labelled: its probability for the label (None: a rule decided)
    confidence: dict[int, float | None] = field(default_factory=dict)


def _content_ends(doc: Document) -> int:
    """The id of the first paragraph after the report's content (its distribution list)."""
    return next((p.id for p in doc.paragraphs if opens_the_recipients(p.text)), len(doc.paragraphs))


def needs_a_part(doc: Document) -> list[int]:
    """Paragraphs the model is asked about: every one of the content that is not a heading,
    unless no clause of it depends on its part (each is protocol, a lead-in, too short, an
    award): its answer could change no label, and unasked it counts as about the meeting,
    which the smoothing of its neighbours skips."""
    end = _content_ends(doc)
    by_paragraph: dict[int, list[Segment]] = {}
    for clause in doc.clauses:
        by_paragraph.setdefault(clause.paragraph_id, []).append(clause)
    return [
        p.id
        for p in doc.paragraphs
        if p.id < end
        and not is_heading(p.text)
        and not all(_other_whatever_the_part(doc, c) for c in by_paragraph.get(p.id, []))
    ]


def _other_whatever_the_part(doc: Document, clause: Segment) -> bool:
    """A clause the genre's rules make "other" in any part."""
    return (
        too_short_to_judge(clause.text)
        or is_lead_in(clause.text)
        or what_the_meeting_did(clause.text, _sentence_before(doc, clause))
        or an_award_given(clause.text)
    )


def parts_of(
    doc: Document,
    answers: Mapping[int, Mapping[str, float] | None],
    reviewed_year: int | None = None,
) -> dict[int, str]:
    """Each paragraph's part: "heading" for headings; for the others, from the model's
    probabilities ("meeting", where nothing is ruled out, when it gave no answer) and the
    genre's part rules (``reviewed_year``: the year the report reviews)."""
    dists: dict[int, Mapping[str, float]] = {}
    rows: list[tuple[int, str]] = []
    end = _content_ends(doc)
    for para in doc.paragraphs:
        if para.id >= end:  # the distribution list: labelled like a heading, "other"
            rows.append((para.id, para.text))
            continue
        if not is_heading(para.text):
            dists[para.id] = answers.get(para.id) or {"meeting": 1.0}
        rows.append((para.id, para.text))
    return apply_part_rules(dists, rows, reviewed_year)


def _sentence_before(doc: Document, clause: Segment) -> str:
    """The sentence a clause continues: its paragraph's text from the last full stop before
    the clause up to it ("" when the clause opens a sentence)."""
    before = doc.text[doc.paragraphs[clause.paragraph_id].start : clause.start]
    return re.split(r"[.!?…]\s", before)[-1]


def label_plan(doc: Document, parts: Mapping[int, str]) -> dict[int, str | tuple[str, ...]]:
    """Per clause: the label a rule decides, or the labels left open for the model to choose."""
    plan: dict[int, str | tuple[str, ...]] = {}
    opening: dict[int, Segment] = {}
    for clause in doc.clauses:
        opening.setdefault(clause.paragraph_id, clause)
    for clause in doc.clauses:
        part = parts.get(clause.paragraph_id, "meeting")
        first = opening[clause.paragraph_id]
        if part == "heading" or _other_whatever_the_part(doc, clause):
            plan[clause.id] = "other"
        elif continues_directions(part) and not what_the_meeting_did(
            first.text
        ):  # what follows "Hội nghị đã thông qua ...;" is more of what the meeting did
            plan[clause.id] = "task"
        else:
            allowed = allowed_labels(part)
            if "task" not in allowed and states_a_request(clause.text):
                allowed = (*allowed[:-1], "task", allowed[-1])
            if not states_a_limit(clause.text):
                allowed = tuple(a for a in allowed if a != "shortcoming")
            if reviews_a_result(part, allowed):
                plan[clause.id] = "achievement"
            else:
                plan[clause.id] = allowed if len(allowed) > 1 else allowed[0]
    return plan


def settle(
    doc: Document,
    parts: dict[int, str],
    plan: Mapping[int, str | tuple[str, ...]],
    answers: Mapping[int, Answer | None],
) -> Decisions:
    """The labels: a rule's where it decided, else the model's answer ("other" when it gave
    none), a task in a paragraph about the meeting only after a request."""
    out = Decisions(parts=parts)
    for clause in doc.clauses:
        planned = plan[clause.id]
        if isinstance(planned, str):
            out.labels[clause.id] = planned
            continue
        label, confidence = answers.get(clause.id) or ("other", None)
        if label == "task" and parts.get(clause.paragraph_id) == "meeting":
            said = doc.text[doc.paragraphs[clause.paragraph_id].start : clause.end]
            if not follows_a_request(said):
                label, confidence = "other", None
        out.labels[clause.id] = label
        out.confidence[clause.id] = confidence
    return out


def mark_shortfalls(
    decisions: Decisions, short_clauses: set[int], period_months: int | None
) -> None:
    """Clauses stating a result short of its plan become shortcomings where the genre says a
    shortfall is one (at the end of a year), unless they state a task."""
    for clause_id in short_clauses:
        if decisions.labels.get(clause_id) != "task" and shortfall_is_a_shortcoming(
            period_months, True
        ):
            decisions.labels[clause_id] = "shortcoming"
            decisions.confidence[clause_id] = None
