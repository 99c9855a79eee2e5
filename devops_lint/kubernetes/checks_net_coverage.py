"""Checks of standards section 3.1 that relate policies to pods (K8S-NET-001, -006).

Default deny per namespace, pods no policy selects, selectors that select nothing.
They read the run's ``NetIndex``; a relation resting on a placeholder is ``unresolved``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ..model import Result, Severity, Target, Unresolved
from ..registry import check, params_of
from .network_index import (
    NetIndex,
    ObjectSpec,
    Workload,
    _mappings,
    _obj,
    _peer_lists,
    _policy_spec,
    is_default_deny,
    located,
    located_on,
    net_index,
    pod_workload,
)
from .objects import pod_spec
from .operator_pods import OtherPods
from .pod_index import ByNamespace
from .selectors import (
    Tri,
    cannot_match,
    matches,
    namespace_labels,
    required_label,
    selects_everything,
    tri_all,
    tri_any,
)

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

P = TypeVar("P", bound="Workload | OtherPods")


# ---------------------------------------------------------------- K8S-NET-001
def _namespace_severity(idx: NetIndex, ns: str | None) -> Severity:
    if isinstance(ns, str) and not isinstance(ns, Unresolved) and ns in idx.namespaces:
        return "high"
    return "medium"


def _deny(idx: NetIndex, ns: str | None, direction: str) -> Tri:
    return tri_any(
        tri_all([in_ns, is_default_deny(p.spec, direction)])
        for p, in_ns in idx.policies.in_namespace(ns)
    )


class DirectionParams(NamedTuple):
    """``ingress``: no default deny at all; ``egress``: an ingress deny without an egress one."""

    direction: str


@check(
    "K8S-NET-001.no-default-deny",
    "K8S-NET-001.no-egress-deny",
    target="kubernetes.project_object",
    params=DirectionParams,
)
@located
def default_deny(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-001.no-default-deny / no-egress-deny, once per namespace of a workload.

    Reported by the namespace's first workload in path order (every workload whose
    namespace is a placeholder speaks for itself: placeholders never group).
    """
    obj = _obj(target)  # applies_to: the workload kinds
    if obj is None or pod_spec(obj) is None:
        return
    idx = net_index(target, ctx)
    ns = obj.namespace
    if not isinstance(ns, Unresolved):
        first = idx.workloads.first(ns)
        if first is None or first.obj is not obj:
            return
    ingress = _deny(idx, ns, "Ingress")
    egress = _deny(idx, ns, "Egress")
    if params_of(rule, DirectionParams).direction == "egress":
        if ingress is not True or egress is True:
            return
        outcome = egress
        severity: Severity | None = None
    else:
        if ingress is True:
            return
        outcome = ingress
        severity = _namespace_severity(idx, ns)
    path = obj.sub("metadata", "namespace") if ns is not None else obj.sub("metadata")
    yield Result(
        path=path,
        key=ns is None,
        unresolved=outcome is None,
        severity=severity,
        args={"ns": _ns_text(ns)},
        # About the namespace, whichever workload reports it (a placeholder speaks for itself).
        identity=None if ns is None or isinstance(ns, Unresolved) else f"namespace {ns}",
    )


def _ns_text(ns: str | None) -> str:
    if ns is None:
        return "(not declared)"
    return str(ns)


