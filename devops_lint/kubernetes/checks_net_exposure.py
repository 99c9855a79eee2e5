"""Checks of standards section 3.1 on Services and Ingresses (K8S-NET-007, -008)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from ..model import Result, Target, Unresolved
from ..registry import check, params_of
from .network_index import (
    NET_GROUPS,
    WORLD_CIDRS,
    ObjectSpec,
    _negate,
    _obj,
    located_on,
)
from .objects import K8sObject
from .selectors import Tri, in_api_groups, tri_all, tri_any

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


# ---------------------------------------------------------------- K8S-NET-007
def _service_spec(target: Target) -> ObjectSpec | None:
    obj = _obj(target)
    # applies_to: kind Service (of the core group, not a CRD of the same kind)
    if obj is None or not in_api_groups(obj.data.get("apiVersion"), ("",)):
        return None
    spec = obj.data.get("spec")
    return ObjectSpec(obj, spec) if isinstance(spec, dict) else None


@check("K8S-NET-007.node-port", target="kubernetes.object")
@located_on(_service_spec)
def node_port(target: Target, rule: Rule, ctx: Context, service: ObjectSpec) -> Iterator[Result]:
    """K8S-NET-007.node-port: ``type: NodePort``."""
    obj, spec = service
    t = spec.get("type")
    if isinstance(t, Unresolved):
        yield Result(path=obj.sub("spec", "type"), unresolved=True)
    elif t == "NodePort":
        yield Result(path=obj.sub("spec", "type"))


class PublicLbParams(NamedTuple):
    """``internal_annotations``: annotation → value (lower case) that makes a cloud's load
    balancer internal."""

    internal_annotations: dict[str, str]


def _internal_lb(obj: K8sObject, internal_annotations: dict[str, str]) -> Tri:
    ann = obj.metadata.get("annotations")
    if isinstance(ann, Unresolved):
        return None
    if not isinstance(ann, dict):
        return False
    results: list[Tri] = []
    for key, want in internal_annotations.items():
        if key not in ann:
            continue
        v = ann[key]
        results.append(None if isinstance(v, Unresolved) else str(v).strip().lower() == want)
    return tri_any(results)


@check("K8S-NET-007.public-lb", target="kubernetes.object", params=PublicLbParams)
@located_on(_service_spec)
def public_lb(target: Target, rule: Rule, ctx: Context, service: ObjectSpec) -> Iterator[Result]:
    """K8S-NET-007.public-lb: internet-facing LoadBalancer open to every source address."""
    obj, spec = service
    t = spec.get("type")
    if t != "LoadBalancer" and not isinstance(t, Unresolved):
        return
    internal = _internal_lb(obj, params_of(rule, PublicLbParams).internal_annotations)
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


@check("K8S-NET-007.external-ips", target="kubernetes.object")
@located_on(_service_spec)
def external_ips(target: Target, rule: Rule, ctx: Context, service: ObjectSpec) -> Iterator[Result]:
    """K8S-NET-007.external-ips: ``spec.externalIPs`` set (CVE-2020-8554)."""
    obj, spec = service
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
    obj = _obj(target)  # applies_to: kind Ingress
    if obj is None:
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


@check("K8S-NET-008.no-tls", target="kubernetes.object")
@located_on(_ingress)
def ingress_tls(target: Target, rule: Rule, ctx: Context, obj: K8sObject) -> Iterator[Result]:
    """K8S-NET-008.no-tls: a rule host not covered by ``spec.tls[].hosts``."""
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


@check("K8S-NET-008.snippet", target="kubernetes.object")
@located_on(_ingress)
def ingress_snippet(target: Target, rule: Rule, ctx: Context, obj: K8sObject) -> Iterator[Result]:
    """K8S-NET-008.snippet: NGINX snippet annotations."""
    ann = obj.metadata.get("annotations")
    if not isinstance(ann, dict):
        return
    for key in ann:
        k = str(key)
        if k.startswith(NGINX_PREFIX) and k.endswith(SNIPPET_SUFFIXES):
            yield Result(path=obj.sub("metadata", "annotations", key), key=True, args={"key": k})
