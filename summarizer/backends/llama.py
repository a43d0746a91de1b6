"""The embedded model: Qwen2.5-Coder-1.5B-Instruct in-process with llama-cpp-python.

Imported only when chosen (``llama_cpp`` is an optional extra). Every ``complete()`` call is a
chat completion, as from any server, but the calls pending at the same time (``LLMClient.
ask_many`` asks independent questions concurrently) are gathered (:mod:`.gather`) and
evaluated together by one engine thread (:mod:`.engine`): each token their prompts share is
computed once, processed prefixes (system prompts, a report's text) stay cached across calls
and reports, and a question whose JSON Schema admits a few answers is answered from the logits
(:mod:`.choice`), exactly as greedy grammar-constrained decoding would answer it, with the
answer's probability as ``logprobs``. Other schemas are decoded under a GBNF grammar built from
the schema (llama.cpp ignores OpenAI's ``json_schema`` response format; without a grammar the
1.5B model answers in free text).
"""

from __future__ import annotations

import atexit
import json
import os
import time
import uuid
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

from ..model_files import EMBEDDED_MODEL_ID, default_cache_dir, ensure_gguf
from .choice import Choices
from .engine import Engine
from .gather import Announcement, Gatherer
from .gbnf_finite import finite_language
from .lanes import Job, Outcome
from .prompt_states import PromptStates, fingerprint

__all__ = ["LlamaBackend", "completion_from", "response_schema"]


def response_schema(request: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON Schema the request asks the answer to follow, in either OpenAI spelling."""
    fmt = request.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        schema: dict[str, Any] = fmt["json_schema"]["schema"]
        return schema
    if fmt.get("type") == "json_object" and "schema" in fmt:
        return dict(fmt["schema"])
    return None


def completion_from(outcome: Outcome, model: str) -> dict[str, Any]:
    """An OpenAI chat completion carrying ``outcome``."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": outcome.content},
                "logprobs": outcome.logprobs,
                "finish_reason": outcome.finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": outcome.prompt_tokens,
            "completion_tokens": outcome.completion_tokens,
            "total_tokens": outcome.prompt_tokens + outcome.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": outcome.cached_tokens},
        },
    }


def _prompt_states(model: Path, cache_dir: Path | None, flash_attn: bool) -> PromptStates:
    """Where processed system prompts of this model and llama.cpp build are kept between
    runs (see :mod:`.prompt_states`): beside the assembled model, in the cache folder."""
    import llama_cpp

    folder = (cache_dir or default_cache_dir()) / "prompt-states"
    return PromptStates(folder, fingerprint(model, llama_cpp.__version__, flash_attn))


