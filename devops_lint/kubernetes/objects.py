"""Walking Kubernetes documents: objects (``List`` flattened), pod specs, containers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from ..context import TargetKey
from ..model import (
    UNRESOLVED_KEY,
    Document,
    JsonPath,
    Span,
    Target,
    Unresolved,
    mapping_or_empty,
    text_or_empty,
)
from .kustomize import PATCH_MARK

# Where each pod-bearing kind keeps its pod spec (standards 0.6 item 1).
POD_SPEC_PATHS: dict[str, JsonPath] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
# Fields of the effective security context (0.6 item 2): container overrides pod.
INHERITED_FIELDS = (
    "runAsNonRoot",
    "runAsUser",
    "runAsGroup",
    "seccompProfile",
    "seLinuxOptions",
    "appArmorProfile",
    "windowsOptions",
)


@dataclass
class K8sObject:
    doc: Document
    path: JsonPath  # () for a plain document, ("items", i) inside a List
    data: dict[str, Any]

    @property
    def kind(self) -> str:
        return text_or_empty(self.data.get("kind"))

    @property
    def api_version(self) -> str:
        return text_or_empty(self.data.get("apiVersion"))

    @property
    def metadata(self) -> dict[str, Any]:
        return mapping_or_empty(self.data.get("metadata"))

    @property
    def name(self) -> str:
        return text_or_empty(self.metadata.get("name"))

    @property
    def namespace(self) -> str | None:
        """The declared namespace (possibly ``Unresolved``), or None when absent."""
        ns = self.metadata.get("namespace")
        return ns if isinstance(ns, str) else None

    def locator(self, suffix: str = "") -> str:
        ns = self.namespace
        parts = [self.kind or "?", *([ns] if ns else []), self.name or "?"]
        loc = "/".join(parts)
        return f"{loc}:{suffix}" if suffix else loc

    @property
    def start(self) -> Span:
        return self.doc.span(self.path)

    def sub(self, *parts: str | int) -> JsonPath:
        return (*self.path, *parts)

    def anchor(self, *parts: str | int) -> Span:
        """Span of the key introducing ``parts`` (the object start when absent)."""
        p = self.sub(*parts)
        if p in self.doc.key_spans:
            return self.doc.key_spans[p]
        return self.start

    def target(self, kind: str, context: dict[str, Any]) -> Target:
        """A rule target of ``kind`` on the whole object, anchored at its ``metadata``."""
        return Target(
            kind=kind,
            doc=self.doc,
            path=self.path,
            data=self.data,
            locator=self.locator(),
            anchor=self.anchor("metadata"),
            object_span=self.start,
            context=context,
        )


def objects(doc: Document) -> Iterator[K8sObject]:
    """The objects of a document; none for a Kustomize patch (see ``kustomize.py``)."""
    data = doc.data
    if not isinstance(data, dict) or doc.meta.get(PATCH_MARK):
        return
    items = data.get("items")
    kind = data.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("kind"), str):
                yield K8sObject(doc, ("items", i), item)
        return
    yield K8sObject(doc, (), data)


def get_in(data: Any, path: JsonPath) -> Any:
    cur = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(cur, list) or not 0 <= part < len(cur):
                return None
        elif not isinstance(cur, dict):
            return None
        else:
            cur = cur.get(part)
            continue
        cur = cur[part]
    return cur


@dataclass
class PodSpec:
    obj: K8sObject
    rel: JsonPath  # path of the pod spec inside the object
    data: dict[str, Any]
    # An Argo Workflows template: containers under `container`/`script`/`containerSet`/
    # `sidecars`, labels under the template's own `metadata` (see ``podkinds.py``).
    argo: bool = False

    @property
    def path(self) -> JsonPath:
        return self.obj.sub(*self.rel)

    def target(self, kind: str, context: dict[str, Any]) -> Target:
        """A rule target of ``kind`` on this pod spec; suppressions follow its object."""
        return Target(
            kind=kind,
            doc=self.obj.doc,
            path=self.path,
            data=self.data,
            locator=self.obj.locator(".".join(str(p) for p in self.rel)),
            anchor=self.anchor,
            object_span=self.obj.start,
            context=context,
        )

    @property
    def _metadata_rel(self) -> JsonPath:
        return (*self.rel, "metadata") if self.argo else (*self.rel[:-1], "metadata")

    @property
    def template_metadata_path(self) -> JsonPath:
        """``metadata`` beside the pod spec (the pod template's, or the Pod's own)."""
        return self.obj.sub(*self._metadata_rel)

    @property
    def template_metadata(self) -> dict[str, Any]:
        return mapping_or_empty(get_in(self.obj.data, self._metadata_rel))

    @property
    def security_context(self) -> dict[str, Any]:
        return mapping_or_empty(self.data.get("securityContext"))

    @property
    def anchor(self) -> Span:
        """The pod spec's ``spec:`` key (an Argo template's ``- name:``): where missing
        pod-level fields are reported."""
        doc = self.obj.doc
        name_key = (*self.path, "name")
        if self.argo and name_key in doc.key_spans:
            return doc.key_spans[name_key]
        return doc.key_span(self.path)


def pod_spec(obj: K8sObject) -> PodSpec | None:
    rel = POD_SPEC_PATHS.get(obj.kind)
    if rel is None:
        return None
    spec = get_in(obj.data, rel)
    if not isinstance(spec, dict):
        return None
    return PodSpec(obj, rel, spec)


@dataclass
class Container:
    pod: PodSpec
    list_name: str  # containers / initContainers / ephemeralContainers
    index: int
    data: dict[str, Any]
    # Where the container is written relative to the pod spec, when not
    # ``(list_name, index)`` (Argo: ``("container",)``, ``("sidecars", 0)``).
    rel: JsonPath | None = None
    default_name: str | None = None  # Argo names an unnamed main container "main"

    @property
    def path(self) -> JsonPath:
        if self.rel is not None:
            return (*self.pod.path, *self.rel)
        return (*self.pod.path, self.list_name, self.index)

    @property
    def name(self) -> str:
        n = self.data.get("name")
        if isinstance(n, str):
            return n
        return self.default_name or f"#{self.index}"

    @property
    def security_context(self) -> dict[str, Any]:
        return mapping_or_empty(self.data.get("securityContext"))

    def effective(self, field: str) -> Any:
        """Effective security-context value: the container's, else the pod's (0.6 item 2)."""
        own = self.data.get("securityContext")
        if isinstance(own, Unresolved):
            return own
        if isinstance(own, dict) and field in own:
            return own[field]
        if field in INHERITED_FIELDS:
            pod = self.pod.data.get("securityContext")
            if isinstance(pod, Unresolved):
                return pod
            if isinstance(pod, dict):
                return pod.get(field)
        return None

    def effective_path(self, field: str) -> JsonPath | None:
        """Where the effective value is written, or None when neither level sets it."""
        own = self.data.get("securityContext")
        if isinstance(own, dict) and field in own:
            return (*self.path, "securityContext", field)
        pod = self.pod.data.get("securityContext")
        if field in INHERITED_FIELDS and isinstance(pod, dict) and field in pod:
            return (*self.pod.path, "securityContext", field)
        return None

    @property
    def anchor(self) -> Span:
        """The container's ``- name:`` line (its first key when unnamed)."""
        doc = self.pod.obj.doc
        key = (*self.path, "name")
        if key in doc.key_spans:
            return doc.key_spans[key]
        if self.path in doc.key_spans:  # Argo's unnamed `container:`/`script:`
            return doc.key_spans[self.path]
        return doc.span(self.path)

    @property
    def locator(self) -> str:
        spec = ".".join(str(p) for p in self.pod.rel)
        if self.rel is not None:
            return self.pod.obj.locator(f"{spec}.{'.'.join(str(p) for p in self.rel)}")
        return self.pod.obj.locator(f"{spec}.{self.list_name}[{self.name}]")


