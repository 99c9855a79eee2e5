"""Target kinds over Kubernetes manifests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..context import Context
from ..model import Document, Target
from ..project import Project
from ..targets import TargetKind, kind
from .objects import K8sObject, containers, is_system_namespace, objects, pod_spec

FORMATS = ("kubernetes",)
# Controls skipped in `system_namespaces` (standards 0.6 item 5).
SYSTEM_EXEMPT = frozenset(
    [f"K8S-{n:03d}" for n in range(1, 13)] + ["K8S-028", "K8S-NET-001"]
)


def _object_context(obj: K8sObject, ctx: Context) -> dict[str, Any]:
    system = is_system_namespace(obj.namespace, ctx.settings)
    return {
        "kind": obj.kind,
        "name": obj.name,
        "namespace": obj.namespace or "",
        "object": obj,
        "exempt_controls": SYSTEM_EXEMPT if system else frozenset(),
    }


@kind(FORMATS)
def _objects(doc: Document, ctx: Context) -> Iterator[Target]:
    for obj in objects(doc):
        yield Target(
            kind="kubernetes.object",
            doc=doc,
            path=obj.path,
            data=obj.data,
            locator=obj.locator(),
            anchor=obj.anchor("metadata"),
            object_span=obj.start,
            context=_object_context(obj, ctx),
        )


@kind(FORMATS)
def _pods(doc: Document, ctx: Context) -> Iterator[Target]:
    for obj in objects(doc):
        pod = pod_spec(obj)
        if pod is None:
            continue
        yield Target(
            kind="kubernetes.pod",
            doc=doc,
            path=pod.path,
            data=pod.data,
            locator=obj.locator(".".join(str(p) for p in pod.rel)),
            anchor=pod.anchor,
            object_span=obj.start,
            context={**_object_context(obj, ctx), "pod": pod},
        )


@kind(FORMATS)
def _containers(doc: Document, ctx: Context) -> Iterator[Target]:
    for obj in objects(doc):
        pod = pod_spec(obj)
        if pod is None:
            continue
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
                    **_object_context(obj, ctx),
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
    first = docs[0]
    yield Target(
        kind="kubernetes.project",
        doc=first,
        path=(),
        data=docs,
        locator="(all Kubernetes objects)",
        context={"objects": [o for d in docs for o in objects(d)]},
    )


TARGETS: dict[str, TargetKind] = {
    "kubernetes.object": _objects,
    "kubernetes.pod": _pods,
    "kubernetes.container": _containers,
    "kubernetes.project": _project,
}
