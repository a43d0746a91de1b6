"""The thread count of a round follows the measured seconds per token."""

from __future__ import annotations

from summarizer.backends.threads import ThreadChooser


def test_all_cores_first_the_other_option_only_at_probe_time_then_the_faster_one() -> None:
    chooser = ThreadChooser([2, 1], probe_every=4)
    picks = []
    for _ in range(4):  # a quiet start pays no round at half speed
        picks.append(chooser.pick())
        chooser.record(picks[-1], tokens=500, seconds=20.0 if picks[-1] == 2 else 10.0)
    assert picks == [2, 2, 2, 1]  # 40 ms a token on two threads, then one is measured: 20 ms
    picks = [chooser.pick() for _ in range(8)]
    assert picks.count(1) == 6 and picks.count(2) == 2  # the runner-up is looked at again


def test_probes_are_rare_by_default() -> None:
    chooser = ThreadChooser([2, 1])
    picks = [chooser.pick() for _ in range(24)]
    assert picks == [2] * 24


def test_a_change_of_load_changes_the_choice() -> None:
    chooser = ThreadChooser([2, 1], probe_every=3, weight=0.5)
    chooser.record(2, 100, 4.0)
    chooser.record(1, 100, 2.0)
    assert chooser.pick() == 1
    for _ in range(3):  # the machine quietens: two threads become fast
        chooser.record(2, 100, 0.5)
    assert chooser.cost[2] < chooser.cost[1]
    assert chooser.pick() == 2
    chooser.record(1, 0, 1.0)  # an empty round says nothing
    assert chooser.cost[1] == 0.02
