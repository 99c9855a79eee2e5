"""One template file of a chart rendered under each value set (standards 0.5, Helm row).

``render_file`` renders with the chart's default values, then with each
``helm_values_files`` file over them; a value set that renders the same text as an earlier
one adds nothing. ``required``/``fail`` that fire, and evaluation that hits a bound, are
returned as render errors at the template action; they travel to the rule
``X-000.render-error`` in a carrier document of format ``helm-render``.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...model import Document, ParseError, Span
from ..values import chart_values
from .chart import (
    ChartNode,
    capabilities,
    coalesce,
    define_table,
    find_top,
    load_tree,
    plain_copy,
)
from .evaluate import Evaluator
from .parse import Define, Parsed, TemplateError, parse_template
from .rendered import Limits, RenderLimit
from .sourcemap import documents, line_starts
from .values import floats

RENDER_ERROR_FORMAT = "helm-render"
RELEASE_NAME = "release-name"
_CHART_KEYS = {"apiVersion": "APIVersion", "appVersion": "AppVersion", "kubeVersion": "KubeVersion"}


@dataclass
class _Tree:
    top: ChartNode
    defines: dict[str, Define]
    values: dict[str, Any] = field(default_factory=dict)  # value set → coalesced values


_TREES: dict[tuple[str, int], _Tree] = {}


def _stamp(path: Path) -> int:
    total = 0
    for name in ("Chart.yaml", "values.yaml"):
        with contextlib.suppress(OSError):
            total += (path / name).stat().st_mtime_ns
    return total


def _file_stamp(name: str) -> int:
    try:
        return os.stat(name).st_mtime_ns
    except OSError:
        return -1


def _tree(top_dir: Path, shown: str) -> _Tree:
    key = (str(top_dir), _stamp(top_dir))
    cached = _TREES.get(key)
    if cached is None:
        top = load_tree(top_dir, shown)
        cached = _Tree(top, define_table(top))
        if len(_TREES) > 64:
            _TREES.clear()
        _TREES[key] = cached
    return cached


def renders(scan_root: Path, chart_root: str) -> bool:
    """True when the chart is rendered: its top chart has Chart.yaml and values.yaml."""
    chart_dir = scan_root / chart_root if chart_root not in ("", ".") else scan_root
    top, _ = find_top(chart_dir, scan_root)
    if not (top / "Chart.yaml").is_file() or not (top / "values.yaml").is_file():
        return False
    # Values that cannot be read (broken YAML, an alias bomb, a link out of the scan) would
    # render every template as if nothing were set: lint such a chart in place instead.
    shown = posixpath.normpath(str(top.relative_to(scan_root)).replace("\\", "/"))
    return chart_values(top, (), shown).values is not None


def _chart_object(meta: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in meta.items():
        if not isinstance(k, str) or not k:
            continue
        name = _CHART_KEYS.get(k, k[0].upper() + k[1:])
        out[name] = v if isinstance(v, (dict, list, bool)) or v is None else str(v)
    for required in ("Name", "Version", "AppVersion", "Description", "Type"):
        out.setdefault(required, "")
    return out


def _context(node: ChartNode, values: Any, template_name: str, base: str, ns: str) -> Any:
    from .chart import ChartFiles

    return {
        "Values": values if isinstance(values, dict) else {},
        "Release": {
            "Name": RELEASE_NAME,
            "Namespace": ns,
            "Service": "Helm",
            "IsInstall": True,
            "IsUpgrade": False,
            "Revision": 1,
        },
        "Chart": {**_chart_object(node.meta), "Name": node.name},  # an alias renames it
        "Capabilities": capabilities(),
        "Files": ChartFiles(node.dir).obj(),
        "Template": {"Name": template_name, "BasePath": base},
        "Subcharts": {
            child.name: _context(
                child,
                values.get(child.name) if isinstance(values, dict) else {},
                template_name,
                f"{base.rsplit('/templates', 1)[0]}/charts/{child.name}/templates",
                ns,
            )
            for child in node.subcharts
            if child.enabled
        },
    }


@dataclass
class RenderOutput:
    documents: list[Document]
    errors: list[tuple[Span, str]]


def value_sets(top_dir: Path, shown: str, settings: dict[str, Any]) -> list[tuple[str, Any]]:
    """(name, values given over the defaults) for the defaults and each extra values file."""
    sets: list[tuple[str, Any]] = [("values.yaml", {})]
    for extra in settings.get("helm_values_files") or []:
        info = chart_values(top_dir, [str(extra)], shown)
        if info.values_ok and info.values is not None:
            sets.append((str(extra), floats(info.values)))
    return sets


def render_file(
    scan_root: Path, path: str, text: str, chart_root: str, settings: dict[str, Any]
) -> RenderOutput:
    """Documents of template ``path`` under every value set; raises ``ParseError``."""
    chart_dir = scan_root / chart_root if chart_root not in ("", ".") else scan_root
    top_dir, chain = find_top(chart_dir, scan_root)
    rel_top = posixpath.normpath(str(top_dir.relative_to(scan_root)).replace("\\", "/"))
    tree = _tree(top_dir, rel_top)
    node = tree.top
    names = [node.name]
    for part in chain:
        child = next((c for c in node.subcharts if c.dir.name == part), None)
        if child is None or not child.enabled:
            return RenderOutput([], [])  # a disabled dependency renders nothing
        node = child
        names.append(child.name)
    rel_file = posixpath.relpath(path, chart_root) if chart_root not in ("", ".") else path
    try:
        known = node.parsed.get(rel_file)
        same = known is not None and node.template_files.get(rel_file) == text
        parsed = known if same and known is not None else parse_template(text, path)
    except TemplateError as exc:
        starts = line_starts(text)
        line = max(1, bisect_right(starts, exc.offset))
        raise ParseError(
            f"template syntax: {exc.message}", line, exc.offset - starts[line - 1] + 1
        ) from None
    prefix = "/".join(f"{n}" if i == 0 else f"charts/{n}" for i, n in enumerate(names))
    template_name = f"{prefix}/{rel_file}"
    ns = str(settings.get("helm_release_namespace") or "default")
    out = RenderOutput([], [])
    # Rendered text -> its documents: a value set that renders the same text adds its name.
    seen_texts: dict[str, list[Document]] = {}
    seen_errors: set[tuple[Span, str]] = set()
    for set_name, given in value_sets(top_dir, rel_top, settings):
        key = f"{set_name}@{_file_stamp(set_name)}"
        if key not in tree.values:
            tree.values[key] = coalesce(tree.top, given)
        values: Any = plain_copy(tree.values[key])  # templates may ``set`` values
        for key in names[1:]:
            values = values.get(key) if isinstance(values, dict) else {}
        dot = _context(node, values, template_name, f"{prefix}/templates", ns)
        rendered_docs, errors = _render_one(parsed, text, path, dict(tree.defines), dot)
        for span, message in errors:
            label = message if set_name == "values.yaml" else f"{message} (values: {set_name})"
            if (span, message) not in seen_errors:
                seen_errors.add((span, message))
                out.errors.append((span, label))
        if rendered_docs is None:
            continue
        rendered_text, docs = rendered_docs
        if rendered_text in seen_texts:
            for doc in seen_texts[rendered_text]:
                doc.meta["value_sets"].append(set_name)
            continue
        seen_texts[rendered_text] = docs
        for doc in docs:
            doc.meta["value_set"] = set_name
            doc.meta["value_sets"] = [set_name]
            if tree.top.missing:  # their objects are not in the scan: relations are unknown
                doc.meta["helm_missing_dependencies"] = list(tree.top.missing)
            out.documents.append(doc)
    return out


def _render_one(
    parsed: Parsed, text: str, path: str, defines: dict[str, Define], dot: Any
) -> tuple[tuple[str, list[Document]] | None, list[tuple[Span, str]]]:
    ev = Evaluator(defines, Limits(max_output=max(4_000_000, 10 * len(text))))
    starts = line_starts(text)

    def span_of(offset: int) -> Span:
        line = bisect_right(starts, offset)
        return Span.at(line, offset - starts[line - 1] + 1)

    try:
        rendered = ev.render(parsed.nodes, text, dot)
    except RenderLimit as exc:
        return None, [(span_of(exc.offset), exc.message)]
    errors = [(span_of(off), msg) for off, msg in rendered.errors]
    docs = documents(rendered, text, path)
    return (rendered.text, docs), errors
