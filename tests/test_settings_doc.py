"""README documents every setting with its flag, environment variables and default, and each
command's ``--help`` says the same (issue 11: "README documents every setting ... and
``summarizer --help`` matches it"). Adding a setting, a flag or changing a default without
updating README fails here."""

from __future__ import annotations

import re

import pytest
import typer.main

from summarizer.cli import app
from summarizer.model_files import EMBEDDED_MODEL_ID
from summarizer.settings import FLAGS, Settings, env_names

from .conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
MODEL_COMMANDS = ("extract", "brief", "review", "eval", "batch")


def shown_default(field: str) -> str:
    """How a default is written, in README and in --help: the value, or "none"."""
    if field == "model":
        return EMBEDDED_MODEL_ID
    default = Settings.model_fields[field].default
    return "none" if default is None else f"{default:g}"


def settings_table() -> dict[str, list[str]]:
    """README's settings table: setting -> [flag, environment, default, what]."""
    lines = README.splitlines()
    head = lines.index("| setting | flag | environment | default | what |")
    rows: dict[str, list[str]] = {}
    for line in lines[head + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_readme_lists_every_setting_and_nothing_else() -> None:
    assert set(settings_table()) == set(Settings.model_fields)


@pytest.mark.parametrize("field", list(Settings.model_fields))
def test_readme_row_matches_the_setting(field: str) -> None:
    flag, environment, default, what = settings_table()[field]
    assert flag == (f"`{FLAGS[field]}`" if field in FLAGS else "–")
    assert [e.strip("` ") for e in environment.split(",")] == env_names(field)
    assert default.strip("`").startswith(shown_default(field)), (default, shown_default(field))
    assert what


def _help(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert run_cli([command, "--help"]) == 0
    return " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("command", MODEL_COMMANDS)
def test_help_matches_the_readme(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(command, capsys)
    for field, flag in FLAGS.items():
        assert flag in text
        env = ", ".join(env_names(field))
        assert f"(env {env}; default {shown_default(field)}" in text, (command, field)


def test_every_flag_of_every_command_is_in_the_readme() -> None:
    group = typer.main.get_command(app)
    documented = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", README))
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-") and opt != "--help":
                    assert opt in documented, f"summarizer {name} {opt} is not in README"
    assert "--version" in documented