@check("K8S-NET-001.unselected-pod", target="kubernetes.project_object")
@located
def unselected_pod(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-001.unselected-pod: no policy of the namespace selects the pod template.

    Policies whose ``podSelector`` selects every pod are namespace-wide baselines
    (default-deny and the like) and do not count.
    """
    obj = _obj(target)  # applies_to: the workload kinds
    w = pod_workload(obj) if obj is not None else None
    if w is None:
        return
    idx = net_index(target, ctx)
    outcome: Tri = False
    for p, in_ns in idx.policies_for(w.namespace, idx.label_texts(w)):
        sel = p.pod_selector or {}
        if selects_everything(sel) is True:
            continue
        found = tri_all([in_ns, matches(sel, w.labels)])
        if found is True:
            return
        if found is None:
            outcome = None
    yield Result(path=w.labels_path(), key=True, unresolved=outcome is None)


# ---------------------------------------------------------------- K8S-NET-006
def _select_pods(
    idx: NetIndex, policy_ns: str | None, pod_sel: Any, ns_sel: Any, has_ns_sel: bool
) -> tuple[Tri, Tri]:
    """(some workload matches?, the selected namespaces hold a workload?)."""
    match: Tri = False
    present: Tri = False
    candidates: list[tuple[Workload | OtherPods, Tri]] = [
        *_candidates(idx, idx.workloads, policy_ns, ns_sel, has_ns_sel),
        *_candidates(idx, idx.other_pods, policy_ns, ns_sel, has_ns_sel),
    ]
    required = required_label(pod_sel)
    for w, in_ns in candidates:
        if in_ns is False:
            continue
        present = True if in_ns is True else (present or None)
        if cannot_match(required, idx.label_texts(w)):
            continue  # matches would say False, after a full evaluation
        m = tri_all([in_ns, matches(pod_sel, w.labels)])
        if m is True:
            return True, True
        if m is None:
            match = None
    return match, present


def _candidates(
    idx: NetIndex, pods: ByNamespace[P], policy_ns: str | None, ns_sel: Any, has_ns_sel: bool
) -> Iterator[tuple[P, Tri]]:
    """Pods a peer may select, each with whether its namespace is selected: the policy's
    own namespace without a ``namespaceSelector``, else the namespaces it selects."""
    if not has_ns_sel:
        yield from pods.in_namespace(policy_ns)
        return
    everything = selects_everything(ns_sel or {})
    for key, group in pods.by_ns.items():
        in_ns = _namespace_selected(idx, ns_sel, key, everything)
        if in_ns is not False:
            for w in group:
                yield w, in_ns
    in_templated: Tri = True if everything is True else None
    for w in pods.templated:
        yield w, in_templated


def _namespace_selected(idx: NetIndex, ns_sel: Any, ns: str | None, everything: Tri) -> Tri:
    if everything is True:
        return True
    if ns is None:
        return False  # an undeclared namespace has no name to select it by
    declared = idx.namespaces.get(ns)
    labels = namespace_labels(ns, declared.metadata.get("labels") if declared else None)
    return matches(ns_sel or {}, labels)


def _dangling(match: Tri, present: Tri) -> Tri:
    """Outcome of a dangling-selector check: True fail, None unresolved, False pass/skip."""
    if match is True:
        return False
    if match is None:
        return None
    # Nothing can match: a dangling selector, provided the namespace holds workloads.
    return present if present is not None else False


@check("K8S-NET-006.dangling-policy", target="kubernetes.project_object")
@located_on(_policy_spec)
def dangling_policy(
    target: Target, rule: Rule, ctx: Context, policy: ObjectSpec
) -> Iterator[Result]:
    """K8S-NET-006.dangling-policy: the policy's ``podSelector`` selects no pod template."""
    obj, spec = policy
    idx = net_index(target, ctx)
    sel = spec.get("podSelector") or {}
    outcome = _dangling(*_select_pods(idx, obj.namespace, sel, None, False))
    if outcome is False:
        return
    yield Result(path=obj.sub("spec", "podSelector"), key=True, unresolved=outcome is None)


@check("K8S-NET-006.dangling-peer", target="kubernetes.project_object")
@located_on(_policy_spec)
def dangling_peer(target: Target, rule: Rule, ctx: Context, policy: ObjectSpec) -> Iterator[Result]:
    """K8S-NET-006.dangling-peer: a peer ``podSelector`` selects no pod template."""
    obj, spec = policy
    idx = net_index(target, ctx)
    for base, r, key in _peer_lists(spec):
        for j, peer in _mappings(r, key):
            if "podSelector" not in peer:
                continue
            has_ns = "namespaceSelector" in peer
            outcome = _dangling(
                *_select_pods(
                    idx,
                    obj.namespace,
                    peer.get("podSelector") or {},
                    peer.get("namespaceSelector"),
                    has_ns,
                )
            )
            if outcome is False:
                continue
            yield Result(path=obj.sub(*base, key, j), unresolved=outcome is None)
