"""Checks of standards section 3.1: NetworkPolicy, Service and Ingress (K8S-NET-*).

Per-object checks take a ``kubernetes.object`` target; cross-object checks take a
``kubernetes.project_object`` target and read the run's ``NetIndex`` (built once).
Relations use the three-valued matching of ``selectors``: a relation that rests on
a placeholder yields an ``unresolved`` result, never a failure.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..model import JsonPath, Result, Severity, Target, Unresolved, contains_unresolved
from .objects import POD_SPEC_PATHS, K8sObject, PodSpec, pod_spec
from .operator_pods import OtherPods, other_pods
from .selectors import (
    Tri,
    in_api_groups,
    matches,
    namespace_labels,
    selects_everything,
    tri_all,
    tri_any,
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
    if obj.kind not in WORKLOAD_KINDS:
        return None
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
        s = self.obj.data.get("spec")
        return s if isinstance(s, dict) else {}

    @property
    def pod_selector(self) -> Any:
        return self.spec.get("podSelector")


def _ns_key(ns: str | None) -> tuple[bool, str | None]:
    """(declared as a placeholder?, key): placeholders never group (0.6 item 3)."""
    return (True, None) if isinstance(ns, Unresolved) else (False, ns)


@dataclass
class NetIndex:
    """The run's workloads, policies and namespaces, grouped by declared namespace."""

    workloads: list[Workload] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    namespaces: dict[str, K8sObject] = field(default_factory=dict)  # resolved names only
    workloads_by_ns: dict[str | None, list[Workload]] = field(default_factory=dict)
    templated_ns_workloads: list[Workload] = field(default_factory=list)
    policies_by_ns: dict[str | None, list[Policy]] = field(default_factory=dict)
    templated_ns_policies: list[Policy] = field(default_factory=list)
    # Pods of other kinds and of operators: selectable, but not workloads to protect.
    other_pods: list[OtherPods] = field(default_factory=list)

    def add_workload(self, w: Workload) -> None:
        self.workloads.append(w)
        templated, key = _ns_key(w.namespace)
        if templated:
            self.templated_ns_workloads.append(w)
        else:
            self.workloads_by_ns.setdefault(key, []).append(w)

    def add_policy(self, p: Policy) -> None:
        self.policies.append(p)
        templated, key = _ns_key(p.namespace)
        if templated:
            self.templated_ns_policies.append(p)
        else:
            self.policies_by_ns.setdefault(key, []).append(p)

    def first_workload(self, ns: str | None) -> Workload | None:
        """First workload of a (resolved or undeclared) namespace in path order."""
        templated, key = _ns_key(ns)
        found = [] if templated else self.workloads_by_ns.get(key, [])
        return found[0] if found else None

    def workloads_in(self, ns: str | None) -> Iterator[tuple[Workload, Tri]]:
        """Workloads that are (True) or may be (None) in namespace ``ns``."""
        return _in_namespace(ns, self.workloads, self.workloads_by_ns, self.templated_ns_workloads)

    def policies_in(self, ns: str | None) -> Iterator[tuple[Policy, Tri]]:
        """Policies that are (True) or may be (None) in namespace ``ns``."""
        return _in_namespace(ns, self.policies, self.policies_by_ns, self.templated_ns_policies)


_T = TypeVar("_T")


def _in_namespace(
    ns: str | None, every: list[_T], by_ns: dict[str | None, list[_T]], templated_ns: list[_T]
) -> Iterator[tuple[_T, Tri]]:
    """Items surely (True) or possibly (None) in ``ns``: a templated namespace may be any."""
    templated, key = _ns_key(ns)
    if templated:
        for item in every:
            yield item, None
        return
    for item in by_ns.get(key, []):
        yield item, True
    for item in templated_ns:
        yield item, None


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
        idx.other_pods = other_pods((obj for _, obj in ordered), ctx)
    for _, obj in ordered:
        w = workload(obj)
        if w is not None:
            idx.add_workload(w)
        elif obj.kind == "NetworkPolicy" and in_api_groups(obj.data.get("apiVersion"), NET_GROUPS):
            idx.add_policy(Policy(obj))
        elif _is_namespace(obj):
            idx.namespaces.setdefault(obj.name, obj)
    return idx


