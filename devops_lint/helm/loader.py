"""Helm templates → Kubernetes ``Document``s at template positions (standards 0.5).

The template is turned into YAML text (``template.transform``), loaded by the shared
YAML loader, then every string that holds placeholders is put back: a simple reference
resolves from the chart's values, anything else becomes an ``Unresolved`` holding the
template text, and a whole-line include that could not be inlined marks its mapping with
``UNRESOLVED_KEY``. Spans are mapped back to template lines.
"""

from __future__ import annotations

import os
import posixpath
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..model import UNRESOLVED_KEY, Document, JsonPath, ParseError, Span, Unresolved
from ..yamlload import load_documents, plain_scalar
from .engine.render import RENDER_ERROR_FORMAT, render_file, renders
from .placeholder_chars import PH_CHARS
from .template import (
    Transformed,
    placeholder_index,
    placeholder_pattern,
    transform,
)
from .template_actions import TemplateSyntaxError
from .values import ChartValues, chart_values

NOT_MANIFESTS = frozenset({"NOTES.txt"})


def chart_root_of(path: str) -> str:
    """The chart directory of a template path: the parent of its last ``templates/``."""
    parts = path.split("/")
    if "templates" not in parts[:-1]:
        return posixpath.dirname(path) or "."
    idx = len(parts) - 1 - parts[-2::-1].index("templates") - 1
    return "/".join(parts[:idx]) or "."


def load_chart(chart_root: str, settings: dict[str, Any]) -> ChartValues:
    base = settings.get("scan_root") or "."
    root = base if chart_root in ("", ".") else os.path.join(base, chart_root)
    extra = [str(f) for f in settings.get("helm_values_files") or []]
    return chart_values(root, extra, chart_root)


def parse_file(
    path: str, text: str, chart_root: str | None, settings: dict[str, Any]
) -> list[Document]:
    """The Kubernetes documents a template writes; raises ``ParseError`` when it is broken."""
    name = posixpath.basename(path)
    if name.startswith("_") or name in NOT_MANIFESTS:
        return []
    if chart_root is None:
        chart_root = chart_root_of(path)
    scan_root = Path(settings.get("scan_root") or ".")
    if renders(scan_root, chart_root):
        return rendered_documents(scan_root, path, text, chart_root, settings)
    chart = load_chart(chart_root, settings)
    return documents_from_template(path, text, chart, chart_root)


def rendered_documents(
    scan_root: Path, path: str, text: str, chart_root: str, settings: dict[str, Any]
) -> list[Document]:
    """The documents a chart's template renders to under its value sets (standards 0.5).

    ``required``/``fail`` that fired travel in one extra document of format
    ``helm-render`` (rule ``X-000.render-error``).
    """
    out = render_file(scan_root, path, text, chart_root, settings)
    docs: list[Document] = []
    for doc in out.documents:
        if not isinstance(doc.data, dict):
            continue  # an empty document, or one written wholly by an unknown value
        doc.format = "kubernetes"
        doc.meta.update({"helm": True, "rendered": True, "chart_root": chart_root})
        docs.append(doc)
    if out.errors:
        carrier = Document(path, RENDER_ERROR_FORMAT, {}, text=text)
        carrier.meta["render_errors"] = out.errors
        carrier.meta["chart_root"] = chart_root
        docs.append(carrier)
    return docs


def documents_from_template(
    path: str, text: str, chart: ChartValues | None, chart_root: str
) -> list[Document]:
    try:
        tr = transform(text, chart.render_include if chart is not None else None)
    except TemplateSyntaxError as exc:
        raise ParseError(f"template syntax: {exc.message}", exc.line, exc.column) from None
    try:
        docs, duplicates = load_documents(tr.text, path, "kubernetes")
    except ParseError as exc:
        line = tr.template_line(exc.line)
        message = f"{exc.message} (template actions as placeholders)"
        raise ParseError(message, line, exc.column) from None
    out: list[Document] = []
    shared = _Shared(tr, {span for _, span in duplicates}) if tr.actions else None
    for doc in docs:
        if shared is not None:
            _Fixer(shared, chart, doc).run()
        if not isinstance(doc.data, dict):
            continue  # an empty branch, or a document written wholly by an include
        doc.format = "kubernetes"
        doc.text = text
        doc.meta["helm"] = True
        doc.meta["chart_root"] = chart_root
        if "start_line" in doc.meta:
            doc.meta["start_line"] = tr.template_line(doc.meta["start_line"])
        out.append(doc)
    return out


