"""Choose, don't generate: greedy grammar decoding over a finite set of answers, from logits.

When a request's grammar admits only a few strings (:mod:`.gbnf_finite`), what greedy decoding
under that grammar produces is decided by the logits at a handful of positions. At each
position llama.cpp's grammar sampler keeps every vocabulary token whose text extends the
output so far towards some admitted string (end-of-generation only once a string is complete),
and greedy picks the highest logit among them, the lowest token id on a tie. :class:`ChoiceWalk`
replays exactly that rule, one position at a time, given the logits of the allowed tokens; a
token may be shorter or longer than a word, and may span the end of an answer (``review"}``).
The walk stops as soon as only one answer stays reachable; the rest of the text is the
shortest completion of that answer (what the recorded greedy runs produced), unless
``exact_tail`` asks to keep walking to the end-of-generation token.

The probability of the answer comes free: at the position where the answers part, the softmax
over the allowed tokens, grouped by the answers each token still allows, normalised over those
groups. Nothing here touches llama.cpp: the logits come from the caller.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["ChoiceWalk", "Choices", "Decision", "Node", "PathMemory", "TokenTable"]


class TokenTable:
    """The vocabulary as the grammar sampler sees it: each token's text (``special=True``) and
    the end-of-generation tokens. Empty texts and texts starting with NUL are never allowed."""

    def __init__(self, pieces: Sequence[bytes], eog: Iterable[int]) -> None:
        self.piece = list(pieces)
        self.eog = tuple(sorted(set(eog)))
        eog_set = set(self.eog)
        self.by_piece: dict[bytes, list[int]] = {}
        for token, text in enumerate(self.piece):
            if text and text[0] != 0 and token not in eog_set:
                self.by_piece.setdefault(text, []).append(token)


@dataclass(frozen=True)
class Node:
    """The tokens greedy may pick after some output text, ascending by id, and for each one the
    answers still reachable after it (for an end-of-generation token: the finished answer)."""

    ids: npt.NDArray[np.int64]
    alive_after: tuple[frozenset[int], ...]
    eog: frozenset[int]


class Choices:
    """The strings a finite grammar admits, each tagged with the answer it parses to."""

    def __init__(self, strings: Sequence[str], table: TokenTable) -> None:
        answers: dict[str, int] = {}
        tagged = []
        for text in strings:
            value = json.loads(text)
            key = json.dumps(value, sort_keys=True, ensure_ascii=False)
            tagged.append((text.encode("utf-8"), answers.setdefault(key, len(answers))))
        self.strings = tuple(tagged)
        self.table = table
        #: what each answer shows as a token: the lone field's value, else its JSON
        self.labels = tuple(_label(json.loads(key)) for key in answers)
        self._nodes: dict[bytes, Node] = {}
        self._alive: dict[bytes, frozenset[int]] = {}

    @classmethod
    def parse(cls, strings: Sequence[str], table: TokenTable) -> Choices | None:
        """``None`` unless every string is JSON and there are at least two answers."""
        try:
            choices = cls(strings, table)
        except ValueError:
            return None
        return choices if len(choices.labels) >= 2 else None

    def alive(self, text: bytes) -> frozenset[int]:
        """The answers some admitted string starting with ``text`` parses to."""
        if text not in self._alive:
            self._alive[text] = frozenset(a for s, a in self.strings if s.startswith(text))
        return self._alive[text]

    def complete(self, text: bytes) -> int | None:
        """The answer when ``text`` is itself an admitted string."""
        return next((a for s, a in self.strings if s == text), None)

    def tail(self, text: bytes) -> bytes:
        """The shortest admitted completion of ``text`` (the first such string on a tie)."""
        rests = [s[len(text) :] for s, _ in self.strings if s.startswith(text)]
        return min(rests, key=len)

    def node(self, text: bytes) -> Node:
        """The tokens the grammar allows after ``text`` (cached: a report asks the same texts)."""
        if text not in self._nodes:
            allowed: dict[int, frozenset[int]] = {}
            for string, _ in self.strings:
                if not string.startswith(text):
                    continue
                rest = string[len(text) :]
                for end in range(1, len(rest) + 1):
                    for token in self.table.by_piece.get(rest[:end], ()):
                        allowed[token] = self.alive(text + rest[:end])
            finished = self.complete(text)
            if finished is not None:
                for token in self.table.eog:
                    allowed[token] = frozenset({finished})
            ids = sorted(allowed)
            self._nodes[text] = Node(
                np.array(ids, dtype=np.int64),
                tuple(allowed[t] for t in ids),
                frozenset(self.table.eog) if finished is not None else frozenset(),
            )
        return self._nodes[text]


def _label(value: object) -> str:
    if isinstance(value, dict) and len(value) == 1:
        (only,) = value.values()
        return only if isinstance(only, str) else json.dumps(only, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass
class Decision:
    """The probabilities at the position where the answers part."""

    #: answer index -> probability, normalised over the answers alive at that position
    probabilities: dict[int, float]
    #: the chosen answer's probability: the product of its group's share at every parting
    confidence: float = 1.0


@dataclass
class ChoiceWalk:
    """Greedy grammar decoding over :class:`Choices`, one position at a time."""

    choices: Choices
    max_tokens: int
    exact_tail: bool = False
    text: bytes = b""
    tokens: list[int] = field(default_factory=list)
    finish_reason: str | None = None
    decision: Decision | None = None

    @property
    def finished(self) -> bool:
        return self.finish_reason is not None

    def node(self) -> Node:
        return self.choices.node(self.text)

    def advance(self, scores: npt.NDArray[np.float32]) -> int:
        """Pick the next token from the logits of :meth:`node`'s tokens (same order)."""
        node = self.node()
        if len(node.ids) == 0:  # cannot happen for a grammar-derived language
            raise ValueError(f"no token continues {self.text!r}")
        pick = int(np.argmax(scores))  # the first maximum: the lowest token id on a tie
        token = int(node.ids[pick])
        self._note_parting(node, scores, pick)
        if token in node.eog:
            self.finish_reason = "stop"
            return token
        self.tokens.append(token)
        self.text += self.choices.table.piece[token]
        if len(self.choices.alive(self.text)) == 1 and not self.exact_tail:
            self.finish_reason = "stop"
        elif len(self.tokens) >= self.max_tokens:
            self.finish_reason = "length"
        return token

    def _note_parting(self, node: Node, scores: npt.NDArray[np.float32], pick: int) -> None:
        alive = self.choices.alive(self.text)
        chosen = node.alive_after[pick]
        if len(alive) < 2 or chosen == alive:
            return
        shifted = np.exp(scores.astype(np.float64) - float(np.max(scores)))
        groups: dict[frozenset[int], float] = {}
        for weight, after in zip(shifted, node.alive_after, strict=True):
            if after != alive:  # only tokens that narrow the answers take part
                groups[after] = groups.get(after, 0.0) + float(weight)
        total = sum(groups.values())
        share = {group: mass / total for group, mass in groups.items()}
        if self.decision is None:
            per_answer = dict.fromkeys(sorted(alive), 0.0)
            for group, p in share.items():
                for answer in group:
                    per_answer[answer] += p / len(group)
            self.decision = Decision(per_answer)
        self.decision.confidence *= share[chosen]

    @property
    def answer(self) -> int | None:
        alive = self.choices.alive(self.text)
        return next(iter(alive)) if len(alive) == 1 else None

    def content(self) -> str:
        """The completion's text: the walked text plus, once decided, the shortest tail."""
        text = self.text
        if self.finish_reason == "stop" and self.choices.complete(text) is None:
            text += self.choices.tail(text)
        return text.decode("utf-8", errors="ignore")

    def logprobs(self) -> dict[str, object] | None:
        """OpenAI's ``choice.logprobs`` for the answer: one entry, the alternatives as
        ``top_logprobs``, probabilities normalised over the answers."""
        answer = self.answer
        if answer is None:
            return None
        decision = self.decision or Decision({answer: 1.0})
        labels = self.choices.labels

        def entry(index: int, p: float) -> dict[str, object]:
            return {
                "token": labels[index],
                "logprob": math.log(p) if p > 0 else -9999.0,
                "bytes": list(labels[index].encode("utf-8")),
            }

        top = sorted(decision.probabilities.items(), key=lambda kv: -kv[1])
        return {
            "content": [
                {
                    **entry(answer, decision.confidence),
                    "top_logprobs": [entry(a, p) for a, p in top],
                }
            ],
            "refusal": None,
        }


