"""What the model is asked to return: small answers, each checked against the report.

These are the ``response_model``s given to instructor. Their validators read the text the
answer is about from :data:`summarizer.llm.SOURCE`; a failed check becomes the re-ask message,
so every message here is written for the model to act on. Numbers never come from these
answers except meta ordinals and dates, and those must be written in the report.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .grounding import locate
from .llm import SOURCE
from .numbers import numbers_in

__all__ = ["ClauseLabel", "MetaAnswer", "meta_problems"]

Label = Literal["achievement", "shortcoming", "task", "other"]

#: A shortcoming states a limit, a lack or a delay; a clause without any such word is not one.
_NEGATIVE_CUES = re.compile(
    r"hạn chế|chậm|chưa|khó khăn|thấp|yếu|tồn tại|bất cập|vướng|thiếu|không|giảm|còn|"
    r"sụt|thách thức|phức tạp|ô nhiễm|vi phạm|nợ|tụt|kém|hụt|ảnh hưởng|bất lợi|tiềm ẩn|lo ngại",
    re.IGNORECASE,
)


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClauseLabel(_Answer):
    """Which section a clause belongs to."""

    label: Label

    @field_validator("label")
    @classmethod
    def _shortcoming_needs_a_limit(cls, label: str) -> str:
        clause = SOURCE.get()
        if label == "shortcoming" and clause and not _NEGATIVE_CUES.search(clause):
            raise ValueError(
                "this clause states no limitation, delay or difficulty; "
                "choose achievement, task or other"
            )
        return label


UnitKind = Literal["huyện", "thị xã", "thành phố", "quận", "tỉnh", "other"]


class MetaAnswer(_Answer):
    """Which meeting the report is about; null when the text does not say."""

    unit_name: str | None = Field(None, description="district/town name without 'huyện'")
    unit_kind: UnitKind | None = None
    province: str | None = None
    body: str | None = Field(None, description="who held the meeting, as written")
    meeting_no: int | None = Field(None, description="'lần thứ 17' -> 17")
    term: str | None = Field(None, description="'khóa XXVII' -> 'XXVII'")
    meeting_date: str | None = Field(None, description="YYYY-MM-DD")
    period: str | None = Field(None, description="the period reviewed, as written")

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
    for name in ("unit_name", "province", "body", "term", "period"):
        value = getattr(answer, name)
        if value is not None and locate(source, value) is None:
            problems[name] = f"{name} {value!r} is not written in the report (copy it or use null)"
    known = numbers_in(source)
    if answer.meeting_no is not None and float(answer.meeting_no) not in known:
        problems["meeting_no"] = f"meeting_no {answer.meeting_no} is not written in the report"
    if answer.meeting_date is not None:
        try:
            day = date.fromisoformat(answer.meeting_date)
        except ValueError:
            problems["meeting_date"] = f"meeting_date {answer.meeting_date!r} is not YYYY-MM-DD"
        else:
            if not {float(day.day), float(day.month)} <= known:
                problems["meeting_date"] = (
                    f"meeting_date {answer.meeting_date}: that day and month are not in the report"
                )
    return problems
