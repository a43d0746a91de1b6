"""One exception root for everything summarizer raises on purpose.

Callers (the CLI, services) catch :class:`SummarizerError` and read ``exit_code``; the CLI maps
it to the process exit status in exactly one place (``cli.main``).
"""

from __future__ import annotations

__all__ = [
    "CassetteError",
    "ConfigError",
    "InputError",
    "ModelError",
    "SummarizerError",
]


class SummarizerError(Exception):
    """Root of every error summarizer raises deliberately."""

    exit_code = 1


class InputError(SummarizerError):
    """The report cannot be read: missing, empty, binary, undecodable, no extractable text."""

    exit_code = 2


class ConfigError(SummarizerError):
    """A setting is wrong (unknown backend, missing model file, bad prompts folder)."""

    exit_code = 2


class ModelError(SummarizerError):
    """The model could not give a usable answer after every allowed retry."""

    exit_code = 3


class CassetteError(ModelError):
    """A replayed run asked for an interaction the cassette does not hold (missing or stale)."""
