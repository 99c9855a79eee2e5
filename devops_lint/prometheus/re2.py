"""RE2 patterns (Prometheus relabel regexes and label matchers) compiled with Python's ``re``.

Prometheus anchors relabel regexes on both ends and uses RE2 syntax; the few RE2
spellings Python lacks (POSIX classes, ``\\z``) are translated first.
"""

from __future__ import annotations

import functools
import re

_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7F",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1F\\x7F",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_POSIX_RE = re.compile(r"\[:(\^?)([a-z]+):\]")


def _translate(pattern: str) -> str:
    def posix(m: re.Match[str]) -> str:
        body = _POSIX.get(m.group(2))
        if body is None or m.group(1):
            return m.group(0)
        return body

    return _POSIX_RE.sub(posix, pattern).replace("\\z", "\\Z")


@functools.lru_cache(maxsize=4096)
def compile_anchored(pattern: str) -> re.Pattern[str] | None:
    """The pattern anchored as Prometheus anchors it, or None when it does not compile."""
    try:
        return re.compile(f"^(?:{_translate(pattern)})$", re.DOTALL)
    except (re.error, RecursionError, OverflowError):
        return None


METACHARACTERS = frozenset(".^$*+?()[]{}|\\")


def is_literal(pattern: str) -> bool:
    """True when the regex has no metacharacter, so an equality matcher would do."""
    return not any(c in METACHARACTERS for c in pattern)


def has_redundant_anchor(pattern: str) -> bool:
    """A leading ``^`` or trailing unescaped ``$``: PromQL regexes are already anchored."""
    if pattern.startswith("^"):
        return True
    if pattern.endswith("$"):
        backslashes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
        return backslashes % 2 == 0
    return False
