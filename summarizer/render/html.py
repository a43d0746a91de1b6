"""The briefing as one self-contained HTML page, printable on one A4 sheet."""

from __future__ import annotations

from datetime import date

from ..schema import ReportSummary
from .bars import BAR_CSS, bar_html
from .common import render_template
from .layout import build_briefing

__all__ = ["render_html"]


def render_html(summary: ReportSummary, *, today: date | None = None) -> str:
    """HTML with inline CSS only (no fonts, scripts or images fetched); text is escaped.
    Each "% kế hoạch" is also drawn as a small CSS bar (:mod:`.bars`)."""
    return render_template(
        "briefing.html.j2",
        autoescape=True,
        b=build_briefing(summary, today=today),
        bar=bar_html,
        bar_css=BAR_CSS,
    )
