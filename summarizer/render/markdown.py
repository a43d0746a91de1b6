"""The briefing as Markdown (``templates/briefing.md.j2``)."""

from __future__ import annotations

import re
from datetime import date

from ..schema import ReportSummary
from .common import render_template
from .layout import build_briefing

__all__ = ["md_escape", "render_markdown"]

# Characters that would otherwise start emphasis, links, code, raw HTML or end a table cell.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md_escape(text: str) -> str:
    """Literal text for Markdown: special characters backslash-escaped, newlines as spaces."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def render_markdown(summary: ReportSummary, *, today: date | None = None) -> str:
    briefing = build_briefing(summary, today=today)
    env_vars = {"b": briefing}
    return render_template("briefing.md.j2", autoescape=False, esc=md_escape, **env_vars)
