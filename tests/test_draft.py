"""Drafts for decoded answers: what followed the output's last tokens before."""

from __future__ import annotations

from summarizer.backends.draft import Drafter


def test_a_name_in_the_prompt_is_drafted_once_the_answer_starts_copying_it() -> None:
    prompt = [1, 2, 50, 51, 52, 53, 3, 4]
    drafter = Drafter(length=3, min_match=2)
    assert drafter.guess(prompt, [9, 50, 51]) == [52, 53, 3]
    assert drafter.guess(prompt, [9, 7]) == []  # no match of two tokens: no draft


def test_earlier_answers_come_first_and_start_the_next_answer() -> None:
    drafter = Drafter(length=4, min_match=2)
    assert drafter.guess([1, 2, 3], []) == []
    drafter.record([10, 11, 12, 13, 14])
    assert drafter.guess([1, 2, 3], []) == [10, 11, 12, 13]
    # the skeleton of the last answer wins over the prompt
    assert drafter.guess([11, 12, 99], [11, 12]) == [13, 14]
    drafter.record([20, 11, 12, 77])
    assert drafter.guess([], [11, 12]) == [77]  # the most recent answer first


def test_the_longest_match_wins() -> None:
    prompt = [5, 6, 7, 1, 6, 7, 2]
    assert Drafter(length=1, min_match=2).guess(prompt, [5, 6, 7]) == [1]
    assert Drafter(length=1, min_match=2).guess(prompt, [9, 6, 7]) == [
        2
    ]  # two tokens: the last occurrence
