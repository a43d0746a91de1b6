"""Prompts are Jinja templates; report text is data, never a template."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from summarizer.api import summarize
from summarizer.errors import ConfigError
from summarizer.llm import LLMClient
from summarizer.prompts import PromptSet, bundled_prompts_dir

from .conftest import ROOT, FakeBackend, rule_based_answers


def test_missing_variable_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(ConfigError, match=r"label_clause\.user"):
        PromptSet().render("label_clause.user")


def test_report_text_that_looks_like_jinja_reaches_the_model_verbatim() -> None:
    report = (
        "Hội nghị lần thứ 17 đánh giá {{ 7*7 }} kết quả {% if x %}6 tháng{% endif %}. "
        "Tăng cường công tác thu ngân sách {{ secret }}."
    )
    backend = FakeBackend(rule_based_answers)
    summarize(report, client=LLMClient(backend, "m"))
    sent = "\n".join(m["content"] for r in backend.requests for m in r["messages"])
    assert "{{ 7*7 }}" in sent and "49" not in sent
    assert "{% if x %}" in sent and "{{ secret }}" in sent


def test_user_folder_overrides_a_template_by_name(tmp_path: Path) -> None:
    (tmp_path / "paragraph_part.system.j2").write_text("Say which part. Custom.", encoding="utf-8")
    custom = PromptSet(tmp_path)
    assert custom.render("paragraph_part.system") == "Say which part. Custom."
    assert custom.render("label_clause.system") == PromptSet().render("label_clause.system")
    assert custom.version != PromptSet().version  # the summary names the prompts that made it


def test_override_with_an_unknown_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mta.system.j2").write_text("typo", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"mta\.system\.j2"):
        PromptSet(tmp_path)


def test_version_names_the_templates_in_effect(tmp_path: Path) -> None:
    """Same templates, same version wherever they live; one changed byte, another version;
    an override identical to the bundled template changes nothing."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(bundled_prompts_dir(), copy)
    bundled = PromptSet().version
    assert bundled.startswith("p-") and len(bundled) == 14
    same = tmp_path / "same"
    same.mkdir()
    name = "label_clause.system.j2"
    (same / name).write_bytes((copy / name).read_bytes())
    assert PromptSet(same).version == bundled
    edited = tmp_path / "edited"
    edited.mkdir()
    (edited / name).write_bytes((copy / name).read_bytes() + b" ")
    assert PromptSet(edited).version != bundled


def test_wheel_carries_prompts_and_templates(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    wheel = Path(
        next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    )
    names = zipfile.ZipFile(wheel).namelist()
    for template in bundled_prompts_dir().glob("*.j2"):
        assert f"summarizer/_prompts/{template.name}" in names
    assert "summarizer/_templates/briefing.html.j2" in names
    metadata = next(n for n in names if n.endswith("METADATA"))
    assert "Requires-Dist: instructor" in zipfile.ZipFile(wheel).read(metadata).decode()
