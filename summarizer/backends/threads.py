"""How many threads a big evaluation round gets: measured while running, not guessed.

On a two-core machine shared with other processes, two llama.cpp threads wait for each other
at every graph node whenever the scheduler parks one of them: measured here, a 512-token
prefill ran as fast on one thread as on two under such load, and a one-token step took 3 s on
two threads against 0.1 s on one. On an idle machine two threads are nearly twice as fast for
big batches. So small rounds always run on one thread (``Engine(small_threads=...)``), and
for big rounds this chooser keeps the thread count with the better recent seconds per token,
trying the other one now and then, since the machine's load changes under us.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ThreadChooser"]


class ThreadChooser:
    """Picks among ``options`` by an exponentially weighted average of seconds per token."""

    def __init__(self, options: Sequence[int], probe_every: int = 6, weight: float = 0.5) -> None:
        self.options = list(dict.fromkeys(options))
        self.probe_every = probe_every
        self.weight = weight
        self.cost: dict[int, float] = {}
        self._picks = 0

    def pick(self) -> int:
        """The thread count for the next big round."""
        self._picks += 1
        unmeasured = [n for n in self.options if n not in self.cost]
        if unmeasured:
            return unmeasured[0]
        ranked = sorted(self.options, key=lambda n: self.cost[n])
        if len(ranked) > 1 and self._picks % self.probe_every == 0:
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
