"""The ``summarizer`` command: a thin layer that parses flags and calls the Python API.

Every deliberate failure is a :class:`SummarizerError`; :func:`main` is the one place that turns
it, and any usage error, into one line on stderr and an exit code (2 bad input or settings, 3
model failure). Messages are printed as plain text, never parsed as rich markup, so a file
named ``[red]x.txt`` is shown as it is. What leaves the machine is said: when a base URL is in
use, the destination host is named on stderr before the first request.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

try:  # recent typer carries its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer runs on click itself
    from click import exceptions as click_errors  # type: ignore[no-redef]

from .api import open_client, read_document, summarize
from .cli_options import (
    SUFFIX_FORMATS,
    BaseUrlOpt,
    CassetteOpt,
    Format,
    ModelOpt,
    OutputOpt,
    PromptsOpt,
    QuietOpt,
    Record,
    RecordOpt,
    ReportArg,
    TimeoutOpt,
)
from .errors import ConfigError, SummarizerError
from .health import UnusableSummary, judge
from .ingest import Document
from .llm import LLMClient
from .schema import ReportSummary
from .settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help text is shown as written: "(env X)" is never eaten as markup
    help="Typed, source-grounded summaries of Vietnamese meeting reports.",
)
err = Console(stderr=True)


def _say(kind: str, message: str) -> None:
    """One line on stderr, ``kind: message``; the message is plain text, never markup."""
    style = {"error": "bold red", "warning": "yellow"}.get(kind, "dim")
    line = Text(f"{kind}: ", style=style)
    line.append(" ".join(message.split()))
    err.print(line, soft_wrap=True, highlight=False)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """Typed, source-grounded summaries of Vietnamese meeting reports."""


def _cassette_for(report: Path, cassette: Path | None, name: str | None = None) -> Path | None:
    if cassette is not None and (cassette.is_dir() or cassette.suffix != ".json"):
        return cassette / f"{name or report.stem}.json"
    return cassette


@contextmanager
def _progress(quiet: bool, label: str) -> Iterator[Any]:
    """A progress bar on stderr (stdout stays clean for JSON and briefings)."""
    if quiet or not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}", markup=False),
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
    """The model options every command takes (--model, --base-url, --timeout, --cassette,
    --record, --prompts), turned into settings and one client per report in one place."""

    model: str | None
    base_url: str | None
    timeout: float | None
    cassette: Path | None
    record: Record
    prompts: Path | None

    def settings(self) -> Settings:
        return Settings.load(model=self.model, base_url=self.base_url, timeout=self.timeout)

    @property
    def calls_the_model(self) -> bool:
        """False when every answer is replayed from cassettes (no model, no network, no key)."""
        return self.cassette is None or self.record is not Record.replay

    def announce(self, settings: Settings) -> None:
        """Say where reports go: the host of the base URL, or why a key alone is not used."""
        if not self.calls_the_model:
            return
        if settings.destination:
            where, model = settings.destination, settings.model_id
            _say("note", f"sending report text to {where} (model {model})")
        elif settings.api_key is not None:
            _say(
                "note",
                "an API key is set but no base URL: using the embedded model, nothing is sent "
                "(give --base-url to use an endpoint)",
            )

    def client_for(
        self, report: Path, settings: Settings | None = None, name: str | None = None
    ) -> LLMClient:
        """A client for ``report``; in a cassette folder its file is ``<name or stem>.json``."""
        path = _cassette_for(report, self.cassette, name)
        hint = f"summarizer extract {report} --cassette {path} --record missing"
        return open_client(
            settings or self.settings(),
            cassette=path,
            record=self.record.value,
            rerecord_hint=hint,
        )


def _warn_if_thin(summary: ReportSummary, label: str) -> None:
    verdict = judge(summary)
    if verdict.level == "thin":
        _say("warning", f"{label}: thin summary: {verdict.reason}")


def run_summary(report: Path, flags: ModelFlags, quiet: bool) -> tuple[ReportSummary, Document]:
    """Summarise one report the way every command does; also return the document read.

    An unusable result raises (exit 3, nothing written); a thin one is returned with a warning.
    """
    doc = read_document(report)  # bad input fails here, before a model is loaded
    settings = flags.settings()
    flags.announce(settings)
    client = flags.client_for(report, settings)
    with _progress(quiet, report.name) as update:
        summary = summarize(doc, client=client, prompts=flags.prompts, progress=update)
    _warn_if_thin(summary, report.name)
    return summary, doc


def _write(output: Path, content: str | bytes) -> None:
    from .outputs import write_atomic

    write_atomic(output, content)
    _say("note", f"wrote {output}")


def _listing(summary: ReportSummary) -> str:
    """One tab-separated line per item: section, start, end, text (a quick look, or grep)."""
    from .render import format_number

    lines = ["section\tstart\tend\ttext"]
    for ind in summary.indicators:
        value = "" if ind.value is None else format_number(ind.value)
        text = f"{ind.name}: {value} {ind.unit or ''}".strip()
        ev = ind.evidence[0]
        lines.append(f"indicators\t{ev.start}\t{ev.end}\t{text}")
    for section in ("achievements", "shortcomings", "tasks"):
        for item in getattr(summary, section):
            ev = item.evidence[0]
            lines.append(f"{section}\t{ev.start}\t{ev.end}\t{' '.join(item.text.split())}")
    return "\n".join(lines)


@app.command()
def extract(
    report: ReportArg,
    json_out: Annotated[
        bool,
        typer.Option(
            "--json", help="print the JSON contract (default: one tab-separated line per item)"
        ),
    ] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = Record.replay,
    prompts: PromptsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Summarise REPORT: the JSON contract with --json, else one line per item with its span."""
    flags = ModelFlags(model, base_url, timeout, cassette, record, prompts)
    summary, _ = run_summary(report, flags, quiet)
    typer.echo(summary.model_dump_json(indent=2) if json_out else _listing(summary))


