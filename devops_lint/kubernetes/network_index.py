"""The shared ground of the K8S-NET-* checks: the run's network index and policy semantics.

The checks themselves live by concern in ``checks_net_policies`` (shape of one policy),
``checks_net_coverage`` (default deny, unselected pods, dangling selectors) and
``checks_net_exposure`` (Service and Ingress). Cross-object checks take a
``kubernetes.project_object`` target and read the run's ``NetIndex`` (built once).
Relations use the three-valued matching of ``selectors``: a relation that rests on
a placeholder yields an ``unresolved`` result, never a failure.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ..checkargs import GivenBody, given
from ..model import JsonPath, Result, Target, Unresolved, mapping_or_empty
from .objects import POD_SPEC_PATHS, K8sObject, PodSpec, pod_spec
from .operator_pods import OtherPods, other_pods
from .pod_index import ByNamespace
from .selectors import (
    Tri,
    in_api_groups,
    known_label_texts,
    required_label,
    selects_everything,
    tri_all,
)

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

WORLD_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
DNS_PORT = 53
# Kinds that run pods (a PodTemplate only stores one).
WORKLOAD_KINDS = frozenset(POD_SPEC_PATHS) - {"PodTemplate"}
EGRESS_EXEMPT_ANNOTATION = "devops-lint.io/allow-internet-egress"
# API groups of the built-in NetworkPolicy and Ingress (not Calico's or Cilium's kinds).
NET_GROUPS = ("networking.k8s.io", "extensions")


# ----------------------------------------------------------------------- the index
@dataclass
class Workload:
    obj: K8sObject
    pod: PodSpec
    labels: Any = None  # the pod template's metadata.labels

    @property
    def namespace(self) -> str | None:
        return self.obj.namespace

    def labels_path(self) -> JsonPath:
        """The pod template's ``metadata.labels`` key, else the nearest written key."""
        doc = self.obj.doc
        meta = self.pod.template_metadata_path
        for p in ((*meta, "labels"), meta, meta[:-1]):
            if p and p in doc.key_spans:
                return p
        return self.pod.path


def workload(obj: K8sObject) -> Workload | None:
    """``obj`` as a workload, when it is of a kind that runs pods."""
    return pod_workload(obj) if obj.kind in WORKLOAD_KINDS else None


def pod_workload(obj: K8sObject) -> Workload | None:
    """The workload of an object already known to be of a workload kind (``applies_to``)."""
    pod = pod_spec(obj)
    if pod is None:
        return None
    return Workload(obj, pod, obj.doc.get((*pod.template_metadata_path, "labels")))


@dataclass
class Policy:
    obj: K8sObject

    @property
    def namespace(self) -> str | None:
        return self.obj.namespace

    @property
    def spec(self) -> dict[str, Any]:
        return mapping_or_empty(self.obj.data.get("spec"))

    @property
    def pod_selector(self) -> Any:
        return self.spec.get("podSelector")


def _namespace(item: Workload | Policy | OtherPods) -> str | None:
    return item.namespace


PolicyIn = tuple["Policy", Tri]  # a policy and whether it is in the namespace asked for
PoliciesByPair = tuple[dict[tuple[str, str], list[PolicyIn]], list[PolicyIn]]


@dataclass
class NetIndex:
    """The run's workloads, policies and namespaces; workloads, policies and other pods
    grouped by declared namespace (``pod_index.ByNamespace``)."""

    workloads: ByNamespace[Workload] = field(default_factory=lambda: ByNamespace(_namespace))
    policies: ByNamespace[Policy] = field(default_factory=lambda: ByNamespace(_namespace))
    namespaces: dict[str, K8sObject] = field(default_factory=dict)  # resolved names only
    # Pods of other kinds and of operators: selectable, but not workloads to protect.
    other_pods: ByNamespace[OtherPods] = field(default_factory=lambda: ByNamespace(_namespace))
    # known_label_texts of each pod set's labels, by id (the objects live for the run).
    _texts: dict[int, dict[str, str] | None] = field(default_factory=dict)
    # Per plain namespace name: its policies by required label pair, and the others.
    _by_pair: dict[str | None, PoliciesByPair] = field(default_factory=dict)

    def policies_for(self, ns: str | None, texts: dict[str, str] | None) -> list[PolicyIn]:
        """``policies.in_namespace(ns)`` less the policies whose selector requires a label
        pair that the pod set's labels, known in full as ``texts``, lack (``cannot_match``):
        the rest in any order (a pod set's coverage does not depend on it)."""
        if texts is None or isinstance(ns, Unresolved):
            return list(self.policies.in_namespace(ns))
        found = self._by_pair.get(ns)
        if found is None:
            by_pair: dict[tuple[str, str], list[PolicyIn]] = {}
            rest: list[PolicyIn] = []
            for item in self.policies.in_namespace(ns):
                pair = required_label(item[0].pod_selector or {})
                (rest if pair is None else by_pair.setdefault(pair, [])).append(item)
            found = self._by_pair[ns] = (by_pair, rest)
        by_pair, rest = found
        out = list(rest)
        for pair in texts.items():
            out.extend(by_pair.get(pair, ()))
        return out

    def label_texts(self, pods: Workload | OtherPods) -> dict[str, str] | None:
        """``known_label_texts(pods.labels)``, computed once per pod set."""
        key = id(pods)
        if key not in self._texts:
            self._texts[key] = known_label_texts(pods.labels)
        return self._texts[key]


