"""Is a summary worth handing to anyone? The judgement behind "never a silent failure".

A model that answers garbage (not JSON, fields the schema forbids, labels outside the allowed
choices, no choices at all) does not make the pipeline fail: each rejected answer only drops
one item, as it should for the odd bad answer. Summed over a report, though, such a run yields a
briefing whose every section says "not stated", and that must never pass for success. This
module says, from the summary alone, whether it is

- **unusable** — at least half of the questions asked got no valid answer on any attempt, or a
  report with text yielded no indicator, achievement, shortcoming or task at all. The API
  raises :class:`UnusableSummary` (a :class:`ModelError`, exit 3); batch never caches it.
- **thin** — usable but weak: no achievement, shortcoming or task at all (only figures), or at
  least one question in five rejected. A warning; the summary is still returned.
- **ok** — otherwise.

The dev cassettes (real answers of the embedded model) reject 0–1 questions of 45–66; a broken
endpoint rejects nearly all of them, so the thresholds sit far from both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .errors import ModelError
from .schema import ReportSummary

__all__ = ["Health", "UnusableSummary", "judge", "note"]

Level = Literal["ok", "thin", "unusable"]
#: share of questions rejected at or above which a summary is unusable / thin
UNUSABLE_SHARE = 0.5
THIN_SHARE = 0.2
#: how ``note`` marks its line in ``run.warnings``
PREFIXES = {"unusable": "unusable summary: ", "thin": "thin summary: "}


@dataclass(frozen=True)
class Health:
    """The verdict on one summary, with a one-line reason when it is not ``ok``."""

    level: Level
    reason: str = ""


class UnusableSummary(ModelError):
    """The run finished but produced nothing usable; ``summary`` is what it produced, for a
    caller that wants to inspect it (its warnings say what went wrong)."""

    def __init__(self, message: str, summary: ReportSummary) -> None:
        super().__init__(message)
        self.summary = summary


def judge(summary: ReportSummary) -> Health:
    """The verdict on ``summary``, from its usage counters and its content."""
    usage = summary.run.usage
    asked = usage.calls - usage.retries  # one per question; re-asks are the calls beyond
    rejected = usage.rejected
    items = len(summary.achievements) + len(summary.shortcomings) + len(summary.tasks)
    has_text = bool((summary.text or "").strip()) or asked > 0
    if asked > 0 and rejected >= UNUSABLE_SHARE * asked:
        example = _first_rejection(summary)
        return Health(
            "unusable",
            f"{rejected} of {asked} model answers were unusable{example}; check that "
            "--base-url/--model name a chat model that answers in JSON",
        )
    if has_text and not items and not summary.indicators:
        return Health(
            "unusable",
            "no indicator, achievement, shortcoming or task was found in the report",
        )
    if not items:
        return Health("thin", "no achievement, shortcoming or task was found (figures only)")
    if asked > 0 and rejected >= THIN_SHARE * asked:
        return Health("thin", f"{rejected} of {asked} model answers were rejected")
    return Health("ok")


def note(health: Health) -> str | None:
    """The line the pipeline adds to ``run.warnings`` for a verdict other than ``ok``."""
    return None if health.level == "ok" else PREFIXES[health.level] + health.reason


def _first_rejection(summary: ReportSummary) -> str:
    """' (e.g. <why>)' from the first rejection the run recorded, or ''."""
    for warning in summary.run.warnings:
        if warning.startswith(tuple(PREFIXES.values())):
            continue
        why = warning.partition(": ")[2]
        if why:
            why = " ".join(why.split())
            return f" (e.g. {why[:80]}{'...' if len(why) > 80 else ''})"
    return ""
