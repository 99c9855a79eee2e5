"""Replicated workloads: replicas, spread and rollout (K8S-025), PodDisruptionBudgets (K8S-026)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from ..checkargs import given_in_run
from ..model import UNRESOLVED_KEY, JsonPath, Result, Unresolved
from ..registry import check
from .checks_support import (
    Tri,
    int_value,
    is_prod_namespace,
    lookup,
    percent_value,
    same_name,
    same_namespace,
    undecided,
)
from .objects import K8sObject, object_of, objects, pod_spec

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


@dataclass(frozen=True)
class Replicas:
    """A workload's replica count: ``count`` None when unresolved; ``path`` where written."""

    count: int | None
    path: JsonPath
    written: bool  # False: absent (defaults to 1) or hidden in an unresolved subtree

    @property
    def unresolved(self) -> bool:
        return self.count is None


class Replicated(NamedTuple):
    """A workload with more than one replica (or an unresolved count)."""

    obj: K8sObject
    replicas: Replicas


def replicas(obj: K8sObject, ctx: Context) -> Replicas:
    """``spec.replicas`` (absent: 1), or the ``minReplicas`` of a HorizontalPodAutoscaler
    that scales the workload, since the autoscaler then owns the count."""
    found = lookup(obj.data, obj.path, ("spec", "replicas"))
    if found.missing:
        own = Replicas(1, obj.sub("spec"), False)
    elif found.unknown:
        own = Replicas(None, obj.sub("spec"), False)
    else:
        own = Replicas(int_value(found.value), found.path, True)
    for hpa, match in _scaling_hpas(obj, ctx):
        if match is Tri.MAYBE:
            return Replicas(None, own.path, own.written)
        minimum = hpa.data["spec"].get("minReplicas", 1)
        return Replicas(int_value(minimum), own.path, own.written)
    return own


def _run_objects(ctx: Context, kind: str, api_prefix: str) -> list[K8sObject]:
    """The run's objects of ``kind`` whose apiVersion starts with ``api_prefix`` (memoised)."""

    def build() -> list[K8sObject]:
        return [
            o
            for d in ctx.project.of_format("kubernetes")
            for o in objects(d)
            if o.kind == kind and o.api_version.startswith(api_prefix)
        ]

    return ctx.memo(f"kubernetes.{kind}.{api_prefix}", build)  # type: ignore[no-any-return]


def _hpas(ctx: Context) -> list[K8sObject]:
    return [
        o
        for o in _run_objects(ctx, "HorizontalPodAutoscaler", "autoscaling/")
        if isinstance(o.data.get("spec"), dict)
    ]


def _scaling_hpas(obj: K8sObject, ctx: Context) -> Iterator[tuple[K8sObject, Tri]]:
    """Autoscalers whose ``scaleTargetRef`` is (or may be) the workload; sure ones first."""
    maybe = []
    for hpa in _hpas(ctx):
        ref = hpa.data["spec"].get("scaleTargetRef")
        if isinstance(ref, Unresolved):
            maybe.append(hpa)
            continue
        if not isinstance(ref, dict):
            continue
        match = (
            same_name(ref.get("kind"), obj.kind)
            & same_name(ref.get("name"), obj.metadata.get("name"))
            & same_namespace(obj.namespace, hpa.namespace)
        )
        if match is Tri.YES:
            yield hpa, match
            return
        if match is Tri.MAYBE:
            maybe.append(hpa)
    for hpa in maybe[:1]:
        yield hpa, Tri.MAYBE


def _at(r: Replicas, **kw: Any) -> Result:
    """A result at ``spec.replicas`` (the ``spec:`` key when it is not written)."""
    return Result(path=r.path, key=not r.written, **kw)


# --------------------------------------------------------------------------- K8S-025


