"""Summarise many reports into one output folder: briefings, JSON, a CSV and a comparison.

:func:`run_batch` runs a ``summarise`` function over the reports with bounded concurrency
(``jobs`` worker threads; the embedded backend serialises itself, HTTP backends overlap). One
report failing never stops the others: its reason is collected and the batch goes on.

Results are cached by content: the key is a hash of the report's bytes, the prompt version, the
model, the backend, the endpoint (base URL) and the code version, and the summary JSON is kept
as ``OUTDIR/.cache/<key>.json``. A cached report costs no model call (it is only re-rendered),
and a report whose outputs all exist, are newer than the report and were made from the current
cache entry is skipped as "up to date"; ``force`` summarises every report again. A summary that
is unusable (:mod:`summarizer.health`) fails its report and is never cached.

The tables (``indicators.csv``, ``comparison.*``) cover every report summarised into OUTDIR so
far, not only this run's: a run over one report adds it to them instead of erasing the others.
Each report is labelled by its output name, so two reports with the same file name (``x``,
``x-2``) stay apart.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import ConfigError, SummarizerError
from .health import UnusableSummary, judge
from .outputs import write_atomic
from .schema import ReportSummary, Usage

__all__ = [
    "FORMATS",
    "BatchResult",
    "FileResult",
    "Status",
    "cache_key",
    "is_outdir",
    "output_names",
    "output_stem",
    "run_batch",
]

Status = Literal["done", "cached", "up_to_date", "failed"]
FORMATS = ("md", "html", "docx", "json")
CACHE_DIR = ".cache"
TABLES = ("indicators.csv", "comparison.md", "comparison.html")
#: stems that would overwrite the batch's own tables
_RESERVED = {"indicators", "comparison"}


@dataclass
class FileResult:
    """What happened to one report."""

    source: Path
    name: str  # the sanitised stem its outputs are named after
    status: Status = "failed"
    reason: str | None = None
    outputs: list[Path] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)  # model cost of this run (zero unless "done")
    seconds: float = 0.0  # model time of this run
    summary: ReportSummary | None = field(default=None, repr=False)


@dataclass
class BatchResult:
    """Every report's result (in input order), the tables written, and the batch's totals."""

    outdir: Path
    files: list[FileResult]
    tables: list[Path]
    seconds: float  # wall-clock time of the whole batch

    @property
    def usage(self) -> Usage:
        """Model cost of this run, summed over the reports actually summarised."""
        total = Usage()
        for r in self.files:
            total = total.add(r.usage)
        return total

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.files if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.files)


def output_stem(stem: str) -> str:
    """A file-name stem that stays inside the output folder: no separators, '..' or leading dot."""
    name = re.sub(r"[^\w\-. ]+", "_", unicodedata.normalize("NFC", stem))
    name = re.sub(r"\.{2,}", ".", name).strip(" ._")[:120].rstrip(" .")
    if not name:
        return "report"
    return f"{name}-report" if name.casefold() in _RESERVED else name


def cache_key(
    data: bytes, prompt_version: str, model: str, backend: str, endpoint: str | None = None
) -> str:
    """The content address of a summary: report bytes + prompts + model + backend + endpoint
    + code. Two servers may serve different weights under one model name, so the endpoint
    counts."""
    from . import __version__

    parts = [hashlib.sha256(data).hexdigest(), prompt_version, model, backend, __version__]
    if endpoint:
        parts.append(endpoint.rstrip("/"))
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def is_outdir(folder: Path) -> bool:
    """Whether ``folder`` holds a batch's outputs (its stamps), so its files are never reports."""
    return (folder / CACHE_DIR / "outputs").is_dir()


def _inside(outdir: Path, name: str) -> Path:
    path = (outdir / name).resolve()
    if path.parent != outdir:
        raise ConfigError(f"output name {name!r} would leave {outdir}")
    return path