class PathMemory:
    """Which tokens greedy took before the answers parted: the next request's speculation. A
    wrong guess costs one more evaluation round, never a different answer.

    One memory serves every finite language: the layout greedy writes before the answers part
    (``{"label": "`` or ``{ "label": "``) is the same whichever answers a schema admits, and a
    clause's labels come in many such sets. A recorded path is only guessed for a request whose
    language admits its text."""

    def __init__(self, fallback: Callable[[bytes], list[int]]) -> None:
        self._counts: Counter[tuple[int, ...]] = Counter()
        self._fallback = fallback

    def record(self, path: Sequence[int]) -> None:
        self._counts[tuple(path)] += 1

    def counts(self) -> dict[tuple[int, ...], int]:
        """Every recorded path and how often it was taken (to carry to another process)."""
        return dict(self._counts)

    def learn(self, counts: Iterable[tuple[Sequence[int], int]]) -> None:
        """Add paths taken elsewhere (another process), with their counts."""
        for path, count in counts:
            self._counts[tuple(path)] += count

    def guess(self, walk: ChoiceWalk) -> list[int]:
        """Tokens to evaluate after ``walk``'s path: the most frequent recorded continuation
        its language admits, else the tokenizer's reading of the text every shortest answer
        shares."""
        done = tuple(walk.tokens)
        seen = [
            p
            for p in self._counts
            if len(p) > len(done) and p[: len(done)] == done and _admits(walk.choices, p)
        ]
        if seen:
            best = max(seen, key=lambda p: (self._counts[p], -len(p)))
            return list(best[len(done) :])
        text = walk.text
        shortest = [
            min((s for s, a in walk.choices.strings if a == answer and s.startswith(text)), key=len)
            for answer in walk.choices.alive(text)
        ]
        forced = _common_prefix(shortest) if shortest else text
        return self._fallback(forced[len(text) :]) if len(forced) > len(text) else []


def _admits(choices: Choices, path: Sequence[int]) -> bool:
    return bool(choices.alive(b"".join(choices.table.piece[t] for t in path)))


def _common_prefix(strings: Sequence[bytes]) -> bytes:
    first, last = min(strings), max(strings)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]