@check("K8S-025.replicas", target="kubernetes.object")
def min_replicas(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-025.replicas: fewer than ``min_replicas`` in a production namespace."""
    obj = object_of(target)  # applies_to: Deployment, StatefulSet
    prod = is_prod_namespace(obj.namespace, ctx)
    if prod is Tri.NO:
        return
    r = replicas(obj, ctx)
    minimum = ctx.settings["min_replicas"]
    args = {"replicas": r.count if r.count is not None else "templated", "min": minimum}
    if r.unresolved:
        why = f"the replica count is templated (minimum {minimum} in production namespaces)"
        yield undecided(target, why, path=r.path, key=not r.written)
    elif r.count is not None and r.count < minimum:
        if prod is Tri.MAYBE:
            why = f"{r.count} replica(s) in a templated namespace that may be a production one"
            yield undecided(target, why, path=r.path, key=not r.written)
        else:
            yield _at(r, args=args)


def replicated(target: Target, ctx: Context) -> Replicated | None:
    """The target's workload and its replicas, unless it has a known single replica (nothing
    to spread or to disrupt)."""
    obj = object_of(target)  # applies_to: Deployment, StatefulSet
    r = replicas(obj, ctx)
    if r.count is not None and r.count <= 1:
        return None
    return Replicated(obj, r)


@check("K8S-025.spread", target="kubernetes.object")
@given_in_run(replicated)
def spread(target: Target, rule: Rule, ctx: Context, workload: Replicated) -> Iterator[Result]:
    """K8S-025.spread: several replicas without topology spread or pod anti-affinity."""
    obj, r = workload
    pod = pod_spec(obj)
    if pod is None:
        return
    states = [
        lookup(pod.data, pod.path, ("topologySpreadConstraints",)),
        lookup(pod.data, pod.path, ("affinity", "podAntiAffinity")),
    ]
    if any(s.present for s in states):
        return
    if r.unresolved:
        why = "the replica count is templated and no spread constraint or anti-affinity is set"
        yield undecided(target, why, span=pod.anchor)
    elif any(s.unknown for s in states):
        why = "spread constraints or anti-affinity may be set by a template include"
        yield undecided(target, why, span=pod.anchor)
    else:
        yield Result(span=pod.anchor, args={"replicas": r.count})


@check("K8S-025.strategy", target="kubernetes.object")
def rollout_strategy(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-025.strategy: ``Recreate``, or a rolling update that may stop every replica."""
    obj = object_of(target)  # applies_to: Deployment
    strategy = lookup(obj.data, obj.path, ("spec", "strategy"))
    if not strategy.present:
        return  # the default: RollingUpdate with maxUnavailable 25%
    if isinstance(strategy.value, Unresolved):
        yield undecided(target, f"strategy {strategy.value} is templated", path=strategy.path)
        return
    kind = lookup(obj.data, obj.path, ("spec", "strategy", "type"))
    if kind.unresolved:
        yield undecided(target, "strategy.type is templated", path=kind.path)
        return
    if kind.present and kind.value == "Recreate":
        yield Result(
            path=kind.path, args={"why": "Recreate stops every pod before starting new ones"}
        )
        return
    found = lookup(obj.data, obj.path, ("spec", "strategy", "rollingUpdate", "maxUnavailable"))
    if found.unknown:
        why = "rollingUpdate.maxUnavailable may be set by a template include"
        yield undecided(target, why, path=found.path)
        return
    if not found.present:
        return
    value = found.value
    args = {"why": f"maxUnavailable {value} can take every replica down at once"}
    if isinstance(value, Unresolved):
        yield undecided(target, f"maxUnavailable {value} is templated", path=found.path)
        return
    pct = percent_value(value)
    if pct is not None:
        if pct >= 100:
            yield Result(path=found.path, args=args)
        return
    count = int_value(value)
    if count is None or count <= 0:
        return
    r = replicas(obj, ctx)
    if r.unresolved:
        why = f"maxUnavailable {count} may reach the templated replica count"
        yield undecided(target, why, path=found.path)
    elif r.count is not None and r.count > 0 and count >= r.count:
        yield Result(path=found.path, args=args)


# --------------------------------------------------------------------------- K8S-026


