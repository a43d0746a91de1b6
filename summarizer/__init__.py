"""summarizer: typed, source-grounded summaries of Vietnamese local-government meeting reports.

The public API is what this module exports (guarded by a test)::

    from summarizer import summarize, render_briefing
    summary = summarize("report.txt")          # embedded model, or OPENAI_BASE_URL
    print(render_briefing(summary, fmt="md"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import asummarize, open_client, summarize
from .errors import CassetteError, ConfigError, InputError, ModelError, SummarizerError
from .schema import Evidence, Indicator, Meta, PlanPct, ReportSummary, RunInfo, SectionItem, Usage

if TYPE_CHECKING:
    from .render import render_briefing as render_briefing
    from .render import render_review as render_review

__all__ = [
    "CassetteError",
    "ConfigError",
    "Evidence",
    "Indicator",
    "InputError",
    "Meta",
    "ModelError",
    "PlanPct",
    "ReportSummary",
    "RunInfo",
    "SectionItem",
    "SummarizerError",
    "Usage",
    "asummarize",
    "open_client",
    "render_briefing",
    "render_review",
    "summarize",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Renderers pull python-docx; import them when first used, not with the package.
    if name in ("render_briefing", "render_review"):
        from . import render

        return getattr(render, name)
    raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
