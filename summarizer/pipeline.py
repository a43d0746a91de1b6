"""One report, in order: meta by code; paragraph parts and clause labels by the model, each
checked by the genre's rules; figures by code; assembly; the last gate.

Why this shape (measured on the embedded 1.5B model, see bench/RESULTS.md): the model decides
well one thing at a time and badly many at once, so each paragraph gets one question (does it
review the period, set directions for the coming one, or speak of the meeting?) and each clause
one, with only the choices its paragraph's part and wording leave open. The questions of a
round are independent and go out together (``LLMClient.ask_many``): the embedded backend
evaluates them as one batch, a server overlaps them. Meta fields and figures are patterns, read
by code; every span is set by code, so every quote is exact. This module only orchestrates:
what is known about the genre lives in ``summarizer.genre``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from .decisions import Decisions, label_plan, mark_shortfalls, needs_a_part, parts_of, settle
from .genre.kind import short_of_plan
from .genre.meeting import read_meeting_facts
from .genre.sectors import sector_of
from .grounding import evidence_for, numbers_outside_span
from .health import judge, note
from .indicators import figures_of, indicators_of
from .ingest import Document
from .llm import AnswerRejected, LLMClient, Question, confidence, probabilities
from .prompts import PromptSet
from .questions import Questions
from .schema import Indicator, ReportSummary, RunInfo, SectionItem, Usage

__all__ = ["Pipeline", "Progress"]

#: (stage, done, total) — called as work advances, for progress bars.
Progress = Callable[[str, int, int], None]

_SECTION_OF = {"achievement": "achievements", "shortcoming": "shortcomings", "task": "tasks"}


class Pipeline:
    """Turns one :class:`Document` into a :class:`ReportSummary` with one model client."""

    def __init__(
        self, client: LLMClient, prompts: PromptSet, *, progress: Progress | None = None
    ) -> None:
        self.client = client
        self.prompts = prompts
        self.questions = Questions(prompts)
        self.progress = progress or (lambda _stage, _done, _total: None)

    def _ask(
        self, stage: str, questions: Sequence[Question[Any]], warnings: list[str], names: list[str]
    ) -> list[Any | None]:
        """One round of independent questions; a rejected answer is None and a warning."""
        self.progress(stage, 0, len(questions))
        answers = self.client.ask_many(questions)
        self.progress(stage, len(questions), len(questions))
        out: list[Any | None] = []
        for name, answer in zip(names, answers, strict=True):
            if isinstance(answer, AnswerRejected):
                warnings.append(f"{name} not decided: {answer}")
                out.append(None)
            else:
                out.append(answer)
        return out

    def _decide(
        self, doc: Document, warnings: list[str], reviewed_year: int | None = None
    ) -> Decisions:
        asked = needs_a_part(doc)
        paragraphs = {p.id: p for p in doc.paragraphs}
        answers = self._ask(
            "parts",
            [self.questions.part(paragraphs[pid]) for pid in asked],
            warnings,
            [f"paragraph {pid} part" for pid in asked],
        )
        parts = parts_of(
            doc,
            {pid: probabilities(a) if a else None for pid, a in zip(asked, answers, strict=True)},
            reviewed_year,
        )
        plan = label_plan(doc, parts)
        open_clauses = [c for c in doc.clauses if not isinstance(plan[c.id], str)]
        labels = self._ask(
            "labels",
            [
                self.questions.label(c, parts[c.paragraph_id], plan[c.id])  # type: ignore[arg-type]
                for c in open_clauses
            ],
            warnings,
            [f"clause {c.id}" for c in open_clauses],
        )
        return settle(
            doc,
            parts,
            plan,
            {
                c.id: (a.label, confidence(a)) if a else None
                for c, a in zip(open_clauses, labels, strict=True)
            },
        )

    @staticmethod
    def _sections(doc: Document, decisions: Decisions) -> dict[str, list[SectionItem]]:
        sections: dict[str, list[SectionItem]] = {name: [] for name in _SECTION_OF.values()}
        seen: set[str] = set()
        for clause in doc.clauses:
            section = _SECTION_OF.get(decisions.labels.get(clause.id, "other"))
            key = " ".join(clause.text.lower().split())
            if section is None or key in seen:
                continue
            seen.add(key)
            sections[section].append(
                SectionItem(
                    text=clause.text.rstrip(" .;:,"),
                    sector=sector_of(clause.text),
                    confidence=decisions.confidence.get(clause.id),
                    evidence=[evidence_for(doc.text, clause.start, clause.end)],
                )
            )
        return sections

    @staticmethod
    def _verify(summary: ReportSummary) -> None:
        """Last gate: every span exact, every number an indicator states written inside its
        own evidence (``grounding.numbers_outside_span``); anything else is dropped, said in
        ``run.warnings``."""
        text = summary.text or ""

        def grounded(item: Indicator | SectionItem) -> bool:
            if any(text[e.start : e.end] != e.quote for e in item.evidence):
                return False
            return not (isinstance(item, Indicator) and numbers_outside_span(item))

        for section in ("indicators", "achievements", "shortcomings", "tasks"):
            kept = []
            for item in getattr(summary, section):
                if grounded(item):
                    kept.append(item)
                else:
                    summary.run.warnings.append(
                        f"{section}: dropped ungrounded item {item.evidence[0].quote[:60]!r}"
                    )
            setattr(summary, section, kept)

    def run(self, doc: Document) -> ReportSummary:
        """Summarise ``doc``. Raises :class:`ModelError` only if the backend itself fails."""
        started = time.perf_counter()
        usage_before = self.client.usage
        warnings: list[str] = []
        meta = read_meeting_facts(doc.text)
        decisions = self._decide(doc, warnings, meta.year)
        found = figures_of(doc, decisions.labels)
        indicators = indicators_of(doc, found)
        short = {
            clause_id
            for (_, kind, clause_id), ind in zip(found, indicators, strict=True)
            if kind == "result"
            and short_of_plan(
                ind.name, ind.value, ind.of_total, [p.pct for p in ind.plan_pct], ind.unit
            )
        }
        mark_shortfalls(decisions, short, meta.period_months)
        usage = self.client.usage
        summary = ReportSummary(
            doc=doc.name,
            text=doc.text,
            meta=meta,
            indicators=indicators,
            **self._sections(doc, decisions),
            run=RunInfo(
                model=self.client.model,
                backend=self.client.backend.name,
                prompt_version=self.prompts.version,
                usage=usage.model_copy(
                    update={
                        k: getattr(usage, k) - getattr(usage_before, k) for k in Usage.model_fields
                    }
                ),
                warnings=warnings,
            ),
        )
        self._verify(summary)
        if verdict := note(judge(summary)):  # unusable or thin: said, never silent
            summary.run.warnings.append(verdict)
        summary.run.seconds = round(time.perf_counter() - started, 2)
        return summary
