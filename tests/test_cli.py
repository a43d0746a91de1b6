"""The CLI is a thin layer: flags in, API called, errors mapped to exit codes."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from .conftest import DEV_CASSETTES, DEV_REPORTS, run_cli

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


def test_stale_cassette_exits_3_naming_the_rerecord_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.txt"
    report.write_text(
        "Huyện tổ chức hội nghị. Tăng cường công tác thu ngân sách nhà nước.", "utf-8"
    )
    code, _, err = run(["extract", str(report), "--cassette", str(tmp_path / "none.json")], capsys)
    assert code == 3
    assert "--record all" in err and "none.json" in err


def test_unknown_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(["extract", str(REPORT), "--bogus"], capsys)
    assert code == 2