# Argo Workflows template fields holding containers: (field, list_name, is_list).
ARGO_CONTAINER_FIELDS: tuple[tuple[JsonPath, str, bool], ...] = (
    (("initContainers",), "initContainers", True),
    (("container",), "containers", False),
    (("script",), "containers", False),
    (("containerSet", "containers"), "containers", True),
    (("sidecars",), "containers", True),
)


def all_containers(pod: PodSpec) -> Iterator[Container]:
    """Every container the pod spec writes, including ones without an image."""
    if pod.argo:
        yield from _argo_containers(pod)
        return
    for list_name in CONTAINER_LISTS:
        items = pod.data.get(list_name)
        if not isinstance(items, list):
            continue
        for i, c in enumerate(items):
            if isinstance(c, dict):
                yield Container(pod, list_name, i, c)


def _argo_containers(pod: PodSpec) -> Iterator[Container]:
    for rel, list_name, is_list in ARGO_CONTAINER_FIELDS:
        value = get_in(pod.data, rel)
        if not is_list:
            if isinstance(value, dict):
                yield Container(pod, list_name, 0, value, rel=rel, default_name="main")
            continue
        for i, c in enumerate(value if isinstance(value, list) else []):
            if isinstance(c, dict):
                yield Container(pod, list_name, i, c, rel=(*rel, i))


