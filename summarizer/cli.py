"""The ``summarizer`` command: a thin layer that parses flags and calls the Python API.

Every deliberate failure is a :class:`SummarizerError`; :func:`main` is the one place that turns
it into a one-line message and an exit code (2 bad input or settings, 3 model failure).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from .api import open_client, read_document, summarize
from .errors import ConfigError, SummarizerError
from .ingest import Document
from .llm import LLMClient
from .schema import ReportSummary
from .settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Typed, source-grounded summaries of Vietnamese meeting reports.",
)
err = Console(stderr=True)

ReportArg = Annotated[Path, typer.Argument(help="report file (.txt .md .docx .pdf .html)")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="model name [env SUMMARIZER_MODEL]")]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url", help="OpenAI-compatible endpoint [env OPENAI_BASE_URL]; none: embedded model"
    ),
]
CassetteOpt = Annotated[
    Path | None,
    typer.Option(
        "--cassette", help="cassette file, or a folder holding one <report>.json per report"
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


RecordOpt = Annotated[
    Record,
    typer.Option(
        "--record", help="with --cassette: replay, record what is missing, or re-record all"
    ),
]
PromptsOpt = Annotated[
    Path | None,
    typer.Option("--prompts", help="folder of .j2 templates overriding bundled ones by name"),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress display")]


def _cassette_for(report: Path, cassette: Path | None) -> Path | None:
    if cassette is not None and (cassette.is_dir() or cassette.suffix != ".json"):
        return cassette / f"{report.stem}.json"
    return cassette


@contextmanager
def _progress(quiet: bool, label: str) -> Iterator[Any]:
    """A progress bar on stderr (stdout stays clean for JSON and briefings)."""
    if quiet or not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"{label} · {stage}", completed=done, total=total or None)

        yield update


@dataclass(frozen=True)
class ModelFlags:
    """The model options every command takes (--model, --base-url, --cassette, --record,
    --prompts), turned into settings and one client per report in one place."""

    model: str | None
    base_url: str | None
    cassette: Path | None
    record: Record
    prompts: Path | None

    def settings(self) -> Settings:
        overrides: dict[str, Any] = {
            k: v for k, v in {"model": self.model, "base_url": self.base_url}.items() if v
        }
        return Settings(**overrides)

    def client_for(self, report: Path, settings: Settings | None = None) -> LLMClient:
        path = _cassette_for(report, self.cassette)
        hint = f"summarizer extract {report} --cassette {path} --record all"
        return open_client(
            settings or self.settings(),
            cassette=path,
            record=self.record.value,
            rerecord_hint=hint,
        )


def run_summary(report: Path, flags: ModelFlags, quiet: bool) -> tuple[ReportSummary, Document]:
    """Summarise one report the way every command does; also return the document read."""
    doc = read_document(report)  # bad input fails here, before a model is loaded
    client = flags.client_for(report)
    with _progress(quiet, report.name) as update:
        return summarize(doc, client=client, prompts=flags.prompts, progress=update), doc


@app.command()
def extract(
    report: ReportArg,
    json_out: Annotated[
        bool, typer.Option("--json", help="print the JSON contract (the default output)")
    ] = True,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = Record.replay,
    prompts: PromptsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Print the typed, source-grounded summary of REPORT as JSON."""
    summary, _ = run_summary(report, ModelFlags(model, base_url, cassette, record, prompts), quiet)
    typer.echo(summary.model_dump_json(indent=2))


