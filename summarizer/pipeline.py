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

import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel

from .answers import (
    ClauseLabel,
    ComingLabel,
    MetaAnswer,
    ParagraphPart,
    ReviewLabel,
    meta_problems,
)
from .grounding import evidence_for
from .ingest import Document
from .llm import AnswerRejected, LLMClient
from .meeting import read_meeting_facts
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
_MIN_PARAGRAPH_WORDS = 8  # titles, captions and bylines: about the meeting, not worth a call
_EXCERPT_CHARS = 400  # a paragraph's part shows in its opening; reading all of it costs time


def _excerpt(text: str) -> str:
    return text if len(text) <= _EXCERPT_CHARS else text[:_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"


@dataclass
class _Run:
    """What one report's run collects on its way to a summary."""

    doc: Document
    warnings: list[str] = field(default_factory=list)
    parts: dict[int, str] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)


class Pipeline:
    """Turns one :class:`Document` into a :class:`ReportSummary` with one model client."""

    def __init__(
        self,
        client: LLMClient,
        prompts: PromptSet,
        *,
        window: int = 24,
        carry: int = 4,
        progress: Progress | None = None,
    ) -> None:
        self.client = client
        self.prompts = prompts
        self.window = window
        self.carry = carry
        self.progress = progress or (lambda _stage, _done, _total: None)

    # -- the calls -------------------------------------------------------------------------

    def _meta(self, run: _Run) -> Meta:
        """Names from the model (checked against the text); patterns read by code."""
        messages = [
            {"role": "system", "content": self.prompts.render("meta.system")},
            {"role": "user", "content": self.prompts.render("meta.user", head=run.doc.head())},
        ]
        try:
            answer = self.client.ask(MetaAnswer, messages, source=run.doc.text, max_tokens=160)
        except AnswerRejected as exc:
            answer = self._salvage_meta(run, exc)
        names = answer.model_dump()
        if names["body"] and names["unit_name"]:  # "Huyện ủy Quảng Trạch" -> "Huyện ủy"
            body = names["body"].removesuffix(names["unit_name"]).strip(" ,")
            names["body"] = body or names["body"]
        facts = read_meeting_facts(run.doc.text)
        return Meta(**names, **dataclasses.asdict(facts))

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

    def _ask_in_turns(
        self,
        conversation: list[dict[str, str]],
        response_model: type[BaseModel],
        user: str,
        source: str,
    ) -> str:
        """Ask the next question of a conversation whose earlier turns stay in the KV cache;
        a bounded window keeps the context short (restarting keeps the last few turns)."""
        system, turns = conversation[0], conversation[1:]
        if len(turns) >= 2 * self.window:
            turns = turns[-2 * self.carry :]
        message = {"role": "user", "content": user}
        answer = self.client.ask(
            response_model, [system, *turns, message], source=source, max_tokens=16
        )
        value: str = next(iter(answer.model_dump().values()))
        field = next(iter(response_model.model_fields))
        conversation[1:] = [
            *turns,
            message,
            {"role": "assistant", "content": f'{{"{field}": "{value}"}}'},
        ]
        return value

    def _paragraph_parts(self, run: _Run) -> None:
        """Review, coming period or the meeting itself: one decision per paragraph. Short
        paragraphs (titles, captions, bylines) are 'meeting' without asking."""
        conversation = [{"role": "system", "content": self.prompts.render("paragraph_part.system")}]
        paragraphs = run.doc.paragraphs
        for done, para in enumerate(paragraphs, 1):
            self.progress("parts", done, len(paragraphs))
            if len(para.text.split()) < _MIN_PARAGRAPH_WORDS:
                run.parts[para.id] = "meeting"
                continue
            user = self.prompts.render("paragraph_part.user", paragraph=_excerpt(para.text))
            try:
                run.parts[para.id] = self._ask_in_turns(
                    conversation, ParagraphPart, user, para.text
                )
            except AnswerRejected as exc:
                run.warnings.append(f"paragraph {para.id} part unknown: {exc}")
                run.parts[para.id] = "meeting"

    def _label_clauses(self, run: _Run) -> None:
        """One decision per clause; the paragraph's part limits the choices (the grammar
        enforces it). In a 'coming' paragraph only the opening clause can be a preamble, so
        the rest are tasks without a call."""
        conversation = [{"role": "system", "content": self.prompts.render("label_clause.system")}]
        clauses = run.doc.clauses
        opening = {c.paragraph_id: c.id for c in reversed(clauses)}
        for done, clause in enumerate(clauses, 1):
            self.progress("labels", done, len(clauses))
            part = run.parts.get(clause.paragraph_id, "meeting")
            if len(clause.text.split()) < _MIN_WORDS:
                run.labels[clause.id] = "other"
                continue
            if part == "coming" and opening[clause.paragraph_id] != clause.id:
                run.labels[clause.id] = "task"
                continue
            model = {"review": ReviewLabel, "coming": ComingLabel}.get(part, ClauseLabel)
            user = self.prompts.render("label_clause.user", part=part, clause=clause.text)
            try:
                run.labels[clause.id] = self._ask_in_turns(conversation, model, user, clause.text)
            except AnswerRejected as exc:
                run.warnings.append(f"clause {clause.id} not labelled: {exc}")
                run.labels[clause.id] = "other"

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
            name=fig.name,
            value=fig.value,
            unit=fig.unit,
            of_total=fig.of_total,
            plan_pct=[PlanPct(pct=p, basis=b) for p, b in fig.plan_pct],
            same_period_pct=fig.same_period_pct,
            change_pct=fig.change_pct,
            kind=kind,
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
            sections[section].append(
                SectionItem(
                    text=clause.text.rstrip(" .;:,"),
                    evidence=[evidence_for(run.doc.text, clause.start, clause.end)],
                )
            )
        return sections

    def _verify(self, run: _Run, summary: ReportSummary) -> ReportSummary:
        """Last gate: every span exact, every number in the source; anything else is dropped."""
        text, known = run.doc.text, numbers_in(run.doc.text)

        def grounded(item: Indicator | SectionItem) -> bool:
            spans_ok = all(text[e.start : e.end] == e.quote for e in item.evidence)
            numbers: list[float] = []
            if isinstance(item, Indicator):
                numbers = [
                    n for n in (item.value, item.of_total, item.same_period_pct) if n is not None
                ]
                numbers += [p.pct for p in item.plan_pct]
                numbers += [abs(item.change_pct)] if item.change_pct is not None else []
            return spans_ok and all(n in known for n in numbers)

        for section in ("indicators", "achievements", "shortcomings", "tasks"):
            items = getattr(summary, section)
            kept = [i for i in items if grounded(i)]
            for item in items:
                if item not in kept:
                    run.warnings.append(
                        f"{section}: dropped ungrounded item {item.evidence[0].quote[:60]!r}"
                    )
            setattr(summary, section, kept)
        return summary

    def run(self, doc: Document) -> ReportSummary:
        """Summarise ``doc``. Raises :class:`ModelError` only if the backend itself fails."""
        started = time.perf_counter()
        usage_before = self.client.usage
        run = _Run(doc=doc)
        self.progress("meta", 0, 1)
        meta = self._meta(run)
        self._paragraph_parts(run)
        self._label_clauses(run)
        indicators = self._indicators(run)
        usage = self.client.usage
        summary = ReportSummary(
            doc=doc.name,
            meta=meta,
            indicators=indicators,
            **self._sections(run),
            run=RunInfo(
                model=self.client.model,
                backend=self.client.backend.name,
                prompt_version=self.prompts.version,
                usage=usage.model_copy(
                    update={
                        k: getattr(usage, k) - getattr(usage_before, k) for k in Usage.model_fields
                    }
                ),
                seconds=0.0,
                warnings=run.warnings,
            ),
        )
        summary = self._verify(run, summary)
        summary.run.seconds = round(time.perf_counter() - started, 2)
        return summary