def _moved(
    spans: dict[JsonPath, Span], old: JsonPath, new: JsonPath | None
) -> dict[JsonPath, Span]:
    n = len(old)
    out: dict[JsonPath, Span] = {}
    for p, s in spans.items():
        if p[:n] != old:
            out[p] = s
        elif new is not None:
            moved: JsonPath = (*new, *p[n:])
            out[moved] = s
    return out


class _Shared:
    """What every document of one template needs: its YAML lines and placeholder lines."""

    def __init__(self, tr: Transformed, duplicates: set[Span]) -> None:
        self.tr = tr
        # Keys written again further down: with control flow blanked these are usually
        # if/else branches setting one field, so which value applies is not known.
        self.duplicates = duplicates
        self.pattern = placeholder_pattern(tr.digits)
        self.lines = tr.text.split("\n")
        self.ph_lines = [n for n, line in enumerate(self.lines, 1) if PH_CHARS.search(line)]


class _Fixer:
    """Puts values back where placeholders were and maps spans to the template."""

    def __init__(self, shared: _Shared, chart: ChartValues | None, doc: Document) -> None:
        self.tr = shared.tr
        self.chart = chart
        self.doc = doc
        self.duplicates = shared.duplicates
        self.pattern = shared.pattern
        self.lines = shared.lines
        self.ph_lines = shared.ph_lines
        self.renames: list[tuple[JsonPath, JsonPath | None]] = []  # old path → new (None: drop)
        self.extra: dict[JsonPath, Span] = {}  # spans already at template positions

    def run(self) -> None:
        """Fix values in place (most documents), then map spans to the template."""
        doc = self.doc
        doc.data = self.visit(doc.data, ())
        tr = self.tr
        remap = tr.remap
        if tr.lines_kept:  # only spans on lines an include wrote move
            syn = tr.synthetic
            doc.spans = {
                p: remap(s) if s.line in syn or s.end_line in syn else s
                for p, s in doc.spans.items()
            }
            doc.key_spans = {
                p: remap(s) if s.line in syn or s.end_line in syn else s
                for p, s in doc.key_spans.items()
            }
        elif not tr.identity:
            doc.spans = {p: remap(s) for p, s in doc.spans.items()}
            doc.key_spans = {p: remap(s) for p, s in doc.key_spans.items()}
        doc.spans.update(self.extra)
        doc.key_spans.update(self.extra)
        # Deepest first, so a renamed key inside a renamed key still finds its old path.
        for old, new in sorted(self.renames, key=lambda r: -len(r[0])):
            doc.spans = _moved(doc.spans, old, new)
            doc.key_spans = _moved(doc.key_spans, old, new)

    def _may_hold_placeholders(self, path: JsonPath) -> bool:
        span = self.doc.spans.get(path)
        if span is None or self.duplicates:
            return True
        i = bisect_left(self.ph_lines, span.line)
        return i < len(self.ph_lines) and self.ph_lines[i] <= span.end_line

    def visit(self, v: Any, path: JsonPath) -> Any:
        t = type(v)
        if t is str:
            return self.scalar(v, self.doc.spans.get(path), key=False) if PH_CHARS.search(v) else v
        if (t is not list and t is not dict) or not self._may_hold_placeholders(path):
            return v
        if t is list:
            self._visit_members(v, path, enumerate(v))
            return v
        if PH_CHARS.search("".join(v)):
            return self.rebuild(v, path)
        self._visit_members(v, path, v.items())
        if self.duplicates:
            for k, x in v.items():
                if self.doc.key_spans.get((*path, k)) in self.duplicates:
                    v[k] = self.branch_value(k, x)
        return v

    def _visit_members(
        self, v: Any, path: JsonPath, members: Iterable[tuple[int | str, Any]]
    ) -> None:
        """Resolve placeholders in the members (index or key, value) of the collection ``v``,
        in place; only strings and collections can hold one."""
        for k, x in members:
            tx = type(x)
            if tx is str:
                if PH_CHARS.search(x):
                    v[k] = self.scalar(x, self.doc.spans.get((*path, k)), key=False)
            elif tx is dict or tx is list:
                v[k] = self.visit(x, (*path, k))

    def branch_value(self, key: str, value: Any) -> Any:
        if isinstance(value, (dict, list)):
            return value  # the last branch's subtree is linted
        return Unresolved(f"<{key} is set in several template branches>")

    def rebuild(self, v: dict[str, Any], path: JsonPath) -> dict[str, Any]:
        """A mapping with templated keys: resolve them, turn markers into UNRESOLVED_KEY."""
        out: dict[str, Any] = {}
        for k, x in v.items():
            kpath = (*path, k)
            key_span = self.doc.key_spans.get(kpath)
            nk: Any = k
            if PH_CHARS.search(k):
                marker = self._marker(k, "map")
                if marker is not None:
                    self.renames.append((kpath, None))
                    if UNRESOLVED_KEY not in out:
                        out[UNRESOLVED_KEY] = Unresolved(self.tr.action_source(marker))
                        upath: JsonPath = (*path, UNRESOLVED_KEY)
                        self.extra[upath] = self.tr.action_span(marker)
                    continue
                nk = self.scalar(k, key_span, key=True)
                if not isinstance(nk, str):
                    nk = Unresolved(k) if nk is None else str(nk)
                self.renames.append((kpath, (*path, nk)))
            value = self.visit(x, kpath)
            if self.duplicates and key_span in self.duplicates:
                value = self.branch_value(nk, value)
            out[nk] = value
        return out

    def _marker(self, text: str, context: str) -> int | None:
        m = self.pattern.fullmatch(text)
        if m is None:
            return None
        idx = placeholder_index(text, self.tr.digits)
        return idx if self.tr.markers.get(idx) == context else None

    def _style(self, span: Span | None) -> str:
        """The character a scalar starts with in the YAML text (quote, block or plain)."""
        if span is None:
            return ""
        if span.line - 1 >= len(self.lines):
            return ""
        line = self.lines[span.line - 1]
        return line[span.column - 1 : span.column]

    def scalar(self, s: str, span: Span | None, key: bool) -> Any:
        tr = self.tr
        parts: list[str | int] = []
        pos = 0
        for m in self.pattern.finditer(s):
            idx = placeholder_index(m.group(), tr.digits)
            if idx >= len(tr.actions):
                continue  # private-use text of the template itself
            parts.append(s[pos : m.start()])
            parts.append(idx)
            pos = m.end()
        parts.append(s[pos:])
        indices = [p for p in parts if isinstance(p, int)]
        if not indices:
            return s
        source = "".join(p if isinstance(p, str) else tr.action_source(p) for p in parts)
        rendered: list[str] = []
        single = None
        for p in parts:
            if isinstance(p, str):
                rendered.append(p)
                continue
            action = tr.actions[p]
            if action.kind != "output" or self.chart is None or p in tr.opaque:
                return Unresolved(source)
            r = self.chart.evaluate(action.body, tr.dots[p])
            if r is None:
                return Unresolved(source)
            rendered.append(r.text)
            single = r
        plain = self._style(span) not in ("'", '"', "|", ">")
        if len(indices) == 1 and len(parts) == 3 and not parts[0] and not parts[2]:
            assert single is not None
            if key:
                return single.value if single.quoted else single.text
            return single.value if plain else single.text
        text = "".join(rendered)
        if key or not plain:
            return text
        return plain_scalar(text) if text else None
