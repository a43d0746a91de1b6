"""The JSON contract and the exported API do not drift silently."""

from __future__ import annotations

import summarizer
from summarizer.schema import ReportSummary, json_schemas

from .conftest import ROOT


def test_checked_in_schemas_match_the_models() -> None:
    for name, text in json_schemas().items():
        path = ROOT / "schemas" / name
        assert path.exists(), f"run: python -m summarizer.schema (missing {name})"
        assert path.read_text(encoding="utf-8") == text, (
            f"schemas/{name} is stale; regenerate with: python -m summarizer.schema"
        )


def test_contract_field_names_follow_the_annotation_format() -> None:
    schema = ReportSummary.model_json_schema()
    assert set(schema["properties"]) == {
        "doc",
        "text",
        "meta",
        "indicators",
        "achievements",
        "shortcomings",
        "tasks",
        "run",
    }
    indicator = schema["$defs"]["Indicator"]["properties"]
    assert {
        "name",
        "value",
        "value_high",
        "qualifier",
        "unit",
        "of_total",
        "plan_pct",
        "same_period_pct",
        "change_pct",
        "kind",
        "sector",
        "evidence",
    } == set(indicator)
    assert set(schema["$defs"]["Meta"]["properties"]) == {
        "unit_name",
        "unit_kind",
        "province",
        "body",
        "meeting_no",
        "term",
        "meeting_date",
        "period",
        "period_months",
        "year",
    }


def test_public_api_is_exactly_what_is_documented() -> None:
    assert sorted(summarizer.__all__) == sorted(
        [
            "CassetteError",
            "ConfigError",
            "Evidence",
            "Indicator",
            "InputError",
            "Meta",
            "ModelError",
            "PlanPct",
            "ReportSummary",
            "RunInfo",
            "SectionItem",
            "SummarizerError",
            "Usage",
            "asummarize",
            "open_client",
            "render_briefing",
            "render_review",
            "summarize",
        ]
    )
    for name in summarizer.__all__:
        assert getattr(summarizer, name) is not None


def test_errors_share_one_root_with_exit_codes() -> None:
    assert summarizer.InputError.exit_code == 2
    assert summarizer.ConfigError.exit_code == 2
    assert summarizer.ModelError.exit_code == 3
    assert issubclass(summarizer.CassetteError, summarizer.ModelError)
    for error in (summarizer.InputError, summarizer.ConfigError, summarizer.ModelError):
        assert issubclass(error, summarizer.SummarizerError)
