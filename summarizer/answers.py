"""What the model is asked to return: small answers, each checked against the report.

These are the ``response_model``s given to instructor. Their validators read the text the
answer is about from :data:`summarizer.llm.SOURCE`; a failed check becomes the re-ask message,
so every message here is written for the model to act on. Numbers never come from these
answers except meta ordinals and dates, and those must be written in the report.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Literal

from instructor import ResponseSchema
from pydantic import ConfigDict, Field, field_validator, model_validator

from .grounding import locate
from .llm import SOURCE

__all__ = [
    "ClauseLabel",
    "ComingLabel",
    "MetaAnswer",
    "ParagraphPart",
    "ReviewLabel",
    "meta_problems",
]

Label = Literal["achievement", "shortcoming", "task", "other"]

#: A shortcoming states a limit, a lack or a delay; a clause without any such word is not one.
_NEGATIVE_CUES = re.compile(
    r"hạn chế|chậm|chưa|khó khăn|thấp|yếu|tồn tại|bất cập|vướng|thiếu|không|giảm|còn|"
    r"sụt|thách thức|phức tạp|ô nhiễm|vi phạm|nợ|tụt|kém|hụt|ảnh hưởng|bất lợi|tiềm ẩn|lo ngại|"
    r"bất ổn|thu hẹp|suy|gián đoạn|dịch bệnh|thiên tai|rủi ro|áp lực|xuống cấp|kéo dài|"
    r"khuyết điểm|hạn hán|lũ|bão|biến động|tăng cao|đình trệ",
    re.IGNORECASE,
)


_SCHEMAS: dict[Any, dict[str, Any]] = {}


class _Answer(ResponseSchema):
    """Base of every answer. Subclassing instructor's ResponseSchema up front spares
    instructor from deriving a wrapper class on every call (most of the per-call overhead)."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema of an answer never changes; instructor asks for it on every call."""
        key = (cls, args, tuple(sorted(kwargs.items())))
        if key not in _SCHEMAS:
            _SCHEMAS[key] = super().model_json_schema(*args, **kwargs)
        return copy.deepcopy(_SCHEMAS[key])  # callers may modify what they get


class ParagraphPart(_Answer):
    """Which part of the report a paragraph belongs to."""

    part: Literal["review", "coming", "meeting"]


def _check_shortcoming(label: str) -> str:
    clause = SOURCE.get()
    if label == "shortcoming" and clause and not _NEGATIVE_CUES.search(clause):
        raise ValueError(
            "this clause states no limitation, delay or difficulty; "
            "choose achievement, task or other"
        )
    return label


class ClauseLabel(_Answer):
    """Which section a clause belongs to (any part of the report)."""

    label: Label

    _shortcoming_needs_a_limit = field_validator("label")(
        classmethod(lambda cls, v: _check_shortcoming(v))
    )


class ReviewLabel(_Answer):
    """A clause of a paragraph that reviews the period: no tasks there."""

    label: Literal["achievement", "shortcoming", "other"]

    _shortcoming_needs_a_limit = field_validator("label")(
        classmethod(lambda cls, v: _check_shortcoming(v))
    )


class ComingLabel(_Answer):
    """The opening clause of a paragraph about the coming period: a task, or its preamble."""

    label: Literal["task", "other"]


UnitKind = Literal["huyện", "thị xã", "thành phố", "quận", "tỉnh", "other"]


class MetaAnswer(_Answer):
    """Who held the meeting and where; null when the text does not say. (Dates, ordinals,
    terms and periods are read by code: ``summarizer.meeting``.)"""

    unit_name: str | None = Field(None, description="district/town name without 'huyện'")
    unit_kind: UnitKind | None = None
    province: str | None = None
    body: str | None = Field(None, description="who held the meeting, as written")

    @field_validator("unit_name", mode="before")
    @classmethod
    def _without_its_kind(cls, value: object) -> object:
        """'Huyện Như Xuân' -> 'Như Xuân': the kind is its own field (a slip, not a fact)."""
        if isinstance(value, str):
            return (
                re.sub(
                    r"^(?:huyện|thị xã|thành phố|quận|tỉnh)\s+",
                    "",
                    value.strip(),
                    flags=re.IGNORECASE,
                )
                or None
            )
        return value

    @model_validator(mode="after")
    def _said_in_the_report(self) -> MetaAnswer:
        problems = meta_problems(self, SOURCE.get())
        if problems:
            raise ValueError("; ".join(problems.values()))
        return self


def meta_problems(answer: MetaAnswer, source: str) -> dict[str, str]:
    """Field -> why the report does not support it (empty when all fields are supported)."""
    if not source:
        return {}
    problems = {}
    for name in ("unit_name", "province", "body"):
        value = getattr(answer, name)
        if value is not None and locate(source, value) is None:
            problems[name] = f"{name} {value!r} is not written in the report (copy it or use null)"
    return problems
