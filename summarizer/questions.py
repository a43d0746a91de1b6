"""The questions the model is asked about one report, as chat requests (prompt shaping only).

Two kinds, each asked on its own after a system prompt that is the same for every report (so
a backend keeps it processed): which part of the report a paragraph belongs to, from its
opening; and which section a clause belongs to, given its paragraph's part, with only the
choices the genre's rules leave open. Report text only ever enters a prompt as a template
variable's value, so text that looks like Jinja stays text.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from .answers import ParagraphPart, clause_label
from .ingest import Segment
from .llm import Question
from .prompts import PromptSet

__all__ = ["Questions", "excerpt"]

#: A paragraph's part shows in its opening; reading more costs time and adds nothing. Its
#: tokens are most of the part questions' cost: 200 characters scored as 300 did on both
#: example sets, 150 lost achievements' precision and tasks' recall (bench/RESULTS.md).
EXCERPT_CHARS = 200


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The opening of a paragraph, cut at a word boundary (with "…" when cut)."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


class Questions:
    """Builds the requests of one prompt set."""

    def __init__(self, prompts: PromptSet) -> None:
        self.prompts = prompts

    @cached_property
    def _part_system(self) -> str:
        return self.prompts.render("paragraph_part.system")

    @cached_property
    def _label_system(self) -> str:
        return self.prompts.render("label_clause.system")

    def part(self, paragraph: Segment) -> Question[Any]:
        """Review, coming period, or the meeting itself?"""
        user = self.prompts.render("paragraph_part.user", paragraph=excerpt(paragraph.text))
        messages = [
            {"role": "system", "content": self._part_system},
            {"role": "user", "content": user},
        ]
        return Question(ParagraphPart, messages, source=paragraph.text, max_tokens=16)

    def label(self, clause: Segment, part: str, allowed: tuple[str, ...]) -> Question[Any]:
        """Which of ``allowed`` is this clause, in a paragraph of ``part``?"""
        user = self.prompts.render("label_clause.user", part=part, clause=clause.text)
        messages = [
            {"role": "system", "content": self._label_system},
            {"role": "user", "content": user},
        ]
        return Question(clause_label(allowed), messages, source=clause.text, max_tokens=16)