class LlamaBackend:
    """In-process llama.cpp behind the chat-completions contract, batching concurrent calls."""

    name = "llama"
    #: questions ``LLMClient.ask_many`` may have in flight at once: all of them, the engine
    #: evaluates whatever is pending together
    concurrency = 64

    def __init__(
        self,
        model_path: str | Path | None = None,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        seed: int = 0,
        cache_dir: Path | None = None,
        progress: Any = None,
        *,
        n_threads_batch: int | None = None,
        n_batch: int = 2048,
        n_ubatch: int = 512,
        small_threads: int | None = None,
        flash_attn: bool = True,
        choose: bool = True,
        window: float = 0.002,
        verify: bool = False,
    ) -> None:
        path = Path(model_path) if model_path else ensure_gguf(cache_dir, progress)
        from llama_cpp import llama_chat_format  # after the model file: its error comes first

        self.model = EMBEDDED_MODEL_ID if not model_path else Path(path).stem
        self.seed = seed
        #: answer finite-choice schemas from the logits (False: decode them, for comparisons)
        self.choose = choose
        cores = os.cpu_count() or 2
        # big and small rounds each: the given thread count, else whichever of all cores or
        # one measures faster on this machine now (see .threads)
        fixed = n_threads_batch or n_threads
        self.engine = Engine(
            str(path),
            n_ctx=n_ctx,
            n_batch=n_batch,
            n_ubatch=n_ubatch,
            threads=(fixed,) if fixed else (cores, 1),
            small_threads=small_threads,
            flash_attn=flash_attn,
            verify=verify,
            states=_prompt_states(path, cache_dir, flash_attn),
        )
        metadata = self.engine.model.metadata()
        model = self.engine.model
        eos, bos = model.token_eos(), model.token_bos()
        template = dict(
            template=metadata.get("tokenizer.chat_template", ""),
            eos_token=model.token_get_text(eos) if eos != -1 else "",
            bos_token=model.token_get_text(bos) if bos != -1 else "",
            stop_token_ids=[eos],
        )
        # the same formatter llama-cpp-python builds from the model's template
        self._format = llama_chat_format.Jinja2ChatFormatter(**template)
        self._format_turns = llama_chat_format.Jinja2ChatFormatter(
            **template,
            add_generation_prompt=False,
        )
        self._schemas: dict[str, tuple[Choices | None, Any]] = {}
        self._gatherer: Gatherer[dict[str, Any], Outcome] = Gatherer(
            _Stepper(self), window=window, teardown=self.engine.close
        )
        atexit.register(self.close)

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        outcome = self._gatherer.submit(request)
        return completion_from(outcome, request.get("model", self.model))

    def announce(self, callers: int) -> Announcement:
        """Tell the engine ``callers`` questions are about to be asked at once, so it starts
        evaluating the moment all of them are pending (see :mod:`.gather`)."""
        return self._gatherer.announce(callers)

    @property
    def stats(self) -> dict[str, Any]:
        """Counters of the engine and the gatherer, for the benchmarks."""
        return {"engine": vars(self.engine.stats), "batches": vars(self._gatherer.stats)}

    def close(self) -> None:
        """Stop the engine thread; it frees the model."""
        self._gatherer.close()

    # -- on the engine thread ---------------------------------------------------------------

    def _job(self, request: dict[str, Any]) -> Job:
        from llama_cpp.llama_grammar import LlamaGrammar, json_schema_to_gbnf

        messages = request["messages"]
        formatted = self._format(messages=messages)
        prompt = self.engine.tokenize(formatted.prompt, add_bos=not formatted.added_special)
        keep: tuple[int, ...] = ()
        if len(messages) > 1 and messages[0].get("role") == "system":
            system = self.engine.tokenize(self._format_turns(messages=messages[:1]).prompt)
            keep = (len(system),) if prompt[: len(system)] == system else ()
        stop = request.get("stop") or []
        stops = [formatted.stop] if isinstance(formatted.stop, str) else list(formatted.stop or [])
        stops += [stop] if isinstance(stop, str) else list(stop)
        max_tokens = request.get("max_tokens") or (self.engine.n_ctx - len(prompt))
        temperature = float(request.get("temperature", 0.2))
        choices, grammar = None, None
        schema = response_schema(request)
        if schema is not None:
            key = json.dumps(schema, sort_keys=True)
            if key not in self._schemas:
                gbnf = json_schema_to_gbnf(json.dumps(schema))
                strings = finite_language(gbnf)
                found = Choices.parse(strings, self.engine.table) if strings else None
                self._schemas[key] = (found, LlamaGrammar.from_string(gbnf, verbose=False))
            choices, grammar = self._schemas[key]
        return Job(
            prompt=prompt,
            max_tokens=int(max_tokens),
            # choosing replays greedy decoding: only for temperature 0
            choices=choices if self.choose and temperature == 0.0 else None,
            grammar=grammar,
            stop=tuple(s.encode("utf-8") for s in stops),
            keep=keep,
            drafter_key=json.dumps(schema, sort_keys=True) if schema else "",
            temperature=temperature,
            seed=int(request.get("seed") or self.seed),
        )


class _Stepper:
    """The engine as the gatherer's stepper: requests become jobs on the engine thread."""

    def __init__(self, backend: LlamaBackend) -> None:
        self._backend = backend
        self._engine = backend.engine

    @property
    def busy(self) -> bool:
        return self._engine.busy

    def admit(
        self, requests: Sequence[tuple[Hashable, dict[str, Any]]]
    ) -> list[tuple[Hashable, BaseException]]:
        failed: list[tuple[Hashable, BaseException]] = []
        jobs = []
        for key, request in requests:
            try:
                jobs.append((key, self._backend._job(request)))
            except Exception as exc:  # a request the engine cannot take fails alone
                failed.append((key, exc))
        self._engine.admit(jobs)
        return failed

    def step(self) -> list[tuple[Hashable, Outcome | BaseException]]:
        return self._engine.step()
