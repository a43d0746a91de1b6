"""The calls for one report, in order: meta, then one label per clause; then assembly.

Why this shape (measured on the embedded 1.5B model, see bench/RESULTS.md): the model decides
well one thing at a time and badly many at once. So each clause gets its own one-word decision,
asked as the next turn of one conversation: earlier clauses and their labels form a prefix that
llama.cpp keeps in its KV cache, so the model sees the report's structure (results, then
directions) for the price of reading each clause once. Figures are found, parsed and named by
code (``numbers``): asking the model to name them cost 81 s a report and named no better. Every
span is set by code, so every quote is exact.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .answers import ClauseLabel, MetaAnswer, meta_problems
from .grounding import evidence_for
from .ingest import Document
from .llm import AnswerRejected, LLMClient
from .numbers import Figure, find_figures, numbers_in
from .prompts import PromptSet
from .schema import Indicator, Meta, PlanPct, ReportSummary, RunInfo, SectionItem, Usage

__all__ = ["Pipeline", "Progress"]

#: (stage, done, total) — called as work advances, for progress bars.
Progress = Callable[[str, int, int], None]

_SECTION_OF = {"achievement": "achievements", "shortcoming": "shortcomings", "task": "tasks"}
#: Words announcing a goal for the coming period rather than a result of this one.
_GOAL = re.compile(r"phấn đấu|dự kiến|sẽ|mục tiêu|thời gian tới|năm tới|chỉ tiêu đề ra cho", re.I)
_MIN_WORDS = 4  # a clause shorter than this (a byline, "Trong đó:") holds no idea of its own


def _period_fields(period: str | None) -> tuple[int | None, int | None]:
    """'6 tháng đầu năm 2023' -> (6, 2023); 'năm 2024' -> (12, 2024). Parsed, not asked."""
    if not period:
        return None, None
    months = re.search(r"(\d+)\s*tháng", period)
    quarter = re.search(r"quý\s*([IV]+|\d)", period, re.IGNORECASE)
    year = re.search(r"(?:19|20)\d\d", period)
    n_months = int(months.group(1)) if months else (3 if quarter else (12 if year else None))
    return n_months, int(year.group()) if year else None


@dataclass
class _Run:
    """What one report's run collects on its way to a summary."""

    doc: Document
    warnings: list[str] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)


