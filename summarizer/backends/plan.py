"""One evaluation for many requests: their token sequences as a trie, each shared token once.

Requests asked at the same time mostly start alike (the same chat template, the same system
prompt, the same report text before a short question). llama.cpp lets one batch entry belong to
several KV sequences, so a token that several requests' prompts share at the same position is
computed once, tagged with all their sequence ids; each request continues on its own sequence.
llama.cpp masks attention by the entry's first sequence id, which is right here: every ancestor
of a trie node carries all of the node's sequences.

What llama.cpp checks, and this plan guarantees: per sequence, the batch positions continue
right after what the KV already holds for it, without gaps and never decreasing (depth-first
order); sequences that share an entry hold the same KV state before it (lanes only share when
they start at the same position after the same tokens); and no sequence joins two different
sets of sharers. The plan is pure data, so it is tested without a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Entry", "Lane", "Plan", "plan_batch", "split_plan"]


@dataclass(frozen=True)
class Lane:
    """One request's tokens on one KV sequence."""

    seq: int
    #: the request's whole token path: prompt, then any accepted or speculated output tokens
    tokens: Sequence[int]
    #: ``tokens[:start]`` are already in the KV for ``seq``
    start: int
    #: indices ``i >= start`` whose logits (the distribution after token ``i``) are wanted
    outputs: Sequence[int] = ()


@dataclass(frozen=True)
class Entry:
    """One batch entry: a token at a position, for one or more sequences."""

    token: int
    pos: int
    seqs: tuple[int, ...]
    logits: bool


@dataclass
class Plan:
    """The batch entries, depth-first, and where each wanted output lands."""

    entries: list[Entry] = field(default_factory=list)
    #: (lane index, token index) -> entry index
    outputs: dict[tuple[int, int], int] = field(default_factory=dict)

    @property
    def computed(self) -> int:
        """Tokens actually evaluated (each shared token once)."""
        return len(self.entries)


@dataclass
class _Node:
    token: int
    pos: int
    seqs: list[int] = field(default_factory=list)
    wanted: list[tuple[int, int]] = field(default_factory=list)
    children: dict[int, _Node] = field(default_factory=dict)


def plan_batch(lanes: Sequence[Lane]) -> Plan:
    """The entries that evaluate every lane's tokens from its ``start`` on."""
    if len({lane.seq for lane in lanes}) != len(lanes):
        raise ValueError("every lane needs its own sequence id")
    roots: dict[tuple[int, tuple[int, ...]], dict[int, _Node]] = {}
    for index, lane in enumerate(lanes):
        # lanes share entries only after the same KV state: same start, same tokens before it
        children = roots.setdefault((lane.start, tuple(lane.tokens[: lane.start])), {})
        wanted = set(lane.outputs)
        if any(i < lane.start or i >= len(lane.tokens) for i in wanted):
            raise ValueError(f"lane {index}: outputs outside the tokens it evaluates")
        for i in range(lane.start, len(lane.tokens)):
            token = lane.tokens[i]
            node = children.get(token)
            if node is None:
                node = children[token] = _Node(token, i)
            node.seqs.append(lane.seq)
            if i in wanted:
                node.wanted.append((index, i))
            children = node.children
    plan = Plan()
    for children in roots.values():
        stack = list(reversed(children.values()))
        while stack:
            node = stack.pop()
            plan.entries.append(Entry(node.token, node.pos, tuple(node.seqs), bool(node.wanted)))
            for key in node.wanted:
                plan.outputs[key] = len(plan.entries) - 1
            stack.extend(reversed(node.children.values()))
    return plan


def split_plan(plan: Plan, n_batch: int) -> list[range]:
    """Consecutive slices of at most ``n_batch`` entries, one ``llama_decode`` each. Any cut
    of a depth-first order keeps every sequence's positions consecutive across calls."""
    n = len(plan.entries)
    return [range(i, min(i + n_batch, n)) for i in range(0, n, n_batch)]
