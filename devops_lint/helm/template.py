"""Helm template text → YAML text of the same shape (standards 0.5, Helm row).

Every ``{{ … }}`` action becomes a placeholder of the same width and every line that
holds only control flow or comments becomes spaces, so the YAML parser sees every branch
at the template's own lines and columns. A placeholder spells its action's number in
private-use characters, so a parsed string still tells which actions it was written with.

A line holding nothing but one output action (``{{- toYaml .Values.x | nindent 8 }}``,
``{{- include "labels" . | nindent 4 }}``), or such an action right after ``key:``, writes
a YAML subtree. When a renderer can supply it (a ``toYaml`` of a known value) it is
inlined: in flow style on the action's own line when it is a key's whole value, as block
lines when it sits beside other keys or items or inside a block scalar. Otherwise the line
becomes a marker — a key, a list item or a value, whichever its neighbours call for — so
the loader can mark the enclosing mapping as holding an unresolved subtree. Only block
inlining adds lines; ``line_map`` then keeps every other position that of the template,
and everything an include wrote points at the include (``synthetic``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..model import Span
from .placeholder_chars import PH_CHARS, PH_DIGIT, PH_FILL, PH_RADIX, read, spell
from .template_actions import (
    Action,
    Dot,
    IncludeSpec,
    line_starts,
    parse_include,
    position,
    scopes,
    tokenize,
)

_BLOCK_SCALAR = re.compile(r"(?:^|[\s:])[|>][-+0-9]*$")


@dataclass(frozen=True, slots=True)
class IncludeSite:
    """A whole-line (or trailing ``key: {{ toYaml … | nindent N }}``) output action."""

    index: int  # action number
    action: Action
    dot: Dot
    spec: IncludeSpec
    column: int  # 0-based column where the rendered content starts


class Inlined:
    """A value an include writes, as block YAML lines (unindented) or on one line."""

    __slots__ = ("_block", "_flow", "_render_block", "_render_flow", "value")

    def __init__(
        self, value: object, block: Callable[[object], list[str]], flow: Callable[[object], str]
    ) -> None:
        self.value = value
        self._render_block, self._render_flow = block, flow
        self._block: list[str] | None = None
        self._flow: str | None = None

    @property
    def block(self) -> list[str]:
        if self._block is None:
            self._block = self._render_block(self.value)
        return self._block

    @property
    def flow(self) -> str:
        if self._flow is None:
            self._flow = self._render_flow(self.value)
        return self._flow


# Renders what an include site writes, or None when it is not known.
IncludeRenderer = Callable[[IncludeSite], "Inlined | None"]


def placeholder(index: int, width: int, digits: int) -> str:
    """Action ``index`` as a placeholder of ``width`` characters (digits, then fill)."""
    return spell(index, digits) + PH_FILL * max(0, width - digits)


def placeholder_pattern(digits: int) -> re.Pattern[str]:
    return re.compile(f"{PH_DIGIT}{{{digits}}}{PH_FILL}*")


def placeholder_index(ph: str, digits: int) -> int:
    return read(ph[:digits])


@dataclass
class Transformed:
    """YAML text of a template plus what is needed to map results back to it."""

    text: str  # YAML text for the loader
    source: str  # the template text
    actions: list[Action]
    dots: list[Dot]
    digits: int  # placeholder digits per action
    line_map: list[int]  # output line (0-based) → template line (1-based)
    synthetic: dict[int, int] = field(default_factory=dict)  # output line → action number
    # Output line → first column the action wrote on it (absent: the whole line).
    synthetic_from: dict[int, int] = field(default_factory=dict)
    markers: dict[int, str] = field(default_factory=dict)  # action → map/seq/value/text/none
    # Markers standing for a line of several actions → that line's template text.
    opaque: dict[int, str] = field(default_factory=dict)
    identity: bool = True  # line_map is the identity and no line is synthetic
    lines_kept: bool = False  # no line added: only synthetic lines' spans change
    _unchanged: int = 0  # first output line that is not the template's own line
    _starts: list[int] = field(default_factory=list)
    _action_spans: dict[int, Span] = field(default_factory=dict)

    def action_source(self, index: int) -> str:
        if index in self.opaque:
            return self.opaque[index]
        a = self.actions[index]
        return self.source[a.start : a.end]

    def action_span(self, index: int) -> Span:
        cached = self._action_spans.get(index)
        if cached is not None:
            return cached
        if not self._starts:
            self._starts = line_starts(self.source)
        a = self.actions[index]
        line, col = position(self._starts, a.start)
        end_line, end_col = position(self._starts, a.end - 1)
        span = self._action_spans[index] = Span(line, col, end_line, end_col)
        return span

    def template_line(self, line: int) -> int:
        if self.identity or self.lines_kept:
            return line
        if line <= len(self.line_map):
            return self.line_map[line - 1]
        return self.line_map[-1] + (line - len(self.line_map)) if self.line_map else line

    def remap(self, span: Span) -> Span:
        """A span of the YAML text as a span of the template."""
        if self.identity or span.end_line < self._unchanged:
            return span
        origin = self.synthetic.get(span.line)
        if origin is not None and span.column >= self.synthetic_from.get(span.line, 1):
            return self.action_span(origin)
        line = self.template_line(span.line)
        end_origin = self.synthetic.get(span.end_line)
        if end_origin is not None and span.end_column >= self.synthetic_from.get(span.end_line, 1):
            end = self.action_span(end_origin)
            end_line, end_col = end.end_line, end.end_column
        else:
            end_line, end_col = self.template_line(span.end_line), span.end_column
        if end_line < line:
            end_line, end_col = line, span.column
        return Span(line, span.column, end_line, end_col)


def _blank(segment: str) -> str:
    if "\n" not in segment:
        return " " * len(segment)
    return "\n".join(" " * len(p) for p in segment.split("\n"))


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, (dict, list)) and not value)


def _content_column(line: str, indent: int) -> int:
    """Column of a line's content after any ``- `` sequence indicators."""
    pos, n = indent, len(line)
    while pos < n and line[pos] == "-" and (pos + 1 == n or line[pos + 1] in " \t"):
        pos += 1
        while pos < n and line[pos] in " \t":
            pos += 1
    return pos


