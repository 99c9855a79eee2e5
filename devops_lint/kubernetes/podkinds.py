"""Pod-bearing kinds outside the core API (standards 0.6 item 1), from the data table
``pod_template_kinds.yaml`` (extendable through config ``data_extensions``).

``pod_specs(obj, ctx)`` gives every pod spec an object carries: the core kinds' one pod
template (``objects.POD_SPEC_PATHS``), the table's kinds' template, and one pod per Argo
Workflows template that runs a container. An Argo template takes the pod-level fields it
does not set (security context, service account, host network, volumes …) from its
workflow's spec, as Argo does when it creates the pod; their spans are aliased under the
template so that findings point at the line where the workflow writes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import UNRESOLVED_KEY, Document, JsonPath, Span, Unresolved
from .objects import (
    ARGO_CONTAINER_FIELDS,
    POD_SPEC_PATHS,
    K8sObject,
    PodSpec,
    all_containers,
    get_in,
    lacks_image,
    pod_spec,
)

if TYPE_CHECKING:
    from ..context import Context

TABLE = "pod_template_kinds.yaml"
_ARGO_CACHE = "kubernetes.argo-pods"
# Pod-level fields an Argo template inherits from the workflow spec when it does not set
# them (volumes are merged: the template's, then the workflow's).
ARGO_POD_FIELDS = (
    "securityContext",
    "hostNetwork",
    "serviceAccountName",
    "automountServiceAccountToken",
    "imagePullSecrets",
    "priorityClassName",
    "volumes",
)


@dataclass(frozen=True)
class PodKind:
    kind: str
    groups: frozenset[str]
    pod_spec: JsonPath | None = None
    templates: JsonPath | None = None
    workflow_spec: JsonPath = ()
    long_running: bool = False


def _path(value: Any) -> JsonPath | None:
    if isinstance(value, list) and value and all(isinstance(p, str) for p in value):
        return tuple(value)
    return None


def parse_table(entries: Any) -> dict[str, list[PodKind]]:
    """Table entries by kind; malformed entries (the table is extendable from the scanned
    repository's config) are left out."""
    out: dict[str, list[PodKind]] = {}
    for e in entries if isinstance(entries, list) else []:
        if not isinstance(e, dict) or not isinstance(e.get("kind"), str):
            continue
        groups = e.get("groups")
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            continue
        spec, templates = _path(e.get("pod_spec")), _path(e.get("templates"))
        if (spec is None) == (templates is None):
            continue  # exactly one of the two
        entry = PodKind(
            kind=e["kind"],
            groups=frozenset(groups),
            pod_spec=spec,
            templates=templates,
            workflow_spec=_path(e.get("workflow_spec")) or (),
            long_running=e.get("long_running") is True,
        )
        out.setdefault(entry.kind, []).append(entry)
    return out


def pod_kinds(ctx: Context) -> dict[str, list[PodKind]]:
    found: dict[str, list[PodKind]] = ctx.memo(
        "kubernetes.pod-kinds", lambda: parse_table(ctx.data(TABLE))
    )
    return found


def long_running_kinds(ctx: Context) -> frozenset[str]:
    kinds = pod_kinds(ctx).items()
    return frozenset(k for k, entries in kinds if any(e.long_running for e in entries))


def api_group(obj: K8sObject) -> str:
    version = obj.api_version
    return version.rpartition("/")[0] if "/" in version else ""


def kind_entry(obj: K8sObject, ctx: Context) -> PodKind | None:
    if obj.kind in POD_SPEC_PATHS:
        return None
    group = api_group(obj)
    for entry in pod_kinds(ctx).get(obj.kind, []):
        if group in entry.groups:
            return entry
    return None


def raw_pod_specs(obj: K8sObject, ctx: Context) -> list[PodSpec]:
    """Every pod spec the object writes, valid or not."""
    core = pod_spec(obj)
    if core is not None:
        return [core]
    entry = kind_entry(obj, ctx)
    if entry is None:
        return []
    if entry.pod_spec is not None:
        spec = get_in(obj.data, entry.pod_spec)
        return [PodSpec(obj, entry.pod_spec, spec)] if isinstance(spec, dict) else []
    assert entry.templates is not None
    # Built once per object: every target kind asks, and inheriting aliases spans.
    cache: dict[JsonPath, list[PodSpec]] = obj.doc.meta.setdefault(_ARGO_CACHE, {})
    if obj.path not in cache:
        cache[obj.path] = list(_argo_pods(obj, entry.templates, entry.workflow_spec))
    return cache[obj.path]


def _runs_container(template: dict[str, Any]) -> bool:
    return any(get_in(template, rel) is not None for rel, _, _ in ARGO_CONTAINER_FIELDS[1:4])


def _argo_pods(obj: K8sObject, templates_rel: JsonPath, wf_rel: JsonPath) -> Iterator[PodSpec]:
    templates = get_in(obj.data, templates_rel)
    wf = get_in(obj.data, wf_rel)
    wf = wf if isinstance(wf, dict) else {}
    for i, template in enumerate(templates if isinstance(templates, list) else []):
        if not isinstance(template, dict) or not _runs_container(template):
            continue
        rel = (*templates_rel, i)
        yield PodSpec(obj, rel, _inherit(obj, rel, template, wf_rel, wf), argo=True)


def _inherit(
    obj: K8sObject, rel: JsonPath, template: dict[str, Any], wf_rel: JsonPath, wf: dict[str, Any]
) -> dict[str, Any]:
    data = dict(template)
    for key in ARGO_POD_FIELDS:
        if key not in wf:
            continue
        own = template.get(key)
        if key == "volumes" and isinstance(own, list) and isinstance(wf[key], list):
            data[key] = [*own, *wf[key]]
            for j in range(len(wf[key])):
                _alias(obj.doc, obj.sub(*wf_rel, key, j), obj.sub(*rel, key, len(own) + j))
        elif key not in template:
            data[key] = wf[key]
            _alias(obj.doc, obj.sub(*wf_rel, key), obj.sub(*rel, key))
    if UNRESOLVED_KEY in wf:
        data.setdefault(UNRESOLVED_KEY, True)
    return data


def _alias(doc: Document, src: JsonPath, dst: JsonPath) -> None:
    """Make the spans written under ``src`` answer for ``dst`` too."""
    n = len(src)
    for table in (doc.spans, doc.key_spans):
        found: list[tuple[JsonPath, Span]] = [
            ((*dst, *p[n:]), span) for p, span in table.items() if p[:n] == src
        ]
        for p, span in found:
            table.setdefault(p, span)


def pod_specs(obj: K8sObject, ctx: Context) -> list[PodSpec]:
    """The pod specs rules look at: one without containers is a schema violation instead."""
    return [p for p in raw_pod_specs(obj, ctx) if not lacks_containers(p)]


def lacks_containers(pod: PodSpec) -> bool:
    """A (non-Argo) pod spec without any container, provably."""
    if pod.argo:
        return False
    value = pod.data.get("containers")
    if isinstance(value, Unresolved) or UNRESOLVED_KEY in pod.data:
        return False
    return not value


@dataclass(frozen=True)
class Violation:
    span: Span
    where: str
    reason: str


def schema_violations(obj: K8sObject, ctx: Context) -> Iterator[Violation]:
    """Pod specs without containers and containers without an image, one finding each."""
    for pod in raw_pod_specs(obj, ctx):
        where = obj.locator(".".join(str(p) for p in pod.rel))
        if lacks_containers(pod):
            yield Violation(pod.anchor, where, "pod spec has no containers")
            continue
        for c in all_containers(pod):
            if lacks_image(c):
                yield Violation(c.anchor, c.locator, f"container '{c.name}' has no image")