def _is_namespace(obj: K8sObject) -> bool:
    return (
        obj.kind == "Namespace"
        and bool(obj.name)
        and not isinstance(obj.name, Unresolved)
        and in_api_groups(obj.data.get("apiVersion"), ("",))
    )


def build_index(objs: Iterable[K8sObject], ctx: Context | None = None) -> NetIndex:
    idx = NetIndex()
    ordered = sorted(enumerate(objs), key=lambda e: (e[1].doc.path, e[1].doc.index, e[0]))
    if ctx is not None:
        for pods in other_pods((obj for _, obj in ordered), ctx):
            idx.other_pods.add(pods)
    for _, obj in ordered:
        w = workload(obj)
        if w is not None:
            idx.workloads.add(w)
        elif obj.kind == "NetworkPolicy" and in_api_groups(obj.data.get("apiVersion"), NET_GROUPS):
            idx.policies.add(Policy(obj))
        elif _is_namespace(obj):
            idx.namespaces.setdefault(obj.name, obj)
    return idx


def net_index(target: Target, ctx: Context) -> NetIndex:
    objs = target.context.get("objects", [])
    return ctx.memo("kubernetes.net-index", lambda: build_index(objs, ctx))  # type: ignore[no-any-return]


CheckFn = Callable[[Target, "Rule", "Context"], Iterable[Result]]
T = TypeVar("T")