class Pipeline:
    """Turns one :class:`Document` into a :class:`ReportSummary` with one model client."""

    def __init__(self, client: LLMClient, prompts: PromptSet, *, window: int = 24,
                 carry: int = 4, progress: Progress | None = None) -> None:
        self.client = client
        self.prompts = prompts
        self.window = window
        self.carry = carry
        self.progress = progress or (lambda _stage, _done, _total: None)

    # -- the calls -------------------------------------------------------------------------

    def _meta(self, run: _Run) -> Meta:
        messages = [
            {"role": "system", "content": self.prompts.render("meta.system")},
            {"role": "user", "content": self.prompts.render("meta.user", head=run.doc.head())},
        ]
        try:
            answer = self.client.ask(MetaAnswer, messages, source=run.doc.text, max_tokens=200)
        except AnswerRejected as exc:
            answer = self._salvage_meta(run, exc)
        data: dict[str, Any] = answer.model_dump()
        months, year = _period_fields(answer.period)
        data["period_months"], data["year"] = months, year
        data["meeting_date"] = date.fromisoformat(answer.meeting_date) if answer.meeting_date else None
        if data["year"] is None and data["meeting_date"] is not None:
            data["year"] = data["meeting_date"].year
        return Meta(**data)

    @staticmethod
    def _salvage_meta(run: _Run, exc: AnswerRejected) -> MetaAnswer:
        """Keep the meta fields the report supports; null the ones it does not."""
        try:
            answer = MetaAnswer.model_validate_json(exc.last_content or "")
        except ValueError:
            run.warnings.append(f"meta dropped: {exc}")
            return MetaAnswer()
        problems = meta_problems(answer, run.doc.text)
        run.warnings.extend(f"meta.{name} dropped: {why}" for name, why in problems.items())
        return answer.model_copy(update=dict.fromkeys(problems))

    def _label_clauses(self, run: _Run) -> None:
        """One decision per clause, as turns of a conversation whose prefix stays cached."""
        system = {"role": "system", "content": self.prompts.render("label_clause.system")}
        turns: list[dict[str, str]] = []
        clauses = run.doc.clauses
        for done, clause in enumerate(clauses, 1):
            self.progress("labels", done, len(clauses))
            if len(clause.text.split()) < _MIN_WORDS:
                run.labels[clause.id] = "other"
                continue
            if len(turns) >= 2 * self.window:  # keep the context bounded: restart the window
                turns = turns[-2 * self.carry :]
            user = {"role": "user",
                    "content": self.prompts.render("label_clause.user", clause=clause.text,
                                                   previous=None)}
            try:
                label = self.client.ask(ClauseLabel, [system, *turns, user], source=clause.text,
                                        max_tokens=16).label
            except AnswerRejected as exc:
                run.warnings.append(f"clause {clause.id} not labelled: {exc}")
                label = "other"
            run.labels[clause.id] = label
            turns += [user, {"role": "assistant", "content": f'{{"label": "{label}"}}'}]

    def _indicators(self, run: _Run) -> list[Indicator]:
        """Figures found and parsed by code; a figure in a clause the model labelled a task, or
        announced as a goal ('phấn đấu', 'dự kiến'), is a target."""
        indicators = []
        for clause in run.doc.clauses:
            for fig in find_figures(run.doc.text, clause.start, clause.end):
                lead = run.doc.text[clause.start : fig.start + (fig.value_at or 0)]
                target = run.labels.get(clause.id) == "task" or bool(_GOAL.search(lead))
                indicators.append(self._indicator(run, fig, "target" if target else "result"))
        return indicators

    # -- assembly --------------------------------------------------------------------------

    def _indicator(self, run: _Run, fig: Figure, kind: str) -> Indicator:
        return Indicator(
            name=fig.name, value=fig.value, unit=fig.unit, of_total=fig.of_total,
            plan_pct=[PlanPct(pct=p, basis=b) for p, b in fig.plan_pct],
            same_period_pct=fig.same_period_pct, change_pct=fig.change_pct, kind=kind,
            evidence=[evidence_for(run.doc.text, fig.start, fig.end)],
        )

    def _sections(self, run: _Run) -> dict[str, list[SectionItem]]:
        sections: dict[str, list[SectionItem]] = {name: [] for name in _SECTION_OF.values()}
        seen: set[str] = set()
        for clause in run.doc.clauses:
            section = _SECTION_OF.get(run.labels.get(clause.id, "other"))
            key = " ".join(clause.text.lower().split())
            if section is None or key in seen:
                continue
            seen.add(key)
            sections[section].append(SectionItem(
                text=clause.text.rstrip(" .;:,"),
                evidence=[evidence_for(run.doc.text, clause.start, clause.end)],
            ))
        return sections

    def _verify(self, run: _Run, summary: ReportSummary) -> ReportSummary:
        """Last gate: every span exact, every number in the source; anything else is dropped."""
        text, known = run.doc.text, numbers_in(run.doc.text)

        def grounded(item: Indicator | SectionItem) -> bool:
            spans_ok = all(text[e.start : e.end] == e.quote for e in item.evidence)
            numbers: list[float] = []
            if isinstance(item, Indicator):
                numbers = [n for n in (item.value, item.of_total, item.same_period_pct) if n is not None]
                numbers += [p.pct for p in item.plan_pct]
                numbers += [abs(item.change_pct)] if item.change_pct is not None else []
            return spans_ok and all(n in known for n in numbers)

        for section in ("indicators", "achievements", "shortcomings", "tasks"):
            items = getattr(summary, section)
            kept = [i for i in items if grounded(i)]
            for item in items:
                if item not in kept:
                    run.warnings.append(f"{section}: dropped ungrounded item {item.evidence[0].quote[:60]!r}")
            setattr(summary, section, kept)
        return summary

    def run(self, doc: Document) -> ReportSummary:
        """Summarise ``doc``. Raises :class:`ModelError` only if the backend itself fails."""
        started = time.perf_counter()
        usage_before = self.client.usage
        run = _Run(doc=doc)
        self.progress("meta", 0, 1)
        meta = self._meta(run)
        self._label_clauses(run)
        indicators = self._indicators(run)
        usage = self.client.usage
        summary = ReportSummary(
            doc=doc.name, meta=meta, indicators=indicators, **self._sections(run),
            run=RunInfo(
                model=self.client.model, backend=self.client.backend.name,
                prompt_version=self.prompts.version,
                usage=usage.model_copy(update={
                    k: getattr(usage, k) - getattr(usage_before, k) for k in Usage.model_fields
                }),
                seconds=0.0, warnings=run.warnings,
            ),
        )
        summary = self._verify(run, summary)
        summary.run.seconds = round(time.perf_counter() - started, 2)
        return summary
