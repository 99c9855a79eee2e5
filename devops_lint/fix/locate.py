"""Finding the object a finding is about from its line: the innermost written mapping."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..model import Document, JsonPath

if TYPE_CHECKING:
    from .registry import FixContext

Accept = Callable[[JsonPath, Any], bool]


def at_finding(ctx: FixContext, accept: Accept) -> tuple[Document, JsonPath] | None:
    """The finding's document and the innermost value written on the finding's line that
    ``accept`` takes (a container, a step, an alert), or None."""
    doc = ctx.doc
    if doc is None:
        return None
    path = innermost(doc, ctx.finding.span.line, accept)
    return (doc, path) if path is not None else None


def innermost(doc: Document, line: int, accept: Accept) -> JsonPath | None:
    """The deepest path whose written key or value holds ``line`` and that ``accept`` takes.

    A block collection's span runs on to the first line of what follows it, so of two
    siblings that both hold ``line`` the one that starts later is the one written there."""
    best: JsonPath | None = None
    best_rank = (-1, -1)
    for first, end, path in _extents(doc):
        if not first <= line <= end:
            continue
        rank = (len(path), first)
        if rank <= best_rank:
            continue
        if accept(path, doc.get(path)):
            best, best_rank = path, rank
    return best


def _extents(doc: Document) -> list[tuple[int, int, JsonPath]]:
    """(first line, last line, path) of every written value, its key included; computed once
    per document, as a file with many findings asks for each."""
    cached: list[tuple[int, int, JsonPath]] | None = doc.meta.get("fix_extents")
    if cached is None:
        cached = []
        for path, span in doc.spans.items():
            key = doc.key_spans.get(path)
            first = min(span.line, key.line) if key is not None else span.line
            cached.append((first, span.end_line, path))
        doc.meta["fix_extents"] = cached
    return cached


def by_key_line(
    doc: Document, line: int, accept: Callable[[JsonPath, Any], bool]
) -> JsonPath | None:
    """The path whose mapping key is written on ``line`` and that ``accept`` takes."""
    for path, span in doc.key_spans.items():
        if span.line == line and accept(path, doc.get(path)):
            return path
    return None
