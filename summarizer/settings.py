"""Settings from flags and the environment, in one typed place.

Nothing leaves the machine unless asked: the backend is an OpenAI-compatible endpoint only when
a base URL is named (``--base-url``, ``OPENAI_BASE_URL`` or ``SUMMARIZER_BASE_URL``). A key alone
never selects one, and never changes the model: a shell that exports ``OPENAI_API_KEY`` for
other tools must not send reports to a cloud, nor make the bundled cassettes miss. The key is a
``SecretStr`` so it never shows up in a repr, a log line or an error message.

README's settings table documents every field here with its flag, environment variables and
default; ``tests/test_settings_doc.py`` keeps the two in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError
from .model_files import EMBEDDED_MODEL_ID

__all__ = ["FLAGS", "Settings", "env_names"]

ENV_PREFIX = "SUMMARIZER_"
#: the settings every model command also takes as a flag (the others: environment only)
FLAGS = {"base_url": "--base-url", "model": "--model", "timeout": "--timeout"}


class Settings(BaseSettings):
    """Everything a run needs to reach a model."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", populate_by_name=True)

    base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "SUMMARIZER_BASE_URL"),
        description="OpenAI-compatible endpoint; none: the embedded model in-process",
    )
    api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "SUMMARIZER_API_KEY"),
        description="sent to the base URL only; never selects an endpoint by itself",
    )
    model: str | None = Field(None, description="model name sent in every request")
    model_path: Path | None = Field(None, description="a GGUF file for the embedded backend")
    cache_dir: Path | None = Field(
        None,
        description="where the embedded model and its processed system prompts are kept",
    )
    timeout: float = Field(
        30.0, gt=0, description="seconds one HTTP request may take before it is retried"
    )
    transport_attempts: int = Field(
        4, ge=1, description="tries per request on 429, 5xx, timeouts and dropped connections"
    )
    max_reasks: int = Field(2, ge=0, description="re-asks when an answer fails validation")
    n_ctx: int = Field(8192, ge=512, description="context window of the embedded model")
    concurrency: int | None = Field(
        None,
        ge=1,
        description="questions asked at once; none: what the backend uses well (the embedded "
        "model batches every pending question, an HTTP server gets 4)",
    )

    @field_validator("base_url", mode="before")
    @classmethod
    def _http_url(cls, value: Any) -> Any:
        """An endpoint must be an http(s) URL with a host: a typo is refused at once, never
        retried as a connection failure."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None  # an exported but empty OPENAI_BASE_URL means "none"
        url = str(value).strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"{url!r} is not an http(s) URL; give one like http://127.0.0.1:8080/v1"
            )
        return url

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Settings from the environment with ``overrides`` (flags) on top; a bad value is a
        one-line :class:`ConfigError` naming the flag or variable, not a validation dump."""
        try:
            return cls(**{k: v for k, v in overrides.items() if v is not None})
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else "?"
            field = next((f for f in cls.model_fields if name in [*env_names(f), f]), name)
            where = " / ".join([*([FLAGS[field]] if field in FLAGS else []), *env_names(field)])
            message = str(error["msg"]).removeprefix("Value error, ")
            raise ConfigError(f"setting {field} ({where}): {message}") from None

    @property
    def backend(self) -> str:
        """``openai`` when a base URL is named, else the embedded ``llama`` (a key alone
        never sends a report anywhere)."""
        return "openai" if self.base_url else "llama"

    @property
    def model_id(self) -> str:
        """The model named in every request (and so in every cassette): ``model`` when set,
        else the embedded model's id, whatever else the environment holds."""
        return self.model or EMBEDDED_MODEL_ID

    @property
    def destination(self) -> str | None:
        """The host reports are sent to (``host:port``), or None when nothing leaves."""
        return urlsplit(self.base_url).netloc if self.base_url else None


def env_names(field: str) -> list[str]:
    """The environment variables that set ``field``, in the order they are read."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    return [f"{ENV_PREFIX}{field.upper()}"]
