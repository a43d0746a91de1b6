"""The embedded model: Qwen2.5-Coder-1.5B-Instruct in-process with llama-cpp-python.

Imported only when chosen (``llama_cpp`` is an optional extra). Output is grammar-constrained:
llama.cpp ignores OpenAI's ``{"type": "json_schema"}`` response format, so this backend turns
the request's JSON Schema into a GBNF grammar itself and passes it as ``grammar=``; without
that the 1.5B model answers in free text. One loaded model serves every call of a process
(loading costs ~10 s), and llama.cpp reuses the KV cache of a prompt prefix shared with the
previous call, so prompts put what is shared first.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from ..model_files import EMBEDDED_MODEL_ID, ensure_gguf

__all__ = ["LlamaBackend", "grammar_request"]

_SAMPLING_KEYS = ("temperature", "top_p", "max_tokens", "seed", "stop")


def response_schema(request: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON Schema the request asks the answer to follow, in either OpenAI spelling."""
    fmt = request.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        schema: dict[str, Any] = fmt["json_schema"]["schema"]
        return schema
    if fmt.get("type") == "json_object" and "schema" in fmt:
        return dict(fmt["schema"])
    return None


def grammar_request(request: dict[str, Any], grammar_from_schema: Any) -> dict[str, Any]:
    """llama.cpp keyword arguments for ``request``: messages, sampling, and the grammar."""
    kwargs: dict[str, Any] = {"messages": request["messages"]}
    kwargs.update({k: request[k] for k in _SAMPLING_KEYS if k in request})
    schema = response_schema(request)
    if schema is not None:
        kwargs["grammar"] = grammar_from_schema(json.dumps(schema))
    return kwargs


class LlamaBackend:
    """In-process llama.cpp behind the chat-completions contract."""

    name = "llama"
    _lock = threading.Lock()  # one llama context is not safe to share across threads

    def __init__(
        self,
        model_path: str | Path | None = None,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        seed: int = 0,
        cache_dir: Path | None = None,
        progress: Any = None,
    ) -> None:
        from llama_cpp import Llama
        from llama_cpp.llama_grammar import LlamaGrammar

        path = Path(model_path) if model_path else ensure_gguf(cache_dir, progress)
        self.model = EMBEDDED_MODEL_ID if not model_path else Path(path).stem
        self._grammar = LlamaGrammar.from_json_schema
        self._llm = Llama(
            model_path=str(path),
            n_ctx=n_ctx,
            n_threads=n_threads or os.cpu_count() or 2,
            seed=seed,
            verbose=False,
        )
        # Free the model before interpreter teardown: llama-cpp-python's own finaliser runs too
        # late and prints a TypeError at exit.
        atexit.register(self._llm.close)
        # Grammar compilation costs ~100 ms per schema; one report asks the same few dozen times.
        self._grammar_cache: dict[str, Any] = {}

    def _grammar_for(self, schema_json: str) -> Any:
        if schema_json not in self._grammar_cache:
            self._grammar_cache[schema_json] = self._grammar(schema_json, verbose=False)
        return self._grammar_cache[schema_json]

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        kwargs = grammar_request(request, self._grammar_for)
        with self._lock:
            result: dict[str, Any] = dict(self._llm.create_chat_completion(**kwargs))  # type: ignore[arg-type]
        result.setdefault("id", f"chatcmpl-{uuid.uuid4().hex[:12]}")
        result.setdefault("created", int(time.time()))
        result["model"] = request.get("model", self.model)
        return result