def _briefing_format(fmt: Format | None, output: Path | None) -> Format:
    """-f, else the format -o's suffix names, else Markdown; a clash is refused."""
    named = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if fmt is not None and named is not None and fmt is not named:
        raise ConfigError(
            f"-f {fmt.value} but -o {output} names a .{named.value} file; "
            f"drop -f or use -f {named.value}"
        )
    chosen = fmt or named or Format.md
    if chosen is Format.docx and output is None:
        raise ConfigError("--format docx needs -o FILE (it is binary)")
    return chosen


@app.command()
def brief(
    report: ReportArg,
    output: OutputOpt = None,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="briefing format (default: from the -o suffix .md/.html/.docx, else md)",
            show_default=False,
        ),
    ] = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = Record.replay,
    prompts: PromptsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Print (or write with -o) a one-page briefing of REPORT."""
    from .render import render_briefing

    chosen = _briefing_format(fmt, output)
    flags = ModelFlags(model, base_url, timeout, cassette, record, prompts)
    summary, _ = run_summary(report, flags, quiet)
    rendered = render_briefing(summary, chosen.value)
    if output is None:
        typer.echo(rendered)
    else:
        _write(output, rendered)


@app.command("eval")
def evaluate(
    folder: Annotated[Path, typer.Argument(help="folder of NAME.txt + NAME.gold.json")],
    json_out: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = Record.replay,
    prompts: PromptsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Summarise every gold-annotated report in FOLDER and score it.

    An unusable summary is scored as it is (that is the measurement) and makes the exit code 3.
    """
    from .evaluate import aggregate, format_table, load_gold, score_report

    reports = sorted(p for p in folder.glob("*.txt") if (folder / f"{p.stem}.gold.json").exists())
    if not reports:
        raise ConfigError(f"{folder}: no NAME.txt with a NAME.gold.json beside it")
    if cassette is not None and not cassette.exists():
        cassette.mkdir(parents=True)
    flags = ModelFlags(model, base_url, timeout, cassette, record, prompts)
    rows = []
    unusable = []
    for report in reports:
        try:
            summary, doc = run_summary(report, flags, quiet)
        except UnusableSummary as exc:
            summary, doc = exc.summary, read_document(report)
            unusable.append(report.name)
            _say("warning", str(exc))
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
    if unusable:
        _say("error", f"unusable summaries (scored as they are): {', '.join(unusable)}")
        raise typer.Exit(3)


@app.command()
def review(
    report: ReportArg,
    output: OutputOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = Record.replay,
    prompts: PromptsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Print (or write with -o) an HTML page of REPORT with every evidence span highlighted,
    the run's warnings and the items the model was least sure of."""
    from .render import render_review

    flags = ModelFlags(model, base_url, timeout, cassette, record, prompts)
    summary, doc = run_summary(report, flags, quiet)
    page = render_review(summary, doc.text)
    if output is None:
        typer.echo(page)
    else:
        _write(output, page)


@app.command()
def batch(
    sources: Annotated[
        list[str],
        typer.Argument(help="folders, report files or glob patterns ('reports/**/*.docx')"),
    ],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="output folder")],
    formats: Annotated[
        str,
        typer.Option("--format", "-f", help="comma-separated: md,html,docx,json (default md,html)"),
    ] = "md,html",
    jobs: Annotated[
        int, typer.Option("-j", "--jobs", help="reports summarised at once (default 1)")
    ] = 1,
    force: Annotated[
        bool,
        typer.Option("--force", help="summarise every report again, ignoring the cache"),
    ] = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = Record.replay,
    prompts: PromptsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Summarise many reports into OUTDIR: briefings, JSON, indicators.csv, comparison.md/html.

    Exit code 1 when any report failed (the others are still written), 0 otherwise.
    --record missing/all summarise every report again (a cached report would record nothing).
    """
    from .batch_cli import run_batch_command

    if cassette is not None and cassette.suffix == ".json" and not cassette.is_dir():
        raise ConfigError(
            f"--cassette {cassette}: batch takes a folder (one <report>.json per report), "
            "not one file every report would overwrite"
        )
    flags = ModelFlags(model, base_url, timeout, cassette, record, prompts)
    code = run_batch_command(
        sources,
        outdir,
        formats,
        jobs,
        flags,
        force=force or record is not Record.replay,
        quiet=quiet,
        say=_say,
        console=err,
    )
    if code:
        raise typer.Exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and map errors to exit codes, here and nowhere else."""
    logging.getLogger("instructor").addHandler(logging.NullHandler())
    logging.getLogger("instructor").propagate = False
    try:
        code = app(args=argv, prog_name="summarizer", standalone_mode=False)
    except SummarizerError as exc:
        _say("error", str(exc))
        sys.exit(exc.exit_code)
    except click_errors.NoArgsIsHelpError as exc:  # bare `summarizer` or `summarizer batch`
        typer.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        sys.exit(2)
    except click_errors.UsageError as exc:  # an unknown flag, a missing argument, a bad choice
        command = exc.ctx.command_path if exc.ctx else "summarizer"
        _say("error", f"{exc.format_message()} (see: {command} --help)")
        sys.exit(2)
    except click_errors.ClickException as exc:
        _say("error", exc.format_message())
        sys.exit(exc.exit_code)
    except typer.Abort:  # end of input at a prompt
        _say("error", "interrupted")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