def lacks_image(container: Container) -> bool:
    """No ``image`` at all (provably: nothing templated could supply it)."""
    data = container.data
    return data.get("image") in (None, "") and UNRESOLVED_KEY not in data


def containers(pod: PodSpec) -> Iterator[Container]:
    """The containers rules look at: a container without an image is a schema violation
    (``X-000.schema-violation``, standards 0.6 item 1), not a target of per-field rules."""
    for c in all_containers(pod):
        if not lacks_image(c):
            yield c


def is_windows(pod: PodSpec) -> bool:
    """The pod declares ``os.name: windows`` (a templated name is not known to be)."""
    os_spec = pod.data.get("os")
    name = os_spec.get("name") if isinstance(os_spec, dict) else None
    return name == "windows" and not isinstance(name, Unresolved)


def is_system_namespace(namespace: str | None, settings: dict[str, Any]) -> bool:
    if namespace is None or isinstance(namespace, Unresolved):
        return False
    return namespace in settings["system_namespaces"]


# What the Kubernetes target builders put on a target: the container, its pod spec, the object.
container_of: TargetKey[Container] = TargetKey("container")
pod_of: TargetKey[PodSpec] = TargetKey("pod")
object_of: TargetKey[K8sObject] = TargetKey("object")


# ---------------------------------------------------------------- lookups for checks
LookupState = Literal["set", "absent", "unresolved"]


@dataclass(frozen=True)
class Lookup:
    """A field read by ``lookup``: set, provably absent, or unknown.

    ``path`` is where the value is written when set (or an ``Unresolved`` stands in
    for it); otherwise the deepest mapping reached on the way. ``hidden`` is true when
    the field is unknown because a mapping on the way holds ``UNRESOLVED_KEY`` (e.g. a
    Helm include), so there is no value to point at.
    """

    state: LookupState
    value: Any
    path: JsonPath
    hidden: bool = False

    @property
    def is_set(self) -> bool:
        return self.state == "set"

    @property
    def absent(self) -> bool:
        return self.state == "absent"

    @property
    def unresolved(self) -> bool:
        return self.state == "unresolved"


def lookup(data: Any, base: JsonPath, *keys: str | int) -> Lookup:
    """Read ``data[k1][k2]...`` telling a provably absent field from an unknown one.

    ``base`` is the document path of ``data``. A null value counts as absent (the API
    server treats ``field: null`` as unset); a key missing from a mapping that holds
    ``UNRESOLVED_KEY`` is unknown, not absent.
    """
    cur = data
    path = base
    for key in keys:
        if isinstance(cur, Unresolved):
            return Lookup("unresolved", cur, path)
        if isinstance(key, int):
            if not isinstance(cur, list) or not 0 <= key < len(cur):
                return Lookup("absent", None, path)
            cur = cur[key]
        elif not isinstance(cur, dict):
            return Lookup("absent", None, path)
        elif key not in cur or cur[key] is None:
            if UNRESOLVED_KEY in cur:
                return Lookup("unresolved", None, path, hidden=True)
            return Lookup("absent", None, (*path, key) if key in cur else path)
        else:
            cur = cur[key]
        path = (*path, key)
    if isinstance(cur, Unresolved):
        return Lookup("unresolved", cur, path)
    return Lookup("set", cur, path)


def effective_lookup(container: Container, field: str) -> Lookup:
    """``Container.effective`` as a ``Lookup``: container value, else the pod's (0.6 item 2).

    Fields outside ``INHERITED_FIELDS`` are read from the container only.
    """
    own = lookup(container.data, container.path, "securityContext", field)
    if not own.absent or field not in INHERITED_FIELDS:
        return own
    pod = container.pod
    return lookup(pod.data, pod.path, "securityContext", field)
