"""The finite language of a GBNF grammar, when it has one.

A schema such as ``{"part": "review" | "coming" | "meeting"}`` becomes, through llama-cpp-python's
JSON-Schema converter, a grammar without repetition or character classes: literals, rule
references, alternatives, groups and ``?``. Such a grammar admits a handful of strings (the
answers times the optional spaces), and the backend can choose among them from the logits
instead of decoding token by token. This module reads exactly that subset of GBNF, with
llama.cpp's own escape rules, and enumerates the strings; anything else (``*``, ``+``,
``[...]``, ``{m,n}``, recursion, too many strings) returns ``None`` and the request keeps the
grammar-constrained decoding path.
"""

from __future__ import annotations

import itertools
import re

__all__ = ["finite_language"]

_NAME = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"', "[": "[", "]": "]"}
_HEX_LENGTH = {"x": 2, "u": 4, "U": 8}

# An expression is a tuple: ("lit", str) | ("ref", name) | ("seq", [expr]) | ("alt", [expr])
# | ("opt", expr).
Expr = tuple[str, object]


class _NotFinite(Exception):
    """The grammar uses something outside the finite subset."""


def _parse_literal(text: str, i: int) -> tuple[str, int]:
    """A double-quoted GBNF literal starting at ``text[i] == '"'``; llama.cpp's escapes."""
    out = []
    i += 1
    while i < len(text) and text[i] != '"':
        ch = text[i]
        if ch == "\\":
            code = text[i + 1] if i + 1 < len(text) else ""
            if code in _HEX_LENGTH:
                width = _HEX_LENGTH[code]
                out.append(chr(int(text[i + 2 : i + 2 + width], 16)))
                i += 2 + width
                continue
            if code not in _ESCAPES:
                raise _NotFinite(f"unknown escape \\{code}")
            out.append(_ESCAPES[code])
            i += 2
            continue
        out.append(ch)
        i += 1
    if i >= len(text):
        raise _NotFinite("unterminated literal")
    return "".join(out), i + 1


def _skip_space(text: str, i: int) -> int:
    while i < len(text):
        if text[i] in " \t\r\n":
            i += 1
        elif text[i] == "#":
            while i < len(text) and text[i] != "\n":
                i += 1
        else:
            break
    return i


def _parse_alternatives(text: str, i: int) -> tuple[Expr, int]:
    options = []
    while True:
        seq, i = _parse_sequence(text, i)
        options.append(seq)
        i = _skip_space(text, i)
        if i < len(text) and text[i] == "|":
            i += 1
            continue
        return ("alt", options), i


def _parse_sequence(text: str, i: int) -> tuple[Expr, int]:
    items: list[Expr] = []
    while True:
        i = _skip_space(text, i)
        if i >= len(text) or text[i] in "|)":
            return ("seq", items), i
        if text[i] == '"':
            value, i = _parse_literal(text, i)
            item: Expr = ("lit", value)
        elif text[i] == "(":
            item, i = _parse_alternatives(text, i + 1)
            i = _skip_space(text, i)
            if i >= len(text) or text[i] != ")":
                raise _NotFinite("unbalanced group")
            i += 1
        else:
            match = _NAME.match(text, i)
            if match is None:
                raise _NotFinite(f"unsupported syntax {text[i]!r}")
            # a name followed by ::= starts the next rule, not a reference
            after = _skip_space(text, match.end())
            if text.startswith("::=", after):
                return ("seq", items), i
            item, i = ("ref", match.group()), match.end()
        if i < len(text) and text[i] == "?":
            item, i = ("opt", item), i + 1
        elif i < len(text) and text[i] in "*+{":
            raise _NotFinite("repetition")
        items.append(item)


def _parse_rules(gbnf: str) -> dict[str, Expr]:
    rules: dict[str, Expr] = {}
    i = _skip_space(gbnf, 0)
    while i < len(gbnf):
        match = _NAME.match(gbnf, i)
        if match is None:
            raise _NotFinite("expected a rule name")
        i = _skip_space(gbnf, match.end())
        if not gbnf.startswith("::=", i):
            raise _NotFinite("expected ::=")
        body, i = _parse_alternatives(gbnf, i + 3)
        rules[match.group()] = body
        i = _skip_space(gbnf, i)
    return rules


def _expand(expr: Expr, rules: dict[str, Expr], active: frozenset[str], limit: int) -> list[str]:
    kind, value = expr
    if kind == "lit":
        assert isinstance(value, str)
        return [value]
    if kind == "ref":
        assert isinstance(value, str)
        if value in active or value not in rules:
            raise _NotFinite(f"recursive or undefined rule {value}")
        return _expand(rules[value], rules, active | {value}, limit)
    if kind == "opt":
        assert isinstance(value, tuple)
        return ["", *_expand(value, rules, active, limit)]
    assert isinstance(value, list)
    if kind == "alt":
        out = [s for option in value for s in _expand(option, rules, active, limit)]
    else:  # seq
        out = [""]
        for item in value:
            parts = _expand(item, rules, active, limit)
            if len(out) * len(parts) > limit:
                raise _NotFinite("too many strings")
            out = [a + b for a, b in itertools.product(out, parts)]
    if len(out) > limit:
        raise _NotFinite("too many strings")
    return out


def finite_language(gbnf: str, root: str = "root", limit: int = 4096) -> list[str] | None:
    """Every string ``gbnf`` admits from ``root`` (deduplicated, in grammar order), or ``None``
    when the grammar is not a small finite one."""
    try:
        rules = _parse_rules(gbnf)
        if root not in rules:
            return None
        strings = _expand(rules[root], rules, frozenset({root}), limit)
    except (_NotFinite, ValueError):
        return None
    return list(dict.fromkeys(strings))