def net_index(target: Target, ctx: Context) -> NetIndex:
    objs = target.context.get("objects", [])
    return ctx.memo("kubernetes.net-index", lambda: build_index(objs, ctx))  # type: ignore[no-any-return]


CheckFn = Callable[[Target, "Rule", "Context"], Iterable[Result]]


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


def _obj(target: Target) -> K8sObject | None:
    obj = target.context.get("object")
    return obj if isinstance(obj, K8sObject) else None


def _policy_spec(target: Target) -> tuple[K8sObject, dict[str, Any]] | None:
    obj = _obj(target)
    if obj is None or obj.kind != "NetworkPolicy":
        return None
    if not in_api_groups(obj.data.get("apiVersion"), NET_GROUPS):
        return None
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return None
    return obj, spec


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


# ---------------------------------------------------------------- K8S-NET-002
@located
def policy_types(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-002: ``policyTypes`` written, and naming every direction that has rules."""
    found = _policy_spec(target)
    if found is None:
        return
    obj, spec = found
    types = spec.get("policyTypes")
    if types is None:
        yield Result(path=obj.sub("spec"), key=True, args={"problem": "has no policyTypes"})
        return
    if isinstance(types, Unresolved):
        yield Result(path=obj.sub("spec", "policyTypes"), unresolved=True, args={"problem": ""})
        return
    listed = types if isinstance(types, list) else []
    for direction in ("Egress", "Ingress"):
        rules = spec.get(direction.lower())
        if not isinstance(rules, list) or not rules or direction in listed:
            continue
        unresolved = any(isinstance(t, Unresolved) for t in listed)
        yield Result(
            path=obj.sub("spec", "policyTypes"),
            key=True,
            unresolved=unresolved,
            args={"problem": f"has {direction.lower()} rules but policyTypes omits {direction}"},
        )


# ---------------------------------------------------------------- K8S-NET-003/004
@located
def egress_open(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-003: egress rules open to every destination (``open-destination``/``open-all``)."""
    found = _policy_spec(target)
    if found is None:
        return
    obj, spec = found
    want_ports = rule.params.get("ports", True)
    exempt = _exemption(obj)
    for i, r in _mappings(spec, "egress"):
        is_open, where = open_peers(r, "to")
        if is_open is False:
            continue
        restricted, entries = _ports(r)
        if restricted is False:
            hit: Tri = not want_ports
        elif restricted is None:
            hit = None if want_ports else False
        elif not want_ports:
            hit = False
        else:
            # Port 53 alone is K8S-NET-004's; any other port makes the rule this one's.
            hit = tri_any(
                not_only for not_only in (_negate(port_only(e, DNS_PORT)) for _, e in entries)
            )
        if hit is False:
            continue
        severity: Severity | None = "info" if exempt else None
        yield _result(
            _open_path(obj, ("spec", "egress", i), where, "to"),
            tri_all([is_open, hit]),
            severity=severity,
            args={"exemption": f" (exempted: {exempt})" if exempt else ""},
        )


def _negate(t: Tri) -> Tri:
    return None if t is None else not t


@located
def dns_open(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-004.open-dns: an open egress rule that lists port 53."""
    found = _policy_spec(target)
    if found is None:
        return
    obj, spec = found
    for i, r in _mappings(spec, "egress"):
        is_open, _ = open_peers(r, "to")
        if is_open is False:
            continue
        restricted, entries = _ports(r)
        if restricted is not True:
            continue  # no ports: K8S-NET-003.open-all alone
        covering = [(j, port_covers(e, DNS_PORT)) for j, e in entries]
        first = next((j for j, c in covering if c is True), None)
        if first is None:
            first = next((j for j, c in covering if c is None), None)
        if first is None:
            continue
        cover = tri_any(c for _, c in covering)
        yield _result(
            obj.sub("spec", "egress", i, "ports", first),
            tri_all([is_open, cover]),
            args=_dns_args(ctx),
        )


def _dns_args(ctx: Context) -> dict[str, Any]:
    sel = ctx.settings.get("cluster_dns_selector") or {}
    pods = sel.get("pods") or {}
    labels = ", ".join(f"{k}: {v}" for k, v in pods.items())
    return {"dns_namespace": sel.get("namespace", "kube-system"), "dns_pods": labels}


def _tcp53(r: dict[str, Any]) -> Tri:
    restricted, entries = _ports(r)
    if restricted is False:
        return True  # no ports: every port of every protocol
    if restricted is None:
        return None
    return tri_any(tri_all([_proto_is(e, "TCP"), port_covers(e, DNS_PORT)]) for _, e in entries)


def _proto_is(entry: dict[str, Any], name: str) -> Tri:
    proto = protocol(entry)
    return None if isinstance(proto, Unresolved) else proto == name


@located
def dns_udp_only(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-004.udp-only: UDP 53 allowed without TCP 53 to the same peers."""
    found = _policy_spec(target)
    if found is None:
        return
    obj, spec = found
    rules = list(_mappings(spec, "egress"))
    for i, r in rules:
        restricted, entries = _ports(r)
        if restricted is not True:
            continue
        for j, e in entries:
            udp = tri_all([_proto_is(e, "UDP"), port_covers(e, DNS_PORT)])
            if udp is False:
                continue
            # TCP 53 in this rule, or in another rule of the policy with the same peers.
            tcp = tri_any(_tcp53(r2) for i2, r2 in rules if i2 == i or _same_peers(r, r2))
            if tcp is True:
                continue
            yield _result(
                obj.sub("spec", "egress", i, "ports", j),
                tri_all([udp, _negate(tcp)]),
                args=_dns_args(ctx),
            )


def _same_peers(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ta, tb = a.get("to"), b.get("to")
    if contains_unresolved(ta) or contains_unresolved(tb):
        return False
    return bool((ta or []) == (tb or []))


# ---------------------------------------------------------------- K8S-NET-005
def _is_ingress_controller(spec: dict[str, Any], ctx: Context) -> Tri:
    sel = spec.get("podSelector")
    if isinstance(sel, Unresolved):
        return None
    ml = sel.get("matchLabels") if isinstance(sel, dict) else None
    if isinstance(ml, Unresolved):
        return None
    ml = ml if isinstance(ml, dict) else {}
    results: list[Tri] = []
    for want in ctx.settings.get("ingress_controller_labels") or []:
        if not isinstance(want, dict) or not want:
            continue
        parts: list[Tri] = []
        for k, v in want.items():
            have = ml.get(k)
            parts.append(None if isinstance(have, Unresolved) else have == v)
        results.append(tri_all(parts))
    return tri_any(results)


@located
def ingress_open(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-005.open-ingress: ingress from every source, outside ingress controllers."""
    found = _policy_spec(target)
    if found is None:
        return
    obj, spec = found
    controller = _is_ingress_controller(spec, ctx)
    if controller is True:
        return
    for i, r in _mappings(spec, "ingress"):
        is_open, where = open_peers(r, "from")
        if is_open is False:
            continue
        yield _result(
            _open_path(obj, ("spec", "ingress", i), where, "from"),
            tri_all([is_open, _negate(controller)]),
        )


def _peer_lists(spec: dict[str, Any]) -> Iterator[tuple[JsonPath, dict[str, Any], str]]:
    for direction, key in (("ingress", "from"), ("egress", "to")):
        for i, r in _mappings(spec, direction):
            yield ("spec", direction, i), r, key


IMMUTABLE_NS_LABEL = "kubernetes.io/metadata.name"


@located
def mutable_ns_label(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-005.mutable-ns-label: namespace peers keyed on labels owners can set."""
    found = _policy_spec(target)
    if found is None:
        return
    obj, spec = found
    for base, r, key in _peer_lists(spec):
        for j, peer in _mappings(r, key):
            if "namespaceSelector" not in peer:
                continue
            sel = peer["namespaceSelector"]
            at = (*base, key, j, "namespaceSelector")
            if isinstance(sel, Unresolved):
                yield Result(path=obj.sub(*at), unresolved=True, args={"label": sel})
                continue
            if not isinstance(sel, dict):
                continue
            hit = _mutable_key(sel, at)
            if hit is not None:
                path, label, unresolved, is_key = hit
                yield Result(
                    path=obj.sub(*path), key=is_key, unresolved=unresolved, args={"label": label}
                )


def _mutable_key(sel: dict[str, Any], at: JsonPath) -> tuple[JsonPath, str, bool, bool] | None:
    ml = sel.get("matchLabels")
    if isinstance(ml, Unresolved):
        return (*at, "matchLabels"), str(ml), True, False
    if isinstance(ml, dict):
        for k in ml:
            if isinstance(k, Unresolved):
                return (*at, "matchLabels", k), k, True, True
            if k != IMMUTABLE_NS_LABEL:
                return (*at, "matchLabels", k), str(k), False, True
    exprs = sel.get("matchExpressions")
    if isinstance(exprs, Unresolved):
        return (*at, "matchExpressions"), str(exprs), True, False
    for n, e in enumerate(exprs if isinstance(exprs, list) else []):
        k = e.get("key") if isinstance(e, dict) else None
        if isinstance(k, Unresolved):
            return (*at, "matchExpressions", n), k, True, False
        if isinstance(k, str) and k != IMMUTABLE_NS_LABEL:
            return (*at, "matchExpressions", n), k, False, False
    return None


@located
def split_peer(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-005.split-peer: namespace and pod conditions in separate (ORed) peers."""
    found = _policy_spec(target)
    if found is None:
        return
    obj, spec = found
    for base, r, key in _peer_lists(spec):
        peers = list(_mappings(r, key))
        ns_only = any(set(p) == {"namespaceSelector"} for _, p in peers)
        if not ns_only:
            continue
        for j, p in peers:
            if set(p) == {"podSelector"}:
                yield Result(path=obj.sub(*base, key, j))


# ---------------------------------------------------------------- K8S-NET-001
def _namespace_severity(idx: NetIndex, ns: str | None) -> Severity:
    if isinstance(ns, str) and not isinstance(ns, Unresolved) and ns in idx.namespaces:
        return "high"
    return "medium"


def _deny(idx: NetIndex, ns: str | None, direction: str) -> Tri:
    return tri_any(
        tri_all([in_ns, is_default_deny(p.spec, direction)]) for p, in_ns in idx.policies_in(ns)
    )


@located
def default_deny(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-001.no-default-deny / no-egress-deny, once per namespace of a workload.

    Reported by the namespace's first workload in path order (every workload whose
    namespace is a placeholder speaks for itself: placeholders never group).
    """
    obj = _obj(target)
    if obj is None or obj.kind not in WORKLOAD_KINDS or pod_spec(obj) is None:
        return
    idx = net_index(target, ctx)
    ns = obj.namespace
    if not isinstance(ns, Unresolved):
        first = idx.first_workload(ns)
        if first is None or first.obj is not obj:
            return
    ingress = _deny(idx, ns, "Ingress")
    egress = _deny(idx, ns, "Egress")
    if rule.params.get("direction") == "egress":
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


@located
def unselected_pod(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-001.unselected-pod: no policy of the namespace selects the pod template.

    Policies whose ``podSelector`` selects every pod are namespace-wide baselines
    (default-deny and the like) and do not count.
    """
    obj = _obj(target)
    w = workload(obj) if obj is not None else None
    if w is None:
        return
    idx = net_index(target, ctx)
    outcome: Tri = False
    for p, in_ns in idx.policies_in(w.namespace):
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
        *_candidates(idx, policy_ns, ns_sel, has_ns_sel),
        *_other_candidates(idx, policy_ns, ns_sel, has_ns_sel),
    ]
    for w, in_ns in candidates:
        if in_ns is False:
            continue
        present = True if in_ns is True else (present or None)
        m = tri_all([in_ns, matches(pod_sel, w.labels)])
        if m is True:
            return True, True
        if m is None:
            match = None
    return match, present


def _candidates(
    idx: NetIndex, policy_ns: str | None, ns_sel: Any, has_ns_sel: bool
) -> Iterator[tuple[Workload, Tri]]:
    """Workloads a peer may select, each with whether its namespace is selected."""
    if not has_ns_sel:
        yield from idx.workloads_in(policy_ns)
        return
    everything = selects_everything(ns_sel or {})
    for key, ws in idx.workloads_by_ns.items():
        in_ns = _namespace_selected(idx, ns_sel, key, everything)
        if in_ns is not False:
            for w in ws:
                yield w, in_ns
    in_templated: Tri = True if everything is True else None
    for w in idx.templated_ns_workloads:
        yield w, in_templated


def _other_candidates(
    idx: NetIndex, policy_ns: str | None, ns_sel: Any, has_ns_sel: bool
) -> Iterator[tuple[OtherPods, Tri]]:
    """Operator-created and other non-core pods a peer may select (``_candidates``' rules)."""
    everything = selects_everything(ns_sel or {}) if has_ns_sel else None
    for pods in idx.other_pods:
        templated, key = _ns_key(pods.namespace)
        if has_ns_sel:
            if templated:
                yield pods, (True if everything is True else None)
            else:
                yield pods, _namespace_selected(idx, ns_sel, key, everything)
            continue
        policy_templated, policy_key = _ns_key(policy_ns)
        if templated or policy_templated:
            yield pods, None
        elif key == policy_key:
            yield pods, True


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


@located
def dangling_policy(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-006.dangling-policy: the policy's ``podSelector`` selects no pod template."""
    found = _policy_spec(target)
    if found is None:
        return
    obj, spec = found
    idx = net_index(target, ctx)
    sel = spec.get("podSelector") or {}
    outcome = _dangling(*_select_pods(idx, obj.namespace, sel, None, False))
    if outcome is False:
        return
    yield Result(path=obj.sub("spec", "podSelector"), key=True, unresolved=outcome is None)


@located
def dangling_peer(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-006.dangling-peer: a peer ``podSelector`` selects no pod template."""
    found = _policy_spec(target)
    if found is None:
        return
    obj, spec = found
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


# ---------------------------------------------------------------- K8S-NET-007
INTERNAL_LB_ANNOTATIONS: dict[str, str] = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
    "networking.gke.io/load-balancer-type": "internal",
    "cloud.google.com/load-balancer-type": "internal",
}


def _service_spec(target: Target) -> tuple[K8sObject, dict[str, Any]] | None:
    obj = _obj(target)
    if obj is None or obj.kind != "Service" or not in_api_groups(obj.data.get("apiVersion"), ("",)):
        return None
    spec = obj.data.get("spec")
    return (obj, spec) if isinstance(spec, dict) else None


@located
def node_port(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-007.node-port: ``type: NodePort``."""
    found = _service_spec(target)
    if found is None:
        return
    obj, spec = found
    t = spec.get("type")
    if isinstance(t, Unresolved):
        yield Result(path=obj.sub("spec", "type"), unresolved=True)
    elif t == "NodePort":
        yield Result(path=obj.sub("spec", "type"))


def _internal_lb(obj: K8sObject) -> Tri:
    ann = obj.metadata.get("annotations")
    if isinstance(ann, Unresolved):
        return None
    if not isinstance(ann, dict):
        return False
    results: list[Tri] = []
    for key, want in INTERNAL_LB_ANNOTATIONS.items():
        if key not in ann:
            continue
        v = ann[key]
        results.append(None if isinstance(v, Unresolved) else str(v).strip().lower() == want)
    return tri_any(results)


@located
def public_lb(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-007.public-lb: internet-facing LoadBalancer open to every source address."""
    found = _service_spec(target)
    if found is None:
        return
    obj, spec = found
    t = spec.get("type")
    if t != "LoadBalancer" and not isinstance(t, Unresolved):
        return
    internal = _internal_lb(obj)
    if internal is True:
        return
    ranges = spec.get("loadBalancerSourceRanges")
    path = obj.sub("spec", "type")
    if isinstance(ranges, Unresolved):
        open_: Tri = None
        path = obj.sub("spec", "loadBalancerSourceRanges")
    elif isinstance(ranges, list) and ranges:
        open_ = False
        for i, cidr in enumerate(ranges):
            if isinstance(cidr, Unresolved):
                open_ = None if open_ is False else open_
                path = obj.sub("spec", "loadBalancerSourceRanges", i)
            elif isinstance(cidr, str) and cidr.strip() in WORLD_CIDRS:
                open_ = True
                path = obj.sub("spec", "loadBalancerSourceRanges", i)
                break
    else:
        open_ = True
    is_lb: Tri = None if isinstance(t, Unresolved) else True
    outcome = tri_all([is_lb, _negate(internal), open_])
    if outcome is False:
        return
    yield Result(path=path, unresolved=outcome is None)


@located
def external_ips(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-007.external-ips: ``spec.externalIPs`` set (CVE-2020-8554)."""
    found = _service_spec(target)
    if found is None:
        return
    obj, spec = found
    ips = spec.get("externalIPs")
    if isinstance(ips, Unresolved):
        yield Result(path=obj.sub("spec", "externalIPs"), unresolved=True)
    elif isinstance(ips, list) and ips:
        yield Result(path=obj.sub("spec", "externalIPs"), key=True)


# ---------------------------------------------------------------- K8S-NET-008
SNIPPET_SUFFIXES = (
    "configuration-snippet",
    "server-snippet",
    "auth-snippet",
    "stream-snippet",
    "modsecurity-snippet",
)
NGINX_PREFIX = "nginx.ingress.kubernetes.io/"


def _ingress(target: Target) -> K8sObject | None:
    obj = _obj(target)
    if obj is None or obj.kind != "Ingress":
        return None
    return obj if in_api_groups(obj.data.get("apiVersion"), NET_GROUPS) else None


def host_covered(host: str, tls_hosts: Iterable[str]) -> bool:
    """TLS coverage: case-insensitive; ``*.a.b`` covers exactly one extra label."""
    h = host.strip().lower().rstrip(".")
    for t in tls_hosts:
        t = t.strip().lower().rstrip(".")
        if t == h:
            return True
        if t.startswith("*."):
            head, _, rest = h.partition(".")
            if head and head != "*" and rest == t[2:]:
                return True
    return False


@located
def ingress_tls(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-008.no-tls: a rule host not covered by ``spec.tls[].hosts``."""
    obj = _ingress(target)
    if obj is None:
        return
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return
    tls = spec.get("tls")
    tls_hosts: list[str] = []
    tls_unknown = isinstance(tls, Unresolved)
    for entry in tls if isinstance(tls, list) else []:
        hosts = entry.get("hosts") if isinstance(entry, dict) else entry
        if isinstance(hosts, Unresolved):
            tls_unknown = True
        for h in hosts if isinstance(hosts, list) else []:
            if isinstance(h, Unresolved):
                tls_unknown = True
            elif isinstance(h, str):
                tls_hosts.append(h)
    rules = spec.get("rules")
    for i, r in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(r, dict) or r.get("host") is None:
            continue
        host = r["host"]
        path = obj.sub("spec", "rules", i, "host")
        if isinstance(host, Unresolved):
            yield Result(path=path, unresolved=True, args={"host": host})
        elif isinstance(host, str) and not host_covered(host, tls_hosts):
            yield Result(path=path, unresolved=tls_unknown, args={"host": host})


@located
def ingress_snippet(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-NET-008.snippet: NGINX snippet annotations."""
    obj = _ingress(target)
    if obj is None:
        return
    ann = obj.metadata.get("annotations")
    if not isinstance(ann, dict):
        return
    for key in ann:
        k = str(key)
        if k.startswith(NGINX_PREFIX) and k.endswith(SNIPPET_SUFFIXES):
            yield Result(path=obj.sub("metadata", "annotations", key), key=True, args={"key": k})
