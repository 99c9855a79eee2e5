"""Pods that no manifest of the scan spells out but that will exist (K8S-NET-006).

- Pods of the pod-bearing kinds outside the core API (``podkinds.py``: Rollout,
  DeploymentConfig, Knative Service, Argo Workflows …), with their template's labels.
- Pods an operator creates for a custom resource: the operators of data table
  ``operator_pods.yaml`` (prometheus-operator's ``Prometheus``, ``Alertmanager`` …) label
  them predictably; another custom resource whose spec asks for pods (``replicas``,
  ``image``, ``podTemplate`` …) has pods whose labels cannot be known.

A selector that matches such pods is not dangling; one that may match pods of unknown
labels is unresolved. As for core workloads, labels that controllers add on their own
(pod-template hashes, versions) are not modelled: selectors use the documented ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import UNRESOLVED_KEY, Unresolved
from .objects import POD_SPEC_PATHS, K8sObject, get_in
from .podkinds import api_group, kind_entry, pod_specs

if TYPE_CHECKING:
    from ..context import Context

TABLE = "operator_pods.yaml"
# Spec keys by which a custom resource asks its operator for pods.
POD_HINT_KEYS = frozenset(
    {"replicas", "instances", "image", "podTemplate", "podMetadata", "podSpec", "nodeSets"}
)


@dataclass
class OtherPods:
    """Pods of ``obj`` that are not a core workload's pod template."""

    obj: K8sObject
    labels: Any  # a mapping holding UNRESOLVED_KEY, or an Unresolved

    @property
    def namespace(self) -> str | None:
        return self.obj.namespace


def _custom(obj: K8sObject) -> bool:
    group = api_group(obj)
    return bool(group) and "." in group and not group.endswith(".k8s.io")


def _operator_entry(obj: K8sObject, ctx: Context) -> dict[str, Any] | None:
    group = api_group(obj)
    table = ctx.data(TABLE)
    for entry in table if isinstance(table, list) else []:
        if not isinstance(entry, dict) or entry.get("kind") != obj.kind:
            continue
        groups = entry.get("groups")
        if isinstance(groups, list) and group in groups and isinstance(entry.get("labels"), dict):
            return entry
    return None


def _operator_labels(obj: K8sObject, entry: dict[str, Any]) -> Any:
    name = obj.metadata.get("name")
    if not isinstance(name, str) or isinstance(name, Unresolved):
        return {UNRESOLVED_KEY: True}
    labels: dict[str, Any] = {}
    for key, value in entry["labels"].items():
        if isinstance(key, str) and isinstance(value, str):
            labels[key] = value.replace("{name}", name)
    where = entry.get("extra_labels")
    extra = get_in(obj.data, tuple(where)) if isinstance(where, list) else None
    if isinstance(extra, Unresolved):
        return extra
    if isinstance(extra, dict):
        labels.update(extra)
    return labels


def _asks_for_pods(obj: K8sObject) -> bool:
    spec = obj.data.get("spec")
    return isinstance(spec, dict) and any(key in spec for key in POD_HINT_KEYS)


def _pods_of(obj: K8sObject, ctx: Context) -> Iterator[OtherPods]:
    if obj.kind in POD_SPEC_PATHS:
        return  # core workloads are indexed as such
    if kind_entry(obj, ctx) is not None:
        for pod in pod_specs(obj, ctx):
            labels = obj.doc.get((*pod.template_metadata_path, "labels"))
            yield OtherPods(obj, labels if isinstance(labels, dict | Unresolved) else {})
        return
    if not _custom(obj):
        return
    entry = _operator_entry(obj, ctx)
    if entry is not None:
        yield OtherPods(obj, _operator_labels(obj, entry))
    elif _asks_for_pods(obj):
        yield OtherPods(obj, {UNRESOLVED_KEY: True})


def other_pods(objs: Iterable[K8sObject], ctx: Context) -> list[OtherPods]:
    return [p for obj in objs for p in _pods_of(obj, ctx)]
