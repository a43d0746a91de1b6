"""Writing results: atomically, so a failure never leaves a half-written file behind.

A path the user got wrong (a folder, a file where a folder should be, no permission, a full
disk) is a :class:`ConfigError` with a one-line reason, never a traceback.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import ConfigError

__all__ = ["write_atomic"]


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` via a temporary file in the same folder and a rename."""
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; give a file name to write")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write here ({_why(exc)})") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are ordinary files for people
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ConfigError(f"{path}: cannot write ({_why(exc)})") from exc
        raise


def _why(exc: OSError) -> str:
    """The OS's reason in a few words ("Permission denied", "Not a directory")."""
    return exc.strerror or type(exc).__name__
