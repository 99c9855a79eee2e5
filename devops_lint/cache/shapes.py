"""Shape checks for values read back from the cache: each returns its argument with the
type it must have, or raises ``Invalid`` (a cache miss: the file is parsed again).

Exact ``type(...) is`` tests, not ``isinstance``: JSON gives plain types, and ``True`` must
not pass for an integer.
"""

from __future__ import annotations

from typing import Any

from ..model import Span
from .errors import Invalid


def as_str(value: Any) -> str:
    if type(value) is not str:
        raise Invalid("string")
    return value


def as_int(value: Any) -> int:
    if type(value) is not int:
        raise Invalid("integer")
    return value


def as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid("list")
    return value


def as_strs(value: Any) -> list[str]:
    if type(value) is not list:
        raise Invalid("list")
    for item in value:
        if type(item) is not str:
            raise Invalid("string")
    return value


def as_span(value: Any) -> Span:
    """A span stored as ``[line, column, end_line, end_column]``."""
    if type(value) is not list or len(value) != 4:
        raise Invalid("span")
    a, b, c, d = value
    if type(a) is not int or type(b) is not int or type(c) is not int or type(d) is not int:
        raise Invalid("span")
    return Span(a, b, c, d)
