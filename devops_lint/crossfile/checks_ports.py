"""X-008: Service, Ingress, NetworkPolicy and HPA references match ports and objects that
exist on the selected workloads."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..kubernetes.facts import K8sObject, Tri, matches, object_of, same_namespace, tri_all, tri_any
from ..model import JsonPath, Result, Target, Unresolved
from ..registry import check
from .common import missing_side, unresolved_message
from .k8s import K8sView, declared_ports, k8s_view, literal, pod_labels, protocol_of
from .monitors import service_selects

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

_PairedBody = Callable[[K8sObject, "Rule", "Context"], Iterator[Result]]
_Check = Callable[[Target, "Rule", "Context"], Iterator[Result]]

SCALABLE = ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController")
RULE_OF_KIND = {
    "Service": "X-008.service-target-port",
    "NetworkPolicy": "X-008.netpol-port",
    "Ingress": "X-008.ingress-backend",
    "HorizontalPodAutoscaler": "X-008.hpa-target",
}
NEEDS = {
    "Service": "pod templates",
    "NetworkPolicy": "pod templates",
    "Ingress": "Services",
    "HorizontalPodAutoscaler": "Deployments, StatefulSets or ReplicaSets",
}


def _and(*values: Tri) -> Tri:
    return tri_all(values)


def _spec(obj: K8sObject) -> dict[str, Any]:
    spec = obj.data.get("spec")
    return spec if isinstance(spec, dict) else {}


def _relevant(obj: K8sObject) -> bool:
    """The object holds something this control checks against the other side."""
    spec = _spec(obj)
    if obj.kind == "Service":
        return isinstance(spec.get("selector"), (dict, Unresolved)) and bool(spec.get("selector"))
    if obj.kind == "NetworkPolicy":
        return bool(_netpol_ports(obj))
    if obj.kind == "Ingress":
        return bool(_backends(obj))
    return obj.kind == "HorizontalPodAutoscaler"


def _side_present(kind: str, view: K8sView) -> bool:
    if kind in ("Service", "NetworkPolicy"):
        return bool(view.pods)
    if kind == "Ingress":
        return bool(view.of_kind("Service"))
    return bool(view.of_kind(*SCALABLE))


def _settled(target: Target, rule: Rule, ctx: Context) -> list[Result] | None:
    """None when the check must compare this object with its other side; else what it
    reports without comparing: nothing for an object that holds nothing to compare, and
    when the other side is missing from the scan the control's single info finding
    (emitted by the first such object, under its kind's rule) or nothing."""
    obj = object_of(target)
    if not _relevant(obj):
        return []
    view = k8s_view(ctx)
    if _side_present(obj.kind, view):
        return None
    orphans = [
        o
        for o in view.objects
        if o.kind in RULE_OF_KIND and _relevant(o) and not _side_present(o.kind, view)
    ]
    if not orphans or orphans[0] is not obj or RULE_OF_KIND[obj.kind] != rule.id:
        return []
    return missing_side(obj.doc, obj.doc, f"no {NEEDS[obj.kind]} in the scanned set")


def _compared(body: _PairedBody) -> _Check:
    """The check that runs ``body`` on the object only when it must be compared with its
    other side; otherwise it reports what `_settled` says."""

    @functools.wraps(body)
    def run(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
        settled = _settled(target, rule, ctx)
        if settled is not None:
            yield from settled
            return
        yield from body(object_of(target), rule, ctx)

    return run


# --- Services -------------------------------------------------------------------------------


def _service_candidates(svc: K8sObject, view: K8sView) -> list[tuple[Any, Tri]]:
    key = ("service-candidates", id(svc))
    if key in view.memo:
        cached: list[tuple[Any, Tri]] = view.memo[key]
        return cached
    near = view.pods_near(svc.namespace)
    spec = svc.data.get("spec")
    selector = spec.get("selector") if isinstance(spec, dict) else None
    if (
        isinstance(selector, dict)
        and selector
        and all(literal(k) is not None and literal(v) is not None for k, v in selector.items())
    ):
        allowed = view.may_carry(selector)
        if allowed is not None:
            near = [p for p in near if id(p) in allowed]
    found: list[tuple[Any, Tri]] = [
        (p, t) for p in near for t in [service_selects(svc, p)] if t is not False
    ]
    view.memo[key] = found
    return found


@check("X-008.service-no-pods", target="crossfile.k8s_object")
@_compared
def service_no_pods(obj: K8sObject, rule: Rule, ctx: Context) -> Iterator[Result]:
    cands = _service_candidates(obj, k8s_view(ctx))
    if any(t is True for _, t in cands):
        return
    yield Result(
        path=obj.sub("spec", "selector"),
        key=True,
        unresolved=bool(cands),
        message=unresolved_message(
            bool(cands), f"which pods Service '{obj.name}' selects depends on templated values"
        ),
    )


@check("X-008.service-target-port", target="crossfile.k8s_object")
@_compared
def service_target_port(obj: K8sObject, rule: Rule, ctx: Context) -> Iterator[Result]:
    cands = _service_candidates(obj, k8s_view(ctx))
    if not cands:
        return  # X-008.service-no-pods
    ports = _spec(obj).get("ports")
    for i, entry in enumerate(ports if isinstance(ports, list) else []):
        if not isinstance(entry, dict):
            continue
        want = entry.get("targetPort", entry.get("port"))
        proto = protocol_of(entry.get("protocol"))
        outcomes = [_and(t, _declares(p, want, proto)) for p, t in cands]
        verdict = tri_any(outcomes)
        if verdict is not True:
            yield Result(
                path=obj.sub("spec", "ports", i),
                unresolved=verdict is None,
                message=unresolved_message(
                    verdict is None,
                    f"whether the pods Service '{obj.name}' selects declare port {want} "
                    "depends on templated values",
                ),
                args={"port": want},
            )


def _declares(pod: Any, want: Any, proto: str | None, end: Any = None) -> Tri:
    ports = declared_ports(pod)
    if isinstance(want, Unresolved) or isinstance(end, Unresolved):
        return None
    if isinstance(want, bool):
        return False
    if isinstance(want, int):
        if isinstance(end, int) and not isinstance(end, bool):
            return ports.has_range(want, end, proto)
        return ports.has_number(want, proto)
    if isinstance(want, str):
        if want.isdigit():
            return ports.has_number(int(want), proto)
        return ports.has_name(want)
    return None


# --- NetworkPolicy --------------------------------------------------------------------------


def _netpol_ports(obj: K8sObject) -> list[tuple[JsonPath, dict[str, Any]]]:
    out: list[tuple[JsonPath, dict[str, Any]]] = []
    rules = _spec(obj).get("ingress")
    for i, r in enumerate(rules if isinstance(rules, list) else []):
        ports = r.get("ports") if isinstance(r, dict) else None
        for j, p in enumerate(ports if isinstance(ports, list) else []):
            if isinstance(p, dict) and p.get("port") is not None:
                out.append((obj.sub("spec", "ingress", i, "ports", j), p))
    return out


@check("X-008.netpol-port", target="crossfile.k8s_object")
@_compared
def netpol_port(obj: K8sObject, rule: Rule, ctx: Context) -> Iterator[Result]:
    view = k8s_view(ctx)
    selector = _spec(obj).get("podSelector", {})
    cands: list[tuple[Any, Tri]] = []
    for pod in view.pods_near(obj.namespace):
        sel = _and(
            same_namespace(obj.namespace, pod.obj.namespace), matches(selector, pod_labels(pod))
        )
        if sel is not False:
            cands.append((pod, sel))
    if not cands:
        return  # selects nothing: K8S-NET-006.dangling-policy
    for path, entry in _netpol_ports(obj):
        want, end = entry.get("port"), entry.get("endPort")
        proto = protocol_of(entry.get("protocol"))
        verdict = tri_any([_and(t, _declares(p, want, proto, end)) for p, t in cands])
        if verdict is not True:
            yield Result(
                path=path,
                unresolved=verdict is None,
                message=unresolved_message(
                    verdict is None,
                    f"which pods NetworkPolicy '{obj.name}' selects, or the ports they declare, "
                    f"depends on templated values: ingress port {want} cannot be checked",
                ),
                args={"port": want},
            )


# --- Ingress --------------------------------------------------------------------------------


def _backends(obj: K8sObject) -> list[tuple[JsonPath, Any, Any]]:
    """(path, service name, port number or name) of every Service backend."""
    spec = _spec(obj)
    found: list[tuple[JsonPath, dict[str, Any]]] = []
    for key in ("defaultBackend", "backend"):
        if isinstance(spec.get(key), dict):
            found.append((obj.sub("spec", key), spec[key]))
    rules = spec.get("rules")
    for i, r in enumerate(rules if isinstance(rules, list) else []):
        http = r.get("http") if isinstance(r, dict) else None
        paths = http.get("paths") if isinstance(http, dict) else None
        for j, p in enumerate(paths if isinstance(paths, list) else []):
            if isinstance(p, dict) and isinstance(p.get("backend"), dict):
                found.append(
                    (obj.sub("spec", "rules", i, "http", "paths", j, "backend"), p["backend"])
                )
    out: list[tuple[JsonPath, Any, Any]] = []
    for path, b in found:
        svc = b.get("service")
        if isinstance(svc, dict):
            port = svc.get("port")
            value = port.get("number", port.get("name")) if isinstance(port, dict) else None
            out.append((path, svc.get("name"), value))
        elif "serviceName" in b:
            out.append((path, b.get("serviceName"), b.get("servicePort")))
    return out


def _service_has_port(svc: K8sObject, want: Any) -> Tri:
    ports = _spec(svc).get("ports")
    if isinstance(ports, Unresolved) or isinstance(want, Unresolved):
        return None
    if want is None:
        return True
    unknown = False
    for p in ports if isinstance(ports, list) else []:
        if not isinstance(p, dict):
            unknown = True
            continue
        key = "name" if isinstance(want, str) and not want.isdigit() else "port"
        value = p.get(key)
        if isinstance(value, Unresolved):
            unknown = True
        elif str(value) == str(want):
            return True
    return None if unknown else False


@check("X-008.ingress-backend", target="crossfile.k8s_object")
@_compared
def ingress_backend(obj: K8sObject, rule: Rule, ctx: Context) -> Iterator[Result]:
    services = k8s_view(ctx).of_kind("Service")
    for path, name, port in _backends(obj):
        if isinstance(name, Unresolved):
            yield Result(path=path, key=True, unresolved=True, args={"service": name, "port": port})
            continue
        outcomes: list[Tri] = []
        for svc in services:
            named: Tri = (
                None if isinstance(svc.metadata.get("name"), Unresolved) else svc.name == name
            )
            if named is False:
                continue
            ns = same_namespace(obj.namespace, svc.namespace)
            outcomes.append(_and(named, ns, _service_has_port(svc, port)))
        verdict = tri_any(outcomes)
        if verdict is not True:
            yield Result(
                path=path,
                key=True,
                unresolved=verdict is None,
                args={"service": name, "port": port},
            )


# --- HorizontalPodAutoscaler ----------------------------------------------------------------


@check("X-008.hpa-target", target="crossfile.k8s_object")
@_compared
def hpa_target(obj: K8sObject, rule: Rule, ctx: Context) -> Iterator[Result]:
    ref = _spec(obj).get("scaleTargetRef")
    if not isinstance(ref, dict):
        return
    kind, name = ref.get("kind"), ref.get("name")
    path = obj.sub("spec", "scaleTargetRef")
    if isinstance(kind, Unresolved) or isinstance(name, Unresolved):
        yield Result(path=path, key=True, unresolved=True, args={"target": f"{kind}/{name}"})
        return
    outcomes: list[Tri] = []
    for other in k8s_view(ctx).objects:
        if other.kind != kind:
            continue
        named: Tri = (
            None if isinstance(other.metadata.get("name"), Unresolved) else other.name == name
        )
        outcomes.append(_and(named, same_namespace(obj.namespace, other.namespace)))
    verdict = tri_any(outcomes)
    if verdict is not True:
        yield Result(
            path=path, key=True, unresolved=verdict is None, args={"target": f"{kind}/{name}"}
        )
