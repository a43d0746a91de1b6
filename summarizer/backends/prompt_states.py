"""Processed system prompts kept on disk, so a new process does not compute them again.

Within one process the engine keeps every system turn's KV cells on a keeper sequence
(:mod:`.prefix_cache`), so only the first report of a run pays for the system prompts: about a
thousand tokens, a fifth of a short report's seconds. A user who briefs one report at a time
pays that every time. So the keeper's cells are written to a file the first time a system
turn is kept and read back into a keeper when the next process starts.

A file is only ever read by the same model, llama.cpp build and KV layout that wrote it: its
name holds a fingerprint of all three, and the token ids of the prompt are stored in the file
and checked by llama.cpp. A file that does not load is deleted and the prompt computed again.
This module names, lists, prunes, reads and writes the files; the engine decides which
sequences they fill.

Beside them, one small file per fingerprint holds the layouts greedy wrote before a choice's
answers parted (:class:`.choice.PathMemory`): without it, a new process guesses the layout from
the tokenizer, is wrong, and pays a round per token until it has seen a few answers (a short
report's first part questions took four extra rounds).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["PromptStates", "fingerprint"]

#: Files of fingerprints other than the current one are removed; at most this many are kept.
MAX_FILES = 8


def fingerprint(model_path: Path, *parts: object) -> str:
    """What must match for saved cells to be valid: the model file (name, size, mtime) and
    whatever else the caller passes (llama.cpp's version, flash attention, KV types ...)."""
    stat = model_path.stat()
    text = "|".join(str(p) for p in (model_path.name, stat.st_size, stat.st_mtime_ns, *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class PromptStates:
    """The state files of one fingerprint in ``folder``."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint

    def path_for(self, tokens: Sequence[int]) -> Path:
        digest = hashlib.sha256(",".join(map(str, tokens)).encode()).hexdigest()[:16]
        return self.folder / f"{self.fingerprint}-{digest}.kv"

    def saved(self) -> list[Path]:
        """This fingerprint's files, newest first (at most :data:`MAX_FILES`)."""
        if not self.folder.is_dir():
            return []
        mine = self.folder.glob(f"{self.fingerprint}-*.kv")
        return sorted(mine, key=lambda p: p.stat().st_mtime_ns, reverse=True)[:MAX_FILES]

    def prune(self) -> None:
        """Remove files of other fingerprints (an older model or build) and the oldest of
        this one beyond :data:`MAX_FILES`; an unwritable folder is left as it is."""
        keep = {*self.saved(), self.paths_file}
        for path in self._all():
            if path not in keep:
                _forget(path)

    def _all(self) -> Iterable[Path]:
        if not self.folder.is_dir():
            return ()
        return [*self.folder.glob("*.kv"), *self.folder.glob("*.paths.json")]

    @property
    def paths_file(self) -> Path:
        return self.folder / f"{self.fingerprint}.paths.json"

    def read_paths(self, n_vocab: int) -> list[tuple[tuple[int, ...], int]]:
        """The choice paths an earlier process saved, with their counts; nothing when there is
        no file, and nothing from a file that is not a list of (token ids < ``n_vocab``,
        count) pairs (it is deleted)."""
        try:
            rows = json.loads(self.paths_file.read_text(encoding="utf-8"))
            paths = [(tuple(int(t) for t in path), int(count)) for path, count in rows]
            if any(not 0 <= t < n_vocab for path, _ in paths for t in path):
                raise ValueError("a token id the model does not have")
        except FileNotFoundError:
            return []
        except (OSError, ValueError, TypeError):
            _forget(self.paths_file)
            return []
        return [(path, count) for path, count in paths if count > 0]

    def write_paths(self, counts: dict[tuple[int, ...], int]) -> None:
        """Replace the saved choice paths (an unwritable folder is left as it is)."""
        partial = self.paths_file.with_suffix(".partial")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps([[list(p), c] for p, c in counts.items()]))
            partial.replace(self.paths_file)
        except OSError:
            _forget(partial)

    def writable_path(self, tokens: Sequence[int]) -> Path | None:
        """Where to write the state of ``tokens`` (None: already written, or no folder)."""
        path = self.path_for(tokens)
        if path.exists():
            return None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return path

    # -- the llama.cpp calls (``llama``: the llama_cpp module, ``ctx``: a context) ----------

    def load(self, llama: Any, ctx: Any, path: Path, seq: int, capacity: int) -> tuple[int, ...]:
        """Read ``path`` into sequence ``seq``; the prompt's token ids, or () when the file
        does not load (it is deleted then)."""
        tokens = (llama.llama_token * capacity)()
        count = ctypes.c_size_t(0)
        read = llama.llama_state_seq_load_file(
            ctx, str(path).encode(), seq, tokens, capacity, ctypes.byref(count)
        )
        if not read or not count.value:
            _forget(path)
            return ()
        return tuple(tokens[: count.value])

    def save(self, llama: Any, ctx: Any, seq: int, prompt: Sequence[int]) -> None:
        """Write sequence ``seq``, which holds ``prompt``, unless a file has it already."""
        path = self.writable_path(prompt)
        if path is None:
            return
        partial = path.with_suffix(".partial")
        array = (llama.llama_token * len(prompt))(*prompt)
        try:
            written = llama.llama_state_seq_save_file(
                ctx, str(partial).encode(), seq, array, len(prompt)
            )
            if written:
                partial.replace(path)
        finally:
            _forget(partial)


def _forget(path: Path) -> None:
    """Delete ``path`` if it can be; a file in a folder this user cannot write stays (it is
    only ever a cache: reading it again fails again, harmlessly)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