def output_names(inputs: Sequence[Path]) -> list[str]:
    """Distinct, safe output stems, in input order (a repeated stem gets -2, -3, ...)."""
    taken: set[str] = set()
    names = []
    for path in inputs:
        base = name = output_stem(path.stem)
        n = 1
        while name.casefold() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.casefold())
        names.append(name)
    return names


def _load(entry: Path) -> ReportSummary | None:
    try:
        summary = ReportSummary.model_validate_json(entry.read_bytes())
    except (OSError, ValueError):  # missing, unreadable or not a summary: summarise again
        return None
    # an unusable entry (cached by an earlier version) is a miss, never reused
    return None if judge(summary).level == "unusable" else summary


def _render(summary: ReportSummary, fmt: str) -> str | bytes:
    if fmt == "json":
        return summary.model_dump_json(indent=2)
    from .render import render_briefing

    return render_briefing(summary, fmt)


class _Runner:
    def __init__(
        self,
        outdir: Path,
        formats: list[str],
        summarise: Callable[[Path], ReportSummary],
        key_parts: tuple[str, str, str],
        endpoint: str | None,
        force: bool,
    ) -> None:
        self.outdir = outdir
        self.cache = outdir / CACHE_DIR
        self.formats = formats
        self.summarise = summarise
        self.key_parts = key_parts
        self.endpoint = endpoint
        self.force = force

    def _stamp(self, name: str) -> Path:
        # which cache entry the outputs of `name` were rendered from
        return self.cache / "outputs" / f"{name}.json"

    def _up_to_date(self, name: str, key: str, paths: list[Path], source: Path) -> bool:
        try:
            stamp = json.loads(self._stamp(name).read_text(encoding="utf-8"))
            newest_input = source.stat().st_mtime
            return stamp.get("key") == key and all(p.stat().st_mtime >= newest_input for p in paths)
        except (OSError, ValueError, AttributeError):
            return False

    def process(self, source: Path, name: str) -> FileResult:
        result = FileResult(source=source, name=name)
        try:
            paths = [_inside(self.outdir, f"{name}.{fmt}") for fmt in self.formats]
            data = source.read_bytes()
            key = cache_key(data, *self.key_parts, self.endpoint)
            summary = None if self.force else _load(self.cache / f"{key}.json")
            if summary is not None and self._up_to_date(name, key, paths, source):
                result.status, result.summary, result.outputs = "up_to_date", summary, paths
                return result
            status: Status = "cached"
            if summary is None:
                summary = self.summarise(source)
                result.usage, result.seconds = summary.run.usage, summary.run.seconds
                verdict = judge(summary)  # a custom summarise may return what the API refuses
                if verdict.level == "unusable":
                    raise UnusableSummary(verdict.reason, summary)
                # stored under what really made it: a caller's wrong guess is a miss, not a lie
                run = summary.run
                key = cache_key(data, run.prompt_version, run.model, run.backend, self.endpoint)
                write_atomic(self.cache / f"{key}.json", summary.model_dump_json(indent=2))
                status = "done"
            self._stamp(name).unlink(missing_ok=True)
            for fmt, path in zip(self.formats, paths, strict=True):
                write_atomic(path, _render(summary, fmt))
            write_atomic(self._stamp(name), json.dumps({"key": key, "source": str(source)}))
            result.status, result.summary, result.outputs = status, summary, paths
        except SummarizerError as exc:
            result.reason = str(exc)
        except Exception as exc:  # any other failure of one report must not stop the batch
            result.reason = f"{type(exc).__name__}: {exc}"
        return result


def _key_parts(
    prompt_version: str | None, model: str | None, backend: str | None
) -> tuple[str, str, str]:
    if prompt_version is None:
        from .prompts import PromptSet

        prompt_version = PromptSet().version
    if model is None or backend is None:
        from .settings import Settings

        settings = Settings.load()
        model = model or settings.model_id
        backend = backend or settings.backend
    return prompt_version, model, backend


