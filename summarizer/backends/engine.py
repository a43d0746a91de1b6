"""The llama.cpp context, driven by hand: many requests, one batched evaluation, shared prefixes.

``Llama.create_chat_completion`` serves one request at a time and keeps only the previous
prompt in its KV cache. This engine evaluates every request of a batch together in a
unified KV cache: the requests' prompt tokens form a trie (:mod:`.plan`) in which every
shared token is computed once; each request continues on its own sequence; prefixes worth
keeping stay on keeper sequences across batches and reports (:mod:`.prefix_cache`).

Two kinds of request:

- *choice* (the grammar admits a few strings, :mod:`.choice`): the tokens greedy decoding is
  expected to take before the answers part are speculated into the same batch, with their
  logits; the walk then replays greedy grammar decoding exactly and stops when the answer is
  decided. A wrong guess costs one more round for that request, never another answer.
- *decode* (anything else): llama.cpp's own grammar sampler and greedy, one token per round,
  every decoding request of the batch in the same round.

Only the thread that runs :meth:`Engine.run` may use the engine.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .choice import Choices, ChoiceWalk, PathMemory, TokenTable
from .plan import Lane, plan_batch, split_plan
from .prefix_cache import PrefixCache, shared_prefixes

__all__ = ["Engine", "EngineStats", "Job", "Outcome"]

_SPEC_ALLOWANCE = 16  # KV cells reserved per choice request for its speculated tokens
_MIN_KEEP = 32  # shorter shared prefixes are not worth a keeper


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
    #: which :class:`PathMemory` speculates for this request
    memory_key: str = ""
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
class EngineStats:
    """Counters for the benchmarks."""

    batches: int = 0
    rounds: int = 0
    decode_calls: int = 0
    computed_tokens: int = 0
    prompt_tokens: int = 0
    cached_tokens: int = 0
    outputs: int = 0
    decode_seconds: float = 0.0
    diverged: int = 0


@dataclass
class _Live:
    """A request being evaluated: its sequence, what the KV holds, what comes next."""

    job: Job
    seq: int
    start: int  # the KV holds (prompt + out)[:start] on ``seq``
    cached: int
    walk: ChoiceWalk | None = None
    sampler: Any = None
    out: list[int] = field(default_factory=list)  # accepted output tokens (decode path)
    text: bytes = b""
    spec: list[int] = field(default_factory=list)
    scores: dict[int, np.ndarray] = field(default_factory=dict)
    sampled: int | None = None
    outcome: Outcome | None = None

    def path(self) -> list[int]:
        out = self.walk.tokens if self.walk is not None else self.out
        return self.job.prompt + out


class Engine:
    """One llama.cpp model and context, with a unified KV cache for many sequences."""

    def __init__(
        self,
        model_path: str,
        *,
        n_ctx: int = 8192,
        n_batch: int = 2048,
        n_ubatch: int = 512,
        n_threads: int = 2,
        n_threads_batch: int = 2,
        flash_attn: bool = True,
        n_seq_max: int = 64,
        keepers: int = 16,
        keep_budget: int | None = None,
    ) -> None:
        import llama_cpp
        from llama_cpp import _internals, _logger

        _logger.set_verbose(False)
        llama_cpp.llama_backend_init()
        # llama-cpp-python's wrappers are partly untyped; they stay ``Any`` here
        self._llama: Any = llama_cpp
        self._internals: Any = _internals
        self.model: Any = self._internals.LlamaModel(
            path_model=model_path, params=llama_cpp.llama_model_default_params(), verbose=False
        )
        params: Any = llama_cpp.llama_context_default_params()
        params.n_ctx = n_ctx
        params.n_batch = n_batch
        params.n_ubatch = min(n_ubatch, n_batch)
        params.n_seq_max = n_seq_max
        params.kv_unified = True  # one cell may belong to many sequences: shared prefixes
        params.n_threads = n_threads
        params.n_threads_batch = n_threads_batch
        params.flash_attn_type = (
            llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED
            if flash_attn
            else llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        )
        self.context: Any = self._internals.LlamaContext(
            model=self.model, params=params, verbose=False
        )
        self.ctx = self.context.ctx
        self.memory = self.context.memory
        self.n_ctx = llama_cpp.llama_n_ctx(self.ctx)
        self.n_batch = n_batch
        self.n_vocab = self.model.n_vocab()
        self._batch = llama_cpp.llama_batch_init(n_batch, 0, n_seq_max)
        vocab = self.model.vocab
        self.table = TokenTable(
            [self._piece(t) for t in range(self.n_vocab)],
            [t for t in range(self.n_vocab) if llama_cpp.llama_vocab_is_eog(vocab, t)],
        )
        self.cache = PrefixCache(range(keepers), keep_budget or n_ctx // 3)
        self._lanes = list(range(n_seq_max - 1, keepers - 1, -1))
        self._memories: dict[str, PathMemory] = {}
        self.stats = EngineStats()

    # -- vocabulary ---------------------------------------------------------------------------

    def _piece(self, token: int, special: bool = True) -> bytes:
        buf = ctypes.create_string_buffer(256)
        n = self._llama.llama_token_to_piece(self.model.vocab, token, buf, 256, 0, special)
        return buf.raw[: max(n, 0)]

    def tokenize(self, text: str, *, add_bos: bool = False, special: bool = True) -> list[int]:
        tokens: list[int] = self.model.tokenize(text.encode("utf-8"), add_bos, special)
        return tokens

    def detokenize(self, tokens: Sequence[int]) -> bytes:
        """What ``create_completion`` shows: special tokens as nothing."""
        return b"".join(self._piece(t, special=False) for t in tokens)

    def memory_for(self, key: str) -> PathMemory:
        if key not in self._memories:
            self._memories[key] = PathMemory(
                lambda text: self.tokenize(text.decode("utf-8"), special=False)
            )
        return self._memories[key]

    def close(self) -> None:
        if self._batch is not None:
            self._llama.llama_batch_free(self._batch)
            self._batch = None
        self.context.close()
        self.model.close()

    # -- evaluation ---------------------------------------------------------------------------

    def run(self, jobs: Sequence[Job]) -> list[Outcome | BaseException]:
        """Evaluate ``jobs`` together; identical ones once. Results in the same order."""
        self.stats.batches += 1
        groups: dict[tuple[Any, ...], list[int]] = {}
        for index, job in enumerate(jobs):
            groups.setdefault(job.key(), []).append(index)
        ordered = sorted(groups.values(), key=lambda idx: jobs[idx[0]].prompt)
        results: list[Outcome | BaseException | None] = [None] * len(jobs)
        for chunk in self._chunks([jobs[idx[0]] for idx in ordered], ordered, results):
            try:
                outcomes: list[Outcome | BaseException] = list(
                    self._run_chunk([jobs[idx[0]] for idx in chunk])
                )
            except Exception as exc:  # a failed decode: start from a clean cache
                self._reset()
                outcomes = [exc] * len(chunk)
            for idx, outcome in zip(chunk, outcomes, strict=True):
                for i in idx:
                    results[i] = outcome
        assert all(r is not None for r in results)
        return [r for r in results if r is not None]

    def _chunks(
        self,
        unique: list[Job],
        groups: list[list[int]],
        results: list[Outcome | BaseException | None],
    ) -> Iterator[list[list[int]]]:
        """Groups of requests that fit the free sequences and the KV cells together."""
        room = self.n_ctx - 64
        chunk: list[list[int]] = []
        cells = 0
        previous: list[int] = []
        for job, idx in zip(unique, groups, strict=True):
            own = len(job.prompt) + job.max_tokens + _SPEC_ALLOWANCE
            if own > room:
                error = ValueError(
                    f"Requested tokens ({len(job.prompt)}) exceed context window of {self.n_ctx}"
                )
                for i in idx:
                    results[i] = error
                continue
            shared = next(
                (n for n, (a, b) in enumerate(zip(previous, job.prompt, strict=False)) if a != b),
                min(len(previous), len(job.prompt)),
            )
            add = own - shared
            if chunk and (len(chunk) >= len(self._lanes) or cells + add > room):
                yield self._make_room(chunk, cells)
                chunk, cells, add = [], 0, own
            chunk.append(idx)
            cells += add
            previous = job.prompt
        if chunk:
            yield self._make_room(chunk, cells)

    def _make_room(self, chunk: list[list[int]], cells: int) -> list[list[int]]:
        if self.cache.cells() + cells > self.n_ctx - 64:
            for seq in self.cache.drop_all():
                self._llama.llama_memory_seq_rm(self.memory, seq, -1, -1)
        return chunk

    def _reset(self) -> None:
        self.cache.drop_all()
        self._llama.llama_memory_clear(self.memory, True)

    def _run_chunk(self, jobs: list[Job]) -> list[Outcome]:
        live: list[_Live] = []
        try:
            for job in jobs:
                live.append(self._open(job))
            active = list(live)
            while active:
                self._round(active)
                active = [lane for lane in active if lane.outcome is None]
            self._keep(live)
        finally:
            for lane in live:
                self._llama.llama_memory_seq_rm(self.memory, lane.seq, -1, -1)
                self._lanes.append(lane.seq)
                if lane.sampler is not None:
                    lane.sampler.close()
        return [lane.outcome for lane in live if lane.outcome is not None]

    def _open(self, job: Job) -> _Live:
        seq = self._lanes.pop()
        keeper, cached = self.cache.match(job.prompt)
        cached = min(cached, len(job.prompt) - 1)  # the last prompt token gives the logits
        if keeper is not None and cached > 0:
            self._llama.llama_memory_seq_cp(self.memory, keeper.seq, seq, 0, cached)
        lane = _Live(job, seq, start=max(cached, 0), cached=max(cached, 0))
        self.stats.prompt_tokens += len(job.prompt)
        self.stats.cached_tokens += lane.cached
        if job.choices is not None:
            lane.walk = ChoiceWalk(job.choices, job.max_tokens, job.exact_tail)
            lane.spec = self.memory_for(job.memory_key).guess(lane.walk)
        else:
            lane.sampler = self._sampler(job)
        return lane

    def _sampler(self, job: Job) -> Any:
        """The sampler chain ``Llama.create_chat_completion`` builds (its penalties are
        no-ops at their defaults, so they are left out)."""
        sampler = self._internals.LlamaSampler()
        if job.grammar is not None:
            sampler.add_grammar(self.model, job.grammar)
        if job.temperature == 0.0:
            sampler.add_greedy()
        else:
            sampler.add_top_k(40)
            sampler.add_typical(1.0, 1)
            sampler.add_top_p(0.95, 1)
            sampler.add_min_p(0.05, 1)
            sampler.add_temp(job.temperature)
            sampler.add_dist(job.seed)
        return sampler

    def _round(self, active: list[_Live]) -> None:
        self.stats.rounds += 1
        lanes = []
        for lane in active:
            tokens = lane.path() + lane.spec
            first = len(lane.path()) - 1
            lanes.append(Lane(lane.seq, tokens, lane.start, range(first, len(tokens))))
        plan = plan_batch(lanes)
        wanted: dict[int, list[tuple[int, int]]] = {}
        for (lane_index, token_index), entry in plan.outputs.items():
            wanted.setdefault(entry, []).append((lane_index, token_index))
        for piece in split_plan(plan, self.n_batch):
            self._decode(plan.entries[piece.start : piece.stop])
            for entry in piece:
                for lane_index, token_index in wanted.get(entry, ()):
                    lane = active[lane_index]
                    node = token_index - (len(lane.path()) - 1)
                    self._collect(lane, node, entry - piece.start)
        for lane, spec in zip(active, lanes, strict=True):
            lane.start = len(spec.tokens)
            if lane.walk is not None:
                self._advance_walk(lane)
            else:
                self._advance_decode(lane)

    def _decode(self, entries: Sequence[Any]) -> None:
        batch = self._batch
        batch.n_tokens = len(entries)
        for i, entry in enumerate(entries):
            batch.token[i] = entry.token
            batch.pos[i] = entry.pos
            batch.n_seq_id[i] = len(entry.seqs)
            row = batch.seq_id[i]
            for k, seq in enumerate(entry.seqs):
                row[k] = seq
            batch.logits[i] = entry.logits
        started = time.perf_counter()
        rc = self._llama.llama_decode(self.ctx, batch)
        self.stats.decode_seconds += time.perf_counter() - started
        self.stats.decode_calls += 1
        self.stats.computed_tokens += len(entries)
        self.stats.outputs += sum(1 for e in entries if e.logits)
        if rc != 0:
            raise RuntimeError(f"llama_decode failed with code {rc}")

    def _collect(self, lane: _Live, node: int, local: int) -> None:
        """Keep what the walk or the sampler needs from one output row, before the next
        decode overwrites it."""
        if lane.walk is None:
            lane.sampled = lane.sampler.sample(self.context, local)
            return
        text = lane.walk.text + b"".join(self.table.piece[t] for t in lane.spec[:node])
        ids = lane.walk.choices.node(text).ids
        row = np.ctypeslib.as_array(
            self._llama.llama_get_logits_ith(self.ctx, local), shape=(self.n_vocab,)
        )
        lane.scores[node] = row[ids].copy()

    def _advance_walk(self, lane: _Live) -> None:
        walk = lane.walk
        assert walk is not None
        base = len(lane.job.prompt) + len(walk.tokens)  # position of spec[0]
        node = 0
        while True:
            token = walk.advance(lane.scores[node])
            if walk.finished:
                self._finish_walk(lane)
                return
            if node < len(lane.spec) and token == lane.spec[node]:
                node += 1
                continue
            break
        # diverged from the guess (or ran past it): drop the wrong tokens, guess again
        if node < len(lane.spec):
            self.stats.diverged += 1
            self._llama.llama_memory_seq_rm(self.memory, lane.seq, base + node, -1)
        lane.start = base + node
        lane.scores = {}
        lane.spec = self.memory_for(lane.job.memory_key).guess(walk)

    def _finish_walk(self, lane: _Live) -> None:
        walk = lane.walk
        assert walk is not None
        path = walk.tokens if lane.job.exact_tail else walk.tokens[:-1]
        self.memory_for(lane.job.memory_key).record(path)
        content = walk.content()
        tail = content.encode("utf-8")[len(walk.text) :]
        extra = len(self.tokenize(tail.decode("utf-8"), special=False)) if tail else 0
        lane.outcome = Outcome(
            content=content,
            finish_reason=walk.finish_reason or "stop",
            prompt_tokens=len(lane.job.prompt),
            completion_tokens=len(walk.tokens) + extra,
            cached_tokens=lane.cached,
            logprobs=walk.logprobs(),
        )

    def _advance_decode(self, lane: _Live) -> None:
        token = lane.sampled
        assert token is not None
        lane.sampled = None
        finish = None
        if token in self.table.eog:
            finish = "stop"
        else:
            lane.out.append(token)
            lane.text = self.detokenize(lane.out)
            for stop in lane.job.stop:
                if stop in lane.text:
                    lane.text = lane.text[: lane.text.index(stop)]
                    finish = "stop"
                    break
            if finish is None and len(lane.out) >= lane.job.max_tokens:
                finish = "length"
        if finish is None:
            lane.start = len(lane.path()) - 1  # the new token is evaluated next round
            return
        lane.outcome = Outcome(
            content=lane.text.decode("utf-8", errors="ignore"),
            finish_reason=finish,
            prompt_tokens=len(lane.job.prompt),
            completion_tokens=len(lane.out),
            cached_tokens=lane.cached,
        )

    def _keep(self, live: list[_Live]) -> None:
        """Keep the prefixes this batch shared, and every system turn, for later batches."""
        prompts = [lane.job.prompt for lane in live]
        wanted = shared_prefixes(prompts, _MIN_KEEP)
        wanted += [tuple(lane.job.prompt[:n]) for lane in live for n in lane.job.keep]
        for prefix in dict.fromkeys(wanted):
            owner = next(
                (
                    lane
                    for lane in live
                    if lane.start >= len(prefix) and tuple(lane.job.prompt[: len(prefix)]) == prefix
                ),
                None,
            )
            if owner is None:
                continue
            target, cleared = self.cache.keep(prefix)
            for seq in cleared:
                self._llama.llama_memory_seq_rm(self.memory, seq, -1, -1)
            if target is not None:
                self._llama.llama_memory_seq_cp(self.memory, owner.seq, target, 0, len(prefix))
