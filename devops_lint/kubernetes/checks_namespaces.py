"""Namespaces: objects declare a non-default one (K8S-023); Namespaces enforce Pod Security
Admission (K8S-028)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import Document, JsonPath, Result, Unresolved
from ..registry import check, params_of
from .checks_support import api_group, lookup, undecided
from .objects import object_of, objects

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule
    from .objects import K8sObject

KUSTOMIZATION_FILES = frozenset({"kustomization.yaml", "kustomization.yml"})
PSA_ENFORCE = "pod-security.kubernetes.io/enforce"


# Files read by clients and components, not objects the API server stores.
CLIENT_CONFIG_GROUPS = frozenset({"kubeadm.k8s.io", "audit.k8s.io", "client.authentication.k8s.io"})
CLIENT_CONFIG_KINDS = frozenset({("", "Config")})  # kubeconfig


def is_builtin_group(group: str) -> bool:
    if group in CLIENT_CONFIG_GROUPS or group.endswith(".config.k8s.io"):
        return False  # kustomize.config.k8s.io, kubelet.config.k8s.io ...
    return group in ("", "apps", "batch", "autoscaling", "policy", "extensions") or (
        group.endswith(".k8s.io")
    )


def _crd_scopes(ctx: Context) -> dict[tuple[str, str], Any]:
    """``(group, kind)`` → ``spec.scope`` of every CustomResourceDefinition scanned."""

    def build() -> dict[tuple[str, str], Any]:
        out: dict[tuple[str, str], Any] = {}
        for doc in ctx.project.of_format("kubernetes"):
            for o in objects(doc):
                if o.kind != "CustomResourceDefinition":
                    continue
                spec = o.data.get("spec")
                if not isinstance(spec, dict):
                    continue
                names = spec.get("names")
                group = spec.get("group")
                kind = names.get("kind") if isinstance(names, dict) else None
                if isinstance(group, str) and isinstance(kind, str):
                    out[(group, kind)] = spec.get("scope")
        return out

    return ctx.memo("kubernetes.crd_scopes", build)  # type: ignore[no-any-return]


def is_namespaced(obj: K8sObject, ctx: Context) -> bool:
    """Whether K8S-023 applies: a namespaced built-in kind or a CRD with Namespaced scope."""
    group = api_group(obj.api_version)
    if (group, obj.kind) in CLIENT_CONFIG_KINDS:
        return False
    if is_builtin_group(group):
        return obj.kind not in _cluster_scoped_kinds(ctx)
    return _crd_scopes(ctx).get((group, obj.kind)) == "Namespaced"


def _cluster_scoped_kinds(ctx: Context) -> frozenset[str]:
    def build() -> frozenset[str]:
        table = ctx.data("cluster_scoped_kinds.yaml")
        return (
            frozenset(k for k in table if isinstance(k, str))
            if isinstance(table, list)
            else frozenset()
        )

    return ctx.memo("kubernetes.cluster_scoped_kinds", build)  # type: ignore[no-any-return]


def _namespace_set_elsewhere(ctx: Context) -> tuple[frozenset[str], tuple[str, ...]]:
    """Helm template paths, and paths covered by a Kustomization that sets ``namespace``."""

    def build() -> tuple[frozenset[str], tuple[str, ...]]:
        helm = frozenset(f.path for f in ctx.project.files if f.kind == "helm")
        covered: list[str] = []
        for doc in ctx.project.documents:
            if posixpath.basename(doc.path) not in KUSTOMIZATION_FILES:
                continue
            data = doc.data
            if not isinstance(data, dict):
                continue
            ns = data.get("namespace")
            if not isinstance(ns, str) or not ns:
                continue
            base = posixpath.dirname(doc.path)
            for field in ("resources", "bases", "components"):
                entries = data.get(field)
                if not isinstance(entries, list):
                    continue
                for entry in entries:
                    if isinstance(entry, str) and "://" not in entry:
                        covered.append(posixpath.normpath(posixpath.join(base, entry)))
        return helm, tuple(covered)

    return ctx.memo("kubernetes.namespace_set_elsewhere", build)  # type: ignore[no-any-return]


def _covered(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(p == "." or path == p or path.startswith(p + "/") for p in prefixes)


@check("K8S-023.default", target="kubernetes.object")
def default_namespace(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-023.default: ``metadata.namespace`` is ``default``."""
    obj = object_of(target)
    if not is_namespaced(obj, ctx):
        return
    ns = obj.metadata.get("namespace")
    path = obj.sub("metadata", "namespace")
    if isinstance(ns, Unresolved):
        yield undecided(target, f"namespace {ns} is templated; it may be 'default'", path=path)
    elif ns == "default" and not _release_namespace(obj.doc, path, ctx):
        yield Result(path=path)