def _significant(lines: list[str], order: range) -> Iterator[tuple[str, str, int]]:
    """(line, its content, its indent) of the lines in ``order`` that are neither blank
    nor comments, up to a document separator."""
    for j in order:
        s = lines[j]
        st = s.lstrip(" ")
        if not st or st.startswith("#"):
            continue
        indent = len(s) - len(st)
        if indent == 0 and st.startswith(("---", "...")):
            return
        yield s, st, indent


def _context(lines: list[str], at: int, column: int) -> str:
    """What a subtree written at ``column`` on line ``at`` is part of: map, seq or value."""
    parent = None
    for s, st, indent in _significant(lines, range(at - 1, -1, -1)):
        if indent == column:
            return "seq" if _content_column(s, indent) > indent else "map"
        if indent < column:
            if _content_column(s, indent) == column:
                return "map"
            parent = st
            break
    for s, _, indent in _significant(lines, range(at + 1, len(lines))):
        if indent == column:
            return "seq" if _content_column(s, indent) > indent else "map"
        if indent < column:
            break
    if parent is None:
        return "value"
    head = parent.split(" #", 1)[0].rstrip()
    if _BLOCK_SCALAR.search(head):
        return "text"  # a line of a block scalar
    return "value" if head.endswith(":") or head == "-" else "none"


