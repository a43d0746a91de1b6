"""Gather the requests pending at the same moment into one evaluation, on one thread.

Callers block in :meth:`Gatherer.submit`; a single worker thread (the only one that ever
touches the model) admits every pending request at once into a *stepper* and runs its rounds
(:class:`Stepper`: the llama engine, or :class:`BatchStepper` around a plain function). A
request answered in a round is handed back at once; requests that arrive while rounds run
join at the next round. When to admit is the whole question: too early and a request about to
arrive misses the shared evaluation; too late and everyone idles. Two signals decide:

- a hint: callers announced with :meth:`Gatherer.announce` (``LLMClient.ask_many`` announces
  its workers) are counted, and pending requests are admitted the moment every announced
  caller is waiting, pending or already inside the stepper (``pending + inflight >= active``);
- a quiet window: without announcements (or while an announced caller is busy elsewhere),
  requests are admitted once none has arrived for ``window`` seconds (``hinted_window`` while
  announced callers are still missing), so a lone sequential caller waits only ``window``.

Statistics of every admission (size, wait, why) are kept for the benchmarks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Announcement", "BatchStats", "BatchStepper", "Gatherer", "Stepper"]

Req = TypeVar("Req")
Res = TypeVar("Res")
Req_contra = TypeVar("Req_contra", contravariant=True)
Res_co = TypeVar("Res_co", covariant=True)


class Stepper(Protocol[Req_contra, Res_co]):
    """Evaluates requests in rounds: ``admit`` queues them (returning those that fail at
    once), ``step`` runs one round and returns the requests it finished."""

    @property
    def busy(self) -> bool: ...

    def admit(
        self, requests: Sequence[tuple[Hashable, Req_contra]]
    ) -> list[tuple[Hashable, BaseException]]: ...

    def step(self) -> Sequence[tuple[Hashable, Res_co | BaseException]]: ...


class BatchStepper(Generic[Req, Res]):
    """A :class:`Stepper` around ``evaluate(requests) -> results``: each round evaluates
    everything admitted since the last one."""

    def __init__(self, evaluate: Callable[[list[Req]], list[Res | BaseException]]) -> None:
        self._evaluate = evaluate
        self._queued: list[tuple[Hashable, Req]] = []

    @property
    def busy(self) -> bool:
        return bool(self._queued)

    def admit(self, requests: Sequence[tuple[Hashable, Req]]) -> list[tuple[Hashable, Any]]:
        self._queued += requests
        return []

    def step(self) -> list[tuple[Hashable, Res | BaseException]]:
        queued, self._queued = self._queued, []
        try:
            results = self._evaluate([request for _, request in queued])
        except Exception as exc:  # the whole evaluation failed: every caller hears it
            results = [exc] * len(queued)
        return [(key, result) for (key, _), result in zip(queued, results, strict=True)]


@dataclass
class BatchStats:
    """What the gatherer did: one record per admission, and the time of every round."""

    sizes: list[int] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


class Announcement:
    """Callers announced to a :class:`Gatherer`; released one by one or all at the end."""

    def __init__(self, gatherer: Gatherer[Any, Any], callers: int) -> None:
        self._gatherer = gatherer
        self._left = callers
        self._lock = threading.Lock()

    def release(self, callers: int = 1) -> None:
        with self._lock:
            callers = min(callers, self._left)
            self._left -= callers
        if callers:
            self._gatherer._release(callers)

    def __enter__(self) -> Announcement:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release(self._left)


class Gatherer(Generic[Req, Res]):
    """Feeds a :class:`Stepper` from many calling threads, on a thread of its own."""

    def __init__(
        self,
        stepper: Stepper[Req, Res],
        *,
        window: float = 0.002,
        hinted_window: float = 0.2,
        teardown: Callable[[], None] | None = None,
        name: str = "llama-engine",
    ) -> None:
        self._stepper = stepper
        self._teardown = teardown
        self.window = window
        self.hinted_window = hinted_window
        self.stats = BatchStats()
        self._cond = threading.Condition()
        self._pending: list[tuple[Req, Future[Res], float]] = []
        self._active = 0
        self._inflight = 0  # admitted, not answered yet
        self._last_arrival = 0.0
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, request: Req) -> Res:
        """Evaluate ``request`` with whatever else is pending; blocks until it is done."""
        future: Future[Res] = Future()
        with self._cond:
            if self._closed:
                raise RuntimeError("the model engine is closed")
            self._last_arrival = time.monotonic()
            self._pending.append((request, future, self._last_arrival))
            self._cond.notify_all()
        return future.result()

    def announce(self, callers: int) -> Announcement:
        """Announce ``callers`` that will submit soon and wait for their answers; each calls
        :meth:`Announcement.release` when it is done for good (leaving the ``with`` block
        releases the rest)."""
        with self._cond:
            self._active += callers
        return Announcement(self, callers)

    def _release(self, callers: int) -> None:
        with self._cond:
            self._active = max(0, self._active - callers)
            self._cond.notify_all()

    def close(self) -> None:
        """Stop the worker once its work is done (it runs ``teardown`` last, so the model is
        freed by the thread that used it); later submits fail."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=60)

    # -- the worker --------------------------------------------------------------------------

    def _ready(self, now: float) -> str | None:
        """Why the pending requests should be admitted now, or ``None`` to hold them."""
        if not self._pending:
            return None
        if self._closed:
            return "closing"
        if self._active > 0 and len(self._pending) + self._inflight >= self._active:
            return "all"
        return "window" if now - self._last_arrival >= self._limit() else None

    def _limit(self) -> float:
        waiting = len(self._pending) + self._inflight
        return self.hinted_window if self._active > waiting else self.window

    def _take(self) -> list[tuple[Req, Future[Res], float]] | None:
        """The requests to admit now (maybe none while rounds are running), or ``None`` to
        stop."""
        with self._cond:
            while True:
                now = time.monotonic()
                reason = self._ready(now)
                if reason is not None:
                    taken, self._pending = self._pending, []
                    self._inflight += len(taken)
                    self.stats.sizes.append(len(taken))
                    self.stats.waits.append(now - min(arrived for _, _, arrived in taken))
                    self.stats.reasons.append(reason)
                    return taken
                if self._stepper.busy:
                    return []  # keep the rounds going; the newcomers join when ready
                if self._closed:
                    return None
                if self._pending:
                    self._cond.wait(max(0.0005, self._last_arrival + self._limit() - now))
                else:
                    self._cond.wait()

    def _loop(self) -> None:
        futures: dict[Hashable, Future[Res]] = {}
        try:
            while (taken := self._take()) is not None:
                for _, future, _ in taken:
                    futures[id(future)] = future
                failed = self._stepper.admit([(id(f), r) for r, f, _ in taken]) if taken else []
                finished: list[tuple[Hashable, Res | BaseException]] = list(failed)
                if self._stepper.busy:
                    started = time.perf_counter()
                    try:
                        finished += self._stepper.step()
                    except BaseException as exc:  # a broken stepper: fail everyone waiting
                        finished += [(key, exc) for key in futures]
                    self.stats.seconds.append(time.perf_counter() - started)
                if finished:
                    with self._cond:
                        self._inflight -= len(finished)
                for key, result in finished:
                    future = futures.pop(key)
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            for future in futures.values():
                if not future.done():
                    future.set_exception(RuntimeError("the model engine stopped"))
            if self._teardown is not None:
                self._teardown()
