"""The calls for one report, in order: meta, paragraph parts, clause labels; then assembly.

Why this shape (measured on the embedded 1.5B model, see bench/RESULTS.md): the model decides
well one thing at a time and badly many at once. So each paragraph gets one decision (does it
review the period, set directions for the coming one, or speak of the meeting?), and each
clause one label from the choices its paragraph's part allows, enforced by the grammar. Every
call starts with the same system prompt, which llama.cpp keeps in its KV cache. Figures are
found, parsed and named by code (``numbers``): asking the model to name them cost 81 s a report
and named no better. Every span is set by code, so every quote is exact.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel

from .answers import ClauseLabel, ComingLabel, ParagraphPart, ReviewLabel
from .genre.figures import decimal_style, first_statements
from .genre.kind import figure_kind
from .genre.meeting import read_meeting_facts
from .genre.series import names_in_context
from .grounding import evidence_for, numbers_outside_span
from .health import judge, note
from .ingest import Document, Segment
from .llm import AnswerRejected, LLMClient
from .numbers import Figure, find_figures
from .prompts import PromptSet
from .schema import Indicator, Meta, PlanPct, ReportSummary, RunInfo, SectionItem, Usage
from .sectors import sector_of

__all__ = ["Pipeline", "Progress"]

#: (stage, done, total) — called as work advances, for progress bars.
Progress = Callable[[str, int, int], None]

_SECTION_OF = {"achievement": "achievements", "shortcoming": "shortcomings", "task": "tasks"}
_MIN_WORDS = 4  # a clause shorter than this (a byline, "Trong đó:") holds no idea of its own
_MIN_PARAGRAPH_WORDS = 8  # shorter paragraphs are captions or bylines, not worth a call
_EXCERPT_CHARS = 300  # a paragraph's part shows in its opening; reading all of it costs time


_LIMITATION = re.compile(r"hạn chế|tồn tại|yếu kém|khó khăn|còn chậm|chưa đạt|khuyết điểm", re.I)
_DIRECTION = re.compile(
    r"khắc phục|tập trung|đẩy mạnh|tăng cường|\bcần\b|\bphải\b|đề nghị|yêu cầu|phấn đấu|"
    r"tiếp tục|nâng cao|thời gian tới|sắp tới",
    re.I,
)
#: What a meeting asks or decides: a task said in a paragraph about the meeting follows one.
_REQUEST = re.compile(
    r"đề nghị|yêu cầu|\bcần\b|\bphải\b|nhấn mạnh|lưu ý|giao cho|thống nhất|kết luận", re.I
)


def _paragraph_start(doc: Document, clause: Segment) -> int:
    return doc.paragraphs[clause.paragraph_id].start


def _is_heading(text: str) -> bool:
    """A title, heading, caption without a full stop, list of recipients or byline: short and
    not ending like a sentence. It holds no result or task of its own."""
    words = len(text.split())
    return words < _MIN_PARAGRAPH_WORDS or (words <= 25 and text.rstrip()[-1] not in ".!?…;:")


def _smooth(parts: dict[int, str]) -> None:
    """Reports move from review to directions in long stretches: a single paragraph whose
    neighbours (among review/coming paragraphs) agree with each other but not with it is
    taken to be a mistake of the model and follows its neighbours. Reports open with the
    review, so the paragraph before the first one counts as 'review'."""
    order = [pid for pid in sorted(parts) if parts[pid] in ("review", "coming")]
    decided = ["review"] + [parts[pid] for pid in order]
    for i in range(1, len(decided) - 1):
        if decided[i - 1] == decided[i + 1] != decided[i]:
            parts[order[i - 1]] = decided[i - 1]


def _check_coming(parts: dict[int, str], doc: Document) -> None:
    """A paragraph that opens by stating limitations with no direction in it ("Tuy nhiên, ...
    còn một số hạn chế") reviews the period, whatever the model said."""
    for para in doc.paragraphs:
        if parts.get(para.id) != "coming":
            continue
        opening = next(s.text for s in doc.sentences if s.paragraph_id == para.id)
        if _LIMITATION.search(opening) and not _DIRECTION.search(opening):
            parts[para.id] = "review"


def _figure_key(fig: Figure) -> tuple[object, ...]:
    """What makes two statements of a figure the same fact: its own name and its numbers."""
    numbers = (fig.value, fig.value_high, fig.unit, fig.of_total, fig.same_period_pct)
    return (fig.parts.text().lower(), *numbers, fig.change_pct, tuple(fig.plan_pct))


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
        progress: Progress | None = None,
    ) -> None:
        self.client = client
        self.prompts = prompts
        self.progress = progress or (lambda _stage, _done, _total: None)

    # -- the calls -------------------------------------------------------------------------

    @staticmethod
    def _meta(run: _Run) -> Meta:
        """Every meta field is a pattern of the report's opening, read by code
        (``genre.meeting``): measured on dev and dev2, code read them better than the model
        did, with no call and nothing to invent."""
        return Meta(**dataclasses.asdict(read_meeting_facts(run.doc.text)))

    def _decide(self, system: str, response_model: type[BaseModel], user: str, source: str) -> str:
        """One small decision, asked on its own. Every call starts with the same system
        prompt, so llama.cpp reuses its cached prefix; earlier answers are deliberately not
        shown: in a conversation the 1.5B model copied its previous answers instead of
        reading (measured: every directions paragraph became 'review')."""
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        answer = self.client.ask(response_model, messages, source=source, max_tokens=16)
        value: str = next(iter(answer.model_dump().values()))
        return value

    def _paragraph_parts(self, run: _Run) -> None:
        """Review, coming period or the meeting itself: one decision per paragraph. Headings,
        titles, captions and bylines (``_is_heading``) are 'heading' without asking."""
        system = self.prompts.render("paragraph_part.system")
        paragraphs = run.doc.paragraphs
        for done, para in enumerate(paragraphs, 1):
            self.progress("parts", done, len(paragraphs))
            if _is_heading(para.text):
                run.parts[para.id] = "heading"
                continue
            user = self.prompts.render("paragraph_part.user", paragraph=_excerpt(para.text))
            try:
                run.parts[para.id] = self._decide(system, ParagraphPart, user, para.text)
            except AnswerRejected as exc:
                run.warnings.append(f"paragraph {para.id} part unknown: {exc}")
                run.parts[para.id] = "meeting"
        _smooth(run.parts)
        _check_coming(run.parts, run.doc)  # after smoothing: the text has the last word

    def _label_clauses(self, run: _Run) -> None:
        """One decision per clause; the paragraph's part limits the choices (the grammar
        enforces it). In a 'coming' paragraph only the opening clause can be a preamble, so
        the rest are tasks without a call."""
        system = self.prompts.render("label_clause.system")
        clauses = run.doc.clauses
        opening = {c.paragraph_id: c.id for c in reversed(clauses)}
        for done, clause in enumerate(clauses, 1):
            self.progress("labels", done, len(clauses))
            part = run.parts.get(clause.paragraph_id, "meeting")
            if part == "heading" or len(clause.text.split()) < _MIN_WORDS:
                run.labels[clause.id] = "other"
                continue
            if part == "coming" and opening[clause.paragraph_id] != clause.id:
                run.labels[clause.id] = "task"
                continue
            model = {"review": ReviewLabel, "coming": ComingLabel}.get(part, ClauseLabel)
            user = self.prompts.render("label_clause.user", part=part, clause=clause.text)
            try:
                label = self._decide(system, model, user, clause.text)
            except AnswerRejected as exc:
                run.warnings.append(f"clause {clause.id} not labelled: {exc}")
                label = "other"
            if label == "task" and part == "meeting":
                # in a paragraph about the meeting, a task is what someone asks for
                said = run.doc.text[_paragraph_start(run.doc, clause) : clause.end]
                label = "task" if _REQUEST.search(said) else "other"
            run.labels[clause.id] = label

    def _indicators(self, run: _Run) -> list[Indicator]:
        """Figures found, parsed and named by code (``numbers``, ``genre.names``: figures of
        one sentence are named together); each is a result or a target by its own clause and
        label (``genre.kind``)."""
        text = run.doc.text
        style = decimal_style(text)
        found: list[tuple[Figure, str, int]] = []
        for clause in run.doc.clauses:
            begin = run.doc.sentences[clause.sentence_id].start
            for fig in find_figures(text, clause.start, clause.end, style=style):
                at = max(0, fig.start + (fig.value_at or 0) - begin)
                said = text[begin : clause.end]  # a goal opening the sentence governs its list
                kind = figure_kind(said, at, fig.quote, run.labels.get(clause.id))
                found.append((fig, kind, clause.sentence_id))
        keep = first_statements([_figure_key(fig) for fig, _, _ in found])
        found = [f for f, kept in zip(found, keep, strict=True) if kept]
        names = names_in_context(
            [fig.parts for fig, _, _ in found],
            [fig.unit for fig, _, _ in found],
            [fig.of_total for fig, _, _ in found],
            [sentence for _, _, sentence in found],
        )
        return [
            self._indicator(run, fig, kind, name)
            for (fig, kind, _), name in zip(found, names, strict=True)
        ]

    # -- assembly --------------------------------------------------------------------------

    def _indicator(self, run: _Run, fig: Figure, kind: str, name: str) -> Indicator:
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
                    sector=sector_of(clause.text),
                    evidence=[evidence_for(run.doc.text, clause.start, clause.end)],
                )
            )
        return sections

    def _verify(self, run: _Run, summary: ReportSummary) -> ReportSummary:
        """Last gate: every span exact, every number an indicator states written inside its
        own evidence (``grounding.numbers_outside_span``); anything else is dropped."""
        text = run.doc.text

        def grounded(item: Indicator | SectionItem) -> bool:
            spans_ok = all(text[e.start : e.end] == e.quote for e in item.evidence)
            if isinstance(item, Indicator):
                return spans_ok and not numbers_outside_span(item)
            return spans_ok

        for section in ("indicators", "achievements", "shortcomings", "tasks"):
            kept = []
            for item in getattr(summary, section):
                if grounded(item):
                    kept.append(item)
                else:
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
        meta = self._meta(run)
        self._paragraph_parts(run)
        self._label_clauses(run)
        indicators = self._indicators(run)
        usage = self.client.usage
        summary = ReportSummary(
            doc=doc.name,
            text=doc.text,
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
        if verdict := note(judge(summary)):  # unusable or thin: said, never silent
            summary.run.warnings.append(verdict)
        summary.run.seconds = round(time.perf_counter() - started, 2)
        return summary