def transform(text: str, render: IncludeRenderer | None = None) -> Transformed:
    """The template as YAML text; raises ``TemplateSyntaxError`` for broken templates."""
    actions = tokenize(text)
    if not actions:
        return Transformed(text, text, [], [], 1, [])
    dots, defines = scopes(actions, text)
    digits = 1 if len(actions) < PH_RADIX else 2

    # 1. Same-width replacement over the whole text (newlines kept).
    pieces: list[str] = []
    pos = 0
    skip_until = -1
    live: list[int] = []  # actions outside define bodies
    for idx, a in enumerate(actions):
        if a.start < skip_until:
            continue
        live.append(idx)
        pieces.append(text[pos : a.start])
        segment = text[a.start : a.end]
        if a.kind == "comment":
            pieces.append(_blank(segment))
        else:
            nl = segment.find("\n")
            if nl < 0:
                pieces.append(placeholder(idx, len(segment), digits))
            else:
                pieces.append(placeholder(idx, nl, digits) + _blank(segment[nl:]))
        pos = a.end
        if idx in defines:  # a define's body is not output where it is written
            body_end = actions[defines[idx]].start
            pieces.append(_blank(text[pos:body_end]))
            pos = skip_until = body_end
    pieces.append(text[pos:])
    lines = "".join(pieces).split("\n")

    # 2. Lines made only of actions: blank control flow, collect include sites.
    starts = line_starts(text)
    per_line: dict[int, list[int]] = {}
    first_line: dict[int, int] = {}
    for idx in live:
        a = actions[idx]
        l0 = bisect_right(starts, a.start) - 1
        l1 = bisect_right(starts, a.end - 1) - 1
        first_line[idx] = l0
        for ln in range(l0, l1 + 1):
            per_line.setdefault(ln, []).append(idx)
    includes: list[tuple[int, int, str]] = []  # (line, action, line|several|trailing)
    for ln, idxs in per_line.items():
        line = lines[ln]
        outputs = [i for i in idxs if actions[i].kind == "output"]
        if PH_CHARS.sub("", line).strip():
            last = idxs[-1]
            col = actions[last].start - starts[ln]
            if (
                render is not None
                and last in outputs
                and first_line[last] == ln
                and not PH_CHARS.sub("", line[col:]).strip()
                and line[:col].rstrip().endswith(":")
            ):
                includes.append((ln, last, "trailing"))
            continue
        starting = [i for i in outputs if first_line[i] == ln]
        if starting:
            includes.append((ln, starting[0], "several" if len(outputs) > 1 else "line"))
        lines[ln] = " " * len(line)
    if not includes:
        return Transformed("\n".join(lines), text, actions, dots, digits, [])

    # 3. Include sites: inline what the renderer knows, mark the rest. A subtree that is a
    # key's whole value is written on the include's own line in flow style, so no line is
    # added; one beside other keys or items needs its block lines (and a line map).
    for ln, _, mode in includes:
        if mode != "trailing":
            lines[ln] = ""
    # line → (its new lines, action, first column of the first line that the action wrote)
    replaced: dict[int, tuple[list[str], int, int]] = {}
    markers: dict[int, str] = {}
    opaque: dict[int, str] = {}
    for ln, idx, mode in sorted(includes):
        a = actions[idx]
        spec = parse_include(a.body)
        if spec.ref is None and mode == "trailing":
            continue  # stays a placeholder: the key's value is unresolved
        lead = text[starts[ln] : a.start]
        ws = len(lead) - len(lead.lstrip(" \t"))
        column = ws
        if spec.indent is not None:
            column = spec.indent if spec.newline else ws + spec.indent
        site = IncludeSite(idx, a, dots[idx], spec, column)
        rendered = None
        if render is not None and spec.ref is not None and mode != "several":
            rendered = render(site)
        if mode == "trailing":
            if rendered is not None:
                col0 = a.start - starts[ln]
                head = lines[ln][:col0]
                sep = "" if head.endswith((" ", "\t")) else " "  # `key:{{- …` has no space
                replaced[ln] = ([head + sep + rendered.flow], idx, col0 + 1)
            continue
        context = _context(lines, ln, column)
        if rendered is not None:
            if context == "value":
                replaced[ln] = ([" " * column + rendered.flow], idx, 1)
            elif context in ("map", "seq") and _empty(rendered.value):
                # `{}`/`[]` beside sibling keys or items is not YAML: the chart guards such
                # a site with `with`/`if`, which skip an empty value, so it writes nothing.
                replaced[ln] = ([""], idx, 1)
            else:
                replaced[ln] = ([" " * column + r for r in rendered.block], idx, 1)
            continue
        markers[idx] = context
        if mode == "several":  # the marker stands for every action of the line
            opaque[idx] = text[starts[ln] : starts[ln + 1] if ln + 1 < len(starts) else len(text)]
        ph = placeholder(idx, max(digits + 1, 4), digits)
        marker = {"map": f"{ph}:", "seq": f"- {ph}", "value": ph, "text": ph}.get(context)
        replaced[ln] = ([" " * column + marker] if marker else [""], idx, 1)
    if not replaced:
        return Transformed("\n".join(lines), text, actions, dots, digits, [])

    # 4. Assemble, keeping a map from output lines to template lines when lines were added.
    synthetic: dict[int, int] = {}
    synthetic_from: dict[int, int] = {}
    if all(len(r[0]) == 1 for r in replaced.values()):
        for ln, (new_lines, idx, col) in replaced.items():
            lines[ln] = new_lines[0]
            synthetic[ln + 1] = idx
            if col > 1:
                synthetic_from[ln + 1] = col
        tr = Transformed("\n".join(lines), text, actions, dots, digits, [])
        tr.lines_kept = True
    else:
        out: list[str] = []
        line_map: list[int] = []
        pos = 0
        for ln in sorted(replaced):
            new_lines, idx, col = replaced[ln]
            out.extend(lines[pos:ln])
            line_map.extend(range(pos + 1, ln + 1))
            first = len(out) + 1
            out.extend(new_lines)
            line_map.extend([ln + 1] * len(new_lines))
            for n in range(first, len(out) + 1):
                synthetic[n] = idx
            if col > 1:
                synthetic_from[first] = col
            pos = ln + 1
        out.extend(lines[pos:])
        line_map.extend(range(pos + 1, len(lines) + 1))
        tr = Transformed("\n".join(out), text, actions, dots, digits, line_map)
    tr.identity = False
    tr.synthetic, tr.synthetic_from, tr.markers = synthetic, synthetic_from, markers
    tr.opaque = {i: src.strip() for i, src in opaque.items()}
    tr._unchanged = min(synthetic)
    return tr