def run_batch(
    inputs: list[Path],
    outdir: Path,
    formats: list[str],
    jobs: int,
    summarise: Callable[[Path], ReportSummary],
    on_progress: Callable[[FileResult, int, int], None] | None = None,
    *,
    prompt_version: str | None = None,
    model: str | None = None,
    backend: str | None = None,
    endpoint: str | None = None,
    force: bool = False,
) -> BatchResult:
    """Summarise ``inputs`` into ``outdir`` (``<stem>.<fmt>`` per format, plus the tables).

    ``summarise`` is called from worker threads, at most ``jobs`` at a time.
    ``prompt_version``/``model``/``backend``/``endpoint`` name what ``summarise`` uses, for
    the cache key (default: the bundled prompts and the model the environment selects, no
    endpoint). ``force`` ignores the cache and summarises every report again.
    ``on_progress`` is called in the calling thread as each report finishes, with
    ``(result, done, total)``.
    """
    if jobs < 1:
        raise ConfigError(f"-j {jobs}: need at least one job")
    formats = list(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ConfigError(
            f"--format {','.join(unknown) or '(none)'}: choose from {','.join(FORMATS)}"
        )
    unique = list({p.resolve(): p for p in inputs}.values())
    started = time.perf_counter()
    outdir = _prepare(outdir)
    runner = _Runner(
        outdir, formats, summarise, _key_parts(prompt_version, model, backend), endpoint, force
    )
    names = output_names(unique)
    results: list[FileResult | None] = [None] * len(unique)
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="summarize")
    try:
        futures = {
            pool.submit(runner.process, path, name): i
            for i, (path, name) in enumerate(zip(unique, names, strict=True))
        }
        for done, future in enumerate(as_completed(futures), start=1):
            result = future.result()
            results[futures[future]] = result
            if on_progress is not None:
                on_progress(result, done, len(unique))
    finally:  # on Ctrl-C, reports not yet started are dropped rather than run to the end
        pool.shutdown(wait=True, cancel_futures=True)
    files = [r for r in results if r is not None]
    tables = _write_tables(outdir, files)
    return BatchResult(
        outdir=outdir, files=files, tables=tables, seconds=time.perf_counter() - started
    )


def _prepare(outdir: Path) -> Path:
    """OUTDIR made and checked before any work: a file in its place or a folder we cannot
    write into is a one-line settings error, not a traceback after the first report."""
    if outdir.exists() and not outdir.is_dir():
        raise ConfigError(f"-o {outdir}: is a file, not a folder; name a folder for the outputs")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"-o {outdir}: cannot create it ({exc.strerror or exc})") from exc
    if not os.access(outdir, os.W_OK | os.X_OK):
        raise ConfigError(f"-o {outdir}: cannot write into it (permission denied)")
    return outdir.resolve()


def _everything_so_far(outdir: Path, files: list[FileResult]) -> list[tuple[str, ReportSummary]]:
    """``(output name, summary)`` of every report summarised into ``outdir``: this run's, and
    earlier runs' (found by their stamps), in name order."""
    summaries = {r.name: r.summary for r in files if r.summary is not None}
    for stamp in sorted((outdir / CACHE_DIR / "outputs").glob("*.json")):
        if stamp.stem in summaries:
            continue
        try:
            key = json.loads(stamp.read_text(encoding="utf-8"))["key"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if (summary := _load(outdir / CACHE_DIR / f"{key}.json")) is not None:
            summaries[stamp.stem] = summary
    return sorted(summaries.items(), key=lambda pair: pair[0].casefold())


def _write_tables(outdir: Path, files: list[FileResult]) -> list[Path]:
    from .compare import build_comparison, comparison_html, comparison_markdown, indicators_csv

    reports = _everything_so_far(outdir, files)
    table = build_comparison(reports)
    contents = {
        "indicators.csv": indicators_csv(reports),
        "comparison.md": comparison_markdown(table),
        "comparison.html": comparison_html(table),
    }
    written = []
    for name, text in contents.items():
        path = _inside(outdir, name)
        write_atomic(path, text)
        written.append(path)
    return written
