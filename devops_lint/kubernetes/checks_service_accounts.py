"""Service accounts: a dedicated account (K8S-021) and token automounting (K8S-022)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import Result, Unresolved
from ..registry import check
from .checks_support import Tri, lookup, same_name, same_namespace, undecided
from .objects import K8sObject, object_of, objects, pod_of

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule
    from .objects import PodSpec


def service_account_name(pod: PodSpec) -> tuple[Any, str | None]:
    """The account a pod runs as and the field naming it (None: neither field is set).

    ``serviceAccount`` is the deprecated alias the API server still honours when
    ``serviceAccountName`` is absent.
    """
    for field in ("serviceAccountName", "serviceAccount"):
        value = pod.data.get(field)
        if isinstance(value, str) and value != "":
            return value, field
    return "default", None


@check("K8S-021.default-sa", target="kubernetes.pod")
def default_service_account(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-021.default-sa: the pod runs as the namespace's ``default`` account."""
    pod = pod_of(target)
    name, field = service_account_name(pod)
    if field is None:
        found = lookup(pod.data, pod.path, ("serviceAccountName",))
        if found.unknown:
            yield undecided(target, "serviceAccountName may be set by a template include")
        else:
            yield Result(args={"account": "default"})
        return
    path = (*pod.path, field)
    if isinstance(name, Unresolved):
        why = f"{field} {name} is templated; it may be 'default'"
        yield undecided(target, why, path=path)
    elif name == "default":
        yield Result(path=path, args={"account": name})


@check("K8S-021.deprecated-field", target="kubernetes.pod")
def deprecated_field(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-021.deprecated-field: the pod spec sets ``serviceAccount``."""
    pod = pod_of(target)
    if "serviceAccount" in pod.data:
        yield Result(path=(*pod.path, "serviceAccount"), key=True)


def _service_accounts(ctx: Context) -> list[K8sObject]:
    def build() -> list[K8sObject]:
        return [
            o
            for d in ctx.project.of_format("kubernetes")
            for o in objects(d)
            if o.kind == "ServiceAccount" and o.api_version == "v1"
        ]

    return ctx.memo("kubernetes.service_accounts", build)  # type: ignore[no-any-return]


@check("K8S-022", target="kubernetes.pod")
def automount_token(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-022: the effective ``automountServiceAccountToken`` is not ``false``.

    The pod's value wins; else that of the referenced ServiceAccount when it is in the
    scanned set; else the Kubernetes default ``true``.
    """
    pod = pod_of(target)
    obj = object_of(target)
    path = (*pod.path, "automountServiceAccountToken")
    own = pod.data.get("automountServiceAccountToken")
    if isinstance(own, Unresolved):
        yield undecided(target, f"automountServiceAccountToken {own} is templated", path=path)
        return
    if own is False:
        return
    if own is True:
        yield Result(path=path, args={"source": "the pod spec"})
        return
    if lookup(pod.data, pod.path, ("automountServiceAccountToken",)).unknown:
        why = "automountServiceAccountToken may be set by a template include"
        yield undecided(target, why)
        return
    name, _ = service_account_name(pod)
    maybe_off = False
    for sa in _service_accounts(ctx):
        match = same_name(name, sa.metadata.get("name")) & same_namespace(
            obj.namespace, sa.namespace
        )
        if match is Tri.NO:
            continue
        value = sa.data.get("automountServiceAccountToken")
        if match is Tri.YES:
            if value is False:
                return
            source = f"ServiceAccount '{sa.name}'"
            if isinstance(value, Unresolved):
                yield undecided(target, f"automountServiceAccountToken of {source} is templated")
            else:
                yield Result(args={"source": source})
            return
        maybe_off = maybe_off or value is False or isinstance(value, Unresolved)
    # The referenced account may be one whose name or namespace is unresolved.
    if maybe_off:
        why = "its ServiceAccount may be one with a templated name or namespace"
        yield undecided(target, why + " that disables automounting")
    else:
        yield Result(args={"source": "the Kubernetes default"})
