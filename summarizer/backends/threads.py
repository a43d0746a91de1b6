"""How many threads an evaluation round gets: measured while running, not guessed.

On a two-core machine shared with other processes, two llama.cpp threads wait for each other
at every graph node whenever the scheduler parks one of them: measured here, a 512-token
prefill ran as fast on one thread as on two under such load, and a one-token step took 3 s on
two threads against 0.1 s on one. On an idle machine two threads are nearly twice as fast,
for big batches and for the small rounds of a few tokens alike (dev2, ten reports in one
process: 222 s with small rounds on one thread and the runner-up probed every 6th round,
155 s with both on all cores and probing rare; bench/RESULTS.md). So the engine keeps one
chooser for big rounds and one for small ones; each starts on its first option (all cores),
keeps the thread count with the better recent seconds per token, and tries the other one
only now and then: a probe on a quiet machine costs a round at half speed, so it is rare, and
a machine that gets loaded shows in the chosen option's own rising cost.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ThreadChooser"]


class ThreadChooser:
    """Picks among ``options`` by an exponentially weighted average of seconds per token."""

    def __init__(self, options: Sequence[int], probe_every: int = 25, weight: float = 0.5) -> None:
        self.options = list(dict.fromkeys(options))
        self.probe_every = probe_every
        self.weight = weight
        self.cost: dict[int, float] = {}
        self._picks = 0

    def pick(self) -> int:
        """The thread count for the next round: the first option until the others are measured
        (at probe time), then the cheapest, with the runner-up looked at again now and then."""
        self._picks += 1
        probe = len(self.options) > 1 and self._picks % self.probe_every == 0
        unmeasured = [n for n in self.options if n not in self.cost]
        if self.options[0] in unmeasured or (probe and unmeasured):
            return unmeasured[0]
        ranked = sorted((n for n in self.options if n in self.cost), key=lambda n: self.cost[n])
        if probe and len(ranked) > 1:
            return ranked[1]  # look again at the runner-up: the load may have changed
        return ranked[0]

    def record(self, threads: int, tokens: int, seconds: float) -> None:
        """One round's measurement."""
        if tokens <= 0:
            return
        per_token = seconds / tokens
        old = self.cost.get(threads)
        self.cost[threads] = (
            per_token if old is None else (self.weight * per_token + (1 - self.weight) * old)
        )
