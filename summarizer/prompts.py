"""Prompt templates: Jinja files in ``prompts/``, overridable by name from a user folder.

Templates are rendered with ``StrictUndefined`` (a missing variable is an error, not an empty
string). Report text only ever enters as a variable's *value*, which Jinja never evaluates, so
"{{ ... }}" inside a report stays literal. The prompt version recorded in ``run`` is a hash of
every template in effect, so a summary names exactly the prompts that made it.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path

import jinja2

from .errors import ConfigError

__all__ = ["PromptSet", "bundled_prompts_dir"]

SUFFIX = ".j2"


def bundled_prompts_dir() -> Path:
    """The templates shipped with the package.

    An installed wheel carries them as ``summarizer/_prompts``; a source checkout (editable
    install, tests) keeps them at the top of the repo as ``prompts/``.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "_prompts", here.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise ConfigError("the bundled prompt templates are missing from this installation")


class PromptSet:
    """The effective templates: a user's folder first, then the bundled ones."""

    def __init__(self, override_dir: str | Path | None = None) -> None:
        folders = [bundled_prompts_dir()]
        if override_dir is not None:
            override = Path(override_dir)
            if not override.is_dir():
                raise ConfigError(f"--prompts {override}: not a folder")
            unknown = {p.name for p in override.glob(f"*{SUFFIX}")} - {
                p.name for p in folders[0].glob(f"*{SUFFIX}")
            }
            if unknown:
                raise ConfigError(
                    f"--prompts {override}: no bundled template is named {sorted(unknown)}"
                )
            folders.insert(0, override)
        self.folders = folders
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f) for f in folders]),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, name: str, **variables: object) -> str:
        """Render template ``name`` (without the .j2 suffix) with ``variables``."""
        try:
            return self.env.get_template(name + SUFFIX).render(**variables).strip()
        except jinja2.TemplateError as exc:
            raise ConfigError(f"prompt template {name}{SUFFIX}: {exc}") from exc

    @cached_property
    def version(self) -> str:
        """Short hash of every effective template's name and source."""
        digest = hashlib.sha256()
        for name in sorted(self.env.list_templates(extensions=[SUFFIX.lstrip(".")])):
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            digest.update(name.encode() + b"\0" + source.encode("utf-8") + b"\0")
        return "p-" + digest.hexdigest()[:12]
