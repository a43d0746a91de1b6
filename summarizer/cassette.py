"""Record and replay model calls at the chat-completion boundary.

A cassette is one human-readable JSON file: each interaction holds the request (model, messages,
response format, sampling) and the raw completion (or the transport fault) it got. Requests are
matched by a hash of their canonical JSON, so any change to a prompt, a schema or a sampling
parameter is a miss, not a silent reuse. Because it sits where every backend meets, a replayed
run goes through the same parsing, validation and re-ask code as a live one.

Modes: ``replay`` (never call the model; a miss is a :class:`CassetteError` naming the command
that records what is missing), ``missing`` (replay what exists, record the rest), ``all``
(re-record). The advice on a miss is always ``--record missing``, which keeps what the file
holds: the file that missed may well be another report's recording, and ``--record all`` on it
would destroy that. Nothing secret is written: requests never carry keys, and strings are
scrubbed besides. Saving goes through a hidden temporary file; one left by a killed recording
is removed by the next save.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any, Literal

from .backends.base import ChatBackend, TransientError
from .errors import CassetteError

__all__ = ["Cassette", "CassetteBackend", "RecordMode", "request_hash"]

RecordMode = Literal["replay", "missing", "all"]
RECORD_MODES: tuple[RecordMode, ...] = ("replay", "missing", "all")

#: Request fields that change the answer. Anything else (timeouts, headers) is not recorded.
_REQUEST_KEYS = (
    "model",
    "messages",
    "response_format",
    "tools",
    "tool_choice",
    "temperature",
    "top_p",
    "max_tokens",
    "seed",
    "stop",
)
_SECRET = re.compile(r"(sk-[A-Za-z0-9_\-]{8,}|Bearer\s+\S+)")
_SECRET_KEYS = {"authorization", "api_key", "api-key", "x-api-key", "headers"}


def canonical_request(request: dict[str, Any]) -> dict[str, Any]:
    """The part of a request that decides its answer, in a stable form."""
    return {k: request[k] for k in _REQUEST_KEYS if k in request and request[k] is not None}


#: Re-asks quote pydantic's error text, which links to a page of the installed pydantic
#: version; the link says nothing to the model and must not make a cassette version-bound.
_VOLATILE = re.compile(r"https://errors\.pydantic\.dev/[\w.]+/")


def request_hash(request: dict[str, Any]) -> str:
    """SHA-256 of the canonical request (keys sorted, compact, UTF-8)."""
    text = json.dumps(
        canonical_request(request), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    text = _VOLATILE.sub("https://errors.pydantic.dev/", text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scrub(value: Any) -> Any:
    """Drop secret-looking keys and redact key-looking strings, recursively."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k.lower() not in _SECRET_KEYS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return _SECRET.sub("[REDACTED]", value)
    return value


class Cassette:
    """The interactions of one cassette file, matched in order per request hash."""

    def __init__(
        self, path: str | Path, mode: RecordMode = "replay", rerecord_hint: str | None = None
    ) -> None:
        if mode not in RECORD_MODES:
            raise ValueError(f"record mode must be one of {RECORD_MODES}, not {mode!r}")
        self.path = Path(path)
        self.mode = mode
        self.rerecord_hint = rerecord_hint or f"--cassette {self.path} --record missing"
        self._recorded: list[dict[str, Any]] = []
        self._comment: str | None = None
        #: the backend that made the recording ("llama", "openai"); reported on replay
        self.backend: str | None = None
        if self.path.exists() and mode != "all":
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CassetteError(f"cassette {self.path} is unreadable: {exc}") from exc
            self._recorded = data.get("interactions", [])
            self._comment = data.get("comment")
            self.backend = data.get("backend")
        self._used: set[int] = set()
        self._new: list[dict[str, Any]] = []
        self._lock = threading.Lock()  # questions may be asked concurrently

    def lookup(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """The next unused recorded interaction for this request, or None."""
        digest = request_hash(request)
        with self._lock:
            for index, item in enumerate(self._recorded):
                if index not in self._used and item["request_hash"] == digest:
                    self._used.add(index)
                    return item
        return None

    def miss(self, request: dict[str, Any]) -> CassetteError:
        """The error for a request the cassette cannot answer in replay mode."""
        if self.path.exists():
            state = (
                "has no answer for this request (hash "
                f"{request_hash(request)[:12]}: another report's cassette, or prompts, schema "
                "or settings changed?)"
            )
        else:
            state = "does not exist"
        return CassetteError(
            f"cassette {self.path} {state}. Record what is missing (keeping what the file "
            f"holds) with: {self.rerecord_hint}"
        )

    def append(
        self,
        request: dict[str, Any],
        response: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        """Record one interaction and save the file at once, so a crash loses nothing."""
        item: dict[str, Any] = {
            "request_hash": request_hash(request),
            "request": scrub(canonical_request(request)),
        }
        if error is not None:
            item["error"] = scrub(error)
        else:
            item["response"] = scrub(response)
        with self._lock:
            self._new.append(item)
            self.save()

    def save(self) -> None:
        """Write the cassette atomically: kept interactions plus new ones."""
        kept = self._recorded if self.mode == "missing" else []
        data = {
            "comment": self._comment or "Recorded from a real model run by summarizer.",
            "backend": self.backend,
            "interactions": kept + self._new,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1)
                out.write("\n")
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; a cassette is a shared, checked-in file
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._sweep()

    def _sweep(self) -> None:
        """Remove temporary files a killed save of this cassette left behind (one cassette has
        one writer, so any other is stale): ``.NAME.XXXXXXXX.tmp``, and ``NAMEXXXXXXXX.tmp``
        as earlier versions named them."""
        name = self.path.name
        for leftover in self.path.parent.iterdir():
            stale = leftover.name.endswith(".tmp") and (
                leftover.name.startswith(f".{name}.")
                or (leftover.name.startswith(name) and len(leftover.name) == len(name) + 12)
            )
            if stale:
                leftover.unlink(missing_ok=True)


class CassetteBackend:
    """A backend that answers from a cassette and, when allowed, records the inner backend."""

    def __init__(self, cassette: Cassette, inner: ChatBackend | None) -> None:
        self.cassette = cassette
        self.inner = inner
        self.name = inner.name if inner else (cassette.backend or "cassette")
        self.model = inner.model if inner else ""
        if inner is not None:
            cassette.backend = inner.name
        #: replaying is instant and order-free; recording asks as the inner backend would
        self.concurrency = getattr(inner, "concurrency", 1) if inner else 8

    def announce(self, callers: int) -> Any:
        """The inner backend's hint about questions coming at once (see ``LLMClient.ask_many``)."""
        announce = getattr(self.inner, "announce", None)
        return announce(callers) if announce is not None else contextlib.nullcontext()

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.cassette.mode != "all":
            item = self.cassette.lookup(request)
            if item is not None:
                if "error" in item:
                    err = item["error"]
                    raise TransientError(
                        err.get("message", "recorded fault"), err.get("retry_after")
                    )
                response: dict[str, Any] = item["response"]
                return response
            if self.cassette.mode == "replay" or self.inner is None:
                raise self.cassette.miss(request)
        assert self.inner is not None
        try:
            response = self.inner.complete(request)
        except TransientError as exc:
            self.cassette.append(
                request, error={"message": str(exc), "retry_after": exc.retry_after}
            )
            raise
        self.cassette.append(request, response=response)
        return response
