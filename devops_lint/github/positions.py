"""Where things are written in a workflow file: pieces of values and ``${{ }}`` expressions.

Checks report an expression, or a piece of a ``run:`` script, at its own line and column:
``locate`` finds a piece of a string value in the file's source text, and
``expressions_at``/``all_expressions`` give every expression of a document with its span
(memoised in ``Document.meta``, as every workflow check reads them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Document, JsonPath, Span
from .expressions import Embedded, find_expressions


def trailing_comment(doc: Document, span: Span) -> str | None:
    """The ``# …`` comment that follows a single-line value on its line."""
    lines = source_lines(doc)
    if not 0 < span.end_line <= len(lines):
        return None
    rest = lines[span.end_line - 1][span.end_column - 1 :]
    pos = rest.find("#")
    return rest[pos:] if pos != -1 else None


def source_lines(doc: Document) -> list[str]:
    cached = doc.meta.get("_lines")
    if cached is None:
        cached = doc.text.split("\n")
        doc.meta["_lines"] = cached
    return cached


# Locating a piece scans the value up to it, so a string with 100,000 ``${{ }}`` took
# minutes: past its first LOCATE_EXACTLY expressions, a piece of it is reported at the
# value (every expression is still analysed).
LOCATE_EXACTLY = 256


def locate(doc: Document, path: JsonPath, start: int, end: int) -> Span:
    """Where characters ``start:end`` (end exclusive) of the string at ``path`` are written.

    The piece is looked up in the source text of the value (so quoting, escapes and
    block scalars need no model of their own); a piece that the source splits or
    escapes falls back to line arithmetic for block scalars, else to the value.
    """
    value = doc.get(path)
    vspan = doc.spans.get(tuple(path))
    if not isinstance(value, str) or vspan is None:
        return doc.span(path)
    cutoff = doc.meta.get("_github_locate_cutoff", {}).get(tuple(path))
    if cutoff is not None and start >= cutoff:
        return vspan  # see LOCATE_EXACTLY
    end = max(end, start + 1)  # a position (e.g. of an error) covers one character
    lines = source_lines(doc)
    if vspan.line <= len(lines):
        # Search a longer probe (the rest of the value's line) first: short pieces such as
        # one quote character also occur in the source's quoting.
        line_end = value.find("\n", start)
        line_end = len(value) if line_end == -1 else line_end
        for probe in (value[start : max(end, min(line_end, start + 60))], value[start:end]):
            found = _find_in_source(value, probe, start, vspan, lines)
            if found is not None:
                line_no, col = found
                return Span(line_no, col, line_no, col + max(0, end - start - 1))
    first = lines[vspan.line - 1][vspan.column - 1 :] if vspan.line <= len(lines) else ""
    if first[:1] in ("|", ">"):
        # Block scalar: value line k is source line (header + 1 + k) at the block indent.
        k = value.count("\n", 0, start)
        line_start = value.rfind("\n", 0, start) + 1
        src = vspan.line + 1 + k
        if src <= len(lines):
            body = lines[src - 1]
            indent = len(body) - len(body.lstrip(" "))
            col = indent + (start - line_start) + 1
            return Span(src, col, src, col + max(0, end - start - 1))
    return vspan


def _find_in_source(
    value: str, piece: str, start: int, vspan: Span, lines: list[str]
) -> tuple[int, int] | None:
    """(line, column) of the occurrence of ``piece`` that is the one at ``start`` in ``value``."""
    if not piece:
        return None
    nth = 0
    i = value.find(piece)
    while -1 < i < start:
        nth += 1
        i = value.find(piece, i + 1)
    line_no = vspan.line
    col0 = vspan.column - 1
    last = min(vspan.end_line, len(lines))
    while line_no <= last:
        text = lines[line_no - 1]
        pos = text.find(piece, col0)
        while pos != -1:
            if nth == 0:
                return line_no, pos + 1
            nth -= 1
            pos = text.find(piece, pos + 1)
        line_no += 1
        col0 = 0
    return None


@dataclass(frozen=True)
class Located:
    """An expression found in a document value, with where it is written."""

    path: JsonPath
    expr: Embedded
    span: Span


def expressions_at(doc: Document, path: JsonPath) -> list[Located]:
    """The ``${{ }}`` expressions of the string at ``path``, located in the file."""
    cache: dict[JsonPath, list[Located]] = doc.meta.setdefault("_github_exprs", {})
    key = tuple(path)
    found = cache.get(key)
    if found is None:
        value = doc.get(key)
        found = []
        if isinstance(value, str) and "${{" in value:
            expressions = find_expressions(value)
            if len(expressions) > LOCATE_EXACTLY:
                cutoffs = doc.meta.setdefault("_github_locate_cutoff", {})
                cutoffs[key] = expressions[LOCATE_EXACTLY].start
            for e in expressions:
                found.append(Located(key, e, locate(doc, key, e.start, e.end)))
        cache[key] = found
    return found


def string_leaves(value: Any, path: JsonPath, depth: int = 0) -> list[tuple[JsonPath, str]]:
    """Every string inside ``value`` with its path (mapping keys excluded)."""
    if isinstance(value, str):
        return [(path, value)]
    if depth > 50:
        return []
    out: list[tuple[JsonPath, str]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(string_leaves(v, (*path, k), depth + 1))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(string_leaves(v, (*path, i), depth + 1))
    return out


def all_expressions(doc: Document, base: JsonPath = ()) -> list[Located]:
    """Every ``${{ }}`` expression under ``base`` in the document (memoised per document)."""
    cache: dict[JsonPath, list[Located]] = doc.meta.setdefault("_github_all_exprs", {})
    key = tuple(base)
    found = cache.get(key)
    if found is None:
        found = []
        for path, value in string_leaves(doc.get(key), key):
            if "${{" in value:
                found.extend(expressions_at(doc, path))
        cache[key] = found
    return found
