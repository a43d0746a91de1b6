"""File -> plain text, by format. Plain text only for now; other formats plug in here."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .ingest import decode_text

__all__ = ["read_text"]


def read_text(path: Path) -> str:
    """Return the report text of ``path``; :class:`InputError` with a one-line reason if none."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a report file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    return decode_text(data, source=str(path))
