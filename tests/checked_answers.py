"""Answer models with validators that read the question's source, for testing the client's
re-ask and context machinery (the product's own answers are plain choices: the genre's rules
restrict them up front, so they never need a re-ask)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from summarizer.answers import _Answer
from summarizer.grounding import locate
from summarizer.llm import SOURCE


class CheckedLabel(_Answer):
    """A label whose "shortcoming" needs a word of limitation in the source."""

    label: Literal["achievement", "shortcoming", "task", "other"]

    @field_validator("label")
    @classmethod
    def _shortcoming_needs_a_limit(cls, value: str) -> str:
        source = SOURCE.get()
        if (
            value == "shortcoming"
            and source
            and not any(
                cue in source.lower() for cue in ("còn", "chưa", "chậm", "thấp", "khó khăn")
            )
        ):
            raise ValueError(
                "this clause states no limitation, delay or difficulty; "
                "choose achievement, task or other"
            )
        return value


class NamesAnswer(_Answer):
    """Free-text names that must be written in the source (or null)."""

    unit_name: str | None = Field(None, description="district name without 'huyện'")
    body: str | None = None

    @model_validator(mode="after")
    def _said_in_the_source(self) -> NamesAnswer:
        source = SOURCE.get()
        for name in ("unit_name", "body"):
            value = getattr(self, name)
            if source and value is not None and locate(source, value) is None:
                raise ValueError(
                    f"{name} {value!r} is not written in the report (copy it or use null)"
                )
        return self
