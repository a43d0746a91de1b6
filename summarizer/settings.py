"""Settings from flags and the environment, in one typed place.

``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` / ``SUMMARIZER_MODEL`` pick an OpenAI-compatible
endpoint; with neither a base URL nor a key, the embedded in-process model is used. The key is a
``SecretStr`` so it never shows up in a repr, a log line or an error message.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from .model_files import EMBEDDED_MODEL_ID

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Everything a run needs to reach a model."""

    model_config = SettingsConfigDict(
        env_prefix="SUMMARIZER_", extra="ignore", populate_by_name=True
    )

    base_url: str | None = Field(
        None, validation_alias=AliasChoices("OPENAI_BASE_URL", "SUMMARIZER_BASE_URL")
    )
    api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "SUMMARIZER_API_KEY")
    )
    model: str | None = None
    model_path: Path | None = None
    cache_dir: Path | None = None
    timeout: float = 120.0
    max_reasks: int = 2
    transport_attempts: int = 4
    n_ctx: int = 8192
    #: questions asked at once (``SUMMARIZER_CONCURRENCY``); default: what the backend uses
    #: well (the embedded model batches every pending question; an HTTP server gets 4)
    concurrency: int | None = None

    @property
    def backend(self) -> str:
        """``openai`` when an endpoint or key is configured, else the embedded ``llama``."""
        return "openai" if (self.base_url or self.api_key) else "llama"

    @property
    def model_id(self) -> str:
        """The model named in every request (and so in every cassette)."""
        if self.model:
            return self.model
        return EMBEDDED_MODEL_ID if self.backend == "llama" else "gpt-4o-mini"
