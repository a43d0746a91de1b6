"""The JSON contract: what ``summarizer extract --json`` prints and the Python API returns.

Field names follow ``eval/ANNOTATION.md`` so a summary and a gold file compare field by field.
Every item carries ``evidence``: character spans into the NFC-normalised report text, set by
code (``grounding``), never trusted from the model. ``schemas/*.json`` are generated from these
models (``python -m summarizer.schema``); a test fails when they drift.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Evidence",
    "Indicator",
    "Meta",
    "PlanPct",
    "ReportSummary",
    "RunInfo",
    "SectionItem",
    "Usage",
]

UnitKind = Literal["huyện", "thị xã", "thành phố", "quận", "tỉnh", "other"]
IndicatorKind = Literal["result", "target"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Where the report says it: ``text[start:end] == quote`` on the NFC report text."""

    quote: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _span_matches_quote_length(self) -> Evidence:
        if self.end - self.start != len(self.quote):
            raise ValueError("evidence span length differs from the quote length")
        return self


class PlanPct(_Model):
    """One "đạt X% <basis>" attached to a figure: X percent of a plan, estimate or target."""

    pct: float
    basis: str = Field(description="as written: 'kế hoạch', 'KH', 'dự toán tỉnh giao', ...")


class Indicator(_Model):
    """A quantitative fact of the period (``result``) or a goal for the next one (``target``)."""

    name: str
    value: float | None = Field(None, description="the figure; for a range, its lower end")
    value_high: float | None = Field(
        None, description="upper end of a range ('từ 5-7%' -> value 5, value_high 7), else null"
    )
    qualifier: str | None = Field(
        None, description="how the report bounds the figure, as written: 'trên', 'hơn', 'gần', ..."
    )
    unit: str | None = None
    of_total: float | None = None
    plan_pct: list[PlanPct] = Field(default_factory=list)
    same_period_pct: float | None = None
    change_pct: float | None = None
    kind: IndicatorKind = "result"
    sector: str | None = None
    evidence: list[Evidence] = Field(min_length=1)


class SectionItem(_Model):
    """One idea of a section (achievement, shortcoming or task), with where it is said."""

    text: str
    sector: str | None = None
    confidence: float | None = Field(
        None,
        description="the model's probability for this section (null when a rule decided it or "
        "the backend gives no probabilities)",
    )
    evidence: list[Evidence] = Field(min_length=1)


class Meta(_Model):
    """What meeting the report is about. Unknown fields are null, never guessed."""

    unit_name: str | None = None
    unit_kind: UnitKind | None = None
    province: str | None = None
    body: str | None = None
    meeting_no: int | None = None
    term: str | None = None
    meeting_date: date | None = None
    period: str | None = None
    period_months: int | None = None
    year: int | None = None


class Usage(_Model):
    """Model cost of one summary, summed over every call including re-asks."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    retries: int = Field(0, description="validation re-asks (calls beyond the first per question)")
    transport_retries: int = Field(0, description="attempts repeated after 429/5xx/timeouts")
    rejected: int = Field(
        0, description="questions whose answer failed validation on every attempt (item dropped)"
    )

    def add(self, other: Usage) -> Usage:
        return Usage(**{k: getattr(self, k) + getattr(other, k) for k in Usage.model_fields})


class RunInfo(_Model):
    """How the summary was made: enough to reproduce it and to account for its cost."""

    model: str
    backend: str
    prompt_version: str
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0
    warnings: list[str] = Field(default_factory=list)


class ReportSummary(_Model):
    """A typed, source-grounded summary of one report."""

    doc: str | None = Field(None, description="source file name, when summarised from a file")
    text: str | None = Field(
        None,
        description="the report text every evidence offset indexes: the decoded file text "
        "(byte-order mark removed), NFC-normalised, nothing else changed",
    )
    meta: Meta
    indicators: list[Indicator] = Field(default_factory=list)
    achievements: list[SectionItem] = Field(default_factory=list)
    shortcomings: list[SectionItem] = Field(default_factory=list)
    tasks: list[SectionItem] = Field(default_factory=list)
    run: RunInfo

    def all_evidence(self) -> list[Evidence]:
        """Every span the summary cites, in section order."""
        items: list[Indicator | SectionItem] = [
            *self.indicators,
            *self.achievements,
            *self.shortcomings,
            *self.tasks,
        ]
        return [ev for item in items for ev in item.evidence]


SCHEMA_MODELS: dict[str, type[BaseModel]] = {"report_summary": ReportSummary}


def json_schemas() -> dict[str, str]:
    """File name -> JSON Schema text, exactly as checked in under ``schemas/``."""
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False)
        + "\n"
        for name, model in SCHEMA_MODELS.items()
    }


def write_schemas(folder: Path) -> list[Path]:
    """Regenerate ``schemas/`` from the models (run after changing the contract)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in json_schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - developer command
    for p in write_schemas(Path(__file__).resolve().parent.parent / "schemas"):
        print(p)
