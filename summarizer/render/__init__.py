"""Renderers: the one-page briefing (Markdown, HTML, DOCX) and the evidence review page.

All formats share one view-model (:mod:`.common`), so they show the same rows and bullets.
HTML is rendered with autoescaping: report and model text can never inject markup.
"""

from __future__ import annotations

from datetime import date

from ..errors import ConfigError
from ..schema import ReportSummary
from .common import format_number
from .review import render_review

__all__ = ["FORMATS", "format_number", "render_briefing", "render_review"]

FORMATS = ("md", "html", "docx")


def render_briefing(
    summary: ReportSummary, fmt: str = "md", *, today: date | None = None
) -> str | bytes:
    """The briefing as Markdown or HTML text, or DOCX bytes; ``today`` dates the footer."""
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(summary, today=today)
    if fmt == "html":
        from .html import render_html

        return render_html(summary, today=today)
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(summary, today=today)
    raise ConfigError(f"unknown briefing format {fmt!r}: choose one of {', '.join(FORMATS)}")
