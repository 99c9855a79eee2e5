"""Whether the series of two expressions can be the same series (PROM-017).

Two recording rules with the same name and static labels write the same series only when
their results can carry the same label values. The expressions are provably disjoint when a
label that both results keep is constrained by every selector of each expression to values
the other cannot take (``code=~"2.."`` against ``code=~"5.."`` under ``by (code)``).
Anything this module cannot decide counts as overlapping, so a duplicate is never missed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import promql_parser as pp

from . import promql as q
from .re2 import compile_anchored

# Characters that end a regex alternative's literal prefix.
_META = frozenset(".^$*+?()[]{}|\\")


@dataclass(frozen=True)
class Constraint:
    """The values a label can take: exact ``values``, or regex ``patterns``."""

    values: frozenset[str]
    patterns: tuple[str, ...]


def _alternatives(pattern: str) -> list[str] | None:
    """Top-level ``|`` alternatives, or None when the pattern nests groups or classes."""
    if any(c in pattern for c in "()[]"):
        return None
    out: list[str] = []
    current: list[str] = []
    escaped = False
    for c in pattern:
        if escaped:
            current.append("\\" + c)
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == "|":
            out.append("".join(current))
            current = []
        else:
            current.append(c)
    out.append("".join(current))
    return out


def _literal_prefix(alternative: str) -> str:
    """The characters every match of the alternative starts with."""
    prefix: list[str] = []
    for i, c in enumerate(alternative):
        if c in _META:
            break
        nxt = alternative[i + 1] if i + 1 < len(alternative) else ""
        if nxt in ("*", "?", "{"):
            break  # the character is optional
        prefix.append(c)
    return "".join(prefix)


def _compatible(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _regexes_disjoint(a: str, b: str) -> bool:
    alts_a, alts_b = _alternatives(a), _alternatives(b)
    if alts_a is None or alts_b is None:
        return False
    prefixes_a = [_literal_prefix(x) for x in alts_a]
    prefixes_b = [_literal_prefix(x) for x in alts_b]
    return not any(_compatible(pa, pb) for pa in prefixes_a for pb in prefixes_b)


def _value_matches(value: str, pattern: str) -> bool:
    compiled = compile_anchored(pattern)
    return compiled is None or compiled.match(value) is not None


def _disjoint(a: Constraint, b: Constraint) -> bool:
    """True when no value satisfies both constraints."""
    if a.values and b.values:
        return not (a.values & b.values)
    if a.values:
        return all(not _value_matches(v, p) for v in a.values for p in b.patterns)
    if b.values:
        return all(not _value_matches(v, p) for v in b.values for p in a.patterns)
    return all(_regexes_disjoint(pa, pb) for pa in a.patterns for pb in b.patterns)


def _positive_matcher(selector: Any, label: str) -> tuple[str, str] | None:
    if q.kind(selector) == "VectorSelector" and selector.matchers.or_matchers:
        return None  # `or` matcher groups: a selector may match without this label's matcher
    for m in q.matchers(selector):
        if m.name != label:
            continue
        if m.op == pp.MatchOp.Equal:
            return ("=", str(m.value))
        if m.op == pp.MatchOp.Re:
            return ("=~", str(m.value))
    return None


def label_constraint(ast: Any, label: str) -> Constraint | None:
    """What every selector of ``ast`` requires of ``label`` (None when one does not)."""
    values: set[str] = set()
    patterns: list[str] = []
    selectors = [sel for sel, _ in q.vector_selectors(ast)]
    if not selectors:
        return None
    for sel in selectors:
        matcher = _positive_matcher(sel, label)
        if matcher is None:
            return None
        op, value = matcher
        if op == "=":
            values.add(value)
        else:
            patterns.append(value)
    if values and patterns:
        return None  # mixed kinds: leave undecided rather than intersect regexes
    return Constraint(frozenset(values), tuple(patterns))


def _candidate_labels(a: Any, b: Any) -> Iterable[str]:
    names: dict[str, None] = {}
    for ast in (a, b):
        for sel, _ in q.vector_selectors(ast):
            for m in q.matchers(sel):
                if m.name != "__name__":
                    names.setdefault(str(m.name), None)
    return names


def can_overlap(a: Any, b: Any, static_labels: Iterable[str] = ()) -> bool:
    """Whether the results of ``a`` and ``b`` can contain a series with the same labels.

    ``static_labels`` are set by the rule itself and overwrite whatever the expression gives.
    """
    overwritten = set(static_labels)
    kept_a, kept_b = q.result_labels(a), q.result_labels(b)
    for label in _candidate_labels(a, b):
        if label in overwritten or not (kept_a.has(label) and kept_b.has(label)):
            continue
        ca, cb = label_constraint(a, label), label_constraint(b, label)
        if ca is not None and cb is not None and _disjoint(ca, cb):
            return False
    return True
