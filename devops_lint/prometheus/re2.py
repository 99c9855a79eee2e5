"""RE2 patterns of Prometheus (relabel regexes, label matchers), run by the RE2 engine.

Prometheus anchors these regexes on both ends and lets ``.`` match a newline
(``^(?s:…)$``); they come from scanned files, so they are compiled by RE2 (linear-time
matching, no catastrophic backtracking) through ``saferegex``, with RE2's own syntax
(POSIX classes, ``\\z``) and its refusals (back-references, look-around), exactly as
Prometheus reads them.
"""

from __future__ import annotations

from ..saferegex import Regex, compile


def compile_anchored(pattern: str) -> Regex | None:
    """The pattern anchored as Prometheus anchors it, or None when RE2 refuses it."""
    return compile(f"^(?:{pattern})$", dotall=True)


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
