"""Target kinds of Helm charts.

- ``helm.chart``: one chart whose templates were linted and that ships a
  ``values.schema.json``; its document is the chart's ``values.yaml`` and its data the
  values helm would validate (``values.yaml`` overlaid by ``--helm-values`` files).
- ``helm.render_error``: a ``required``/``fail`` that fired while a template rendered
  (documents of format ``helm-render``, which carry only these).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Document, Target
from ..targets import TargetKind, kind
from .values import chart_values

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project


@kind(["kubernetes"], project=True)
def chart_targets(project: Project, ctx: Context) -> Iterator[Target]:
    roots = sorted({str(d.meta["chart_root"]) for d in project.documents if d.meta.get("helm")})
    extra = [str(f) for f in ctx.settings.get("helm_values_files") or []]
    for root in roots:
        directory = project.root / root
        if not (directory / "values.schema.json").is_file():
            continue
        chart = chart_values(directory, extra, root)
        if not chart.values_ok:
            continue  # the broken values file is reported as a parse error already
        prefix = "" if root in ("", ".") else root.rstrip("/") + "/"
        doc = (
            chart.layers[0] if chart.layers else Document(prefix + "values.yaml", "helm-values", {})
        )
        name = chart.meta.get("name") if isinstance(chart.meta.get("name"), str) else root
        data = chart.values if chart.values is not None else {}
        context = {
            "chart": name,
            "chart_values": chart,
            "schema_path": prefix + "values.schema.json",
        }
        yield Target.of_file("helm.chart", doc, data, f"chart {name}", context)


@kind(["helm-render"])
def render_error_targets(doc: Document, ctx: Context) -> Iterator[Target]:
    """One target per ``required``/``fail`` that fired while rendering a template."""
    for span, message in doc.meta.get("render_errors") or ():
        locator = f"template {doc.path}"
        yield Target.of_span("helm.render_error", doc, (), {}, locator, span, {"reason": message})


TARGETS: dict[str, TargetKind] = {
    "helm.chart": chart_targets,
    "helm.render_error": render_error_targets,
}
