"""Regular expressions that come from scanned files or repository configuration.

Such a pattern is untrusted: ``prod_namespace_regex: "^(a+)+$"`` matched by Python's
backtracking ``re`` against a long namespace runs for hours. Every such pattern is
compiled and run by RE2 (the ``google-re2`` binding), whose matching time is linear in the
text whatever the pattern. RE2 syntax is also what Go programs use (Prometheus,
Alertmanager, Kubernetes CEL ``matches()``), so patterns mean what their consumer means.
A pattern RE2 refuses (back-references, look-around) does not compile: callers treat it
as matching nothing, and config validation reports it.
"""

from __future__ import annotations

import functools
from collections.abc import Container
from typing import Any, Protocol

import re2  # type: ignore[import-untyped,unused-ignore]

__all__ = ["Regex", "compile", "compile_or_trusted", "error_of", "search"]

# Memory RE2 may use for one compiled pattern (its default is 8 MiB): enough for any real
# pattern, small enough that a pattern of a million alternatives is refused quickly.
MAX_PROGRAM_MEMORY = 32 << 20
# Patterns longer than this are refused outright (compiling is linear, but cached).
MAX_PATTERN_LENGTH = 64 * 1024


class Regex(Protocol):
    """What callers use of a compiled pattern (RE2's objects have these methods)."""

    def search(self, text: str) -> Any: ...

    def match(self, text: str) -> Any: ...

    def fullmatch(self, text: str) -> Any: ...

    def finditer(self, text: str) -> Any: ...

    @property
    def groupindex(self) -> Any: ...


def _options(dotall: bool, ignorecase: bool) -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 logs refused patterns to stderr; callers report them
    options.max_mem = MAX_PROGRAM_MEMORY
    options.dot_nl = dotall
    options.case_sensitive = not ignorecase
    return options


@functools.lru_cache(maxsize=4096)
def _compile(pattern: str, dotall: bool, ignorecase: bool) -> tuple[Regex | None, str | None]:
    if len(pattern) > MAX_PATTERN_LENGTH:
        return None, f"pattern longer than {MAX_PATTERN_LENGTH} characters"
    try:
        compiled: Regex = re2.compile(pattern, _options(dotall, ignorecase))
    except Exception as exc:  # re2.error, or TypeError for a pattern that is not text
        message = exc.args[0] if exc.args else exc
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        return None, str(message)
    return compiled, None


def compile(pattern: str, *, dotall: bool = False, ignorecase: bool = False) -> Regex | None:
    """The pattern compiled by RE2, or None when RE2 refuses it."""
    return _compile(str(pattern), dotall, ignorecase)[0]


def compile_or_trusted(
    pattern: str, trusted: Container[str], *, ignorecase: bool = False
) -> Regex | None:
    """RE2 whenever it accepts the pattern. A pattern the package itself ships (``trusted``)
    that RE2 refuses, because it needs look-around, runs on Python's ``re``: the package's own
    patterns are reviewed; anything configuration or a data extension adds never is."""
    compiled = compile(pattern, ignorecase=ignorecase)
    if compiled is None and pattern in trusted:
        import re

        try:
            return re.compile(pattern, re.IGNORECASE if ignorecase else 0)
        except re.error:
            return None
    return compiled


def error_of(pattern: str) -> str | None:
    """Why RE2 refuses ``pattern`` (None when it compiles)."""
    return _compile(str(pattern), False, False)[1]


def search(pattern: str, text: str, *, ignorecase: bool = False) -> bool:
    """Whether ``pattern`` matches somewhere in ``text`` (False when it does not compile)."""
    compiled = compile(pattern, ignorecase=ignorecase)
    return compiled is not None and compiled.search(text) is not None
