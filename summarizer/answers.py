"""What the model is asked to return: one choice among a few strings, per question.

These are the ``response_model``s given to instructor. A label's choices are the ones the
genre's rules leave open for its clause (``genre.parts.allowed_labels``, ``genre.labels``), so
the grammar, or the embedded model's choice among the candidates' logits, can never produce a
label the report's structure rules out; nothing needs a re-ask. Numbers never come from these
answers: they are read by code.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from instructor import ResponseSchema
from pydantic import ConfigDict, create_model

__all__ = ["ClauseLabel", "ParagraphPart", "clause_label"]

Label = Literal["achievement", "shortcoming", "task", "other"]
LABELS: tuple[str, ...] = ("achievement", "shortcoming", "task", "other")


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


class ClauseLabel(_Answer):
    """Which section a clause belongs to."""

    label: Label


_LABEL_MODELS: dict[tuple[str, ...], type[_Answer]] = {LABELS: ClauseLabel}


def clause_label(allowed: tuple[str, ...]) -> type[_Answer]:
    """The answer model whose only choices are ``allowed`` (in the canonical order); one
    class per set, so instructor and the backends see the same schema every time."""
    key = tuple(label for label in LABELS if label in allowed) or ("other",)
    if key not in _LABEL_MODELS:
        _LABEL_MODELS[key] = create_model(
            "ClauseLabel",
            __base__=_Answer,
            __doc__=ClauseLabel.__doc__,
            label=(Literal.__getitem__(key), ...),
        )
    return _LABEL_MODELS[key]
