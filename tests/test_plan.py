"""The batch plan: shared tokens once, right sequence ids and positions, llama.cpp's rules kept."""

from __future__ import annotations

import pytest

from summarizer.backends.plan import Lane, plan_batch, split_plan
from summarizer.backends.prefix_cache import PrefixCache, shared_prefixes

SYSTEM = [10, 11, 12, 13]


def check_llama_rules(lanes: list[Lane], n_batch: int) -> None:
    """What llama.cpp's batch allocator checks, call by call, given each sequence's KV length
    before the plan: positions continue the KV without gaps, sharers hold the same KV, and a
    sequence never joins two different sets of sharers."""
    kv = {lane.seq: lane.start for lane in lanes}  # positions held: [0, kv)
    plan = plan_batch(lanes)
    for piece in split_plan(plan, n_batch):
        entries = plan.entries[piece.start : piece.stop]
        assert len(entries) <= n_batch
        seen: dict[int, list[int]] = {}
        sets: dict[int, frozenset[int]] = {}
        for entry in entries:
            for seq in entry.seqs:
                seen.setdefault(seq, []).append(entry.pos)
                sets[seq] = sets.get(seq, frozenset(entry.seqs)) & frozenset(entry.seqs)
                assert sets[seq], "a sequence in two different sets of sharers"
            first = entry.seqs[0]
            assert all(kv[s] == kv[first] for s in entry.seqs), "sharers hold different KV"
        for seq, positions in seen.items():
            assert positions == list(range(kv[seq], kv[seq] + len(positions)))
            kv[seq] += len(positions)
    for lane in lanes:
        assert kv[lane.seq] == len(lane.tokens)


def test_shared_tokens_are_computed_once_for_every_sequence_sharing_them() -> None:
    lanes = [
        Lane(5, [*SYSTEM, 1, 2, 3], 0, [6]),
        Lane(6, [*SYSTEM, 1, 2, 4], 0, [6]),
        Lane(7, [*SYSTEM, 9], 0, [4]),
    ]
    plan = plan_batch(lanes)
    assert plan.computed == 4 + 2 + 1 + 1 + 1  # system, [1, 2] for two, then 3, 4, 9
    by_pos = [(e.token, e.pos, set(e.seqs)) for e in plan.entries]
    assert by_pos[:4] == [(t, i, {5, 6, 7}) for i, t in enumerate(SYSTEM)]
    assert (1, 4, {5, 6}) in by_pos and (2, 5, {5, 6}) in by_pos
    assert (3, 6, {5}) in by_pos and (4, 6, {6}) in by_pos and (9, 4, {7}) in by_pos
    # each lane's output lands on its own last token
    assert plan.entries[plan.outputs[(0, 6)]].token == 3
    assert plan.entries[plan.outputs[(1, 6)]].token == 4
    assert plan.entries[plan.outputs[(2, 4)]].token == 9
    assert sum(e.logits for e in plan.entries) == 3


def test_cached_prefixes_are_not_evaluated_again() -> None:
    lanes = [Lane(5, [*SYSTEM, 1, 2], 4, [5]), Lane(6, [*SYSTEM, 1, 3], 4, [5])]
    plan = plan_batch(lanes)
    assert [(e.token, e.pos, e.seqs) for e in plan.entries] == [
        (1, 4, (5, 6)),
        (2, 5, (5,)),
        (3, 5, (6,)),
    ]


def test_lanes_at_different_kv_lengths_never_share_an_entry() -> None:
    # same tokens, but one lane already holds the system prompt: sharing would couple
    # sequences whose KV differ, which llama.cpp refuses
    lanes = [Lane(5, [*SYSTEM, 1, 2], 4, [5]), Lane(6, [*SYSTEM, 1, 2], 0, [5])]
    plan = plan_batch(lanes)
    assert all(len(e.seqs) == 1 for e in plan.entries)
    assert plan.computed == 2 + 6
    check_llama_rules(lanes, n_batch=3)


@pytest.mark.parametrize("n_batch", [1, 2, 3, 5, 64])
def test_any_split_keeps_llama_cpp_rules(n_batch: int) -> None:
    lanes = [
        Lane(1, [*SYSTEM, 1, 2, 3, 4], 0, [5, 6, 7]),
        Lane(2, [*SYSTEM, 1, 2, 5], 0, [6]),
        Lane(3, [*SYSTEM, 1, 7, 8], 0, [6]),
        Lane(4, [*SYSTEM, 6], 2, [4]),
        Lane(9, [20, 21], 1, [1]),
    ]
    check_llama_rules(lanes, n_batch)
    plan = plan_batch(lanes)
    assert sum(len(r) for r in split_plan(plan, n_batch)) == plan.computed


def test_outputs_outside_the_evaluated_tokens_are_refused() -> None:
    with pytest.raises(ValueError, match="outputs"):
        plan_batch([Lane(1, [1, 2, 3], 2, [1])])
    with pytest.raises(ValueError, match="own sequence"):
        plan_batch([Lane(1, [1], 0, [0]), Lane(1, [2], 0, [0])])


def test_shared_prefixes_are_the_branch_points() -> None:
    prompts = [[*SYSTEM, 1, 2, 3], [*SYSTEM, 1, 2, 4], [*SYSTEM, 5], [7, 8]]
    assert sorted(shared_prefixes(prompts, min_length=2)) == [(*SYSTEM, 1, 2)]
    assert shared_prefixes(prompts, min_length=7) == []


def test_prefix_cache_matches_keeps_and_evicts() -> None:
    cache = PrefixCache(seqs=[0, 1], budget=10)
    assert cache.match([*SYSTEM, 1]) == (None, 0)
    seq, cleared = cache.keep(SYSTEM)
    assert seq is not None and cleared == []
    keeper, length = cache.match([*SYSTEM, 1, 2])
    assert keeper is not None and keeper.seq == seq and length == 4
    # a longer prefix over the same start replaces the keeper it covers
    longer, cleared = cache.keep([*SYSTEM, 1, 2])
    assert cleared == [seq] and longer is not None
    assert cache.cells() == 6
    # something already held is not kept twice
    assert cache.keep(SYSTEM) == (None, [])
    # over budget: the least recently used keeper goes
    other, cleared = cache.keep([30, 31, 32, 33, 34])
    assert other is not None and cleared == [longer]
    assert cache.cells() == 5
    # a prefix bigger than the whole budget is not kept at all
    assert cache.keep(list(range(100, 120))) == (None, [])


def test_keepers_that_share_a_prefix_share_its_cells() -> None:
    cache = PrefixCache(seqs=[0, 1, 2], budget=100)
    cache.keep([*SYSTEM, 1, 2])
    cache.keep([*SYSTEM, 3])
    assert cache.cells() == 4 + 2 + 1
