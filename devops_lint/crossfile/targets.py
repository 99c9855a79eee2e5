"""Target kinds of the cross-file controls. All are project-level: each runs once the
whole scanned set is parsed, so a check can look at the other side of its relation.

- ``crossfile.prometheus_config``: one Prometheus server configuration (X-003, X-005).
- ``crossfile.rule_file``: one rule file or ``PrometheusRule`` object (X-003, X-006, X-007).
- ``crossfile.alertmanager``: one Alertmanager configuration or ``AlertmanagerConfig`` (X-006).
- ``crossfile.pod``: one pod template of a Kubernetes object (X-004, X-009).
- ``crossfile.k8s_object``: one Kubernetes object (X-004 monitors, X-008).
- ``crossfile.workflow``: one workflow or action file (X-009, X-010).
- ``crossfile.terraform``: one Terraform file (X-009 module paths).
- ``crossfile.cloud_identity``: one ``aws_iam_role`` or Google workload identity pool
  provider (X-010 trust side).

Findings are reported in the file of the object they are about (``Result(doc=…)``);
``object_span`` is the object's first line so suppressions there apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import FILE_START, Document, JsonPath, Span, Target
from ..targets import TargetKind, kind

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project


def _target(
    kind_name: str,
    doc: Document,
    path: JsonPath,
    data: Any,
    locator: str,
    *,
    first_line: Span | None,
    context: dict[str, Any],
) -> Target:
    """A target whose findings about missing things and whose suppressions both go to the
    object's first line."""
    return Target(
        kind_name,
        doc,
        path,
        data,
        locator,
        anchor=first_line,
        object_span=first_line,
        context=context,
    )


@kind(["prometheus-config"], project=True)
def _prometheus_configs(project: Project, ctx: Context) -> Iterator[Target]:
    from .prom import prom_view  # imported here: PromQL parsing only when needed

    view = prom_view(ctx)
    for cfg in view.index.configs:
        yield _target(
            "crossfile.prometheus_config",
            cfg.doc,
            (),
            cfg.doc.data,
            "prometheus config",
            first_line=FILE_START,
            context={"name": cfg.doc.path, "config": cfg},
        )


@kind(["prometheus-rules", "kubernetes"], project=True)
def _rule_files(project: Project, ctx: Context) -> Iterator[Target]:
    if not any(_holds_rules(d.format, d.data) for d in project.documents):
        return  # a Kubernetes-only run need not load the PromQL parser
    from .prom import prom_view

    view = prom_view(ctx)
    for rf in view.index.rule_files:
        anchor = rf.doc.span(()) if rf.groups_path == ("spec", "groups") else FILE_START
        yield _target(
            "crossfile.rule_file",
            rf.doc,
            (),
            rf.doc.data,
            rf.doc.path,
            first_line=anchor,
            context={"name": rf.doc.path, "rule_file": rf},
        )


def _holds_rules(fmt: str, data: object) -> bool:
    if fmt == "prometheus-rules":
        return True
    return fmt == "kubernetes" and isinstance(data, dict) and data.get("kind") == "PrometheusRule"


@kind(["alertmanager", "kubernetes"], project=True)
def _alertmanagers(project: Project, ctx: Context) -> Iterator[Target]:
    from .alertmanager import alertmanager_configs

    for am in alertmanager_configs(ctx):
        span = am.doc.span(am.path)
        yield _target(
            "crossfile.alertmanager",
            am.doc,
            am.path,
            am.data,
            am.locator,
            first_line=span,
            context={"name": am.locator, "alertmanager": am},
        )


@kind(["kubernetes"], project=True)
def _pods(project: Project, ctx: Context) -> Iterator[Target]:
    from .k8s import k8s_view

    for pod in k8s_view(ctx).pods:
        obj = pod.obj
        context = {"name": obj.name, "kind": obj.kind, "object": obj, "pod": pod}
        yield pod.target("crossfile.pod", context)


@kind(["kubernetes"], project=True)
def _k8s_objects(project: Project, ctx: Context) -> Iterator[Target]:
    from .k8s import k8s_view

    for obj in k8s_view(ctx).objects:
        yield obj.target(
            "crossfile.k8s_object", {"name": obj.name, "kind": obj.kind, "object": obj}
        )


def _file_targets(project: Project, kind_name: str, *formats: str) -> Iterator[Target]:
    """One target per document of ``formats``, anchored at its first line, in path order."""
    docs = sorted(project.of_format(*formats), key=lambda d: (d.path, d.index))
    for doc in docs:
        yield _target(
            kind_name,
            doc,
            (),
            doc.data,
            doc.path,
            first_line=FILE_START,
            context={"name": doc.path},
        )


@kind(["workflow", "action"], project=True)
def _workflows(project: Project, ctx: Context) -> Iterator[Target]:
    return _file_targets(project, "crossfile.workflow", "workflow", "action")


@kind(["terraform"], project=True)
def _terraform(project: Project, ctx: Context) -> Iterator[Target]:
    return _file_targets(project, "crossfile.terraform", "terraform")


@kind(["terraform"], project=True)
def _cloud_identities(project: Project, ctx: Context) -> Iterator[Target]:
    from ..terraform.facts import cloud_identities

    for identity in cloud_identities(project, ctx):
        yield _target(
            "crossfile.cloud_identity",
            identity.doc,
            identity.path,
            identity.data,
            identity.address,
            first_line=identity.header,
            context={"name": identity.address, "resource": identity},
        )


TARGETS: dict[str, TargetKind] = {
    "crossfile.prometheus_config": _prometheus_configs,
    "crossfile.rule_file": _rule_files,
    "crossfile.alertmanager": _alertmanagers,
    "crossfile.pod": _pods,
    "crossfile.k8s_object": _k8s_objects,
    "crossfile.workflow": _workflows,
    "crossfile.terraform": _terraform,
    "crossfile.cloud_identity": _cloud_identities,
}
