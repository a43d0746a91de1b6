"""Cue words, matched as whole syllables of Vietnamese text.

A cue is one or more syllables ("còn chậm", "hạn chế"). Vietnamese writes a word as syllables
separated by spaces, so a cue matches only at syllable boundaries ("lũ" is not inside "lũy
kế"), and a cue that is part of a longer compound with another meaning does not count ("yếu"
in "chủ yếu" means "mainly", not "weak"; "còn" in "còn lại" means "remaining").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["NOT_A_CUE", "has_cue"]

#: Compounds in which a cue syllable means something else.
NOT_A_CUE = (
    "chủ yếu",
    "thiết yếu",
    "trọng yếu",
    "còn lại",
    "tồn tại cho",
    "không những",
    "không chỉ",
    "giảm nghèo",
    "giảm thiểu",
    "thu hẹp khoảng cách",
    "lũy kế",
    "luỹ kế",
)


@lru_cache(maxsize=64)
def _pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


_MASK = _pattern(NOT_A_CUE)


def has_cue(text: str, cues: Iterable[str]) -> bool:
    """Whether ``text`` holds one of ``cues`` as whole syllables, outside the compounds in
    :data:`NOT_A_CUE`."""
    masked = _MASK.sub(lambda m: "·" * len(m.group()), text)
    return _pattern(tuple(cues)).search(masked) is not None