def _label_text(value: Any) -> str:
    """A label value as the API server stores it (YAML ``true`` is the string "true")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _match_requirement(key: Any, op: Any, values: Any, labels: dict[str, Any]) -> Tri:
    if any(isinstance(v, Unresolved) for v in (key, op)):
        return Tri.MAYBE
    if not isinstance(key, str):
        return Tri.NO
    if key not in labels:
        present = Tri.MAYBE if UNRESOLVED_KEY in labels else Tri.NO
        label = None
    else:
        present = Tri.YES
        label = labels[key]
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return {Tri.YES: Tri.NO, Tri.NO: Tri.YES, Tri.MAYBE: Tri.MAYBE}[present]
    if op not in ("In", "NotIn") or not isinstance(values, list):
        return Tri.NO
    if present is not Tri.YES:
        if op == "In":
            return present
        return Tri.YES if present is Tri.NO else Tri.MAYBE
    if isinstance(label, Unresolved) or any(isinstance(v, Unresolved) for v in values):
        return Tri.MAYBE
    inside = _label_text(label) in {_label_text(v) for v in values}
    return Tri.YES if inside == (op == "In") else Tri.NO


def selector_matches(selector: Any, labels: Any, empty_matches_all: bool = True) -> Tri:
    """Whether a label selector selects pods with ``labels`` (0.6 item 3: a placeholder in
    either never provably matches)."""
    if isinstance(selector, Unresolved) or isinstance(labels, Unresolved):
        return Tri.MAYBE
    if not isinstance(selector, dict):
        return Tri.NO
    if not isinstance(labels, dict):
        labels = {}
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if isinstance(match_labels, Unresolved) or isinstance(expressions, Unresolved):
        return Tri.MAYBE
    if not isinstance(match_labels, dict) or not isinstance(expressions, list):
        return Tri.NO
    outcome = Tri.MAYBE if UNRESOLVED_KEY in selector else Tri.YES
    requirements: list[tuple[Any, Any, Any]] = [
        (k, "In", [v]) for k, v in match_labels.items() if k != UNRESOLVED_KEY
    ]
    if UNRESOLVED_KEY in match_labels:
        outcome = outcome & Tri.MAYBE
    for expr in expressions:
        if not isinstance(expr, dict):
            outcome = outcome & Tri.MAYBE
            continue
        requirements.append((expr.get("key"), expr.get("operator"), expr.get("values", [])))
    if not requirements and outcome is Tri.YES and not empty_matches_all:
        return Tri.NO
    for key, op, values in requirements:
        outcome = outcome & _match_requirement(key, op, values, labels)
        if outcome is Tri.NO:
            return Tri.NO
    return outcome


def _pdbs(ctx: Context) -> list[K8sObject]:
    return _run_objects(ctx, "PodDisruptionBudget", "policy/")


def selecting_pdbs(obj: K8sObject, ctx: Context) -> list[tuple[K8sObject, Tri]]:
    """PDBs that select (or may select) the workload's pods, with how sure that is."""
    pod = pod_spec(obj)
    labels = pod.template_metadata.get("labels") if pod is not None else None
    if pod is not None and labels is None and UNRESOLVED_KEY in pod.template_metadata:
        labels = {UNRESOLVED_KEY: True}
    out: list[tuple[K8sObject, Tri]] = []
    for pdb in _pdbs(ctx):
        spec = pdb.data.get("spec")
        selector = spec.get("selector") if isinstance(spec, dict) else None
        if isinstance(spec, dict) and selector is None and UNRESOLVED_KEY in spec:
            selector = Unresolved("")
        # policy/v1: an empty selector selects every pod of the namespace; v1beta1: none.
        everything = pdb.api_version != "policy/v1beta1"
        match = same_namespace(obj.namespace, pdb.namespace) & selector_matches(
            selector, labels, everything
        )
        if match is not Tri.NO:
            out.append((pdb, match))
    return out


@check("K8S-026.missing", target="kubernetes.object")
@given_in_run(replicated)
def pdb_missing(target: Target, rule: Rule, ctx: Context, workload: Replicated) -> Iterator[Result]:
    """K8S-026.missing: a replicated workload that no PodDisruptionBudget selects."""
    obj, r = workload
    found = selecting_pdbs(obj, ctx)
    if any(m is Tri.YES for _, m in found):
        return
    if found:
        why = "a PodDisruptionBudget with a templated selector or namespace may select its pods"
        yield undecided(target, why, path=r.path, key=not r.written)
    elif r.unresolved:
        why = "the replica count is templated and no PodDisruptionBudget selects its pods"
        yield undecided(target, why, path=r.path, key=not r.written)
    else:
        yield _at(r, args={"replicas": r.count})


def blocks_eviction(pdb: K8sObject, count: int | None) -> Tri:
    """Whether the PDB allows no voluntary eviction of a workload with ``count`` replicas
    (``None``: unresolved). Kubernetes rounds percentages up for both fields."""
    spec = pdb.data.get("spec")
    if not isinstance(spec, dict):
        return Tri.NO
    if "maxUnavailable" in spec:
        value = spec["maxUnavailable"]
        if isinstance(value, Unresolved):
            return Tri.MAYBE
        pct = percent_value(value)
        if pct is not None:
            return Tri.YES if pct <= 0 else Tri.NO
        number = int_value(value)
        return Tri.YES if number == 0 else Tri.NO
    if "minAvailable" in spec:
        value = spec["minAvailable"]
        if isinstance(value, Unresolved):
            return Tri.MAYBE
        pct = percent_value(value)
        number = int_value(value)
        if pct is None and number is None:
            return Tri.NO
        if count is None:
            return Tri.MAYBE
        needed = math.ceil(pct * count / 100) if pct is not None else number
        return Tri.YES if needed is not None and needed >= count else Tri.NO
    if UNRESOLVED_KEY in spec:
        return Tri.MAYBE
    return Tri.NO


@check("K8S-026.blocks-eviction", target="kubernetes.object")
@given_in_run(replicated)
def pdb_blocks_eviction(
    target: Target, rule: Rule, ctx: Context, workload: Replicated
) -> Iterator[Result]:
    """K8S-026.blocks-eviction: a selecting PDB that permits no eviction."""
    obj, r = workload
    maybe = None
    for pdb, match in selecting_pdbs(obj, ctx):
        blocks = blocks_eviction(pdb, r.count) & match
        if blocks is Tri.YES and not r.unresolved:
            yield _at(r, args={"pdb": pdb.name, "replicas": r.count})
            return
        if blocks is not Tri.NO and maybe is None:
            maybe = pdb.name
    if maybe is not None:
        why = (
            f"PodDisruptionBudget '{maybe}' may allow no eviction "
            "(templated replicas, selector or budget)"
        )
        yield undecided(target, why, path=r.path, key=not r.written)
