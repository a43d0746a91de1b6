"""The llama.cpp context, driven by hand: many requests, batched rounds, shared prefixes.

``Llama.create_chat_completion`` serves one request at a time and keeps only the previous
prompt in its KV cache. This engine keeps a unified KV cache for many sequences and advances
every live request together, one *round* (a few ``llama_decode`` calls) at a time:

- requests admitted together are one trie (:mod:`.plan`): every token their prompts share is
  computed once, and each request continues on its own sequence;
- prefixes such a group shared, and every system turn, stay on keeper sequences for later
  groups and later reports (:mod:`.prefix_cache`);
- requests admitted while others are still running join the next round (a long free-text
  answer never holds up the short ones), and a finished request is answered at once;
- choice requests (:mod:`.choice`) evaluate their guessed tokens in the same round and are
  usually decided after one; decode requests take one sampled token per round. The guesses
  come from one path memory for every schema, carried to the next process beside the saved
  system turns (:mod:`.prompt_states`).

Only one thread may use an engine (see :mod:`.gather`).
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .choice import ChoiceWalk, PathMemory, TokenTable
from .draft import Drafter
from .lanes import Job, Live, Outcome
from .plan import Lane, plan_batch, split_plan
from .prefix_cache import PrefixCache, common_length, shared_prefixes
from .prompt_states import PromptStates
from .threads import ThreadChooser

__all__ = ["Engine", "EngineStats"]

_MIN_KEEP = 32  # shorter shared prefixes are not worth a keeper
_MARGIN = 64  # KV cells never planned for
_RECENT = 4  # keepers for the last free-text requests (re-asks start with them)
_SMALL_BATCH = 128  # rounds this small have their own thread choice (barriers weigh more)


@dataclass
class EngineStats:
    """Counters for the benchmarks."""

    rounds: int = 0
    decode_calls: int = 0
    computed_tokens: int = 0
    prompt_tokens: int = 0
    cached_tokens: int = 0
    outputs: int = 0
    decode_seconds: float = 0.0
    diverged: int = 0
    requests: int = 0
    drafted: int = 0
    draft_accepted: int = 0
    #: per round: (lanes, entries computed, logit rows, seconds)
    log: list[tuple[int, int, int, float]] = field(default_factory=list)
    #: with ``verify``: positions where the walk's pick was checked against llama.cpp's own
    #: grammar sampler on the same logits, and the ones where they differed
    verified: int = 0
    mismatches: list[tuple[bytes, int, int]] = field(default_factory=list)


class Engine:
    """One llama.cpp model and context; requests go in with :meth:`admit`, come out of
    :meth:`step`."""

    def __init__(
        self,
        model_path: str,
        *,
        n_ctx: int = 8192,
        n_batch: int = 2048,
        n_ubatch: int = 512,
        threads: Sequence[int] = (2, 1),
        small_threads: int | None = None,
        flash_attn: bool = True,
        n_seq_max: int = 128,
        keepers: int = 16,
        keep_budget: int | None = None,
        verify: bool = False,
        states: PromptStates | None = None,
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
        params.n_threads = small_threads or threads[0]
        params.n_threads_batch = threads[0]
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
        self.n_ctx = int(llama_cpp.llama_n_ctx(self.ctx))
        self.n_batch = n_batch
        #: thread counts by measurement (:mod:`.threads`), big and small rounds apart;
        #: ``small_threads`` fixes the small rounds' count
        self.chooser = ThreadChooser(threads)
        self.small_chooser = ThreadChooser((small_threads,) if small_threads else threads)
        self._threads_now = 0
        self.n_vocab = int(self.model.n_vocab())
        self._batch: Any = llama_cpp.llama_batch_init(n_batch, 0, n_seq_max)
        vocab = self.model.vocab
        self.table = TokenTable(
            [self._piece(t) for t in range(self.n_vocab)],
            [t for t in range(self.n_vocab) if llama_cpp.llama_vocab_is_eog(vocab, t)],
        )
        self.cache = PrefixCache(range(keepers), keep_budget or n_ctx // 3)
        #: the last free-text requests, prompt and answer: a re-ask extends them
        self.recent = PrefixCache(range(keepers, keepers + _RECENT), n_ctx // 6)
        self._free = list(range(n_seq_max - 1, keepers + _RECENT - 1, -1))
        self.paths = PathMemory(lambda text: self.tokenize(text.decode("utf-8"), special=False))
        self._drafters: dict[str, Drafter] = {}
        self.stats = EngineStats()
        self.verify = verify
        self._backlog: list[tuple[Hashable, Job]] = []
        self._live: list[Live] = []
        self._waiting: dict[tuple[Any, ...], list[Hashable]] = {}  # job key -> request keys
        self._groups: dict[int, int] = {}  # group -> KV cells it reserved
        self._unkept: set[int] = set()
        self._next_group = 0
        #: system turns processed by an earlier process, and where to write new ones
        self.states = states
        self._system_turns: set[tuple[int, ...]] = set()
        self._paths_written: dict[tuple[int, ...], int] = {}
        if states is not None:
            self._load_states(states)
            self.paths.learn(states.read_paths(self.n_vocab))
            self._paths_written = self.paths.counts()

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

    def close(self) -> None:
        if self._batch is not None:
            self._llama.llama_batch_free(self._batch)
            self._batch = None
        self.context.close()
        self.model.close()

    # -- requests in, outcomes out ------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return bool(self._live or self._backlog)

    def admit(self, requests: Sequence[tuple[Hashable, Job]]) -> None:
        """Queue requests (``key``, job); they start at the next :meth:`step` with room."""
        for key, job in requests:
            waiting = self._waiting.get(job.key())
            if waiting is not None:  # the same request is already under way
                waiting.append(key)
            else:
                self._waiting[job.key()] = [key]
                self._backlog.append((key, job))

    def run(self, jobs: Sequence[Job]) -> list[Outcome | BaseException]:
        """Evaluate ``jobs`` to the end (admit, then step until done); results in order."""
        self.admit(list(enumerate(jobs)))
        results: dict[Hashable, Outcome | BaseException] = {}
        while self.busy:
            results.update(self.step())
        return [results[i] for i in range(len(jobs))]

    def step(self) -> list[tuple[Hashable, Outcome | BaseException]]:
        """Open what fits of the backlog, run one round, return the requests it finished."""
        done: list[tuple[Hashable, Outcome | BaseException]] = []
        for job, error in self._open_backlog():
            done += [(key, error) for key in self._waiting.pop(job.key(), [])]
        if not self._live:
            return done
        try:
            self._round(self._live)
        except Exception as exc:  # a failed decode fails the round's requests, not the engine
            failed = self._live
            self._live = []
            for lane in failed:
                self._release(lane)
            self._reset()
            return done + [
                (key, exc) for lane in failed for key in self._waiting.pop(lane.job.key(), [])
            ]
        for group in sorted(self._unkept):
            self._keep([lane for lane in self._live if lane.group == group])
        self._unkept.clear()
        finished = [lane for lane in self._live if lane.outcome is not None]
        self._live = [lane for lane in self._live if lane.outcome is None]
        for lane in finished:
            if lane.walk is None:
                self._keep_recent(lane)
            self._release(lane)
            assert lane.outcome is not None
            done += [(key, lane.outcome) for key in self._waiting.pop(lane.job.key(), [])]
        live_groups = {lane.group for lane in self._live}
        for group in [g for g in self._groups if g not in live_groups]:
            del self._groups[group]
        if not self.busy:
            self._save_paths()
        return done

    # -- admission ----------------------------------------------------------------------------

    def _open_backlog(self) -> list[tuple[Job, BaseException]]:
        """Open lanes for the backlog, as far as free sequences and KV cells allow: one group
        per call, sorted so that neighbours share their prefixes."""
        if not self._backlog:
            return []
        room = self.n_ctx - _MARGIN
        errors: list[tuple[Job, BaseException]] = [
            (job, ValueError(_too_long(len(job.prompt), self.n_ctx)))
            for _, job in self._backlog
            if len(job.prompt) + job.cells() > room
        ]
        candidates = sorted(
            ((k, j) for k, j in self._backlog if len(j.prompt) + j.cells() <= room),
            key=lambda kj: kj[1].prompt,
        )
        fits, cells = self._fitting(candidates, room)
        if not fits and candidates and not self._live and self._cells_kept():
            self._drop_keepers()  # nothing runs: make room by forgetting the cache
            fits, cells = self._fitting(candidates, room)
        opened = {id(job) for _, job in fits} | {id(job) for job, _ in errors}
        self._backlog = [(k, j) for k, j in self._backlog if id(j) not in opened]
        if fits:
            group = self._next_group
            self._next_group += 1
            self._groups[group] = cells
            self._unkept.add(group)
            self._live += [self._open(job, group) for _, job in fits]
        return errors

    def _fitting(
        self, candidates: list[tuple[Hashable, Job]], room: int
    ) -> tuple[list[tuple[Hashable, Job]], int]:
        """The candidates that fit, and the KV cells they need (shared prefixes once)."""
        free = room - sum(self._groups.values()) - self._cells_kept()
        fits: list[tuple[Hashable, Job]] = []
        cells = 0
        previous: Sequence[int] = ()
        for key, job in candidates:
            add = len(job.prompt) - common_length(previous, job.prompt) + job.cells()
            if len(fits) < len(self._free) and cells + add <= free:
                fits.append((key, job))
                cells += add
                previous = job.prompt
        return fits, cells

    def _open(self, job: Job, group: int) -> Live:
        seq = self._free.pop()
        keeper, cached = max(
            (self.cache.match(job.prompt), self.recent.match(job.prompt)), key=lambda m: m[1]
        )
        cached = max(0, min(cached, len(job.prompt) - 1))  # the last prompt token is evaluated
        if keeper is not None and cached > 0:
            self._llama.llama_memory_seq_cp(self.memory, keeper.seq, seq, 0, cached)
        lane = Live(job, seq, start=cached, cached=cached, group=group)
        self.stats.requests += 1
        self.stats.prompt_tokens += len(job.prompt)
        self.stats.cached_tokens += cached
        if job.choices is not None:
            lane.walk = ChoiceWalk(job.choices, job.max_tokens, job.exact_tail)
            lane.spec = self.paths.guess(lane.walk)
        else:
            lane.sampler = self._sampler(job)
            lane.spec = self._drafter(job).guess(job.prompt, [])
        return lane

    def _drafter(self, job: Job) -> Drafter:
        return self._drafters.setdefault(job.drafter_key, Drafter())

    def _release(self, lane: Live) -> None:
        self._llama.llama_memory_seq_rm(self.memory, lane.seq, -1, -1)
        self._free.append(lane.seq)
        if lane.sampler is not None:
            lane.sampler.close()
            lane.sampler = None

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

    # -- one round ----------------------------------------------------------------------------

    def _round(self, active: list[Live]) -> None:
        self.stats.rounds += 1
        lanes = []
        for lane in active:
            tokens, outputs = lane.round_tokens()
            lanes.append(Lane(lane.seq, tokens, lane.start, outputs))
        plan = plan_batch(lanes)
        started = time.perf_counter()
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
        seconds = time.perf_counter() - started
        self.stats.log.append((len(active), plan.computed, len(plan.outputs), seconds))
        for lane, evaluated in zip(active, lanes, strict=True):
            lane.start = len(evaluated.tokens)
            if lane.walk is None:
                self.stats.drafted += len(lane.spec)
                self.stats.draft_accepted += max(0, len(lane.samples) - 1)
                rollback = lane.advance_decode(self.table.eog, self.detokenize)
                if rollback is not None:
                    self._llama.llama_memory_seq_rm(self.memory, lane.seq, rollback, -1)
                if lane.outcome is None:
                    lane.spec = self._drafter(lane.job).guess(lane.job.prompt, lane.out)
                else:
                    self._drafter(lane.job).record(lane.out)
                continue
            rollback = lane.advance_walk(self.paths)
            if rollback is not None:
                self.stats.diverged += 1
                self._llama.llama_memory_seq_rm(self.memory, lane.seq, rollback, -1)
            if lane.walk.finished:
                lane.finish_walk(self.paths, lambda text: len(self.tokenize(text, special=False)))

    def _decode(self, entries: Sequence[Any]) -> None:
        small = len(entries) < _SMALL_BATCH
        chooser = self.small_chooser if small else self.chooser
        threads = chooser.pick()
        if threads != self._threads_now:
            self._llama.llama_set_n_threads(self.ctx, threads, threads)
            self._threads_now = threads
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
        seconds = time.perf_counter() - started
        self.stats.decode_seconds += seconds
        chooser.record(threads, len(entries), seconds)
        self.stats.decode_calls += 1
        self.stats.computed_tokens += len(entries)
        self.stats.outputs += sum(1 for e in entries if e.logits)
        if rc != 0:
            raise RuntimeError(f"llama_decode failed with code {rc}")

    def _collect(self, lane: Live, node: int, local: int) -> None:
        """Keep what the walk or the sampler needs from one output row, before the next
        decode overwrites it."""
        if lane.walk is None:
            if lane.sampling:
                token = int(lane.sampler.sample(self.context, local))
                lane.take_sample(node, token, self.table.eog)
            return
        text = lane.node_text(node, self.table.piece)
        ids = lane.walk.choices.node(text).ids
        row = np.ctypeslib.as_array(
            self._llama.llama_get_logits_ith(self.ctx, local), shape=(self.n_vocab,)
        )
        lane.scores[node] = row[ids].copy()
        if self.verify:
            self._verify(lane, node, local, text, int(ids[int(np.argmax(lane.scores[node]))]))

    def _verify(self, lane: Live, node: int, local: int, text: bytes, pick: int) -> None:
        """Ask llama.cpp's grammar sampler (greedy) for the same position on the same logits:
        the walk must pick what it picks (the identity check runs with this on)."""
        assert lane.walk is not None
        sampler = self._sampler(lane.job)
        try:
            for token in lane.walk.tokens + lane.spec[:node]:
                sampler.accept(token)
            expected = int(sampler.sample(self.context, local))
        finally:
            sampler.close()
        self.stats.verified += 1
        if expected != pick:
            self.stats.mismatches.append((text, pick, expected))

    # -- the cache ----------------------------------------------------------------------------

    def _keep(self, group: list[Live]) -> None:
        """Keep the prefixes a group shared, and every system turn, for later groups."""
        prompts = [lane.job.prompt for lane in group]
        wanted = shared_prefixes(prompts, _MIN_KEEP)
        system = {tuple(lane.job.prompt[:n]) for lane in group for n in lane.job.keep}
        wanted += sorted(system)
        for prefix in dict.fromkeys(wanted):
            owner = next(
                (
                    lane
                    for lane in group
                    if lane.start >= len(prefix) and tuple(lane.job.prompt[: len(prefix)]) == prefix
                ),
                None,
            )
            if owner is None:
                continue
            self._to_keeper(self.cache, prefix, owner.seq)
            if prefix in system:
                self._save_state(owner.seq, prefix)

    def _load_states(self, states: PromptStates) -> None:
        """Read the saved system turns into keepers (through a scratch sequence)."""
        states.prune()
        scratch = self._free[-1]
        for path in states.saved():
            prompt = states.load(self._llama, self.ctx, path, scratch, self.n_ctx)
            if prompt and self._to_keeper(self.cache, prompt, scratch):
                self._system_turns.add(prompt)
            self._llama.llama_memory_seq_rm(self.memory, scratch, -1, -1)

    def _save_state(self, seq: int, prompt: tuple[int, ...]) -> None:
        """Write a system turn ``seq`` starts with for the next process (once per prompt),
        through a scratch sequence that holds only its cells."""
        if self.states is None or prompt in self._system_turns or not self._free:
            return
        self._system_turns.add(prompt)
        scratch = self._free[-1]
        self._llama.llama_memory_seq_cp(self.memory, seq, scratch, 0, len(prompt))
        try:
            self.states.save(self._llama, self.ctx, scratch, prompt)
        finally:
            self._llama.llama_memory_seq_rm(self.memory, scratch, -1, -1)

    def _save_paths(self) -> None:
        """Write the choice paths for the next process, when they changed (once idle: a few
        hundred bytes per batch of requests)."""
        counts = self.paths.counts()
        if self.states is not None and counts != self._paths_written:
            self.states.write_paths(counts)
            self._paths_written = counts

    def _keep_recent(self, lane: Live) -> None:
        """Keep a finished free-text request's prompt and answer: if it is re-asked, the new
        prompt starts with both."""
        self._to_keeper(self.recent, lane.path()[: lane.start], lane.seq)

    def _to_keeper(self, cache: PrefixCache, tokens: Sequence[int], source: int) -> bool:
        """Copy ``tokens``, which sequence ``source`` starts with, onto a keeper of ``cache``
        (clearing the keepers it covers or evicts). False when ``cache`` does not take them:
        a keeper holds them already, or they exceed its budget."""
        target, cleared = cache.keep(tokens)
        for seq in cleared:
            self._llama.llama_memory_seq_rm(self.memory, seq, -1, -1)
        if target is None:
            return False
        self._llama.llama_memory_seq_cp(self.memory, source, target, 0, len(tokens))
        return True

    def _cells_kept(self) -> int:
        return self.cache.cells() + self.recent.cells()

    def _drop_keepers(self) -> None:
        for seq in self.cache.drop_all() + self.recent.drop_all():
            self._llama.llama_memory_seq_rm(self.memory, seq, -1, -1)

    def _reset(self) -> None:
        self.cache.drop_all()
        self.recent.drop_all()
        self._groups.clear()
        self._llama.llama_memory_clear(self.memory, True)


def _too_long(tokens: int, n_ctx: int) -> str:
    return f"Requested tokens ({tokens}) exceed context window of {n_ctx}"
