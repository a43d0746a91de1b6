"""Guesses for free-text answers: the next tokens are often already written somewhere.

A decoded answer (the meta question's JSON) copies names from the report and repeats the
skeleton of earlier answers to the same schema. Guessing the next few tokens from there
(prompt lookup) lets one round evaluate several positions; llama.cpp's sampler still picks
every token, position by position, and a guess counts only as far as it matches, so the
output is exactly what one-token-per-round decoding gives.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

__all__ = ["Drafter"]


class Drafter:
    """Drafts continuations from the prompt and from recent answers to the same schema."""

    def __init__(self, length: int = 4, min_match: int = 3, remember: int = 4) -> None:
        self.length = length
        self.min_match = min_match
        self._answers: deque[tuple[int, ...]] = deque(maxlen=remember)

    def record(self, answer: Sequence[int]) -> None:
        """Remember a finished answer's tokens."""
        if answer:
            self._answers.appendleft(tuple(answer))

    def guess(self, prompt: Sequence[int], out: Sequence[int]) -> list[int]:
        """Up to ``length`` tokens that followed the longest recent match of the output's
        last tokens: in earlier answers first (most recent first), then in the prompt. An
        empty output starts like the last answer."""
        if not out:
            return list(self._answers[0][: self.length]) if self._answers else []
        for n in range(min(len(out), 4), self.min_match - 1, -1):
            tail = tuple(out[-n:])
            for source in (*self._answers, tuple(out[:-1]), tuple(prompt)):
                found = _last_index(source, tail)
                if found is not None and found + n < len(source):
                    return list(source[found + n : found + n + self.length])
        return []


def _last_index(haystack: tuple[int, ...], needle: tuple[int, ...]) -> int | None:
    """Where ``needle`` last starts in ``haystack``."""
    n = len(needle)
    first = needle[0]
    for i in range(len(haystack) - n, -1, -1):
        if haystack[i] == first and haystack[i : i + n] == needle:
            return i
    return None
