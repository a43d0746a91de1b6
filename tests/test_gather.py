"""Gathering concurrent requests into one evaluation, with a fake evaluator."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import pytest

from summarizer.backends.gather import BatchStepper, Gatherer


class Recorder:
    """An evaluator that answers each request with its square and remembers the batches."""

    def __init__(self, delay: float = 0.0, fail: Callable[[int], bool] | None = None) -> None:
        self.batches: list[list[int]] = []
        self.threads: set[str] = set()
        self.delay = delay
        self.fail = fail or (lambda _n: False)

    def __call__(self, requests: list[int]) -> list[int | BaseException]:
        self.batches.append(list(requests))
        self.threads.add(threading.current_thread().name)
        time.sleep(self.delay)
        return [ValueError(f"bad {n}") if self.fail(n) else n * n for n in requests]


def submit_all(gatherer: Gatherer[int, int], numbers: list[int]) -> list[int | BaseException]:
    results: list[int | BaseException] = [0] * len(numbers)

    def one(i: int) -> None:
        try:
            results[i] = gatherer.submit(numbers[i])
        except BaseException as exc:
            results[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(numbers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_announced_callers_are_evaluated_together_without_waiting_out_a_window() -> None:
    recorder = Recorder()
    # a long window: only the announcement can start the batch early
    gatherer: Gatherer[int, int] = Gatherer(BatchStepper(recorder), window=5.0, hinted_window=5.0)
    started = time.perf_counter()
    with gatherer.announce(6):
        results = submit_all(gatherer, [1, 2, 3, 4, 5, 6])
    assert time.perf_counter() - started < 2.0
    assert results == [1, 4, 9, 16, 25, 36]
    assert len(recorder.batches) == 1 and sorted(recorder.batches[0]) == [1, 2, 3, 4, 5, 6]
    assert gatherer.stats.reasons == ["all"]
    gatherer.close()


def test_a_lone_caller_waits_only_the_short_window() -> None:
    recorder = Recorder()
    gatherer: Gatherer[int, int] = Gatherer(BatchStepper(recorder), window=0.01)
    started = time.perf_counter()
    assert gatherer.submit(3) == 9
    assert gatherer.submit(4) == 16
    assert time.perf_counter() - started < 1.0
    assert recorder.batches == [[3], [4]]
    assert gatherer.stats.reasons == ["window", "window"]
    gatherer.close()


def test_unannounced_concurrent_callers_are_gathered_by_the_window() -> None:
    recorder = Recorder()
    gatherer: Gatherer[int, int] = Gatherer(BatchStepper(recorder), window=0.3)
    results = submit_all(gatherer, list(range(8)))
    assert results == [n * n for n in range(8)]
    assert len(recorder.batches) == 1
    gatherer.close()


def test_an_announced_caller_that_never_comes_costs_one_hinted_window() -> None:
    recorder = Recorder()
    gatherer: Gatherer[int, int] = Gatherer(BatchStepper(recorder), window=0.001, hinted_window=0.2)
    with gatherer.announce(3):  # three announced, two submit
        started = time.perf_counter()
        results = submit_all(gatherer, [1, 2])
        waited = time.perf_counter() - started
    assert results == [1, 4]
    assert 0.15 <= waited < 2.0
    assert gatherer.stats.reasons == ["window"]
    gatherer.close()


def test_released_callers_no_longer_hold_the_batch() -> None:
    recorder = Recorder()
    gatherer: Gatherer[int, int] = Gatherer(BatchStepper(recorder), window=5.0, hinted_window=5.0)
    with gatherer.announce(3) as announced:
        announced.release()  # one caller has nothing more to ask
        started = time.perf_counter()
        results = submit_all(gatherer, [2, 3])
        assert time.perf_counter() - started < 2.0
    assert results == [4, 9]
    gatherer.close()


def test_requests_arriving_during_an_evaluation_form_the_next_batch() -> None:
    recorder = Recorder(delay=0.3)
    gatherer: Gatherer[int, int] = Gatherer(BatchStepper(recorder), window=0.05)
    first = threading.Thread(target=gatherer.submit, args=(1,))
    first.start()
    time.sleep(0.1)  # the first batch is running now
    results = submit_all(gatherer, [2, 3, 4])
    first.join()
    assert results == [4, 9, 16]
    assert recorder.batches[0] == [1] and sorted(recorder.batches[1]) == [2, 3, 4]
    gatherer.close()


def test_one_failed_request_fails_alone_and_a_failed_evaluation_fails_all() -> None:
    recorder = Recorder(fail=lambda n: n == 2)
    gatherer: Gatherer[int, int] = Gatherer(BatchStepper(recorder), window=0.05)
    results = submit_all(gatherer, [1, 2, 3])
    assert results[0] == 1 and results[2] == 9
    assert isinstance(results[1], ValueError)
    gatherer.close()

    def broken(_requests: list[int]) -> list[int | BaseException]:
        raise RuntimeError("decode failed")

    gatherer = Gatherer(BatchStepper(broken), window=0.05)
    results = submit_all(gatherer, [1, 2])
    assert all(isinstance(r, RuntimeError) for r in results)
    gatherer.close()


def test_one_thread_evaluates_and_tears_down() -> None:
    torn: list[str] = []
    recorder = Recorder()
    gatherer: Gatherer[int, int] = Gatherer(
        BatchStepper(recorder),
        window=0.01,
        teardown=lambda: torn.append(threading.current_thread().name),
    )
    submit_all(gatherer, [1, 2, 3])
    submit_all(gatherer, [4])
    gatherer.close()
    assert len(recorder.threads) == 1 and torn == list(recorder.threads)
    with pytest.raises(RuntimeError, match="closed"):
        gatherer.submit(5)


class Rounds:
    """A stepper whose request ``n`` needs ``n`` rounds; it logs who finished when."""

    def __init__(self) -> None:
        self.left: dict[Hashable, int] = {}
        self.log: list[tuple[int, list[int]]] = []
        self.value: dict[Hashable, int] = {}
        self.round = 0

    @property
    def busy(self) -> bool:
        return bool(self.left)

    def admit(self, requests: Sequence[tuple[Hashable, int]]) -> list[tuple[Hashable, Any]]:
        for key, n in requests:
            self.left[key] = n
            self.value[key] = n
        return []

    def step(self) -> list[tuple[Hashable, int | BaseException]]:
        time.sleep(0.05)
        self.round += 1
        done = []
        for key in list(self.left):
            self.left[key] -= 1
            if self.left[key] == 0:
                del self.left[key]
                done.append((key, self.value[key]))
        self.log.append((self.round, [v for _, v in done]))
        return done


def test_a_request_arriving_during_long_rounds_joins_them_and_is_answered_first() -> None:
    rounds = Rounds()
    gatherer: Gatherer[int, int] = Gatherer(rounds, window=0.001)
    answered: list[int] = []
    long = threading.Thread(target=lambda: answered.append(gatherer.submit(8)))
    long.start()
    time.sleep(0.12)  # the long request is a few rounds in
    answered.append(gatherer.submit(1))
    long.join()
    assert answered == [1, 8]
    finished_at = {v: r for r, values in rounds.log for v in values}
    assert finished_at[8] == 8 and finished_at[1] < 8
    gatherer.close()


def test_a_caller_whose_request_is_already_running_counts_as_waiting() -> None:
    rounds = Rounds()
    # long windows: only the hint can admit early
    gatherer: Gatherer[int, int] = Gatherer(rounds, window=5.0, hinted_window=5.0)
    answered: list[int] = []
    with gatherer.announce(1) as first:
        long = threading.Thread(
            target=lambda: (answered.append(gatherer.submit(30)), first.release())
        )
        long.start()
        time.sleep(0.2)  # admitted and running its rounds
        with gatherer.announce(1):
            started = time.perf_counter()
            answered.append(gatherer.submit(2))
            assert time.perf_counter() - started < 2.0
        long.join()
    assert answered == [2, 30]
    gatherer.close()
