"""Which pods and Services a Prometheus Operator ``PodMonitor``/``ServiceMonitor`` selects,
and which pods a Service selects, in three-valued logic."""

from __future__ import annotations

from typing import Any

from ..kubernetes.facts import K8sObject, PodSpec, Tri, matches, same_namespace, tri_all, tri_any
from ..model import Unresolved
from .k8s import K8sView, pod_labels, selects


def monitor_namespace(monitor: K8sObject, obj: K8sObject) -> Tri:
    """Whether the monitor's ``namespaceSelector`` covers ``obj``'s namespace."""
    spec = monitor.data.get("spec")
    nsel = spec.get("namespaceSelector") if isinstance(spec, dict) else None
    if isinstance(nsel, Unresolved):
        return None
    if isinstance(nsel, dict):
        if nsel.get("any") is True:
            return True
        names = nsel.get("matchNames")
        if isinstance(names, list) and names:
            ns = obj.namespace
            if ns is None or isinstance(ns, Unresolved):
                return None
            if any(isinstance(n, Unresolved) for n in names):
                return None if ns not in names else True
            return ns in names
    return same_namespace(monitor.namespace, obj.namespace)


def monitor_selects(monitor: K8sObject, obj: K8sObject, labels: Any) -> Tri:
    spec = monitor.data.get("spec")
    if not isinstance(spec, dict):
        return False
    ns = monitor_namespace(monitor, obj)
    if ns is False:
        return False
    selector = spec.get("selector")
    if selector is None:
        return False  # the operator requires a selector
    return tri_all([ns, matches(selector, labels)])


def service_selects(svc: K8sObject, pod: PodSpec) -> Tri:
    spec = svc.data.get("spec")
    if not isinstance(spec, dict):
        return False
    selector = spec.get("selector")
    if isinstance(selector, Unresolved):
        return None
    if not isinstance(selector, dict) or not selector:
        return False  # no selector: endpoints are managed by hand
    return selects({"matchLabels": selector}, svc, pod)


def service_labels(svc: K8sObject) -> Any:
    labels = svc.metadata.get("labels")
    return labels if labels is not None else {}


def monitored(pod: PodSpec, view: K8sView) -> Tri:
    """Whether a PodMonitor selects the pod, or a ServiceMonitor one of its Services."""
    outcomes: list[Tri] = []
    for mon in view.of_kind("PodMonitor"):
        outcomes.append(monitor_selects(mon, pod.obj, pod_labels(pod)))
    services = view.of_kind("Service")
    for mon in view.of_kind("ServiceMonitor"):
        for svc in services:
            outcomes.append(
                tri_all([monitor_selects(mon, svc, service_labels(svc)), service_selects(svc, pod)])
            )
    return tri_any(outcomes)
