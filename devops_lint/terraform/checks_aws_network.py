"""Checks of the network controls TF-AWS-015 … TF-AWS-017 (standards 4.4, hashicorp/aws v5).

Each function is ``fn(target, rule, ctx) -> Iterable[Result]`` on ``terraform.resource``.

TF-AWS-015 reads three spellings of an ingress rule: ``ingress`` blocks of
``aws_security_group``, ``aws_security_group_rule`` with ``type = "ingress"`` and
``aws_vpc_security_group_ingress_rule``. Each (rule, world CIDR) pair gets one
outcome with the first matching ID of ``all`` → ``admin`` → ``data`` → ``other``
(the rule files pass ``params.kind``). Protocol ``-1``/``all`` means every port; for
tcp/udp a rule covers port p when ``from_port ≤ p ≤ to_port`` and ``0``-``65535`` is
every port; ICMP and other protocols carry no ports (their ``from_port``/``to_port``
are ICMP type and code) and count as ``other``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import UNRESOLVED_KEY, Result, Span, Unresolved
from ..registry import check, params_of
from .aws_common import arg_result, is_world_cidr, refs_to
from .aws_net_common import as_int, entry_span, lower
from .common import known, port_settings, resource_of
from .expr import Expr, Ref, references
from .module import modules_of
from .objects import Resource
from .resolve import value_references

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

WEB_PORTS = frozenset({80, 443})
KINDS = ("all", "admin", "data", "other")
ALL_PROTOCOLS = frozenset({"-1", "all"})
PORT_PROTOCOLS = frozenset({"tcp", "udp", "6", "17"})
CIDR_ATTRIBUTES = frozenset({"cidr_block", "ipv6_cidr_block"})


# -- TF-AWS-015 ---------------------------------------------------------------------------


@dataclass
class IngressRule:
    """One ingress rule, whichever resource spells it."""

    resource: Resource
    base: tuple[str | int, ...]  # path of the rule inside the resource ("ingress", 0) or ()
    protocol: Any
    from_port: Any
    to_port: Any
    cidr_args: tuple[str, ...]  # arguments holding CIDRs


# Where each resource type writes the CIDRs of a rule.
SG_CIDR_ARGS = ("cidr_blocks", "ipv6_cidr_blocks")
VPC_RULE_CIDR_ARGS = ("cidr_ipv4", "cidr_ipv6")


def _read_rule(
    r: Resource,
    base: tuple[str | int, ...],
    spec: dict[str, Any],
    protocol_arg: str,
    cidr_args: tuple[str, ...],
) -> IngressRule:
    ports = spec.get("from_port"), spec.get("to_port")
    return IngressRule(r, base, spec.get(protocol_arg), *ports, cidr_args)


def _ingress_rules(r: Resource) -> Iterator[IngressRule]:
    data = r.data
    if r.type == "aws_security_group":
        raw = data.get("ingress")
        for i, b in enumerate(raw if isinstance(raw, list) else []):
            if isinstance(b, dict):
                yield _read_rule(r, ("ingress", i), b, "protocol", SG_CIDR_ARGS)
        # ``ingress = [{...}]`` (attribute syntax) is read the same way.
    elif r.type == "aws_security_group_rule":
        yield _read_rule(r, (), data, "protocol", SG_CIDR_ARGS)
    elif r.type == "aws_vpc_security_group_ingress_rule":
        yield _read_rule(r, (), data, "ip_protocol", VPC_RULE_CIDR_ARGS)


def _possible_kinds(
    rule: IngressRule, admin: frozenset[int], data_ports: frozenset[int]
) -> tuple[str, ...]:
    """The IDs the rule's ports can match, in order; one item when the ports resolve.

    ``()`` means the rule admits only 80/443 (exempt).
    """
    proto = lower(rule.protocol)
    if proto is None:
        return KINDS  # unresolved protocol: anything
    if proto in ALL_PROTOCOLS:
        return ("all",)
    if proto not in PORT_PROTOCOLS:
        return ("other",)  # ICMP (type/code, not ports) and other protocols
    lo, hi = as_int(rule.from_port), as_int(rule.to_port)
    if lo is None or hi is None:
        return KINDS
    if lo > hi:
        lo, hi = hi, lo
    if lo <= 0 and hi >= 65535:
        return ("all",)
    if any(lo <= p <= hi for p in admin):
        return ("admin",)
    if any(lo <= p <= hi for p in data_ports):
        return ("data",)
    if lo == hi and lo in WEB_PORTS:
        return ()
    return ("other",)


def _cidr_value(r: Resource, value: Any) -> Any:
    """A CIDR argument, following ``aws_vpc.x.cidr_block``-style references to literals."""
    if not isinstance(value, Unresolved):
        return value
    refs = value_references(value)
    if len(refs) != 1 or getattr(value, "expr", None) is not refs[0]:
        return value
    ref = refs[0]
    if ref.attribute_after_address() not in CIDR_ATTRIBUTES:
        return value
    attr = str(ref.attribute_after_address())
    found = r.module.find(ref)
    if len(found) == 1:
        only = found[0].data.get(attr)
        if isinstance(only, str) and known(only):
            return only
    return value


def _cidr_entries(rule: IngressRule) -> Iterator[tuple[Any, tuple[str | int, ...], Span | None]]:
    """(CIDR value, argument path, entry span) for every CIDR the rule admits."""
    r = rule.resource
    holder: Any = r.data
    for part in rule.base:
        if isinstance(part, int):
            holder = holder[part] if isinstance(holder, list) and part < len(holder) else None
        else:
            holder = holder.get(part) if isinstance(holder, dict) else None
    for arg in rule.cidr_args:
        value = holder.get(arg) if isinstance(holder, dict) else None
        parts = (*rule.base, arg)
        if value is None:
            continue
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield _cidr_value(r, item), parts, entry_span(r, parts, i)
        else:
            yield _cidr_value(r, value), parts, None


def _is_ingress(rule: IngressRule) -> bool | None:
    if rule.resource.type != "aws_security_group_rule":
        return True
    kind = lower(rule.resource.data.get("type"))
    if kind is None:
        return None
    return kind == "ingress"


class WorldIngressParams(NamedTuple):
    """Which ingress class the rule reports: admin, data, all or other."""

    kind: str


@check(
    "TF-AWS-015.world-admin-port",
    "TF-AWS-015.world-all-ports",
    "TF-AWS-015.world-data-port",
    "TF-AWS-015.world-other-port",
    target="terraform.resource",
    params=WorldIngressParams,
)
def world_ingress(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-015.world-<kind>: world CIDR ingress matching ``params.kind`` first."""
    r = resource_of(target)
    want = params_of(rule, WorldIngressParams).kind
    admin, data_ports = port_settings(ctx)
    for ing in _ingress_rules(r):
        kinds = _possible_kinds(ing, admin, data_ports)
        if not kinds or want not in kinds:
            continue
        ingress = _is_ingress(ing)
        if ingress is False:
            continue
        # Undecided ports: one unresolved outcome, under the first ID they could match.
        decided = len(kinds) == 1 and ingress is True
        if len(kinds) > 1 and kinds[0] != want:
            continue
        for value, parts, span in _cidr_entries(ing):
            if known(value):
                if not is_world_cidr(value):
                    continue
                unresolved = not decided
            else:
                unresolved = True
            res = arg_result(
                r,
                *parts,
                unresolved=unresolved,
                args={"cidr": str(value), "ports": _describe(ing)},
            )
            if span is not None:
                res.span = span
            yield res


