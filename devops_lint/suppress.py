"""Inline suppressions (standards 0.6 item 6): comments and the Kubernetes annotation."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import Document, Span

if TYPE_CHECKING:
    from .rules import Rule

COMMENT_RE = re.compile(r"(?:#|//)\s*devops-lint:\s*ignore\[([^\]]*)\](.*)$")
UNTIL_RE = re.compile(r"\buntil:(\d{4}-\d{2}-\d{2})\b")
APPROVED_RE = re.compile(r"\bapproved-by:(\S+)")
ANNOTATION = "devops-lint.io/ignore"


@dataclass
class Suppression:
    path: str
    span: Span
    ids: list[str]
    reason: str
    until: dt.date | None = None
    approved_by: str | None = None
    lines: frozenset[int] = frozenset()  # comment form: the line it sits on
    document: tuple[str, int] | None = None  # annotation form: (path, document index)
    used: bool = False
    bad_until: bool = False
    matched_rules: set[str] = field(default_factory=set)

    def expired(self, today: dt.date) -> bool:
        return self.until is not None and today > self.until

    def covers(self, rule_id: str, controls: list[str]) -> bool:
        return any(rule_id == i or rule_id.startswith(i + ".") or i in controls for i in self.ids)


def _parse_tail(tail: str) -> tuple[str, dt.date | None, str | None, bool]:
    until = None
    bad = False
    m = UNTIL_RE.search(tail)
    if m:
        try:
            until = dt.date.fromisoformat(m.group(1))
        except ValueError:
            bad = True
        tail = tail.replace(m.group(0), "")
    approved = None
    a = APPROVED_RE.search(tail)
    if a:
        approved = a.group(1)
        tail = tail.replace(a.group(0), "")
    reason = " ".join(tail.split()).strip(" -—:")
    return reason, until, approved, bad


def _ids(text: str) -> list[str]:
    return [i.strip() for i in text.split(",") if i.strip()]


# A YAML line whose value is a block scalar (`key: |`, `- >-`): the lines indented below it are
# text, not comments.
_BLOCK_SCALAR_RE = re.compile(r"(?:^|[\s:-])[|>][0-9+-]{0,2}\s*(?:#.*)?$")
_QUOTE_OPENERS = frozenset(":-[{,=(")


def _comment_start(line: str) -> int | None:
    """Where the line's comment starts: a ``#`` or ``//`` at the line start or after
    whitespace, outside quoted strings (None when the line has no comment)."""
    quote = ""
    prev = " "
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if quote == '"' and c == "\\":
                i += 2
                continue
            if c == quote:
                if quote == "'" and line.startswith("''", i):
                    i += 2
                    continue
                quote = ""
        elif c in "\"'" and (prev.isspace() or prev in _QUOTE_OPENERS):
            quote = c
        elif (c == "#" or line.startswith("//", i)) and prev.isspace():
            return i
        prev = c
        i += 1
    return None


def _real_comments(path: str, text: str) -> Iterator[tuple[int, str, int]]:
    """(line number, line, comment start) of the lines holding a real comment: a
    suppression quoted inside a string or a YAML block scalar is text, not a comment."""
    yaml = path.endswith((".yaml", ".yml"))
    block_parent: int | None = None  # indentation of the line that opened a block scalar
    for n, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" "))
        if block_parent is not None:
            if not line.strip() or indent > block_parent:
                continue
            block_parent = None
        start = _comment_start(line)
        code = line if start is None else line[:start]
        if yaml and _BLOCK_SCALAR_RE.search(code.rstrip()):
            block_parent = indent
        if start is not None:
            yield n, line, start


def comment_suppressions(path: str, text: str) -> list[Suppression]:
    out: list[Suppression] = []
    if "devops-lint:" not in text:
        return out
    for n, line, start in _real_comments(path, text):
        m = COMMENT_RE.search(line, start)
        if not m:
            continue
        reason, until, approved, bad = _parse_tail(m.group(2))
        col = m.start() + 1
        out.append(
            Suppression(
                path=path,
                span=Span(n, col, n, len(line)),
                ids=_ids(m.group(1)),
                reason=reason,
                until=until,
                approved_by=approved,
                lines=frozenset({n}),
                bad_until=bad,
            )
        )
    return out


def annotation_suppressions(doc: Document) -> list[Suppression]:
    """``devops-lint.io/ignore: "<ID>[, <ID>]: <reason>"`` on a Kubernetes object."""
    data = doc.data
    if not isinstance(data, dict):
        return []
    meta = data.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    value = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
    if not isinstance(value, str):
        return []
    span = doc.span(("metadata", "annotations", ANNOTATION))
    out = []
    for entry in re.split(r"[;\n]", value):
        if not entry.strip():
            continue
        ids_part, _, tail = entry.partition(":")
        reason, until, approved, bad = _parse_tail(tail)
        out.append(
            Suppression(
                path=doc.path,
                span=span,
                ids=_ids(ids_part),
                reason=reason,
                until=until,
                approved_by=approved,
                document=(doc.path, doc.index),
                bad_until=bad,
            )
        )
    return out


def unknown_ids(
    suppressions: Iterable[Suppression], rules: Sequence[Rule], catalog: Iterable[str]
) -> Iterator[tuple[Suppression, str, str]]:
    """``(suppression, unknown ID, message)`` for every ID a suppression names that matches
    no rule and no control: a typo (``K8S-0O1``) would otherwise suppress nothing, silently,
    while the comment tells reviewers the risk was accepted."""
    from .selection import describe_unknown, matches, vocabulary

    catalog = set(catalog)
    words: list[str] | None = None
    for s in suppressions:
        for ident in s.ids:
            if ident in catalog or any(matches(ident, r) for r in rules):
                continue
            if words is None:
                words = vocabulary(rules, catalog)
            yield s, ident, describe_unknown(ident, words)
