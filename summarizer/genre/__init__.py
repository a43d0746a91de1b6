"""What we know about Vietnamese local-government meeting reports, as named, switchable rules.

The small embedded model decides well one thing at a time; code supplies what is a fact of the
genre (how these reports are laid out, how they write figures, which words announce a task or a
limitation). Every such fact lives in this subpackage as a small function registered with
:func:`rule`. Its docstring states the genre fact it encodes, it has unit tests of its own, and
it can be switched off (:func:`disabled`), so ``bench/ablate.py --rules NAME`` measures what
each rule is worth. A rule that does not help on both example sets is deleted, not kept "just in
case".

A switched-off rule does not vanish from the code path: it returns its ``off`` value (or calls
its ``off`` function with the same arguments), which is what the pipeline would do without that
piece of knowledge.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

__all__ = ["Rule", "disabled", "is_enabled", "rule", "rules"]

P = ParamSpec("P")
R = TypeVar("R")

_UNSET: Any = object()


@dataclass(frozen=True)
class Rule:
    """A registered genre rule: its name and the fact it encodes (its docstring's first line)."""

    name: str
    fact: str
    module: str


_REGISTRY: dict[str, Rule] = {}
_DISABLED: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "summarizer_disabled_rules", default=frozenset()
)


def rule(
    *, off: Any = _UNSET, name: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a genre rule. When switched off it returns ``off`` (called with the rule's
    arguments if ``off`` is callable), i.e. what the pipeline does without this knowledge."""

    def register(func: Callable[P, R]) -> Callable[P, R]:
        rule_name = name or func.__name__.lstrip("_")
        doc = (func.__doc__ or "").strip()
        if not doc:
            raise TypeError(f"genre rule {rule_name} needs a docstring stating its genre fact")
        if rule_name in _REGISTRY:
            raise ValueError(f"genre rule {rule_name} is registered twice")
        if off is _UNSET:
            raise TypeError(f"genre rule {rule_name} needs an off= value (behaviour without it)")
        fact = " ".join(doc.split("\n\n")[0].split())
        _REGISTRY[rule_name] = Rule(rule_name, fact, func.__module__)

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if rule_name in _DISABLED.get():
                return off(*args, **kwargs) if callable(off) else off  # type: ignore[no-any-return]
            return func(*args, **kwargs)

        wrapper.rule_name = rule_name  # type: ignore[attr-defined]
        return wrapper

    return register


def rules() -> list[Rule]:
    """Every registered rule, by name (importing the modules that define them)."""
    _load_all()
    return sorted(_REGISTRY.values(), key=lambda r: r.name)


def is_enabled(name: str) -> bool:
    """Whether rule ``name`` is on in the current context."""
    return name not in _DISABLED.get()


@contextmanager
def disabled(*names: str) -> Iterator[None]:
    """Switch rules off for the code run inside this block (this thread/context only).

    Worker threads see the switches only when started with ``contextvars.copy_context()``.
    """
    _load_all()
    unknown = sorted(set(names) - set(_REGISTRY))
    if unknown:
        from ..errors import ConfigError

        raise ConfigError(
            f"unknown rule(s) {', '.join(unknown)}; known: {', '.join(sorted(_REGISTRY))}"
        )
    token = _DISABLED.set(_DISABLED.get() | frozenset(names))
    try:
        yield
    finally:
        _DISABLED.reset(token)


def _load_all() -> None:
    """Import every rule module so the registry is complete."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