def _release_namespace(doc: Document, path: JsonPath, ctx: Context) -> bool:
    """A rendered chart's ``{{ .Release.Namespace }}``: ``helm template`` prints ``default``
    when no namespace is given, but the chart installs into whatever ``helm install -n``
    names. Only a configured ``helm_release_namespace`` makes that namespace known."""
    if not doc.meta.get("rendered") or ctx.settings.get("helm_release_namespace"):
        return False
    span = doc.span(path)
    lines = doc.text.splitlines()
    if not 0 < span.line <= len(lines):
        return False
    written = lines[span.line - 1][max(0, span.column - 1) :]
    return written.lstrip().startswith("{{") and ".Release.Namespace" in written.split("}}")[0]


@check("K8S-023.missing", target="kubernetes.object")
def missing_namespace(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-023.missing: no namespace in a raw manifest (Helm and Kustomize set one)."""
    obj = object_of(target)
    if not is_namespaced(obj, ctx):
        return
    helm, covered = _namespace_set_elsewhere(ctx)
    if obj.doc.path in helm or _covered(obj.doc.path, covered):
        return
    found = lookup(obj.data, obj.path, ("metadata", "namespace"))
    if found.present and not (isinstance(found.value, str) and found.value == ""):
        return
    if found.unknown:
        yield undecided(target, "metadata.namespace may be set by a template include")
    else:
        yield Result()


class EnforceLevelParams(NamedTuple):
    """``missing`` (absent or not a valid level; also reports an unresolved value),
    ``baseline`` or ``privileged``: the enforce level the rule reports."""

    level: str


@check(
    "K8S-028.baseline",
    "K8S-028.missing",
    "K8S-028.privileged",
    target="kubernetes.object",
    params=EnforceLevelParams,
)
def pod_security_admission(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-028.*: a Namespace's ``pod-security.kubernetes.io/enforce`` label."""
    obj = object_of(target)
    if obj.api_version != "v1":  # applies_to: kind Namespace
        return
    name = obj.metadata.get("name")
    system = ctx.settings["system_namespaces"]
    if isinstance(name, str) and not isinstance(name, Unresolved) and name in system:
        return
    level = params_of(rule, EnforceLevelParams).level
    found = lookup(obj.data, obj.path, ("metadata", "labels", PSA_ENFORCE))
    if not found.present:
        if level == "missing":
            at_key = len(found.path) > len(obj.path)
            where: dict[str, Any] = {"path": found.path if at_key else None, "key": at_key}
            if found.unknown:
                why = f"the {PSA_ENFORCE} label may be set by a template include"
                yield undecided(target, why, **where)
            else:
                yield Result(args={"value": "absent"}, **where)
        return
    value = found.value
    if isinstance(value, Unresolved):
        if level == "missing":
            yield undecided(target, f"{PSA_ENFORCE} {value} is templated", path=found.path)
        return
    if value == level or (
        level == "missing" and value not in ("restricted", "baseline", "privileged")
    ):
        yield Result(path=found.path, args={"value": value})
