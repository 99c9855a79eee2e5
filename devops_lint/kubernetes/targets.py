"""Target kinds over Kubernetes manifests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..context import Context
from ..defaults import SYSTEM_NAMESPACE_CONTROLS
from ..model import Document, Target
from ..project import Project
from ..targets import TargetKind, kind
from .kustomize import mark_patches
from .objects import (
    K8sObject,
    PodSpec,
    containers,
    is_system_namespace,
    is_windows,
    objects,
)
from .podkinds import pod_specs

FORMATS = ("kubernetes",)
# Linux-only controls that do not apply to Windows pods (standards 0.6 item 2): the API
# server rejects those fields when `os.name` is `windows`.
WINDOWS_EXEMPT = frozenset({"K8S-006", "K8S-007", "K8S-009", "K8S-010"})


def _object_context(obj: K8sObject, ctx: Context) -> dict[str, Any]:
    system = is_system_namespace(obj.namespace, ctx.settings)
    return {
        "kind": obj.kind,
        "name": obj.name,
        "namespace": obj.namespace or "",
        "object": obj,
        "exempt_controls": SYSTEM_NAMESPACE_CONTROLS if system else frozenset(),
    }


def _pod_context(obj: K8sObject, pod: PodSpec, ctx: Context) -> dict[str, Any]:
    context = _object_context(obj, ctx)
    if is_windows(pod):
        context["exempt_controls"] = context["exempt_controls"] | WINDOWS_EXEMPT
    return context


def _objects_of(doc: Document, ctx: Context) -> Iterator[K8sObject]:
    """``objects(doc)`` once the run's Kustomize patch files are known (and skipped)."""
    mark_patches(ctx)
    return objects(doc)


@kind(FORMATS)
def _objects(doc: Document, ctx: Context) -> Iterator[Target]:
    for obj in _objects_of(doc, ctx):
        yield obj.target("kubernetes.object", _object_context(obj, ctx))


@kind(FORMATS)
def _pods(doc: Document, ctx: Context) -> Iterator[Target]:
    for obj in _objects_of(doc, ctx):
        for pod in pod_specs(obj, ctx):
            yield pod.target("kubernetes.pod", {**_pod_context(obj, pod, ctx), "pod": pod})


@kind(FORMATS)
def _containers(doc: Document, ctx: Context) -> Iterator[Target]:
    for obj in _objects_of(doc, ctx):
        for pod in pod_specs(obj, ctx):
            for c in containers(pod):
                yield Target(
                    kind="kubernetes.container",
                    doc=doc,
                    path=c.path,
                    data=c.data,
                    locator=c.locator,
                    anchor=c.anchor,
                    object_span=obj.start,
                    context={
                        **_pod_context(obj, pod, ctx),
                        "name": c.name,
                        "workload": obj.name,
                        "container_type": c.list_name,
                        "pod": pod,
                        "container": c,
                    },
                )


@kind(FORMATS, project=True)
def _project(project: Project, ctx: Context) -> Iterator[Target]:
    docs = list(project.of_format("kubernetes"))
    if not docs:
        return
    mark_patches(ctx)
    first = docs[0]
    yield Target(
        kind="kubernetes.project",
        doc=first,
        path=(),
        data=docs,
        locator="(all Kubernetes objects)",
        context={"objects": [o for d in docs for o in objects(d)]},
    )


@kind(FORMATS, project=True)
def _project_objects(project: Project, ctx: Context) -> Iterator[Target]:
    """Every object again, after all files are parsed, with every object of the run.

    For cross-object rules that report on one object (a NetworkPolicy's selector, a
    workload's namespace, a role's bindings): the finding lands in that object's file
    and its suppressions apply, while ``context["objects"]`` gives the whole set.
    """
    docs = list(project.of_format("kubernetes"))
    mark_patches(ctx)
    every = [o for d in docs for o in objects(d)]
    for obj in every:
        yield obj.target(
            "kubernetes.project_object", {**_object_context(obj, ctx), "objects": every}
        )


@kind(("terraform",))
def _terraform_resources(doc: Document, ctx: Context) -> Iterator[Target]:
    """Terraform resources for the Kubernetes controls that also cover cluster access
    managed from Terraform (EKS access policies, the ``aws-auth`` ConfigMap)."""
    resources = doc.data.get("resource") if isinstance(doc.data, dict) else None
    if not isinstance(resources, dict):
        return
    for rtype, by_name in resources.items():
        if not isinstance(by_name, dict):
            continue
        for name, body in by_name.items():
            path = ("resource", rtype, name)
            yield Target(
                kind="kubernetes.terraform_resource",
                doc=doc,
                path=path,
                data=body,
                locator=f"{rtype}.{name}",
                anchor=doc.span(path),
                object_span=doc.span(path),
                context={"type": rtype, "name": name},
            )


AWS_AUTH_TF_TYPES = (
    "kubernetes_config_map",
    "kubernetes_config_map_v1",
    "kubernetes_config_map_v1_data",
)


@kind(("kubernetes", "terraform"))
def _aws_auth(doc: Document, ctx: Context) -> Iterator[Target]:
    """The ``data`` of EKS's ``aws-auth`` ConfigMap, as a manifest or a Terraform resource."""
    if doc.format == "kubernetes":
        for obj in _objects_of(doc, ctx):
            if obj.kind == "ConfigMap" and obj.name == "aws-auth":
                yield Target(
                    kind="kubernetes.aws_auth",
                    doc=doc,
                    path=obj.sub("data"),
                    data=obj.data.get("data"),
                    locator=obj.locator("data"),
                    anchor=obj.anchor("metadata"),
                    object_span=obj.start,
                    context={"name": "aws-auth", "object": obj},
                )
        return
    resources = doc.data.get("resource") if isinstance(doc.data, dict) else None
    if not isinstance(resources, dict):
        return
    for rtype in AWS_AUTH_TF_TYPES:
        by_name = resources.get(rtype)
        for name, body in by_name.items() if isinstance(by_name, dict) else ():
            meta = body.get("metadata") if isinstance(body, dict) else None
            first = meta[0] if isinstance(meta, list) and meta else None
            if not isinstance(first, dict) or first.get("name") != "aws-auth":
                continue
            path = ("resource", rtype, name)
            yield Target(
                kind="kubernetes.aws_auth",
                doc=doc,
                path=(*path, "data"),
                data=body.get("data"),
                locator=f"{rtype}.{name}",
                anchor=doc.span(path),
                object_span=doc.span(path),
                context={"name": "aws-auth", "type": rtype},
            )


TARGETS: dict[str, TargetKind] = {
    "kubernetes.object": _objects,
    "kubernetes.pod": _pods,
    "kubernetes.container": _containers,
    "kubernetes.project": _project,
    "kubernetes.project_object": _project_objects,
    "kubernetes.terraform_resource": _terraform_resources,
    "kubernetes.aws_auth": _aws_auth,
}
