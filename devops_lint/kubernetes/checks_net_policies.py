"""Checks of standards section 3.1 on the shape of one NetworkPolicy (K8S-NET-002 to -005).

Per-object checks: each reads one ``kubernetes.object`` target, no other object.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import JsonPath, Result, Severity, Target, Unresolved, contains_unresolved
from ..registry import check, params_of
from .network_index import (
    DNS_PORT,
    ObjectSpec,
    _exemption,
    _mappings,
    _negate,
    _open_path,
    _peer_lists,
    _policy_spec,
    _ports,
    _result,
    located_on,
    open_peers,
    port_covers,
    port_only,
    protocol,
)
from .selectors import Tri, tri_all, tri_any

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


# ---------------------------------------------------------------- K8S-NET-002
@check("K8S-NET-002", target="kubernetes.object")
@located_on(_policy_spec)
def policy_types(target: Target, rule: Rule, ctx: Context, policy: ObjectSpec) -> Iterator[Result]:
    """K8S-NET-002: ``policyTypes`` written, and naming every direction that has rules."""
    obj, spec = policy
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
class EgressPortsParams(NamedTuple):
    """``ports``: the rule reports open egress restricted to listed ports (True, the
    ``open-destination`` rule) or open on every port (False, ``open-all``)."""

    ports: bool = True


@check(
    "K8S-NET-003.open-all",
    "K8S-NET-003.open-destination",
    target="kubernetes.object",
    params=EgressPortsParams,
)
@located_on(_policy_spec)
def egress_open(target: Target, rule: Rule, ctx: Context, policy: ObjectSpec) -> Iterator[Result]:
    """K8S-NET-003: egress rules open to every destination (``open-destination``/``open-all``)."""
    obj, spec = policy
    want_ports = params_of(rule, EgressPortsParams).ports
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


@check("K8S-NET-004.open-dns", target="kubernetes.object")
@located_on(_policy_spec)
def dns_open(target: Target, rule: Rule, ctx: Context, policy: ObjectSpec) -> Iterator[Result]:
    """K8S-NET-004.open-dns: an open egress rule that lists port 53."""
    obj, spec = policy
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


@check("K8S-NET-004.udp-only", target="kubernetes.object")
@located_on(_policy_spec)
def dns_udp_only(target: Target, rule: Rule, ctx: Context, policy: ObjectSpec) -> Iterator[Result]:
    """K8S-NET-004.udp-only: UDP 53 allowed without TCP 53 to the same peers."""
    obj, spec = policy
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


@check("K8S-NET-005.open-ingress", target="kubernetes.object")
@located_on(_policy_spec)
def ingress_open(target: Target, rule: Rule, ctx: Context, policy: ObjectSpec) -> Iterator[Result]:
    """K8S-NET-005.open-ingress: ingress from every source, outside ingress controllers."""
    obj, spec = policy
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


IMMUTABLE_NS_LABEL = "kubernetes.io/metadata.name"


@check("K8S-NET-005.mutable-ns-label", target="kubernetes.object")
@located_on(_policy_spec)
def mutable_ns_label(
    target: Target, rule: Rule, ctx: Context, policy: ObjectSpec
) -> Iterator[Result]:
    """K8S-NET-005.mutable-ns-label: namespace peers keyed on labels owners can set."""
    obj, spec = policy
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


@check("K8S-NET-005.split-peer", target="kubernetes.object")
@located_on(_policy_spec)
def split_peer(target: Target, rule: Rule, ctx: Context, policy: ObjectSpec) -> Iterator[Result]:
    """K8S-NET-005.split-peer: namespace and pod conditions in separate (ORed) peers."""
    obj, spec = policy
    for base, r, key in _peer_lists(spec):
        peers = list(_mappings(r, key))
        ns_only = any(set(p) == {"namespaceSelector"} for _, p in peers)
        if not ns_only:
            continue
        for j, p in peers:
            if set(p) == {"podSelector"}:
                yield Result(path=obj.sub(*base, key, j))
