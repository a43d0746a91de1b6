"""The calls for one report, in two rounds of independent questions asked together (paragraph
parts, then clause labels) while the meta question runs alongside; then assembly.

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

from .answers import (
    ClauseLabel,
    ComingLabel,
    MetaAnswer,
    ParagraphPart,
    ReviewLabel,
    meta_problems,
)
from .grounding import evidence_for
from .ingest import Document, Segment
from .llm import AnswerRejected, LLMClient, Question, confidence
from .meeting import read_meeting_facts
from .numbers import UNNAMED, Figure, find_figures, numbers_in
from .prompts import PromptSet
from .schema import Indicator, Meta, PlanPct, ReportSummary, RunInfo, SectionItem, Usage
from .sectors import sector_of

__all__ = ["Pipeline", "Progress"]

#: (stage, done, total) — called as work advances, for progress bars.
Progress = Callable[[str, int, int], None]

_SECTION_OF = {"achievement": "achievements", "shortcoming": "shortcomings", "task": "tasks"}
#: Words announcing a goal for the coming period rather than a result of this one.
#: ("dự kiến" alone is left out: reports use it for estimates of the period's own results.)
_GOAL = re.compile(r"phấn đấu|\bsẽ\b|mục tiêu|thời gian tới|năm tới|chỉ tiêu đề ra cho", re.I)
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


def _excerpt(text: str) -> str:
    return text if len(text) <= _EXCERPT_CHARS else text[:_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"


@dataclass
class _Run:
    """What one report's run collects on its way to a summary."""

    doc: Document
    warnings: list[str] = field(default_factory=list)
    parts: dict[int, str] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    #: clause id -> the model's probability for its label (absent when a rule decided)
    confidence: dict[int, float] = field(default_factory=dict)


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

    def _meta_question(self, run: _Run) -> Question[MetaAnswer]:
        messages = [
            {"role": "system", "content": self.prompts.render("meta.system")},
            {"role": "user", "content": self.prompts.render("meta.user", head=run.doc.head())},
        ]
        # one re-ask: measured, a second one repeated the same unsupported name
        return Question(MetaAnswer, messages, run.doc.text, max_tokens=160, max_reasks=1)

    def _meta(self, run: _Run, answer: MetaAnswer | AnswerRejected) -> Meta:
        """Names from the model (checked against the text); patterns read by code."""
        if isinstance(answer, AnswerRejected):
            answer = self._salvage_meta(run, answer)
        names = answer.model_dump()
        if names["body"] and names["unit_name"]:  # "Huyện ủy Quảng Trạch" -> "Huyện ủy"
            body = names["body"].removesuffix(names["unit_name"]).strip(" ,")
            names["body"] = body or names["body"]
        if names["province"] and names["province"] == names["unit_name"]:
            names["province"] = None  # the district named twice, not a province
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

    def _question(
        self, system: str, response_model: type[BaseModel], user: str, source: str
    ) -> Question[BaseModel]:
        """One small decision, asked on its own. Every call starts with the same system
        prompt, so the model reuses its cached prefix; earlier answers are deliberately not
        shown: in a conversation the 1.5B model copied its previous answers instead of
        reading (measured: every directions paragraph became 'review')."""
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        return Question(response_model, messages, source, max_tokens=16)

    def _paragraph_parts(self, run: _Run) -> None:
        """Round one, asked together: one decision per paragraph (review, coming period or
        the meeting itself). Headings, titles, captions and bylines (``_is_heading``) are
        'heading' without asking."""
        system = self.prompts.render("paragraph_part.system")
        asked = [p for p in run.doc.paragraphs if not _is_heading(p.text)]
        questions = [
            self._question(
                system,
                ParagraphPart,
                self.prompts.render("paragraph_part.user", paragraph=_excerpt(para.text)),
                para.text,
            )
            for para in asked
        ]
        by_id = dict(zip((p.id for p in asked), self.client.ask_many(questions), strict=True))
        paragraphs = run.doc.paragraphs
        for done, para in enumerate(paragraphs, 1):
            self.progress("parts", done, len(paragraphs))
            answer = by_id.get(para.id)
            if answer is None:
                run.parts[para.id] = "heading"
            elif isinstance(answer, AnswerRejected):
                run.warnings.append(f"paragraph {para.id} part unknown: {answer}")
                run.parts[para.id] = "meeting"
            else:
                run.parts[para.id] = answer.part
        _smooth(run.parts)
        _check_coming(run.parts, run.doc)  # after smoothing: the text has the last word

    def _label_clauses(self, run: _Run) -> None:
        """Round two, asked together: one decision per clause; the paragraph's part limits the
        choices (the grammar enforces it). In a 'coming' paragraph only the opening clause can
        be a preamble, so the rest are tasks without a call."""
        system = self.prompts.render("label_clause.system")
        clauses = run.doc.clauses
        opening = {c.paragraph_id: c.id for c in reversed(clauses)}
        asked = []
        for clause in clauses:
            part = run.parts.get(clause.paragraph_id, "meeting")
            if part == "heading" or len(clause.text.split()) < _MIN_WORDS:
                run.labels[clause.id] = "other"
            elif part == "coming" and opening[clause.paragraph_id] != clause.id:
                run.labels[clause.id] = "task"
            else:
                model = {"review": ReviewLabel, "coming": ComingLabel}.get(part, ClauseLabel)
                user = self.prompts.render("label_clause.user", part=part, clause=clause.text)
                asked.append((clause, self._question(system, model, user, clause.text)))
        answers = self.client.ask_many([question for _, question in asked])
        for done, ((clause, _), answer) in enumerate(zip(asked, answers, strict=True), 1):
            self.progress("labels", done, len(asked))
            part = run.parts.get(clause.paragraph_id, "meeting")
            if isinstance(answer, AnswerRejected):
                run.warnings.append(f"clause {clause.id} not labelled: {answer}")
                label = "other"
            else:
                label = next(iter(answer.model_dump().values()))
                probability = confidence(answer)
                if probability is not None:
                    run.confidence[clause.id] = round(probability, 4)
            if label == "task" and part == "meeting":
                # in a paragraph about the meeting, a task is what someone asks for
                said = run.doc.text[_paragraph_start(run.doc, clause) : clause.end]
                label = "task" if _REQUEST.search(said) else "other"
            run.labels[clause.id] = label

    def _indicators(self, run: _Run) -> list[Indicator]:
        """Figures found and parsed by code; a figure in a clause the model labelled a task, or
        announced as a goal ('phấn đấu', 'sẽ', 'thời gian tới'), is a target."""
        indicators = []
        for clause in run.doc.clauses:
            for fig in find_figures(run.doc.text, clause.start, clause.end):
                lead = run.doc.text[clause.start : fig.start + (fig.value_at or 0)]
                target = run.labels.get(clause.id) == "task" or bool(_GOAL.search(lead))
                if fig.name == UNNAMED:  # "..., đến nay mới đạt 32% KH": the clause names it
                    fig.name = " ".join(re.split(r"[,;:]", clause.text)[0].split()[:10])
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
            sector=sector_of(f"{fig.name} {fig.quote}"),
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
                    confidence=run.confidence.get(clause.id),
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
        self.progress("meta", 0, 1)
        # the meta question runs alongside both rounds: nothing waits for its long answer
        meta_answer = self.client.start_many([self._meta_question(run)])
        self._paragraph_parts(run)
        self._label_clauses(run)
        later = len(run.warnings)
        meta = self._meta(run, meta_answer.result()[0])
        run.warnings[:] = run.warnings[later:] + run.warnings[:later]  # meta's come first
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
        summary.run.seconds = round(time.perf_counter() - started, 2)
        return summary
