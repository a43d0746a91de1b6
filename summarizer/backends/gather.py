"""Gather the requests pending at the same moment into one evaluation, on one thread.

Callers block in :meth:`Gatherer.submit`; a single worker thread (the only one that ever
touches the model) takes every pending request at once and evaluates them together. When to
start is the whole question: too early and a request that was about to arrive waits for the
next batch; too late and everyone idles. Two signals decide:

- a hint: callers announced with :meth:`Gatherer.announce` (``LLMClient.ask_many`` announces
  its workers) are counted, and a batch starts the moment every announced caller is waiting
  (``pending >= active``);
- a quiet window: without announcements (or when an announced caller is busy elsewhere), a
  batch starts once no request has arrived for ``window`` seconds (``hinted_window`` while
  announced callers are still missing), so a lone sequential caller waits only ``window``.

Statistics of every batch (size, wait, why it started) are kept for the benchmarks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["Announcement", "BatchStats", "Gatherer"]

Req = TypeVar("Req")
Res = TypeVar("Res")


@dataclass
class BatchStats:
    """What the gatherer did: one record per evaluated batch."""

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
    """Runs ``evaluate(requests) -> results`` (same order; an exception per failed request)
    on its own thread for every group of requests pending together."""

    def __init__(
        self,
        evaluate: Callable[[list[Req]], list[Res | BaseException]],
        *,
        window: float = 0.002,
        hinted_window: float = 0.2,
        teardown: Callable[[], None] | None = None,
        name: str = "llama-engine",
    ) -> None:
        self._evaluate = evaluate
        self._teardown = teardown
        self.window = window
        self.hinted_window = hinted_window
        self.stats = BatchStats()
        self._cond = threading.Condition()
        self._pending: list[tuple[Req, Future[Res], float]] = []
        self._active = 0
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
        """Stop the worker after the batch in progress (it runs ``teardown`` last, so the
        model is freed by the thread that used it); later submits fail."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=60)

    # -- the worker --------------------------------------------------------------------------

    def _ready(self, now: float) -> str | None:
        """Why a batch should start now, or ``None`` to keep waiting."""
        if not self._pending:
            return None
        if self._active > 0 and len(self._pending) >= self._active:
            return "all"
        return "window" if now - self._last_arrival >= self._limit() else None

    def _limit(self) -> float:
        return self.hinted_window if self._active > len(self._pending) else self.window

    def _take(self) -> tuple[list[tuple[Req, Future[Res], float]], float, str] | None:
        with self._cond:
            while True:
                if self._closed and not self._pending:
                    return None
                now = time.monotonic()
                reason = self._ready(now) or ("closing" if self._closed else None)
                if reason is not None:
                    batch, self._pending = self._pending, []
                    return batch, now, reason
                if not self._pending:
                    self._cond.wait()
                else:
                    self._cond.wait(max(0.0005, self._last_arrival + self._limit() - now))

    def _loop(self) -> None:
        try:
            while (taken := self._take()) is not None:
                self._run(*taken)
        finally:
            if self._teardown is not None:
                self._teardown()

    def _run(self, batch: list[tuple[Req, Future[Res], float]], started: float, why: str) -> None:
        t0 = time.perf_counter()
        try:
            results = self._evaluate([request for request, _, _ in batch])
        except BaseException as exc:  # the whole evaluation failed: every caller hears it
            results = [exc] * len(batch)
        self.stats.sizes.append(len(batch))
        self.stats.waits.append(started - min(arrived for _, _, arrived in batch))
        self.stats.reasons.append(why)
        self.stats.seconds.append(time.perf_counter() - t0)
        for (_, future, _), result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
