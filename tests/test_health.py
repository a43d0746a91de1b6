"""A run that produced nothing usable never passes for success (issue 11, item 1).

The verdict (``summarizer.health``) is checked on hand-built summaries, then end to end: an
endpoint answering garbage makes ``brief`` exit 3 with one line and no file, makes ``batch``
mark the report failed without caching it (so a rerun against a working server does the work),
and a thin but usable summary exits 0 with a one-line warning.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from summarizer.api import summarize
from summarizer.errors import ModelError
from summarizer.health import UnusableSummary, judge
from summarizer.llm import LLMClient
from summarizer.schema import Evidence, Indicator, Meta, ReportSummary, RunInfo, SectionItem, Usage

from .conftest import FakeBackend, completion, run_cli
from .fake_openai_server import (
    Behaviour,
    FakeOpenAIServer,
    answer_by_rules,
    malformed,
    schema_violation,
)

REPORT = (
    "Ngày 12-4, Ban Chấp hành Đảng bộ huyện Sơn Khê tổ chức Hội nghị lần thứ 9 đánh giá kết "
    "quả quý I năm 2031.\n\n"
    "Tổng diện tích gieo trồng đạt 5.210 ha, bằng 96,4% kế hoạch. Thu ngân sách đạt 212,5 tỷ "
    "đồng. Công tác giải phóng mặt bằng còn chậm.\n\n"
    "Đẩy mạnh cải cách hành chính, nâng cao chất lượng dịch vụ công trực tuyến."
)
EV = [Evidence(quote="x", start=0, end=1)]


def summary(
    *, calls: int, retries: int = 0, rejected: int = 0, items: int = 1, indicators: int = 1
) -> ReportSummary:
    usage = Usage(calls=calls, retries=retries, rejected=rejected)
    return ReportSummary(
        text="x",
        meta=Meta(),
        indicators=[Indicator(name="n", value=1, evidence=EV) for _ in range(indicators)],
        tasks=[SectionItem(text="t", evidence=EV) for _ in range(items)],
        run=RunInfo(model="m", backend="fake", prompt_version="p", usage=usage),
    )


@pytest.mark.parametrize(
    ("case", "level"),
    [
        ({"calls": 40}, "ok"),
        ({"calls": 40, "retries": 2, "rejected": 1}, "ok"),
        ({"calls": 40, "rejected": 7}, "ok"),  # 7 of 40: under one in five
        ({"calls": 40, "rejected": 8}, "thin"),  # one in five
        ({"calls": 40, "items": 0}, "thin"),  # figures only
        ({"calls": 40, "rejected": 20}, "unusable"),  # half
        ({"calls": 60, "retries": 20, "rejected": 20}, "unusable"),  # 20 of 40 questions
        ({"calls": 40, "items": 0, "indicators": 0}, "unusable"),  # nothing at all
    ],
)
def test_verdict(case: dict[str, int], level: str) -> None:
    verdict = judge(summary(**case))
    assert verdict.level == level
    assert bool(verdict.reason) == (level != "ok") and "\n" not in verdict.reason


# -- end to end, against an endpoint answering garbage ---------------------------------------


def _with_extra_field(request: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(
        answer_by_rules(request)["choices"][0]["message"]["content"]
    )
    return {**answer, "confidence": 0.9}  # a field the schema forbids


_NO_CHOICES = {**completion("{}"), "choices": []}
GARBAGE: dict[str, Callable[[], Behaviour]] = {
    "not-json": lambda: malformed("content"),
    "extra-fields": lambda: Behaviour("schema", answer=_with_extra_field),
    "label-outside-the-choices": schema_violation,
    "no-choices": lambda: Behaviour("malformed_body", raw_body=json.dumps(_NO_CHOICES).encode()),
}


@pytest.fixture
def quick(env: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    env.setattr("tenacity.nap.time.sleep", lambda _s: None)
    env.setenv("SUMMARIZER_TIMEOUT", "5")
    return env


@pytest.mark.parametrize("garbage", GARBAGE)
def test_brief_on_unusable_answers_exits_3_and_writes_nothing(
    garbage: str,
    fake_openai: FakeOpenAIServer,
    quick: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    report = tmp_path / "r.txt"
    report.write_text(REPORT, encoding="utf-8")
    fake_openai.default = GARBAGE[garbage]()
    out = tmp_path / "brief.md"
    code = run_cli(["brief", str(report), "-o", str(out), "--base-url", fake_openai.base_url])
    captured = capsys.readouterr()
    assert code == 3
    errors = [line for line in captured.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "model answers were unusable" in errors[0]
    assert "r.txt" in errors[0] and "--base-url" in errors[0]  # which report, and the fix
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["r.txt"]


def test_the_api_raises_with_the_summary_attached() -> None:
    client = LLMClient(FakeBackend(lambda _r: "no JSON here"), "fake-model", max_backoff=0.0)
    with pytest.raises(ModelError) as caught:
        summarize(REPORT, client=client)
    assert isinstance(caught.value, UnusableSummary)
    warnings = caught.value.summary.run.warnings
    assert warnings[-1].startswith("unusable summary: ")  # the pipeline recorded its verdict
    assert caught.value.exit_code == 3


def test_a_thin_summary_exits_0_with_one_warning(
    fake_openai: FakeOpenAIServer,
    quick: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    def only_other(request: dict[str, Any]) -> dict[str, Any]:
        # every paragraph about the meeting, every clause "other": no rule makes a result or
        # a task of a paragraph about the meeting, so only the figures are left
        properties = request["response_format"]["json_schema"]["schema"]["properties"]
        if "label" in properties:
            return completion(json.dumps({"label": "other"}))
        if "part" in properties:
            return completion(json.dumps({"part": "meeting"}))
        return answer_by_rules(request)

    fake_openai.default = only_other
    report = tmp_path / "r.txt"
    report.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "brief.md"
    code = run_cli(["brief", str(report), "-o", str(out), "--base-url", fake_openai.base_url])
    err = capsys.readouterr().err
    assert code == 0 and out.exists()
    (warning,) = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert warning == (
        "warning: r.txt: thin summary: no achievement, shortcoming or task was found (figures only)"
    )


def _one_report_folder(root: Path) -> Path:
    """A folder holding one report, ``r.txt``."""
    folder = root / "in"
    folder.mkdir()
    (folder / "r.txt").write_text(REPORT, encoding="utf-8")
    return folder


def test_batch_fails_unusable_reports_and_never_caches_them(
    fake_openai: FakeOpenAIServer,
    quick: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    folder = _one_report_folder(tmp_path)
    out = tmp_path / "out"
    argv = ["batch", str(folder), "-o", str(out), "-q", "-f", "md,json"]
    with FakeOpenAIServer(default=malformed("content")) as broken:
        assert run_cli([*argv, "--base-url", broken.base_url]) == 1
    stdout = capsys.readouterr().out
    assert "1 failed" in stdout and "model answers were unusable" in stdout
    assert not list(out.glob("r.*")) and not list((out / ".cache").glob("*.json"))
    # the same model name at a working endpoint: summarised now, not "up to date"
    assert run_cli([*argv, "--base-url", fake_openai.base_url]) == 0
    assert "1 done" in capsys.readouterr().out
    assert (out / "r.json").is_file() and fake_openai.chat_attempts


def test_the_cache_key_holds_the_endpoint(
    fake_openai: FakeOpenAIServer,
    quick: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    folder = _one_report_folder(tmp_path)
    argv = ["batch", str(folder), "-o", str(tmp_path / "out"), "-q", "-f", "json"]
    with FakeOpenAIServer() as first:
        assert run_cli([*argv, "--base-url", first.base_url]) == 0
    assert run_cli([*argv, "--base-url", fake_openai.base_url]) == 0  # another server
    assert "1 done" in capsys.readouterr().out.splitlines()[-1]
    assert fake_openai.chat_attempts


def test_eval_scores_an_unusable_summary_and_exits_3(
    quick: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    gold = {"meta": {}, "tasks": ["Đẩy mạnh cải cách hành chính"]}
    (tmp_path / "r.gold.json").write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
    with FakeOpenAIServer(default=malformed("content")) as broken:
        code = run_cli(["eval", str(tmp_path), "--json", "--base-url", broken.base_url, "-q"])
    captured = capsys.readouterr()
    assert code == 3
    scored = json.loads(captured.out)  # the measurement is still printed
    assert [r["name"] for r in scored["reports"]] == ["r"]
    assert captured.err.strip().splitlines()[-1] == (
        "error: unusable summaries (scored as they are): r.txt"
    )