def _describe(rule: IngressRule) -> str:
    proto = lower(rule.protocol)
    if proto in ALL_PROTOCOLS:
        return "all traffic"
    if proto is None:
        return f"protocol {rule.protocol}"
    if proto not in PORT_PROTOCOLS:
        return f"protocol {proto}"
    proto = {"6": "tcp", "17": "udp"}.get(proto, proto)
    lo, hi = rule.from_port, rule.to_port
    return f"{proto} port {lo}" if lo == hi else f"{proto} ports {lo}-{hi}"


# -- TF-AWS-016 ---------------------------------------------------------------------------


def _default_groups(vpc: Resource) -> tuple[list[Resource], bool]:
    """(default security groups managing ``vpc``, another one whose VPC is unknown)."""
    managing: list[Resource] = []
    undecided = False
    for group in vpc.module.resources_of_type("aws_default_security_group"):
        value = group.data.get("vpc_id")
        if value is None:
            continue  # manages the region's default VPC
        if vpc in refs_to(vpc.module, value, "aws_vpc"):
            managing.append(group)
        elif not known(value) and not refs_to(vpc.module, value, "aws_vpc"):
            undecided = True
    return managing, undecided


@check("TF-AWS-016.unmanaged", target="terraform.resource")
def default_sg_unmanaged(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-016.unmanaged: an ``aws_vpc`` without an ``aws_default_security_group``."""
    vpc = resource_of(target)
    managing, undecided = _default_groups(vpc)
    if not managing:
        yield arg_result(vpc, unresolved=undecided)


@check("TF-AWS-016.has-rules", target="terraform.resource")
def default_sg_rules(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-016.has-rules: each ``ingress``/``egress`` rule of a default security group."""
    group = resource_of(target)
    body = group.block.body
    for name in ("ingress", "egress"):
        for b in body.blocks_of(name):
            yield Result(doc=group.doc, span=b.header, locator=group.address, args={"kind": name})
        for b in body.blocks_of("dynamic"):
            if not b.labels or b.labels[0] != name:
                continue
            fe = b.body.get("for_each")
            coll = group.resolve(fe) if fe is not None else None
            if isinstance(coll, (list, dict)) and not coll:
                continue
            decided = (isinstance(coll, dict) and UNRESOLVED_KEY not in coll) or (
                isinstance(coll, list) and not any(isinstance(v, Unresolved) for v in coll)
            )
            yield Result(
                doc=group.doc,
                span=b.header,
                locator=group.address,
                unresolved=not decided,
                args={"kind": name},
            )
        attr = body.attributes.get(name)
        if attr is not None:
            value = group.data.get(name)
            if isinstance(value, list) and not value:
                continue
            yield arg_result(
                group, name, unresolved=not isinstance(value, list), args={"kind": name}
            )


# -- TF-AWS-017 ---------------------------------------------------------------------------


def _var_name(expr: Expr | None) -> str | None:
    if isinstance(expr, Ref) and expr.root == "var" and len(expr.parts) == 2:
        return str(expr.parts[1])
    return None


def _module_flow_logs(vpc: Resource, ctx: Context) -> Iterator[tuple[Resource, Any]]:
    """(flow log, traffic type) of local child modules that receive ``vpc`` as their VPC.

    A call ``module "x" { vpc_id = aws_vpc.main.id }`` of a scanned local module whose
    ``aws_flow_log`` sets ``vpc_id = var.vpc_id`` logs that VPC; a ``traffic_type``
    written as a variable takes the caller's argument.
    """
    modules = modules_of(ctx.project, ctx)
    for call in vpc.module.module_calls.values():
        callee = modules.get(call.local_dir or "")
        if callee is None or callee is vpc.module:
            continue
        for log in callee.resources_of_type("aws_flow_log"):
            arg = _var_name(log.expr("vpc_id"))
            given = call.block.body.get(arg) if arg else None
            if given is None or not any(
                ref.resource_address() == vpc.path for ref in references(given)
            ):
                continue
            traffic_var = _var_name(log.expr("traffic_type"))
            passed = call.block.body.get(traffic_var) if traffic_var else None
            traffic = vpc.module.resolve(passed) if passed is not None else None
            yield log, traffic if passed is not None else log.data.get("traffic_type")


CAPTURES = frozenset({"all", "reject"})


@check("TF-AWS-017", target="terraform.resource")
def flow_logs(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-017: every ``aws_vpc`` is the ``vpc_id`` of a flow log capturing ALL/REJECT."""
    vpc = resource_of(target)
    module = vpc.module
    undecided_vpc = False
    candidates: list[Resource] = []
    for log in module.resources_of_type("aws_flow_log"):
        value = log.data.get("vpc_id")
        if value is None:
            continue
        if vpc in refs_to(module, value, "aws_vpc"):
            candidates.append(log)
        elif not known(value) and not refs_to(module, value, "aws_vpc"):
            undecided_vpc = True
    outcomes: list[Result] = []
    passed = [(log, log.data.get("traffic_type")) for log in candidates]
    passed.extend(_module_flow_logs(vpc, ctx))
    for log, traffic in passed:
        kind = lower(traffic)
        if traffic is not None and kind is None:
            outcomes.append(arg_result(log, "traffic_type", unresolved=True))
        elif kind in CAPTURES:
            return  # a flow log capturing ALL or REJECT
        elif traffic is None:
            outcomes.append(arg_result(log))  # traffic_type is required; ALL/REJECT missing
        else:
            outcomes.append(arg_result(log, "traffic_type"))
    if outcomes:
        yield from outcomes
        return
    yield arg_result(vpc, unresolved=undecided_vpc)
