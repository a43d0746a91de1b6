"""The ``summarizer batch`` command's work: pick the reports, run the batch, print the status.

Kept apart from ``cli`` so each stays small; ``cli.batch`` parses the flags and calls
:func:`run_batch_command`. Input selection is strict, because a batch is unattended:

- a source that names nothing (a mistyped file, a pattern that matches nothing, a folder with
  no report in it) stops the batch before any work (exit 2), never silently skipped;
- files in any folder holding a batch's outputs (this OUTDIR or an earlier one) are never
  taken as reports, so ``batch 'ob/**/*' -o ob/out2`` does not summarise ``ob/out``'s briefings;
- a symbolic link found in a folder or by a pattern is followed only when it stays inside that
  folder (the pattern's fixed part): ``link.txt -> /etc/hostname`` is skipped and said, never
  read and sent to an endpoint. A file named on the command line is taken as named.
"""

from __future__ import annotations

import glob
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .api import summarize
from .batch import FileResult, is_outdir, output_names, output_stem, run_batch
from .errors import ConfigError
from .health import judge
from .schema import ReportSummary

if TYPE_CHECKING:
    from .cli import ModelFlags

__all__ = ["BATCH_SUFFIXES", "batch_inputs", "run_batch_command"]

#: what `batch` picks up from a folder or a glob
BATCH_SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}
_MAGIC = set("*?[")

Say = Callable[[str, str], None]


def _is_report(path: Path) -> bool:
    name = path.name.lower()
    return (
        path.suffix.lower() in BATCH_SUFFIXES
        and not name.startswith((".", "~$"))
        and ".gold." not in name
    )


def _pattern_root(pattern: str) -> Path:
    """The folder a glob pattern cannot leave: its leading part without wildcards."""
    fixed: list[str] = []
    for part in Path(pattern).parts:
        if _MAGIC & set(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def batch_inputs(sources: list[str], outdir: Path) -> tuple[list[Path], list[str]]:
    """The report files ``sources`` name, and a note for each file deliberately left out.

    Raises :class:`ConfigError` for a source that yields no report at all.
    """
    out = outdir.resolve()
    picked: dict[Path, Path] = {}
    notes: list[str] = []

    def in_outputs(p: Path) -> bool:
        parent = p.resolve().parent
        return parent in (out, out / ".cache") or is_outdir(parent)

    for source in sources:
        path = Path(source)
        found: list[Path] = []
        if path.is_file():  # named on the command line: taken as named
            if in_outputs(path):
                raise ConfigError(f"{source}: is inside a batch's output folder, not a report")
            found = [path]
        else:
            if path.is_dir():
                root, candidates = path, sorted(p for p in path.iterdir() if p.is_file())
            elif _MAGIC & set(source):
                root = _pattern_root(source)
                candidates = sorted(Path(p) for p in glob.glob(source, recursive=True))
                candidates = [p for p in candidates if p.is_file()]
            else:
                raise ConfigError(f"{source}: no such file or folder")
            inside = root.resolve()
            for p in candidates:
                if not _is_report(p) or in_outputs(p):
                    continue
                if not p.resolve().is_relative_to(inside):
                    notes.append(f"skipped {p}: a link to {p.resolve()}, outside {root}")
                    continue
                found.append(p)
        if not found:
            raise ConfigError(
                f"{source}: no report files (.txt .md .docx .pdf .html) in it"
                " (files in OUTDIR or in another batch's output folder are never reports)"
            )
        for p in found:
            picked.setdefault(p.resolve(), p)
    return list(picked.values()), notes


def run_batch_command(
    sources: list[str],
    outdir: Path,
    formats: str,
    jobs: int,
    flags: ModelFlags,
    *,
    force: bool,
    quiet: bool,
    say: Say,
    console: Console,
) -> int:
    """Run ``summarizer batch``; return its exit code (0 all done, 1 some report failed)."""
    from .prompts import PromptSet

    fmts = [f.strip().lower() for f in formats.split(",") if f.strip()]
    inputs, notes = batch_inputs(sources, outdir)
    for note in notes:
        say("note", note)
    settings = flags.settings()
    prompt_version = PromptSet(flags.prompts).version  # a bad --prompts fails before any work
    flags.announce(settings)
    opening = threading.Lock()  # the first client loads the shared backend exactly once

    # Cassettes are named by stem; a repeated stem records under its output name (x-2.json)
    # instead of overwriting the first report's recording.
    repeated = {
        path: name
        for path, name in zip(inputs, output_names(inputs), strict=True)
        if name.casefold() != output_stem(path.stem).casefold()
    }

    def summarise(report: Path) -> ReportSummary:
        with opening:
            client = flags.client_for(report, settings, repeated.get(report))
        return summarize(report, client=client, prompts=flags.prompts)

    bar: Progress | None = None
    if not quiet and console.is_terminal:
        bar = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
    task = bar.add_task("batch", total=len(inputs)) if bar else None

    def on_progress(result: FileResult, done: int, total: int) -> None:
        if bar is not None and task is not None:
            bar.update(task, completed=done, description=f"{result.name}: {result.status}")
        elif not quiet:
            say(f"[{done}/{total}] {result.name}", result.status.replace("_", " "))

    if bar is not None:
        bar.start()
    try:
        result = run_batch(
            inputs,
            outdir,
            fmts,
            jobs,
            summarise,
            on_progress,
            prompt_version=prompt_version,
            model=settings.model_id,
            backend=settings.backend,
            endpoint=settings.base_url,
            force=force,
        )
    finally:
        if bar is not None:
            bar.stop()

    out = Console()
    table = Table(title=escape(f"{len(result.files)} reports -> {result.outdir}"))
    for column in ("report", "source", "status", "calls", "tokens", "re-asks", "seconds"):
        numeric = column not in ("report", "source", "status")
        table.add_column(column, justify="right" if numeric else "left")
    styles = {"done": "green", "cached": "cyan", "up_to_date": "cyan", "failed": "bold red"}
    for r in result.files:
        u = r.usage
        table.add_row(
            escape(r.name),
            escape(str(r.source)),
            f"[{styles[r.status]}]{r.status.replace('_', ' ')}[/]",
            str(u.calls),
            str(u.prompt_tokens + u.completion_tokens),
            str(u.retries),
            f"{r.seconds:.1f}",
        )
    out.print(table)
    for r in result.failed:
        out.print(
            f"[bold red]failed[/] {escape(r.name)} ({escape(str(r.source))}): "
            f"{escape(r.reason or '')}",
            highlight=False,
            soft_wrap=True,
        )
    for r in result.files:
        verdict = judge(r.summary) if r.summary is not None else None
        if verdict is not None and verdict.level == "thin":
            say("warning", f"{r.name}: thin summary: {verdict.reason}")
    u = result.usage
    counts = ", ".join(
        f"{result.count(s)} {s.replace('_', ' ')}"
        for s in ("done", "cached", "up_to_date", "failed")
    )
    out.print(
        f"{counts}. Tokens {u.prompt_tokens + u.completion_tokens} "
        f"(prompt {u.prompt_tokens}, completion {u.completion_tokens}), calls {u.calls}, "
        f"re-asks {u.retries}, {result.seconds:.1f} s. "
        f"Wrote {', '.join(p.name for p in result.tables)} and <stem>.{{{','.join(fmts)}}}",
        highlight=False,
        soft_wrap=True,
        markup=False,
    )
    return 0 if result.ok else 1
