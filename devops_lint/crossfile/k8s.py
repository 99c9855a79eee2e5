"""The Kubernetes side of the cross-file controls: every object and pod template of the
run, and the questions the checks ask about them (which pods a selector picks, which
ports a pod declares), answered in three-valued logic (standards 0.6 item 3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..kubernetes.facts import (
    ByNamespace,
    K8sObject,
    LabelIndex,
    PodSpec,
    Tri,
    containers,
    mark_patches,
    matches,
    objects,
    pod_specs,
    same_namespace,
    tri_all,
)
from ..model import UNRESOLVED_KEY, Unresolved

if TYPE_CHECKING:
    from ..context import Context


@dataclass(frozen=True)
class Port:
    number: int | None  # None when not a literal number
    name: str | None
    protocol: str | None  # upper case; None when templated


@dataclass
class PortSet:
    """The ports a pod template declares; ``complete`` is False when some are templated."""

    ports: list[Port] = field(default_factory=list)
    complete: bool = True

    def has_number(self, number: int, protocol: str | None = "TCP") -> Tri:
        for p in self.ports:
            if p.number == number and (protocol is None or p.protocol in (protocol, None)):
                return True
        return None if not self.complete or any(p.number is None for p in self.ports) else False

    def has_range(self, low: int, high: int, protocol: str | None = "TCP") -> Tri:
        for p in self.ports:
            in_range = p.number is not None and low <= p.number <= high
            if in_range and (protocol is None or p.protocol in (protocol, None)):
                return True
        return None if not self.complete or any(p.number is None for p in self.ports) else False

    def has_name(self, name: str) -> Tri:
        for p in self.ports:
            if p.name == name:
                return True
        return None if not self.complete or any(p.name is None for p in self.ports) else False


def protocol_of(value: Any) -> str | None:
    """A port's protocol in upper case (absent is TCP); None when it cannot be known."""
    if value is None:
        return "TCP"
    if isinstance(value, str) and not isinstance(value, Unresolved):
        return value.upper()
    return None


_PORTS_CACHE = "_crossfile_ports"


def declared_ports(pod: PodSpec) -> PortSet:
    """The ports a pod template declares (cached on the document: asked once per relation)."""
    cache: dict[tuple[object, ...], PortSet] = pod.obj.doc.meta.setdefault(_PORTS_CACHE, {})
    key = (pod.obj.path, pod.rel)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _declared_ports(pod)
    return found


def _declared_ports(pod: PodSpec) -> PortSet:
    out = PortSet()
    if UNRESOLVED_KEY in pod.data:
        out.complete = False
    for key in ("containers", "initContainers"):
        if isinstance(pod.data.get(key), Unresolved):
            out.complete = False
    for c in containers(pod):
        if c.list_name == "ephemeralContainers":
            continue  # ephemeral containers may not declare ports
        ports = c.data.get("ports")
        if UNRESOLVED_KEY in c.data or isinstance(ports, Unresolved):
            out.complete = False
        for entry in ports if isinstance(ports, list) else []:
            if not isinstance(entry, dict):
                out.complete = False
                continue
            if UNRESOLVED_KEY in entry:
                out.complete = False
            number = entry.get("containerPort")
            name = entry.get("name")
            out.ports.append(
                Port(
                    number=number
                    if isinstance(number, int) and not isinstance(number, bool)
                    else None,
                    name=name
                    if isinstance(name, str) and not isinstance(name, Unresolved)
                    else None,
                    protocol=protocol_of(entry.get("protocol")),
                )
            )
    return out


def pod_labels(pod: PodSpec) -> Any:
    meta = pod.template_metadata
    if isinstance(pod.obj.data.get("metadata"), Unresolved) and pod.rel == ("spec",):
        return Unresolved("metadata")
    labels = meta.get("labels")
    if labels is None and UNRESOLVED_KEY in meta:
        return {UNRESOLVED_KEY: True}
    return labels if labels is not None else {}


def selects(selector: Any, owner: K8sObject, pod: PodSpec) -> Tri:
    """Whether a namespaced selector of ``owner`` picks ``pod`` (same namespace, labels)."""
    ns = same_namespace(owner.namespace, pod.obj.namespace)
    if ns is False:
        return False
    return tri_all([ns, matches(selector, pod_labels(pod))])


@dataclass
class K8sView:
    objects: list[K8sObject]
    pods: list[PodSpec]
    _kinds: dict[tuple[str, ...], list[K8sObject]] = field(default_factory=dict, repr=False)
    _by_ns: ByNamespace[PodSpec] | None = field(default=None, repr=False)
    _by_label: LabelIndex[PodSpec] | None = field(default=None, repr=False)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def may_carry(self, wanted: dict[str, str]) -> set[int] | None:
        """ids of pods that may carry every ``wanted`` label (literal key/values).

        Pods whose labels are not fully known are always included. An index instead of
        comparing every selector with every pod keeps large repositories linear.
        """
        if self._by_label is None:
            self._by_label = LabelIndex(self.pods, pod_labels)
        return self._by_label.may_carry(wanted)

    def of_kind(self, *kinds: str) -> list[K8sObject]:
        found = self._kinds.get(kinds)
        if found is None:
            found = self._kinds[kinds] = [o for o in self.objects if o.kind in kinds]
        return found

    def pods_near(self, namespace: Any) -> list[PodSpec]:
        """Pod templates that may share ``namespace`` (the rest cannot: ``same_namespace``);
        saves comparing every object with every pod in large repositories."""
        if self._by_ns is None:
            self._by_ns = ByNamespace(lambda pod: pod.obj.namespace, self.pods)
        return self._by_ns.near(namespace)


def k8s_view(ctx: Context) -> K8sView:
    def build() -> K8sView:
        docs = sorted(ctx.project.of_format("kubernetes"), key=lambda d: (d.path, d.index))
        mark_patches(ctx)  # Kustomize patch files are not objects
        objs = [o for d in docs for o in objects(d)]
        pods = [p for o in objs for p in pod_specs(o, ctx)]
        return K8sView(objs, pods)

    result: K8sView = ctx.memo("crossfile.k8s", build)
    return result


def literal(value: Any) -> str | None:
    """A resolved string (None for a placeholder or a non-string)."""
    if isinstance(value, str) and not isinstance(value, Unresolved):
        return value
    return None
