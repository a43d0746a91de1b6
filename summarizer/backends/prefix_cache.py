"""Which processed prefixes stay in the KV cache between evaluations, and on which sequence.

A kept prefix (a system prompt, a report's text before its questions) lives on a *keeper*
sequence of its own. A new request whose prompt starts with it gets those cells by
``seq_cp`` (cells are shared, not copied, in a unified KV cache) and computes only the rest. So
no report pays for a system prompt again, and a paragraph read for one round of questions is
still there for the next. Keepers are bounded in number and in cells and evicted least
recently used. This class only does the bookkeeping; the engine applies the sequence
operations it returns.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Keeper", "PrefixCache", "common_length", "shared_prefixes"]


@dataclass
class Keeper:
    """One kept prefix on its own KV sequence."""

    seq: int
    tokens: tuple[int, ...]
    used: int = 0


def common_length(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens two token sequences share."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class PrefixCache:
    """Keepers on the sequence ids ``seqs``, holding at most ``budget`` KV cells together."""

    def __init__(self, seqs: Sequence[int], budget: int) -> None:
        self._free = list(reversed(seqs))
        self.budget = budget
        self.keepers: list[Keeper] = []
        self._clock = 0

    def _tick(self) -> int:
        self._clock += 1
        return self._clock

    def match(self, tokens: Sequence[int]) -> tuple[Keeper | None, int]:
        """The keeper sharing the longest prefix with ``tokens``, and that length."""
        best: Keeper | None = None
        length = 0
        for keeper in self.keepers:
            n = common_length(keeper.tokens, tokens)
            if n > length:
                best, length = keeper, n
        if best is not None:
            best.used = self._tick()
        return best, length

    def cells(self, extra: Sequence[Sequence[int]] = ()) -> int:
        """KV cells the keepers (plus ``extra`` paths) occupy: a trie's node count, since
        keepers that share a prefix share its cells."""
        paths = sorted([k.tokens for k in self.keepers] + [tuple(p) for p in extra])
        total = 0
        previous: tuple[int, ...] = ()
        for path in paths:
            total += len(path) - common_length(previous, path)
            previous = path
        return total

    def keep(self, tokens: Sequence[int]) -> tuple[int | None, list[int]]:
        """Keep ``tokens``: the keeper sequence to copy them into (``None`` when a keeper
        already holds them) and the sequences to clear (keepers it covers or evicts)."""
        path = tuple(tokens)
        for keeper in self.keepers:
            if keeper.tokens[: len(path)] == path:
                keeper.used = self._tick()
                return None, []
        if self.cells([path]) - self.cells() > self.budget:
            return None, []
        covered = [k for k in self.keepers if path[: len(k.tokens)] == k.tokens]
        cleared = [k.seq for k in covered]
        self.keepers = [k for k in self.keepers if k not in covered]
        self._free.extend(cleared)
        while self.keepers and (not self._free or self.cells([path]) > self.budget):
            victim = min(self.keepers, key=lambda k: k.used)
            self.keepers.remove(victim)
            self._free.append(victim.seq)
            cleared.append(victim.seq)
        if not self._free or self.cells([path]) > self.budget:
            return None, cleared
        keeper = Keeper(self._free.pop(), path, self._tick())
        self.keepers.append(keeper)
        return keeper.seq, cleared

    def drop_all(self) -> list[int]:
        """Forget every keeper; the sequences to clear."""
        cleared = [k.seq for k in self.keepers]
        self._free.extend(cleared)
        self.keepers = []
        return cleared


def shared_prefixes(prompts: Sequence[Sequence[int]], min_length: int) -> list[tuple[int, ...]]:
    """The longest prefixes that at least two of ``prompts`` share (each at least
    ``min_length`` tokens, none a prefix of another): where a batch's trie branches."""
    ordered = sorted(tuple(p) for p in prompts)
    found = set()
    for a, b in itertools.pairwise(ordered):
        n = common_length(a, b)
        if n >= min_length and n < max(len(a), len(b)):
            found.add(a[:n])
    return [p for p in found if not any(q != p and q[: len(p)] == p for q in found)]
