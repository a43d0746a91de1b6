"""The thread count for big rounds follows the measured seconds per token."""

from __future__ import annotations

from summarizer.backends.threads import ThreadChooser


def test_each_option_is_measured_then_the_faster_one_kept_and_the_other_probed() -> None:
    chooser = ThreadChooser([2, 1], probe_every=4)
    assert chooser.pick() == 2
    chooser.record(2, tokens=500, seconds=20.0)  # 40 ms a token
    assert chooser.pick() == 1
    chooser.record(1, tokens=500, seconds=10.0)  # 20 ms a token: one thread wins here
    picks = [chooser.pick() for _ in range(8)]
    assert picks.count(1) == 6 and picks.count(2) == 2  # the runner-up is looked at again


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
