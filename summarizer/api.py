"""The Python API: summarise a report (text or file) into a :class:`ReportSummary`.

Everything the CLI does goes through here, so services get exactly what the CLI gets. A model
client (and an embedded model, which takes ~10 s to load) is built once per configuration and
reused across reports in the same process.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any

from .backends import ChatBackend, create_backend
from .cassette import Cassette, CassetteBackend, RecordMode
from .health import UnusableSummary, judge
from .ingest import Document, load_document, make_document
from .llm import LLMClient
from .pipeline import Pipeline, Progress
from .prompts import PromptSet
from .schema import ReportSummary
from .settings import Settings

__all__ = ["asummarize", "open_client", "read_document", "summarize"]

_FILE_SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}


def read_document(source: str | Path | Document) -> Document:
    """A report from a path (``Path``, or a one-line string naming a report file) or text."""
    if isinstance(source, Document):
        return source
    if isinstance(source, Path) or (
        "\n" not in source and len(source) < 4096 and Path(source).suffix.lower() in _FILE_SUFFIXES
    ):
        return load_document(source)
    return make_document(source)


@functools.lru_cache(maxsize=4)
def _live_backend(
    backend: str,
    model: str,
    base_url: str | None,
    api_key: str | None,
    model_path: Path | None,
    cache_dir: Path | None,
    timeout: float,
    n_ctx: int,
) -> ChatBackend:
    if backend == "llama":
        return create_backend("llama", model_path=model_path, cache_dir=cache_dir, n_ctx=n_ctx)
    return create_backend(
        "openai", model=model, base_url=base_url, api_key=api_key, timeout=timeout
    )


def open_client(
    settings: Settings | None = None,
    *,
    cassette: str | Path | None = None,
    record: RecordMode = "replay",
    rerecord_hint: str | None = None,
) -> LLMClient:
    """A model client for ``settings``; with ``cassette``, replayed (or recorded) from it.

    In replay mode no backend is built at all, so replaying needs neither the model nor a
    network.
    """
    settings = settings or Settings.load()
    backend: ChatBackend | None = None
    if cassette is None or record != "replay":
        key = settings.api_key.get_secret_value() if settings.api_key else None
        backend = _live_backend(
            settings.backend,
            settings.model_id,
            settings.base_url,
            key,
            settings.model_path,
            settings.cache_dir,
            settings.timeout,
            settings.n_ctx,
        )
    if cassette is not None:
        backend = CassetteBackend(Cassette(cassette, record, rerecord_hint), backend)
    assert backend is not None
    return LLMClient(
        backend,
        settings.model_id,
        max_reasks=settings.max_reasks,
        transport_attempts=settings.transport_attempts,
        concurrency=settings.concurrency,
    )


def summarize(
    source: str | Path | Document,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    cassette: str | Path | None = None,
    record: RecordMode = "replay",
    prompts: str | Path | None = None,
    client: LLMClient | None = None,
    progress: Progress | None = None,
) -> ReportSummary:
    """Summarise one report.

    ``source`` is report text, or a path to a .txt/.md/.docx/.pdf/.html file. With no
    ``base_url`` (argument, ``OPENAI_BASE_URL`` or ``SUMMARIZER_BASE_URL``) the embedded model
    runs in-process; a key alone never sends the report anywhere. ``cassette`` replays recorded
    model answers (``record`` = "replay"), or records them ("missing", "all"). Raises
    ``InputError`` for unreadable input, ``ConfigError`` for bad settings, and ``ModelError``
    when the model fails after every retry or its answers leave nothing usable
    (:class:`~summarizer.health.UnusableSummary`, which carries the summary; see
    :mod:`summarizer.health`). A thin summary is returned with a line in ``run.warnings``.
    """
    doc = read_document(source)
    if client is None:
        overrides: dict[str, Any] = {
            k: v
            for k, v in {"model": model, "base_url": base_url, "api_key": api_key}.items()
            if v is not None
        }
        client = open_client(Settings.load(**overrides), cassette=cassette, record=record)
    summary = Pipeline(client, PromptSet(prompts), progress=progress).run(doc)
    verdict = judge(summary)
    if verdict.level == "unusable":
        raise UnusableSummary(f"{doc.name or 'the report'}: {verdict.reason}", summary)
    return summary


async def asummarize(source: str | Path, **options: Any) -> ReportSummary:
    """:func:`summarize` without blocking the event loop (runs in a worker thread)."""
    return await asyncio.to_thread(summarize, source, **options)