def path_suffix(rel: JsonPath) -> str:
    """``("spec", "egress", 1, "to", 0)`` → ``spec.egress[1].to[0]``."""
    out = ""
    for part in rel:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def located(fn: CheckFn) -> CheckFn:
    """Give each result of a check the locator of the value it points at (standards 0.4)."""

    @functools.wraps(fn)
    def wrapper(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
        obj = target.context.get("object")
        for res in fn(target, rule, ctx):
            if (
                res.locator is None
                and res.path is not None
                and isinstance(obj, K8sObject)
                and res.path[: len(obj.path)] == obj.path
            ):
                res.locator = obj.locator(path_suffix(res.path[len(obj.path) :]))
            yield res

    return wrapper


class ObjectSpec(NamedTuple):
    """An object a check is about (a NetworkPolicy, a Service) and its ``spec`` mapping."""

    obj: K8sObject
    spec: dict[str, Any]


def located_on(find: Callable[[Target], T | None]) -> Callable[[GivenBody[T]], CheckFn]:
    """``given(find)``, its results ``located``: the body also gets what ``find`` picks out
    of the target (an ``ObjectSpec``); a target where ``find`` finds none gets no result."""

    def wrap(body: GivenBody[T]) -> CheckFn:
        return located(given(find)(body))

    return wrap


def _obj(target: Target) -> K8sObject | None:
    obj = target.context.get("object")
    return obj if isinstance(obj, K8sObject) else None


def _policy_spec(target: Target) -> ObjectSpec | None:
    """The NetworkPolicy of a target its rule's ``applies_to`` limits to that kind."""
    obj = _obj(target)
    if obj is None:
        return None
    if not in_api_groups(obj.data.get("apiVersion"), NET_GROUPS):
        return None
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return None
    return ObjectSpec(obj, spec)


def _mappings(parent: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Index and value of each mapping in the list ``parent[key]`` (rules, peers)."""
    items = parent.get(key)
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


# ------------------------------------------------------------ policy semantics
def effective_policy_types(spec: dict[str, Any]) -> set[str] | None:
    """``policyTypes`` as the API server applies it (None when templated)."""
    types = spec.get("policyTypes")
    if isinstance(types, Unresolved):
        return None
    if isinstance(types, list):
        if any(isinstance(t, Unresolved) for t in types):
            return None
        return {t for t in types if isinstance(t, str)}
    out = {"Ingress"}
    egress = spec.get("egress")
    if isinstance(egress, Unresolved):
        return None
    if isinstance(egress, list) and egress:
        out.add("Egress")
    return out


def is_default_deny(spec: dict[str, Any], direction: str) -> Tri:
    """A ``podSelector: {}`` policy that governs ``direction`` and allows nothing for it."""
    everything = selects_everything(spec.get("podSelector") or {})
    types = effective_policy_types(spec)
    governs: Tri = None if types is None else direction in types
    rules = spec.get(direction.lower())
    no_rules: Tri = None if isinstance(rules, Unresolved) else not rules
    return tri_all([everything, governs, no_rules])


def peer_is_open(peer: dict[str, Any]) -> Tri:
    """Every destination/source: world ``ipBlock``, or every pod of every namespace."""
    block = peer.get("ipBlock")
    if isinstance(block, Unresolved):
        return None
    if isinstance(block, dict):
        cidr = block.get("cidr")
        if isinstance(cidr, Unresolved):
            return None
        return isinstance(cidr, str) and cidr.strip() in WORLD_CIDRS
    if "namespaceSelector" not in peer:
        return False
    ns_all = selects_everything(peer.get("namespaceSelector") or {})
    pod_all = selects_everything(peer.get("podSelector") or {})
    return tri_all([ns_all, pod_all])


def open_peers(rule: dict[str, Any], key: str) -> tuple[Tri, str | int | None]:
    """Whether a rule's ``to``/``from`` admits everything, and where that is written.

    The location is ``key`` for ``to: []``, a peer index for an open peer, or None
    for a missing list (reported at the rule entry).
    """
    peers = rule.get(key)
    if peers is None:
        return True, None
    if isinstance(peers, Unresolved):
        return None, key
    if isinstance(peers, list) and not peers:
        return True, key
    if not isinstance(peers, list):
        return False, None
    unknown: int | None = None
    for i, p in enumerate(peers):
        if isinstance(p, Unresolved):
            unknown = i if unknown is None else unknown
            continue
        if not isinstance(p, dict):
            continue
        o = peer_is_open(p)
        if o is True:
            return True, i
        if o is None and unknown is None:
            unknown = i
    return (None, unknown) if unknown is not None else (False, None)


def _open_path(obj: K8sObject, base: JsonPath, where: str | int | None, key: str) -> JsonPath:
    if where is None:
        return obj.sub(*base)
    if isinstance(where, str):
        return obj.sub(*base, where)
    return obj.sub(*base, key, where)


def port_covers(entry: dict[str, Any], port: int) -> Tri:
    """Whether a ``ports`` entry allows ``port`` (absent port = every port; named = no)."""
    p = entry.get("port")
    if p is None:
        return True
    if isinstance(p, Unresolved):
        return None
    if isinstance(p, bool) or not isinstance(p, int):
        return False  # a named port: resolved against the peer's pods, not statically
    end = entry.get("endPort")
    if end is None:
        return p == port
    if isinstance(end, Unresolved):
        return None if p <= port else False
    return isinstance(end, int) and p <= port <= end


def port_only(entry: dict[str, Any], port: int) -> Tri:
    """Whether a ``ports`` entry allows exactly ``port`` and nothing else."""
    p, end = entry.get("port"), entry.get("endPort")
    if isinstance(p, Unresolved) or isinstance(end, Unresolved):
        return None
    return p == port and (end is None or end == port)


def protocol(entry: dict[str, Any]) -> Any:
    proto = entry.get("protocol", "TCP")
    if proto is None:
        return "TCP"
    return proto if isinstance(proto, Unresolved) else str(proto).upper()


def _ports(rule: dict[str, Any]) -> tuple[Tri, list[tuple[int, dict[str, Any]]]]:
    """(ports restricted?, entries): None when the list itself is templated."""
    ports = rule.get("ports")
    if isinstance(ports, Unresolved):
        return None, []
    if not isinstance(ports, list) or not ports:
        return False, []
    return True, [(i, e) for i, e in enumerate(ports) if isinstance(e, dict)]


def _exemption(obj: K8sObject) -> str | None:
    ann = obj.metadata.get("annotations")
    if isinstance(ann, dict):
        reason = ann.get(EGRESS_EXEMPT_ANNOTATION)
        if isinstance(reason, str) and reason.strip():
            return reason.strip()
    return None


def _result(path: JsonPath, tri: Tri, **kw: Any) -> Result:
    return Result(path=path, unresolved=tri is None, **kw)


def _negate(t: Tri) -> Tri:
    return None if t is None else not t


def _peer_lists(spec: dict[str, Any]) -> Iterator[tuple[JsonPath, dict[str, Any], str]]:
    for direction, key in (("ingress", "from"), ("egress", "to")):
        for i, r in _mappings(spec, direction):
            yield ("spec", direction, i), r, key
