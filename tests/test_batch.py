"""Batches: every format written, failures isolated, content-addressed cache, safe names, tables."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import summarizer.cli as cli
from summarizer import summarize
from summarizer.batch import FORMATS, BatchResult, output_stem, run_batch
from summarizer.compare import CSV_HEADER
from summarizer.errors import ConfigError, ModelError
from summarizer.llm import LLMClient
from summarizer.schema import Meta, ReportSummary, RunInfo

from .conftest import DEV_REPORTS, FakeBackend, rule_based_answers, run_cli

Summarise = Callable[[Path], ReportSummary]


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend(rule_based_answers)


@pytest.fixture
def summarise(backend: FakeBackend) -> Summarise:
    return lambda p: summarize(p, client=LLMClient(backend, "fake"))


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for report in DEV_REPORTS:
        shutil.copy(report, folder / report.name)
    return folder


def batch(
    folder: Path, out: Path, summarise: Summarise, formats: tuple[str, ...] = FORMATS, jobs: int = 2
) -> BatchResult:
    inputs = sorted(folder.glob("*.txt"))
    return run_batch(inputs, out, list(formats), jobs, summarise, model="fake", backend="fake")


def statuses(result: BatchResult) -> dict[str, str]:
    return {r.source.name: r.status for r in result.files}


def test_every_format_is_written_atomically(
    reports: Path, tmp_path: Path, summarise: Summarise, backend: FakeBackend
) -> None:
    out = tmp_path / "out"
    seen: list[tuple[str, int, int]] = []
    inputs = sorted(reports.glob("*.txt"))
    result = run_batch(
        inputs,
        out,
        list(FORMATS),
        2,
        summarise,
        lambda r, done, total: seen.append((r.source.name, done, total)),
        model="fake",
        backend="fake",
    )
    assert result.ok and set(statuses(result).values()) == {"done"}
    assert [d for _, d, _ in seen] == list(range(1, len(inputs) + 1))
    assert {t for _, _, t in seen} == {len(inputs)}
    for report in inputs:
        assert (out / f"{report.stem}.md").read_text(encoding="utf-8").startswith("#")
        assert (out / f"{report.stem}.html").read_text(encoding="utf-8").startswith("<!")
        assert (out / f"{report.stem}.docx").read_bytes()[:2] == b"PK"
        summary = ReportSummary.model_validate_json((out / f"{report.stem}.json").read_bytes())
        assert summary.doc == report.name
    for table in ("indicators.csv", "comparison.md", "comparison.html"):
        assert (out / table).is_file()
    assert result.usage.calls == len(backend.requests) > 0
    assert result.usage.prompt_tokens > 0 and result.seconds > 0
    assert not list(tmp_path.rglob("*.tmp"))


def test_one_failing_report_does_not_stop_the_others(
    reports: Path, tmp_path: Path, summarise: Summarise
) -> None:
    (reports / "broken.txt").write_bytes(b"")
    unlucky = DEV_REPORTS[2].name

    def flaky(path: Path) -> ReportSummary:
        if path.name == unlucky:
            raise ModelError("model backend 'fake' failed after 4 attempts")
        if path.name == DEV_REPORTS[3].name:
            raise ValueError("boom")
        return summarise(path)

    out = tmp_path / "out"
    result = batch(reports, out, flaky, ("md", "json"))
    assert not result.ok
    reasons = {r.source.name: r.reason for r in result.failed}
    assert set(reasons) == {"broken.txt", unlucky, DEV_REPORTS[3].name}
    assert "empty" in (reasons["broken.txt"] or "")
    assert "failed after 4 attempts" in (reasons[unlucky] or "")
    assert reasons[DEV_REPORTS[3].name] == "ValueError: boom"
    for name in ("broken", Path(unlucky).stem, DEV_REPORTS[3].stem):
        assert not list(out.glob(f"{name}.*"))
    assert result.count("done") == len(DEV_REPORTS) - 2
    rows = list(csv.DictReader(io.StringIO((out / "indicators.csv").read_text("utf-8-sig"))))
    assert unlucky not in {row["file"] for row in rows}


def test_rerun_costs_no_model_call(
    reports: Path, tmp_path: Path, summarise: Summarise, backend: FakeBackend
) -> None:
    out = tmp_path / "out"
    batch(reports, out, summarise)
    calls = len(backend.requests)
    again = batch(reports, out, summarise)
    assert len(backend.requests) == calls
    assert set(statuses(again).values()) == {"up_to_date"} and again.usage.calls == 0
    # a missing output is re-rendered from the cache, still without a model call
    stem = DEV_REPORTS[1].stem
    (out / f"{stem}.html").unlink()
    third = batch(reports, out, summarise)
    assert len(backend.requests) == calls
    assert statuses(third)[f"{stem}.txt"] == "cached" and (out / f"{stem}.html").is_file()
    assert third.count("up_to_date") == len(DEV_REPORTS) - 1
    # a new format is rendered from the cache too
    fourth = batch(reports, out, summarise, ("md", "html", "docx", "json"), jobs=1)
    assert len(backend.requests) == calls and fourth.count("up_to_date") == len(DEV_REPORTS)


def test_an_edited_report_is_summarised_again(
    reports: Path, tmp_path: Path, summarise: Summarise, backend: FakeBackend
) -> None:
    out = tmp_path / "out"
    batch(reports, out, summarise, ("json",))
    edited = reports / DEV_REPORTS[0].name
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nTăng cường công tác thu ngân sách.\n", "utf-8"
    )
    calls = len(backend.requests)
    result = batch(reports, out, summarise, ("json",))
    assert statuses(result)[edited.name] == "done" and len(backend.requests) > calls
    assert result.count("up_to_date") == len(DEV_REPORTS) - 1
    assert "Tăng cường công tác thu ngân sách" in (out / f"{edited.stem}.json").read_text("utf-8")


def test_a_different_model_never_reuses_the_cache(
    reports: Path, tmp_path: Path, summarise: Summarise
) -> None:
    out = tmp_path / "out"
    inputs = sorted(reports.glob("*.txt"))[:1]
    run_batch(inputs, out, ["md"], 1, summarise, model="fake", backend="fake")
    other = run_batch(inputs, out, ["md"], 1, summarise, model="other-model", backend="fake")
    assert statuses(other) == {inputs[0].name: "done"}


@pytest.mark.parametrize(
    "stem",
    [
        "../../etc/passwd",
        "..",
        ".",
        ".hidden",
        "a/../../b",
        "..\\..\\evil",
        "",
        "comparison",
        "\0x",
    ],
)
def test_output_stems_cannot_escape(stem: str) -> None:
    name = output_stem(stem)
    assert name and "/" not in name and "\\" not in name and ".." not in name
    assert not name.startswith(".") and "\0" not in name
    assert name.casefold() not in {"comparison", "indicators"}


def test_malicious_file_names_stay_inside_outdir(tmp_path: Path, summarise: Summarise) -> None:
    folder = tmp_path / "in" / "deep"
    folder.mkdir(parents=True)
    text = DEV_REPORTS[0].read_text(encoding="utf-8")
    names = ["..\\..\\evil.txt", "...txt", ".hidden.txt", "comparison.txt", "x.txt"]
    for name in names:
        (folder / name).write_text(text, "utf-8")
    (tmp_path / "in" / "x.txt").write_text(text, "utf-8")  # same stem, other folder
    out = tmp_path / "in" / "out"
    inputs = [folder / n for n in names] + [tmp_path / "in" / "x.txt"]
    result = run_batch(inputs, out, ["md"], 2, summarise, model="fake", backend="fake")
    assert result.ok
    written = {p.name for p in out.iterdir() if p.is_file()}
    assert written == {
        "evil.md",
        "report.md",
        "hidden.md",
        "comparison-report.md",
        "x.md",
        "x-2.md",
        "indicators.csv",
        "comparison.md",
        "comparison.html",
    }
    assert {p.name for p in tmp_path.rglob("*.md")} <= written
    for r in result.files:
        assert all(p.resolve().parent == out.resolve() for p in r.outputs)


def test_indicators_csv_has_one_row_per_indicator(
    reports: Path, tmp_path: Path, summarise: Summarise
) -> None:
    out = tmp_path / "out"
    result = batch(reports, out, summarise, ("json",))
    raw = (out / "indicators.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (out / "indicators.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == CSV_HEADER
    summaries = [r.summary for r in result.files if r.summary is not None]
    assert len(rows) - 1 == sum(len(s.indicators) for s in summaries) > 0
    assert all(len(row) == len(CSV_HEADER) for row in rows)
    budget = [row for row in rows[1:] if "ngân sách" in row[3]]
    assert budget and any("(dự toán huyện giao)" in row[6] for row in budget)


def test_jobs_do_not_change_the_outputs(
    reports: Path, tmp_path: Path, summarise: Summarise
) -> None:
    one, four = tmp_path / "one", tmp_path / "four"
    batch(reports, one, summarise, ("md", "html", "json"), jobs=1)
    batch(reports, four, summarise, ("md", "html", "json"), jobs=4)
    names = sorted(p.name for p in one.iterdir() if p.is_file())
    assert names == sorted(p.name for p in four.iterdir() if p.is_file())
    for name in names:
        a, b = (one / name).read_text("utf-8"), (four / name).read_text("utf-8")
        if name.endswith(".json"):  # run.seconds is a measurement
            a, b = (
                json.dumps({**json.loads(t), "run": {**json.loads(t)["run"], "seconds": 0}})
                for t in (a, b)
            )
        assert a == b, name


def test_bad_settings_are_config_errors(tmp_path: Path, summarise: Summarise) -> None:
    with pytest.raises(ConfigError):
        run_batch([DEV_REPORTS[0]], tmp_path / "o", ["pdf"], 1, summarise)
    with pytest.raises(ConfigError):
        run_batch([DEV_REPORTS[0]], tmp_path / "o", ["md"], 0, summarise)


# --- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def fake_cli(monkeypatch: pytest.MonkeyPatch, backend: FakeBackend) -> list[Path | None]:
    """Every CLI client answers from the fake backend; the cassettes asked for are recorded."""
    cassettes: list[Path | None] = []
    backend.name = "llama"  # what the default settings expect, so the cache key matches

    def open_client(settings: object, *, cassette: Path | None = None, **_: object) -> LLMClient:
        cassettes.append(cassette)
        return LLMClient(backend, settings.model_id)  # type: ignore[attr-defined]

    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("SUMMARIZER_MODEL", raising=False)
    monkeypatch.setattr(cli, "open_client", open_client)
    return cassettes


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run_cli(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_batch_then_up_to_date(
    reports: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_cli: list[Path | None],
    backend: FakeBackend,
) -> None:
    (reports / DEV_REPORTS[0].with_suffix(".gold.json").name).write_text("{}", "utf-8")
    out = tmp_path / "out"
    argv = ["batch", str(reports), "-o", str(out), "-f", "md,docx", "-j", "2"]
    code, stdout, _ = run([*argv, "--cassette", str(tmp_path / "tapes")], capsys)
    assert code == 0, stdout
    assert f"{len(DEV_REPORTS)} done" in stdout and "Tokens" in stdout
    assert sorted(fake_cli) == sorted(tmp_path / "tapes" / f"{r.stem}.json" for r in DEV_REPORTS)
    assert len(list(out.glob("*.docx"))) == len(DEV_REPORTS)
    calls = len(backend.requests)
    code, stdout, _ = run([*argv, "-q"], capsys)
    assert code == 0 and f"{len(DEV_REPORTS)} up to date" in stdout
    assert "calls 0" in stdout and len(backend.requests) == calls


def test_cli_batch_exits_1_when_a_report_fails(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    (reports / "broken.txt").write_bytes(b"")
    out = tmp_path / "out"
    code, stdout, _ = run(["batch", str(reports / "*.txt"), "-o", str(out), "-q"], capsys)
    assert code == 1
    assert "broken.txt" in stdout and "empty" in stdout and "1 failed" in stdout
    assert len(list(out.glob("*.md"))) == len(DEV_REPORTS) + 1  # + comparison.md


def test_cli_batch_glob_and_empty_selection(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run(["batch", str(reports / "00[01]_*.txt"), "-o", str(out), "-q"], capsys)
    assert code == 0 and "2 done" in stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.gold.json").write_text("{}", "utf-8")
    code, _, err = run(["batch", str(empty), "-o", str(out)], capsys)
    assert code == 2 and "no report files" in err
    code, _, err = run(["batch", str(reports), "-o", str(out), "-f", "md,pdf"], capsys)
    assert code == 2 and "pdf" in err


def test_cli_review_writes_the_evidence_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    page = tmp_path / "review.html"
    code, _, err = run(["review", str(DEV_REPORTS[0]), "-o", str(page), "-q"], capsys)
    assert code == 0 and "wrote" in err
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!") and "<mark" in html
    assert not list(tmp_path.glob("*.tmp"))


def test_cli_batch_never_reads_its_own_outputs(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    code, _, err = run(["batch", str(reports), "-o", str(reports), "-q"], capsys)
    assert code == 2 and "OUTDIR" in err
    # an OUTDIR above the reports' folder is fine, and a rerun does not pick up its outputs
    argv = ["batch", str(tmp_path / "in" / "*"), "-o", str(tmp_path), "-q"]
    code, stdout, _ = run(argv, capsys)
    assert code == 0 and f"{len(DEV_REPORTS)} done" in stdout
    code, stdout, _ = run([*argv, "-f", "md"], capsys)
    assert code == 0 and f"{len(DEV_REPORTS)} up to date" in stdout


# --- issue 11 ----------------------------------------------------------------------------------


def test_csv_values_are_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_text(
        "Ngày 5-4, Huyện ủy Sơn Khê tổ chức hội nghị lần thứ 8.\n\n"
        "Tổng thu ngân sách nhà nước trên địa bàn đạt 1.401,351 tỷ đồng. "
        "Tổng vốn đầu tư toàn xã hội đạt 12.345.678 triệu đồng.\n",
        "utf-8",
    )
    out = tmp_path / "out"
    code, _, _ = run(["batch", str(folder), "-o", str(out), "-q"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO((out / "indicators.csv").read_text("utf-8-sig"))))
    assert {row["value"] for row in rows} >= {"1401.351", "12345678"}


def _stems(out: Path) -> set[str]:
    rows = csv.DictReader(io.StringIO((out / "indicators.csv").read_text("utf-8-sig")))
    return {row["file"] for row in rows}


@pytest.mark.parametrize("flag", [["--force"], ["--record", "all"], ["--record", "missing"]])
def test_force_and_recording_bypass_a_warm_cache(
    reports: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_cli: list[Path | None],
    backend: FakeBackend,
    flag: list[str],
) -> None:
    out = tmp_path / "out"
    argv = ["batch", str(reports), "-o", str(out), "-q", "--cassette", str(tmp_path / "tapes")]
    assert run(argv, capsys)[0] == 0
    calls = len(backend.requests)
    code, stdout, _ = run([*argv, *flag], capsys)
    assert code == 0 and f"{len(DEV_REPORTS)} done" in stdout
    assert len(backend.requests) == 2 * calls  # every report asked again (and so recorded)


def test_a_partial_run_keeps_the_other_reports_in_the_tables(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    out = tmp_path / "out"
    first, second, third = (reports / r.name for r in DEV_REPORTS[:3])
    assert run(["batch", str(first), str(second), "-o", str(out), "-q"], capsys)[0] == 0
    assert run(["batch", str(third), "-o", str(out), "-q"], capsys)[0] == 0
    assert _stems(out) == {first.stem, second.stem, third.stem}
    comparison = (out / "comparison.md").read_text("utf-8")
    for stem in (first.stem, second.stem, third.stem):  # every report summarised into OUTDIR
        unit = json.loads((out / ".cache" / "outputs" / f"{stem}.json").read_text())["key"]
        summary = ReportSummary.model_validate_json((out / ".cache" / f"{unit}.json").read_text())
        assert (summary.meta.unit_name or stem) in comparison


def test_one_report_is_compared_with_nothing(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    """Issue 11, item 9: a one-report comparison listed every indicator of that report."""
    out = tmp_path / "out"
    assert run(["batch", str(reports / DEV_REPORTS[0].name), "-o", str(out), "-q"], capsys)[0] == 0
    comparison = (out / "comparison.md").read_text("utf-8")
    assert "| Chỉ tiêu |" not in comparison  # no table at all
    assert "Chưa có hai báo cáo cùng loại kỳ" in comparison  # and the reason is said


def _same_stem_in_two_folders(root: Path) -> None:
    """``root/a/x.txt`` and ``root/b/x.txt``: two reports with one file name."""
    text = DEV_REPORTS[0].read_text(encoding="utf-8")
    for folder in ("a", "b"):
        (root / folder).mkdir()
        (root / folder / "x.txt").write_text(text, "utf-8")


def test_same_stems_are_told_apart_by_their_output_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    _same_stem_in_two_folders(tmp_path)
    out = tmp_path / "out"
    code, stdout, _ = run(
        ["batch", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), "-q"], capsys
    )
    assert code == 0
    names = [line.split("│")[1].strip() for line in stdout.splitlines() if line.startswith("│")]
    assert names == ["x", "x-2"]  # the status table names what OUTDIR holds
    assert _stems(out) == {"x", "x-2"}
    lines = (out / "comparison.md").read_text("utf-8").splitlines()
    header = next(line for line in lines if line.startswith("| Chỉ tiêu |"))
    assert "(x) |" in header and "(x-2) |" in header  # same unit and period, told apart


def test_earlier_outputs_are_never_taken_as_reports(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    assert run(["batch", str(reports), "-o", str(tmp_path / "out"), "-q"], capsys)[0] == 0
    pattern = str(tmp_path / "**" / "*")
    code, stdout, _ = run(["batch", pattern, "-o", str(tmp_path / "out2"), "-q"], capsys)
    assert code == 0 and f"{len(DEV_REPORTS)} reports" in stdout


def test_a_mistyped_input_stops_the_batch_before_any_work(
    reports: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_cli: list[Path | None],
    backend: FakeBackend,
) -> None:
    out = tmp_path / "out"
    typo = reports / "00_typo.txt"
    code, _, err = run(
        ["batch", str(reports / DEV_REPORTS[0].name), str(typo), "-o", str(out)], capsys
    )
    assert code == 2 and err.strip() == f"error: {typo}: no such file or folder"
    code, _, err = run(["batch", str(reports / "*.docx"), "-o", str(out)], capsys)
    assert code == 2 and "no report files" in err
    assert not out.exists() and backend.requests == []


def test_links_out_of_the_folder_are_skipped_and_said(
    reports: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_cli: list[Path | None],
    backend: FakeBackend,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Bí mật: mật khẩu quản trị là hoa-sen-42, không được gửi đi đâu.", "utf-8")
    (reports / "link.txt").symlink_to(secret)
    (reports / "inside.txt").symlink_to(reports / DEV_REPORTS[0].name)  # stays inside: fine
    for source in (str(reports), str(reports / "*.txt")):
        out = tmp_path / f"out{len(source)}"
        code, stdout, err = run(["batch", source, "-o", str(out), "-q"], capsys)
        assert code == 0 and f"{len(DEV_REPORTS)} done" in stdout
        assert f"note: skipped {reports / 'link.txt'}: a link to {secret}" in err
    assert not any("hoa-sen-42" in json.dumps(r) for r in backend.requests)


def test_bad_outdir_is_one_line(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    afile = tmp_path / "passwd"
    afile.write_text("root:x:0:0", "utf-8")
    code, _, err = run(["batch", str(reports), "-o", str(afile)], capsys)
    assert code == 2
    assert (
        err.strip() == f"error: -o {afile}: is a file, not a folder; name a folder for the outputs"
    )
    assert afile.read_text("utf-8") == "root:x:0:0"


def test_batch_cassette_must_be_a_folder(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    tape = tmp_path / "one.json"
    code, _, err = run(
        ["batch", str(reports), "-o", str(tmp_path / "o"), "--cassette", str(tape)], capsys
    )
    assert code == 2 and "takes a folder" in err and not tape.exists()


def test_same_stems_record_into_their_own_cassettes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_cli: list[Path | None]
) -> None:
    _same_stem_in_two_folders(tmp_path)
    tapes = tmp_path / "tapes"
    argv = ["batch", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path / "out")]
    assert run([*argv, "-q", "--cassette", str(tapes), "--record", "all"], capsys)[0] == 0
    assert sorted(fake_cli) == [tapes / "x-2.json", tapes / "x.json"]  # never one file for both


def test_an_unusable_summary_from_any_summarise_fails_and_is_not_cached(tmp_path: Path) -> None:
    def nothing_found(path: Path) -> ReportSummary:  # a caller's own summarise, not the API
        return ReportSummary(
            doc=path.name,
            text=path.read_text(encoding="utf-8"),
            meta=Meta(),
            run=RunInfo(model="fake", backend="fake", prompt_version="p-test"),
        )

    out = tmp_path / "out"
    result = run_batch(DEV_REPORTS[:1], out, ["md"], 1, nothing_found, model="fake", backend="fake")
    (failed,) = result.failed
    assert failed.reason == "no indicator, achievement, shortcoming or task was found in the report"
    assert {p.name for p in out.glob("*.md")} == {"comparison.md"}  # no briefing
    assert not list((out / ".cache").glob("*.json"))
