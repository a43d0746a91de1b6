"""The options every ``summarizer`` command shares, declared once.

Help texts name each setting's environment variables and default exactly as README's settings
table does (``tests/test_settings_doc.py`` checks both); they are shown as written, never read
as rich markup.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .model_files import EMBEDDED_MODEL_ID

__all__ = [
    "SUFFIX_FORMATS",
    "BaseUrlOpt",
    "CassetteOpt",
    "Format",
    "ModelOpt",
    "OutputOpt",
    "PromptsOpt",
    "QuietOpt",
    "Record",
    "RecordOpt",
    "ReportArg",
    "TimeoutOpt",
]

ReportArg = Annotated[Path, typer.Argument(help="report file (.txt .md .docx .pdf .html)")]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="model name sent in every request "
        f"(env SUMMARIZER_MODEL; default {EMBEDDED_MODEL_ID})",
        show_default=False,
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="OpenAI-compatible endpoint; reports are sent there (env OPENAI_BASE_URL, "
        "SUMMARIZER_BASE_URL; default none: the embedded model, nothing leaves the machine)",
        show_default=False,
    ),
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        help="seconds one HTTP request may take before it is retried "
        "(env SUMMARIZER_TIMEOUT; default 30)",
        show_default=False,
    ),
]
CassetteOpt = Annotated[
    Path | None,
    typer.Option(
        "--cassette",
        help="recorded model answers: a file, or a folder holding one <report>.json per report "
        "(default none: ask the model)",
        show_default=False,
    ),
]


class Record(StrEnum):
    """How --cassette is used."""

    replay = "replay"
    missing = "missing"
    all = "all"


class Format(StrEnum):
    """Briefing formats."""

    md = "md"
    html = "html"
    docx = "docx"


#: a briefing's format, from the suffix of the file it is written to
SUFFIX_FORMATS = {".md": Format.md, ".markdown": Format.md, ".html": Format.html}
SUFFIX_FORMATS |= {".htm": Format.html, ".docx": Format.docx}

RecordOpt = Annotated[
    Record,
    typer.Option(
        "--record",
        help="with --cassette: replay only (never call the model), record what is missing, "
        "or re-record all (default replay)",
        show_default=False,
    ),
]
PromptsOpt = Annotated[
    Path | None,
    typer.Option(
        "--prompts",
        help="folder of .j2 templates overriding bundled ones by name (default none)",
        show_default=False,
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="no progress display (notes and errors still show)")
]
OutputOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="write here (default: print)")
]