@app.command()
def brief(
    report: ReportArg,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write here")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="briefing format")] = Format.md,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = Record.replay,
    prompts: PromptsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Print (or write with -o) a one-page briefing of REPORT."""
    from .outputs import write_atomic
    from .render import render_briefing

    if fmt is Format.docx and output is None:
        raise ConfigError("--format docx needs -o FILE (it is binary)")
    summary, _ = run_summary(report, ModelFlags(model, base_url, cassette, record, prompts), quiet)
    rendered = render_briefing(summary, fmt.value)
    if output is None:
        typer.echo(rendered)
    else:
        write_atomic(output, rendered)
        err.print(f"wrote {output}")


@app.command("eval")
def evaluate(
    folder: Annotated[Path, typer.Argument(help="folder of NAME.txt + NAME.gold.json")],
    json_out: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = Record.replay,
    prompts: PromptsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Summarise every gold-annotated report in FOLDER and score it."""
    from .evaluate import aggregate, format_table, load_gold, score_report

    reports = sorted(p for p in folder.glob("*.txt") if (folder / f"{p.stem}.gold.json").exists())
    if not reports:
        raise ConfigError(f"{folder}: no NAME.txt with a NAME.gold.json beside it")
    if cassette is not None and not cassette.exists():
        cassette.mkdir(parents=True)
    flags = ModelFlags(model, base_url, cassette, record, prompts)
    rows = []
    for report in reports:
        summary, doc = run_summary(report, flags, quiet)
        text = doc.text
        score = score_report(summary, load_gold(folder / f"{report.stem}.gold.json", text), text)
        usage = summary.run.usage
        rows.append(
            (
                report.stem,
                score,
                {
                    "seconds": summary.run.seconds,
                    "calls": usage.calls,
                    "retries": usage.retries,
                    "tokens": usage.prompt_tokens + usage.completion_tokens,
                },
            )
        )
    overall = aggregate([row[1] for row in rows])
    if json_out:
        typer.echo(
            json.dumps(
                {
                    "reports": [
                        {"name": n, "score": s.model_dump(mode="json"), "run": r}
                        for n, s, r in rows
                    ],
                    "overall": overall,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        typer.echo(format_table(rows, overall))


@app.command()
def review(
    report: ReportArg,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write here")] = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = Record.replay,
    prompts: PromptsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Print (or write with -o) an HTML page of REPORT with every evidence span highlighted."""
    from .outputs import write_atomic
    from .render import render_review

    summary, doc = run_summary(
        report, ModelFlags(model, base_url, cassette, record, prompts), quiet
    )
    page = render_review(summary, doc.text)
    if output is None:
        typer.echo(page)
    else:
        write_atomic(output, page)
        err.print(f"wrote {output}")


#: what `batch` picks up from a folder or a glob
BATCH_SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}


def _batch_inputs(sources: list[str], outdir: Path) -> list[Path]:
    """Report files named by folders, files or glob patterns; never the files OUTDIR holds."""
    import glob

    found: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            found += sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
    out = outdir.resolve()
    picked: dict[Path, Path] = {}
    for p in found:
        name = p.name.lower()
        if (
            p.suffix.lower() not in BATCH_SUFFIXES
            or name.startswith((".", "~$"))
            or ".gold." in name
            or p.resolve().parent in (out, out / ".cache")  # our own outputs
        ):
            continue
        picked.setdefault(p.resolve(), p)
    return list(picked.values())


@app.command()
def batch(
    sources: Annotated[
        list[str],
        typer.Argument(help="folders, report files or glob patterns ('reports/**/*.docx')"),
    ],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="output folder")],
    formats: Annotated[
        str, typer.Option("--format", "-f", help="comma-separated: md,html,docx,json")
    ] = "md,html",
    jobs: Annotated[int, typer.Option("-j", "--jobs", help="reports summarised at once")] = 1,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = Record.replay,
    prompts: PromptsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Summarise many reports into OUTDIR: briefings, JSON, indicators.csv, comparison.md/html.

    Exit code 1 when any report failed (the others are still written), 0 otherwise.
    """
    import threading

    from rich.markup import escape
    from rich.table import Table

    from .batch import FileResult, run_batch
    from .prompts import PromptSet

    fmts = [f.strip().lower() for f in formats.split(",") if f.strip()]
    inputs = _batch_inputs(sources, outdir)
    if not inputs:
        raise ConfigError(
            f"{' '.join(sources)}: no report files (.txt .md .docx .pdf .html) to summarise"
            " (files directly in OUTDIR are never taken as reports)"
        )
    flags = ModelFlags(model, base_url, cassette, record, prompts)
    settings = flags.settings()
    prompt_version = PromptSet(prompts).version  # a bad --prompts fails before any work
    opening = threading.Lock()  # the first client loads the shared backend exactly once

    def summarise(report: Path) -> ReportSummary:
        with opening:
            client = flags.client_for(report, settings)
        return summarize(report, client=client, prompts=prompts)

    bar: Progress | None = None
    if not quiet and err.is_terminal:
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
    task = bar.add_task("batch", total=len(inputs)) if bar else None

    def on_progress(result: FileResult, done: int, total: int) -> None:
        if bar is not None and task is not None:
            label = f"{escape(result.source.name)}: {result.status}"
            bar.update(task, completed=done, description=label)
        elif not quiet:
            err.print(
                f"[{done}/{total}] {escape(result.source.name)}: {result.status}", highlight=False
            )

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
        )
    finally:
        if bar is not None:
            bar.stop()

    out = Console()
    table = Table(title=f"{len(result.files)} reports -> {result.outdir}")
    for column in ("report", "status", "calls", "tokens", "re-asks", "seconds"):
        table.add_column(column, justify="left" if column in ("report", "status") else "right")
    styles = {"done": "green", "cached": "cyan", "up_to_date": "cyan", "failed": "bold red"}
    for r in result.files:
        u = r.usage
        table.add_row(
            escape(r.source.name),
            f"[{styles[r.status]}]{r.status.replace('_', ' ')}[/]",
            str(u.calls),
            str(u.prompt_tokens + u.completion_tokens),
            str(u.retries),
            f"{r.seconds:.1f}",
        )
    out.print(table)
    for r in result.failed:
        out.print(
            f"[bold red]failed[/] {escape(str(r.source))}: {escape(r.reason or '')}",
            highlight=False,
            soft_wrap=True,
        )
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
    )
    if not result.ok:
        raise typer.Exit(1)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and map errors to exit codes, here and nowhere else."""
    logging.getLogger("instructor").addHandler(logging.NullHandler())
    logging.getLogger("instructor").propagate = False
    try:
        app(args=argv)  # usage errors: typer prints them and exits 2 itself
    except SummarizerError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
