"""Choosing from logits must be exactly greedy decoding under the grammar, on a fake vocabulary.

The reference here is written independently of ``summarizer.backends.choice``: a brute-force
greedy decoder that, at every step, scans the whole vocabulary for tokens whose text keeps the
output a prefix of some admitted string (end-of-generation once the string is complete) and
takes the highest logit, the lowest id on a tie.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable

import numpy as np
import pytest

from summarizer.backends.choice import Choices, ChoiceWalk, PathMemory, TokenTable
from summarizer.backends.gbnf_finite import finite_language

EOG = 0
VOCAB = [
    b"<eos>",  # 0: end of generation
    b"{",
    b'{"',
    b' "',
    b'"',
    b"color",
    b'":',
    b'": "',
    b"red",
    b"re",
    b"d",
    b"reed",  # 11: a candidate of its own
    b'red"}',  # 12: spans the end of a candidate and the closing brace
    b"blue",  # 13
    b"b",  # 14
    b"lue",
    b'"}',
    b"}",
    b" ",
    b"",  # 19: an empty token is never allowed
    b"x",  # 20: never allowed
    b'"r',  # 21: a quote and the first letter of two candidates
    # every character is a token too, as in a real vocabulary
    *[c.encode() for c in ":ecolru"],
]
GRAMMAR = r"""
color ::= "\"red\"" | "\"reed\"" | "\"blue\""
color-kv ::= "\"color\"" space ":" space color
root ::= "{" space color-kv "}" space
space ::= " "?
"""


def table() -> TokenTable:
    pieces = [b"" if t == b"<eos>" else t for t in VOCAB]  # an EOG text is never matched
    return TokenTable(pieces, [EOG])


@functools.cache
def choices() -> Choices:
    strings = finite_language(GRAMMAR)
    assert strings is not None
    found = Choices.parse(strings, table())
    assert found is not None
    return found


def reference_greedy(logits_at: Callable[[bytes], np.ndarray], max_tokens: int = 20) -> str:
    """Brute-force greedy grammar decoding over the fake vocabulary."""
    strings = [s.encode() for s in finite_language(GRAMMAR) or []]
    text = b""
    for _ in range(max_tokens):
        logits = logits_at(text)
        best, best_logit = None, -math.inf
        for token, piece in enumerate(VOCAB):
            if token == EOG:
                ok = text in strings
            else:
                ok = bool(piece) and any(s.startswith(text + piece) for s in strings)
            if ok and logits[token] > best_logit:  # strict: the lowest id wins a tie
                best, best_logit = token, logits[token]
        assert best is not None
        if best == EOG:
            break
        text += VOCAB[best]
    return text.decode()


def walk_with(logits_at: Callable[[bytes], np.ndarray], exact_tail: bool) -> ChoiceWalk:
    walk = ChoiceWalk(choices(), max_tokens=20, exact_tail=exact_tail)
    while not walk.finished:
        walk.advance(logits_at(walk.text)[walk.node().ids])
    return walk


def scripted(prefs: dict[bytes, dict[int, float]]) -> Callable[[bytes], np.ndarray]:
    """Logits that depend on the text so far: a small base plus per-text preferences."""

    def logits_at(text: bytes) -> np.ndarray:
        row = np.full(len(VOCAB), -1.0, dtype=np.float32)
        row[20] = 50.0  # a disallowed token with the highest logit must never be picked
        for token, value in prefs.get(text, {}).items():
            row[token] = value
        return row

    return logits_at


@pytest.mark.parametrize("seed", range(40))
def test_walk_equals_brute_force_greedy_on_random_logits(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cache: dict[bytes, np.ndarray] = {}

    def logits_at(text: bytes) -> np.ndarray:
        if text not in cache:
            cache[text] = rng.normal(size=len(VOCAB)).astype(np.float32)
            cache[text][rng.integers(len(VOCAB))] = cache[text].max()  # some ties too
        return cache[text]

    expected = reference_greedy(logits_at)
    walk = walk_with(logits_at, exact_tail=True)
    assert walk.content() == expected
    decided = walk_with(logits_at, exact_tail=False)
    assert json.loads(decided.content()) == json.loads(expected)  # same answer, shorter walk


def test_a_token_that_spans_the_end_of_the_answer_decides_it() -> None:
    logits = scripted(
        {
            b"": {1: 5.0},
            b"{": {3: 5.0},
            b'{ "': {5: 5.0},
            b'{ "color': {7: 5.0},
            # the best allowed token is 'red"}', which also closes the object
            b'{ "color": "': {12: 4.0, 8: 3.0, 11: 3.5, 13: 1.0},
        }
    )
    walk = walk_with(logits, exact_tail=False)
    assert walk.tokens[-1] == 12 and walk.content() == '{ "color": "red"}'
    assert walk.content() == reference_greedy(logits)


def test_a_token_shared_by_two_answers_keeps_walking() -> None:
    # 're' keeps both "red" and "reed" alive; the next position decides
    prefs = {
        b"": {1: 5.0},
        b"{": {4: 5.0},
        b'{"': {5: 5.0},
        b'{"color': {7: 5.0},
        b'{"color": "': {9: 6.0, 14: 1.0},
        b'{"color": "re': {10: 2.0, 4: 1.0},
    }
    walk = walk_with(scripted(prefs), exact_tail=False)
    assert walk.content() == '{"color": "red"}' == reference_greedy(scripted(prefs))
    assert walk.tokens[-2:] == [9, 10]
    # confidence is the product of both partings: first 're' vs 'b', then 'd' vs 'ed'-less
    assert walk.decision is not None and 0 < walk.decision.confidence < 1


def test_ties_go_to_the_lowest_token_id() -> None:
    prefs = {b"": {1: 3.0, 2: 3.0}}  # '{' (1) and '{"' (2) tie: greedy takes 1
    walk = walk_with(scripted(prefs), exact_tail=True)
    assert walk.tokens[0] == 1
    assert walk.content() == reference_greedy(scripted(prefs))


def test_probability_is_normalised_over_the_answers_at_the_parting() -> None:
    prefs = {
        b"": {1: 5.0},
        b"{": {4: 5.0},
        b'{"': {5: 5.0},
        b'{"color': {7: 5.0},
        # at the parting: 'red' (8), 're' (9, red or reed), 'reed' (11), 'blue' (13), 'b' (14)
        b'{"color": "': {8: 2.0, 9: 0.0, 11: 1.0, 13: 1.0, 14: 0.0},
    }
    walk = walk_with(scripted(prefs), exact_tail=False)
    assert walk.content() == '{"color": "red"}'
    node = choices().node(b'{"color": "')
    logits = scripted(prefs)(b'{"color": "')[node.ids]
    p = np.exp(logits - logits.max())
    mass = dict(zip(node.ids.tolist(), p / p.sum(), strict=True))
    # the tokens, by the answers they leave: red, red"} -> red; reed -> reed; blue, b -> blue;
    # re, r -> red or reed ('"r' is not allowed: the quote is already written)
    red_alone = mass[8] + mass[12]
    both = mass[9] + mass[VOCAB.index(b"r")]
    total = red_alone + mass[11] + mass[13] + mass[14] + both
    assert 21 not in mass
    assert walk.decision is not None
    assert walk.decision.confidence == pytest.approx(red_alone / total, rel=1e-6)
    labels = choices().labels
    logprobs = walk.logprobs()
    assert logprobs is not None
    (entry,) = logprobs["content"]  # type: ignore[index]
    assert entry["token"] == "red"
    assert math.exp(entry["logprob"]) == pytest.approx(red_alone / total)
    shown = {alt["token"]: math.exp(alt["logprob"]) for alt in entry["top_logprobs"]}
    assert set(shown) == set(labels)
    assert sum(shown.values()) == pytest.approx(1.0)
    assert shown["reed"] == pytest.approx((mass[11] + both / 2) / total)


def test_disallowed_and_empty_tokens_are_never_candidates() -> None:
    node = choices().node(b"")
    allowed = set(node.ids.tolist())
    assert {VOCAB[t] for t in allowed} == {b"{", b'{"'}
    node = choices().node(b"{")
    assert {VOCAB[t] for t in node.ids} == {b'"', b" ", b' "'}
    assert 19 not in set(choices().node(b'{"color": "').ids.tolist())
    done = choices().node(b'{"color": "red"}')
    assert EOG in set(done.ids.tolist()) and EOG in done.eog


def test_path_memory_guesses_the_most_frequent_continuation() -> None:
    memory = PathMemory(lambda text: [99])
    walk = ChoiceWalk(choices(), max_tokens=20)
    assert memory.guess(walk) == [99]  # nothing seen: the tokenizer reads the shared text
    memory.record([1, 3, 5, 7])
    memory.record([1, 4, 5, 7])
    memory.record([1, 3, 5, 7])
    assert memory.guess(walk) == [1, 3, 5, 7]
    walk.advance(np.array([1.0], dtype=np.float32))  # '{'
    walk.advance(np.array([0.0, 1.0, 0.0], dtype=np.float32))  # '"' (ids 3, 4, 18 sorted)
    assert walk.tokens == [1, 4]
    assert memory.guess(walk) == [5, 7]


def test_a_path_the_language_does_not_admit_is_never_guessed() -> None:
    """One memory serves every schema: a layout another language took is skipped, however
    often it was taken, and a path carried over from another process counts as recorded."""
    memory = PathMemory(lambda text: [99])
    walk = ChoiceWalk(choices(), max_tokens=20)
    memory.learn([((2, 20), 5)])  # '{"x': another schema's field
    assert memory.guess(walk) == [99]
    memory.learn([((1, 3, 5, 7), 1)])  # '{ "color": "'
    assert memory.guess(walk) == [1, 3, 5, 7]
    assert memory.counts() == {(2, 20): 5, (1, 3, 5, 7): 1}


def test_fallback_guess_is_the_text_every_answer_shares() -> None:
    seen: list[bytes] = []
    memory = PathMemory(lambda text: seen.append(text) or [])
    memory.guess(ChoiceWalk(choices(), max_tokens=20))
    assert seen == [b'{"color":"']  # the shortest strings part after the opening quote
