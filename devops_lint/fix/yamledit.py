"""Edits on block-style YAML located by a ``Document``'s spans.

New keys are written at the indentation of the mapping's existing keys, nested levels with the
file's own indentation step; a flow mapping (``{a: 1}``) gets ``, key: value`` before its
closing brace. Anything else (an empty value, an alias, a tagged node) is left alone.
"""

from __future__ import annotations

from typing import Any

from ..model import Document, JsonPath
from .edits import Edit, Source


def _child(path: JsonPath, key: str | int) -> JsonPath:
    return (*path, key)


def render(value: Any, unit: int) -> list[str]:
    """Block YAML lines for a small nested mapping of already-YAML scalar texts."""
    lines: list[str] = []
    for key, sub in value.items():
        if isinstance(sub, dict):
            lines.append(f"{key}:")
            lines += [" " * unit + line for line in render(sub, unit)]
        else:
            lines.append(f"{key}: {sub}")
    return lines


def _is_flow(src: Source, doc: Document, path: JsonPath) -> bool:
    span = doc.spans.get(path)
    if span is None:
        return False
    return (
        src.text[src.offset(span.line, span.column) : src.offset(span.line, span.column) + 1] == "{"
    )


def _end_line(src: Source, doc: Document, path: JsonPath, depth: int = 0) -> int:
    """Last line the value at ``path`` is written on.

    A block collection's span runs on to where the next token starts (often a line below its
    last item): its last child's end is used instead."""
    span = doc.spans.get(path)
    if span is None:
        return 0
    value = doc.get(path)
    first = src.text[src.offset(span.line, span.column) : src.offset(span.line, span.column) + 1]
    if isinstance(value, (dict, list)) and value and first not in "{[" and depth < 200:
        children = value.keys() if isinstance(value, dict) else range(len(value))
        ends = [_entry_end(src, doc, (*path, c), depth + 1) for c in children]
        return max(ends) if ends else span.line
    return span.end_line


def _entry_end(src: Source, doc: Document, path: JsonPath, depth: int = 0) -> int:
    key = doc.key_spans.get(path)
    return max(_end_line(src, doc, path, depth), key.end_line if key is not None else 0)


def _last_line(src: Source, doc: Document, path: JsonPath, key: str) -> int:
    """Last line written for the entry ``key`` of the mapping at ``path``."""
    return _entry_end(src, doc, (*path, key))


def insert_into_mapping(
    src: Source,
    doc: Document,
    path: JsonPath,
    entries: dict[str, Any],
    after: str | None = None,
    before: str | None = None,
) -> Edit | None:
    """Add ``entries`` to the mapping at ``path`` (after the key ``after`` or before the key
    ``before`` when given and present, else at its end)."""
    mapping = doc.get(path)
    if not isinstance(mapping, dict):
        return None
    if _is_flow(src, doc, path):
        return _insert_into_flow(src, doc, path, entries)
    if not mapping:
        return None
    keys = [k for k in mapping if (*path, k) in doc.key_spans]
    if not keys:
        return None
    first = doc.key_spans[_child(path, keys[0])]
    indent = first.column - 1
    # Every key of a block mapping starts its own line at one indentation; anything else
    # (a one-line flow written inside the block, a merge key) is not ours to edit.
    for k in keys:
        ks = doc.key_spans[_child(path, k)]
        if ks.column - 1 != indent:
            return None
    unit = src.indent_unit()
    lines = render(entries, unit)
    line = doc.key_spans[_child(path, before)].line if before in keys and before else 0
    # A key that shares its line with a "- " item marker cannot have a line put before it.
    if line and not (line == first.line and src.line(line)[:indent].strip()):
        offset = src.offset(line)
    else:
        anchor = after if after in mapping else None
        last = (
            _last_line(src, doc, path, anchor)
            if anchor
            else max(_last_line(src, doc, path, k) for k in keys)
        )
        offset = src.after_line(last)
    return Edit(offset, offset, src.lines_at(offset, lines, indent))


def _insert_into_flow(
    src: Source, doc: Document, path: JsonPath, entries: dict[str, Any]
) -> Edit | None:
    span = doc.spans[path]
    if span.line != span.end_line:
        return None  # a flow mapping over several lines: its layout is the author's
    close = src.offset(span.end_line, span.end_column)  # the closing brace (inclusive end)
    if src.text[close : close + 1] != "}":
        return None
    text = ", ".join(f"{k}: {_flow(v)}" for k, v in entries.items())
    inner = src.text[src.offset(span.line, span.column) + 1 : close]
    if not inner.strip():
        return Edit(close, close, text)
    at = close - (len(inner) - len(inner.rstrip(" ")))
    return Edit(at, at, f", {text}")


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return str(value)


def ensure(
    src: Source,
    doc: Document,
    path: JsonPath,
    keys: tuple[str, ...],
    leaf: dict[str, Any],
    after: str | None = None,
) -> Edit | None:
    """Make ``path/keys…`` hold the entries ``leaf``, creating the missing mappings.

    Walks down ``keys`` while they exist as mappings and inserts the rest there."""
    here = path
    remaining = list(keys)
    while (
        remaining
        and isinstance(doc.get((*here, remaining[0])), dict)
        and doc.get((*here, remaining[0]))
    ):
        here = (*here, remaining.pop(0))
    if remaining and remaining[0] in (doc.get(here) or {}):
        return None  # present but empty or not a mapping: a human decides
    value: Any = dict(leaf)
    for key in reversed(remaining):
        value = {key: value}
    return insert_into_mapping(src, doc, here, value, after=after if here == path else None)


def written_value(src: Source, doc: Document, path: JsonPath) -> tuple[int, str] | None:
    """Where the value at ``path`` starts and its source text (a block scalar to the end of
    its last line: its span stops at that line's indentation)."""
    span = doc.spans.get(path)
    if span is None:
        return None
    start = src.offset(span.line, span.column)
    if src.text[start : start + 1] in ("|", ">"):
        end = src.after_line(span.end_line)
    else:
        end = src.offset(span.end_line, span.end_column) + 1
    return start, src.text[start:end]


def replace_scalar(src: Source, doc: Document, path: JsonPath, text: str) -> Edit | None:
    """Replace the written scalar at ``path`` with ``text``."""
    span = doc.spans.get(path)
    if span is None or span.line != span.end_line:
        return None
    start = src.offset(span.line, span.column)
    end = src.offset(span.end_line, span.end_column) + 1  # spans include their last column
    written = src.text[start:end]
    if written.strip() != written or not written:
        return None
    if written[0] in "[{|>&*!":
        return None
    return Edit(start, end, text)
