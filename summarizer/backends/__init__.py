"""Chat-completion backends behind one protocol, found by name in a lazy registry.

Every backend takes an OpenAI chat-completions request (a dict) and returns the raw completion
(a dict of the same shape OpenAI returns). Heavy backends (llama.cpp) are imported only when
chosen: the registry holds ``module:Class`` strings, as langextract does.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..errors import ConfigError
from .base import ChatBackend, TransientError

__all__ = ["BACKENDS", "ChatBackend", "TransientError", "create_backend"]

#: name -> "module:Class"; imported on first use only.
BACKENDS: dict[str, str] = {
    "openai": "summarizer.backends.openai_compat:OpenAICompatBackend",
    "llama": "summarizer.backends.llama:LlamaBackend",
}


def create_backend(name: str, **options: Any) -> ChatBackend:
    """Instantiate backend ``name`` with ``options`` (see each backend's constructor)."""
    try:
        target = BACKENDS[name]
    except KeyError:
        raise ConfigError(f"unknown backend {name!r}; choose one of {sorted(BACKENDS)}") from None
    module_name, _, class_name = target.partition(":")
    backend_class = getattr(importlib.import_module(module_name), class_name)
    backend: ChatBackend = backend_class(**options)
    return backend
