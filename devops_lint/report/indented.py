"""``json.dumps(value, indent=2, ensure_ascii=False)``, the same text, several times faster.

With ``indent`` set, the standard library leaves its C encoder for a pure-Python one that
yields every bracket and separator as its own chunk: on a report of 26,000 findings that
was a second, most of a merge's time and a tenth of a whole run's. This writer walks the
value once and escapes strings with the C ``encode_basestring`` the standard encoder uses.
It handles exactly the types the reports are made of (``dict`` with ``str`` keys, ``list``,
``tuple``, ``str``, ``int``, ``float``, ``bool``, ``None``); for anything else, a subclass
included, it hands the whole value to ``json.dumps``, so the text is always the standard
one (``tests/report/test_indented.py`` compares them).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "


class _Other(Exception):
    """A value of a type this writer leaves to ``json.dumps``."""


def dumps(value: Any) -> str:
    out: list[str] = []
    try:
        _write(value, out, "\n")
    except (_Other, RecursionError):  # json.dumps also reports circular references
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(out)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _write(value: Any, out: list[str], newline: str) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        out.append(_float(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + _INDENT
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Other
            out.append(separator)
            out.append(encode_basestring(key))
            out.append(": ")
            _write(item, out, inner)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + _INDENT
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _write(item, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    else:
        raise _Other
