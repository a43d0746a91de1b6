"""One request inside the engine: what it asks, what its KV sequence holds, what comes next.

A *choice* lane replays greedy grammar decoding from speculated logits (:mod:`.choice`): each
round it evaluates its guessed tokens, walks as far as the guess was right, and when greedy
took another token it rolls its sequence back to there and guesses again. A *decode* lane
samples with llama.cpp's own sampler chain, position by position over its drafted tokens
(:mod:`.draft`), as far as the draft matches what the sampler picks. Nothing here calls
llama.cpp: the engine feeds the lanes logits or sampled tokens and applies the rollbacks they
ask for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .choice import Choices, ChoiceWalk, PathMemory

__all__ = ["Job", "Live", "Outcome"]


@dataclass
class Job:
    """One request, tokenized."""

    prompt: list[int]
    max_tokens: int
    #: the finite answers (choice path), else ``None`` (decode path)
    choices: Choices | None = None
    #: the llama-cpp-python grammar object for the decode path (``None``: free text)
    grammar: Any = None
    #: text that ends the output (the chat template's end-of-turn, the request's ``stop``)
    stop: tuple[bytes, ...] = ()
    #: prompt lengths worth keeping in the cache (the end of the system turn)
    keep: tuple[int, ...] = ()
    #: walk a choice to the end-of-generation token instead of appending the shortest tail
    exact_tail: bool = False
    #: which :class:`.draft.Drafter` speculates for this request on the decode path (choices
    #: share one :class:`.choice.PathMemory`)
    drafter_key: str = ""
    #: sampling on the decode path: 0 is greedy, as the choice path assumes
    temperature: float = 0.0
    seed: int = 0

    def key(self) -> tuple[Any, ...]:
        """Identical requests are evaluated once."""
        return (
            tuple(self.prompt),
            self.max_tokens,
            id(self.choices),
            id(self.grammar),
            self.stop,
            self.exact_tail,
            self.temperature,
            self.seed,
        )

    def cells(self) -> int:
        """KV cells the request may need beyond its prompt."""
        return self.max_tokens + 16


@dataclass
class Outcome:
    """What a request produced."""

    content: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int
    logprobs: dict[str, Any] | None = None


@dataclass
class Live:
    """A request being evaluated on KV sequence ``seq``."""

    job: Job
    seq: int
    #: the KV holds ``(prompt + output)[:start]`` on ``seq``
    start: int
    #: prompt tokens taken from a kept prefix
    cached: int
    #: the admission group it came with (prefixes shared in a group are kept afterwards)
    group: int = 0
    walk: ChoiceWalk | None = None
    sampler: Any = None
    out: list[int] = field(default_factory=list)
    text: bytes = b""
    spec: list[int] = field(default_factory=list)
    scores: dict[int, np.ndarray] = field(default_factory=dict)
    #: decode path: the tokens sampled this round, in order; ``sampling`` stops at the first
    #: that leaves the draft
    samples: list[int] = field(default_factory=list)
    sampling: bool = True
    outcome: Outcome | None = None

    def path(self) -> list[int]:
        """Prompt and the output tokens accepted so far."""
        out = self.walk.tokens if self.walk is not None else self.out
        return self.job.prompt + out

    def round_tokens(self) -> tuple[list[int], range]:
        """What to evaluate this round: the whole path plus the guess, and the token indices
        whose logits are wanted (the current position and every guessed one)."""
        path = self.path()
        tokens = path + self.spec
        return tokens, range(len(path) - 1, len(tokens))

    def node_text(self, node: int, piece: list[bytes]) -> bytes:
        """The output text at guessed position ``node`` (0: after the accepted path)."""
        assert self.walk is not None
        return self.walk.text + b"".join(piece[t] for t in self.spec[:node])

    # -- after a round -----------------------------------------------------------------------

    def advance_walk(self, memory: PathMemory) -> int | None:
        """Walk greedy decoding over this round's logits. Returns the position from which the
        sequence must be cleared (the guess was wrong there), else ``None``."""
        walk = self.walk
        assert walk is not None
        base = len(self.job.prompt) + len(walk.tokens)  # the position of spec[0]
        node = 0
        while True:
            token = walk.advance(self.scores[node])
            if walk.finished:
                return None
            if node < len(self.spec) and token == self.spec[node]:
                node += 1
                continue
            break
        rollback = base + node if node < len(self.spec) else None
        self.start = base + node
        self.scores = {}
        self.spec = memory.guess(walk)
        return rollback

    def finish_walk(self, memory: PathMemory, count_tokens: Callable[[str], int]) -> None:
        walk = self.walk
        assert walk is not None and walk.finished
        memory.record(walk.tokens if self.job.exact_tail else walk.tokens[:-1])
        content = walk.content()
        tail = content.encode("utf-8")[len(walk.text) :]
        self.outcome = Outcome(
            content=content,
            finish_reason=walk.finish_reason or "stop",
            prompt_tokens=len(self.job.prompt),
            completion_tokens=len(walk.tokens) + (count_tokens(tail.decode()) if tail else 0),
            cached_tokens=self.cached,
            logprobs=walk.logprobs(),
        )

    def take_sample(self, node: int, token: int, eog: tuple[int, ...]) -> None:
        """The sampler's token at drafted position ``node``; later positions only count
        while the draft was right."""
        self.samples.append(token)
        if node >= len(self.spec) or token != self.spec[node] or token in eog:
            self.sampling = False

    def advance_decode(
        self, eog: tuple[int, ...], detokenize: Callable[[list[int]], bytes]
    ) -> int | None:
        """Take the tokens sampled this round; finish on end-of-generation, a stop text or
        the token limit, as ``Llama.create_completion`` does. Returns the position from which
        the sequence must be cleared (a drafted token the sampler did not pick), if any."""
        drafted = self.spec
        samples, self.samples, self.sampling, self.spec = self.samples, [], True, []
        matched = 0
        while matched < min(len(samples), len(drafted)) and samples[matched] == drafted[matched]:
            matched += 1
        in_kv = self.start - len(drafted) + matched  # the path before, and the right guesses
        finish = None
        for token in samples:
            if token in eog:
                finish = "stop"
                break
            self.out.append(token)
            self.text = detokenize(self.out)
            for stop in self.job.stop:
                if stop in self.text:
                    self.text = self.text[: self.text.index(stop)]
                    finish = "stop"
                    break
            if finish is None and len(self.out) >= self.job.max_tokens:
                finish = "length"
            if finish is not None:
                break
        if finish is None:
            # the last sample is not in the KV yet (or a wrong draft holds its place)
            self.start = len(self.path()) - 1
            return self.start if len(samples) <= len(drafted) else None
        self.start = min(in_kv, len(self.path()))
        self.outcome = Outcome(
            content=self.text.decode("utf-8", errors="ignore"),
            finish_reason=finish,
            prompt_tokens=len(self.job.prompt),
            completion_tokens=len(self.out),
            cached_tokens=self.cached,
        )
        return None
