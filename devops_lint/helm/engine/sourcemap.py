"""Rendered text → Kubernetes ``Document``s whose spans point at template lines.

Every segment of the rendered text knows the template offset it came from (literal text
character by character, an action's output as a whole at the action). YAML is parsed from
the rendered text and each span is carried back through that map. Placeholders of values
the evaluator could not compute become ``Unresolved`` values; a placeholder that fills a
whole line (an include or ``toYaml`` of something unknown) becomes a marker — a mapping key
or a list item as its neighbours need — so the mapping it sits in carries ``UNRESOLVED_KEY``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import Any

from ...model import UNRESOLVED_KEY, Document, JsonPath, ParseError, Span, Unresolved
from ...yamlload import load_documents
from ..placeholder_chars import PH_DIGIT
from .rendered import PH_MARK, Rendered, placeholder_index

_PH = re.compile(PH_MARK + PH_DIGIT + "{2}")
_ALONE = re.compile(r"^([ \t]*)(" + PH_MARK + PH_DIGIT + r"{2})[ \t]*$", re.MULTILINE)


def line_starts(text: str) -> list[int]:
    """Offset of the first character of every line."""
    return [0, *accumulate(len(line) + 1 for line in text.split("\n"))][:-1]


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _marker_kind(lines: list[str], i: int) -> str:
    """``item``, ``key`` or ``value`` for a line that holds only a placeholder."""
    indent = _indent_of(lines[i])
    prev = next((ln for ln in reversed(lines[:i]) if ln.strip()), "")
    nxt = next((ln for ln in lines[i + 1 :] if ln.strip() and not ln.lstrip().startswith("#")), "")
    for ln in (prev, nxt):
        if ln and _indent_of(ln) == indent and ln.lstrip().startswith("- "):
            return "item"
    if nxt and _indent_of(nxt) == indent and not nxt.lstrip().startswith("- "):
        return "key"
    if prev and _indent_of(prev) == indent and ":" in prev:
        return "key"
    if prev.rstrip().endswith(":") and _indent_of(prev) < indent:
        return "value"  # a key's whole value on the next line
    return "key" if indent or prev else "value"


Segments = list[tuple[int, int, bool]]


def add_markers(text: str, segments: Segments) -> tuple[str, Segments]:
    """Turn whole-line placeholders into YAML the neighbours accept (``- P`` or ``P: ~``)."""
    matches = list(_ALONE.finditer(text))
    if not matches:
        return text, segments
    lines = text.split("\n")
    starts = line_starts(text)
    inserts: list[tuple[int, str]] = []  # (offset in the old text, text inserted there)
    for m in matches:
        line_no = bisect_right(starts, m.start()) - 1
        kind = _marker_kind(lines, line_no)
        if kind == "item":
            inserts.append((m.start(2), "- "))
        elif kind == "key":
            inserts.append((m.end(2), ": ~"))
    if not inserts:
        return text, segments
    pieces: list[str] = []
    pos = 0
    for at, add in inserts:
        pieces.append(text[pos:at])
        pieces.append(add)
        pos = at
    pieces.append(text[pos:])
    # A segment moves by the text inserted before it; ``- `` joins the placeholder's segment
    # that starts where it is inserted, ``: ~`` the segment it ends.
    moved: list[tuple[int, int, bool]] = []
    shift = 0
    k = 0
    for o, t, lit in segments:
        while k < len(inserts) and (
            inserts[k][0] < o or (inserts[k][0] == o and inserts[k][1] != "- ")
        ):
            shift += len(inserts[k][1])
            k += 1
        moved.append((o + shift, t, lit))
    return "".join(pieces), moved


class SourceMap:
    """Rendered positions → template positions."""

    def __init__(self, rendered_text: str, segments: Segments, template: str) -> None:
        self.out_starts = line_starts(rendered_text)
        self.tpl_starts = line_starts(template)
        self.seg_offsets = [s[0] for s in segments]
        self.segments = segments

    def template_position(self, line: int, column: int) -> tuple[int, int]:
        """1-based template line and column of a 1-based rendered line and column."""
        if not self.segments:
            return 1, 1
        out_starts = self.out_starts
        if line < 1:
            line = 1
        elif line > len(out_starts):
            line = len(out_starts)
        off = out_starts[line - 1] + (column if column > 0 else 1) - 1
        i = bisect_right(self.seg_offsets, off) - 1
        out_off, tpl_off, literal = self.segments[i if i > 0 else 0]
        target = tpl_off + (off - out_off) if literal else tpl_off
        t_line = bisect_right(self.tpl_starts, target)
        return t_line, target - self.tpl_starts[t_line - 1] + 1

    def span(self, s: Span) -> Span:
        line, col = self.template_position(s.line, s.column)
        if s.end_line == s.line and s.end_column == s.column:
            return Span(line, col, line, col)
        end_line, end_col = self.template_position(s.end_line, s.end_column)
        if end_line < line or (end_line == line and end_col < col):
            end_line, end_col = line, col
        return Span(line, col, end_line, end_col)


class _Fixer:
    def __init__(self, unknowns: list[str], doc: Document) -> None:
        self.unknowns = unknowns
        self.doc = doc
        self.drop: list[JsonPath] = []
        self.renames: list[tuple[JsonPath, JsonPath]] = []

    def source(self, text: str) -> str:
        def one(m: re.Match[str]) -> str:
            i = placeholder_index(m.group())
            return self.unknowns[i] if i < len(self.unknowns) else m.group()

        return _PH.sub(one, text)

    def scalar(self, s: str) -> Any:
        return Unresolved(self.source(s))

    def visit(self, v: Any, path: JsonPath) -> Any:
        if isinstance(v, str):
            return self.scalar(v) if PH_MARK in v else v
        if isinstance(v, list):
            return [self.visit(x, (*path, i)) for i, x in enumerate(v)]
        if not isinstance(v, dict):
            return v
        out: dict[str, Any] = {}
        for k, x in v.items():
            if PH_MARK in k:
                if _PH.fullmatch(k):
                    self.drop.append((*path, k))
                    out.setdefault(UNRESOLVED_KEY, Unresolved(self.source(k)))
                    if (*path, UNRESOLVED_KEY) not in self.doc.spans:  # first marker of the map
                        span = self.doc.key_spans.get((*path, k))
                        if span is not None:
                            upath: JsonPath = (*path, UNRESOLVED_KEY)
                            self.doc.spans[upath] = span
                    continue
                new = Unresolved(self.source(k))
                self.renames.append(((*path, k), (*path, new)))
                out[new] = self.visit(x, (*path, k))
                continue
            out[k] = self.visit(x, (*path, k))
        return out

    def run(self) -> None:
        self.doc.data = self.visit(self.doc.data, ())
        for old in self.drop:
            n = len(old)
            self.doc.spans = {p: s for p, s in self.doc.spans.items() if p[:n] != old}
            self.doc.key_spans = {p: s for p, s in self.doc.key_spans.items() if p[:n] != old}
        for old, new in sorted(self.renames, key=lambda r: -len(r[0])):
            n = len(old)
            for table in (self.doc.spans, self.doc.key_spans):
                for p in [p for p in table if p[:n] == old]:
                    moved: JsonPath = (*new, *p[n:])
                    table[moved] = table.pop(p)


def documents(rendered: Rendered, template: str, path: str) -> list[Document]:
    """The documents of one rendered template, at template positions.

    Raises ``ParseError`` (at the template position) when the rendered text is not YAML.
    """
    text, segments = add_markers(rendered.text, rendered.segments)
    smap = SourceMap(text, segments, template)
    try:
        docs, _ = load_documents(text, path, "kubernetes")
    except ParseError as exc:
        line, col = smap.template_position(exc.line, exc.column)
        raise ParseError(f"{exc.message} (in the rendered template)", line, col) from None
    out: list[Document] = []
    for doc in docs:
        if PH_MARK in text:
            _Fixer(rendered.unknowns, doc).run()
        doc.spans = {p: smap.span(s) for p, s in doc.spans.items()}
        doc.key_spans = {p: smap.span(s) for p, s in doc.key_spans.items()}
        if "start_line" in doc.meta:
            doc.meta["start_line"] = smap.template_position(doc.meta["start_line"], 1)[0]
        doc.text = template
        out.append(doc)
    return out
