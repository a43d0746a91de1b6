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
    try:
        backend_class = getattr(importlib.import_module(module_name), class_name)
        backend: ChatBackend = backend_class(**options)
    except ModuleNotFoundError as exc:
        # an optional extra that is not installed: say how to install it, not a traceback
        missing = (exc.name or "").split(".")[0]
        if missing not in EXTRAS:
            raise
        raise ConfigError(EXTRAS[missing]) from exc
    except (ValueError, OSError) as exc:
        # llama.cpp refuses a model file it cannot load with a bare ValueError
        why = " ".join(str(exc).split())[:200]
        raise ConfigError(f"cannot start the {name} backend: {why}; {HINTS[name]}") from exc
    return backend


#: optional module -> what to do when it is missing (the embedded model's extra)
EXTRAS = {
    "llama_cpp": "the embedded model needs llama-cpp-python, which is not installed: run "
    "pip install -e '.[local]' (or give --base-url URL to use a model server instead)",
}
#: backend -> where to look when it cannot start
HINTS = {
    "llama": "check SUMMARIZER_MODEL_PATH (a GGUF file), or unset it to use the bundled model",
    "openai": "check --base-url",
}
