"""Checks of the EKS controls TF-AWS-001 … TF-AWS-005 (standards 4.1, hashicorp/aws v5).

Each function is ``fn(target, rule, ctx) -> Iterable[Result]`` on ``terraform.resource``
and is named by a rule file in ``rules/terraform/``. Provider defaults relied on:
``endpoint_public_access`` true, ``endpoint_private_access`` false,
``public_access_cidrs`` ``["0.0.0.0/0"]``, no control-plane logs, no secrets encryption.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import Result, Unresolved
from ..registry import check, params_of
from .aws_common import (
    arg_result,
    aws_managed_key,
    blocks,
    first_block,
    is_world_cidr,
    item_span,
    major_minor,
    refs_to,
)
from .common import EndpointParams, any_true, as_bool, known, resource_of
from .module import Module
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
AUDIT_TYPES = ("audit", "authenticator")
ROUTE_DESTINATIONS = (
    "cidr_block",
    "ipv6_cidr_block",
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
)


# -- TF-AWS-001 ---------------------------------------------------------------------------


def _endpoint_exposure(cluster: Resource) -> tuple[str | None, bool]:
    """(``"world"``/``"restricted"``/``None`` when private, unresolved?) of the public endpoint."""
    vpc = first_block(cluster.data, "vpc_config") or {}
    public = vpc.get("endpoint_public_access", True)
    public_on = as_bool(public) if public is not None else True
    cidrs = vpc.get("public_access_cidrs")
    if cidrs is None or cidrs == []:
        exposure = "world"  # provider default 0.0.0.0/0
    elif isinstance(cidrs, list):
        exposure = "world" if any(is_world_cidr(c) for c in cidrs) else "restricted"
    else:
        exposure = "restricted"  # unresolved CIDRs: public, but not provably world-open
    if public_on is False:
        return None, False
    return exposure, public_on is None


@check(
    "TF-AWS-001.public-restricted",
    "TF-AWS-001.public-world",
    target="terraform.resource",
    params=EndpointParams,
)
def public_endpoint(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-001.public-world / .public-restricted (``params.exposure``)."""
    cluster = resource_of(target)
    exposure, unresolved = _endpoint_exposure(cluster)
    if exposure != params_of(rule, EndpointParams).exposure:
        return
    vpc_given = first_block(cluster.data, "vpc_config") is not None
    where = ("vpc_config", 0, "endpoint_public_access") if vpc_given else ()
    yield arg_result(cluster, *where, unresolved=unresolved)


@check("TF-AWS-001.private-off", target="terraform.resource")
def private_endpoint(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-001.private-off: ``endpoint_private_access`` false or absent."""
    cluster = resource_of(target)
    vpc = first_block(cluster.data, "vpc_config")
    if vpc is None:
        yield arg_result(cluster)
        return
    value = vpc.get("endpoint_private_access")
    where = ("vpc_config", 0, "endpoint_private_access")
    if value is None:
        yield arg_result(cluster, *where)
        return
    on = as_bool(value)
    if on is None:
        yield arg_result(cluster, *where, unresolved=True)
    elif not on:
        yield arg_result(cluster, *where)


# -- TF-AWS-002 ---------------------------------------------------------------------------


class LogGroupParams(NamedTuple):
    """Audit (audit/authenticator log types) or other (the rest)."""

    group: str


@check(
    "TF-AWS-002.missing-audit",
    "TF-AWS-002.missing-types",
    target="terraform.resource",
    params=LogGroupParams,
)
def log_types(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-002.missing-audit (audit/authenticator) / .missing-types (the others only)."""
    cluster = resource_of(target)
    value = cluster.data.get("enabled_cluster_log_types")
    audit_rule = params_of(rule, LogGroupParams).group == "audit"
    if value is not None and not isinstance(value, list):
        if audit_rule:
            message = f"{cluster.address}: enabled_cluster_log_types {value} cannot be resolved"
            yield arg_result(cluster, "enabled_cluster_log_types", unresolved=True, message=message)
        return
    present = [v for v in value or [] if isinstance(v, str) and known(v)]
    unknown = any(not known(v) for v in value or [])
    missing = [t for t in LOG_TYPES if t not in present]
    missing_audit = [t for t in missing if t in AUDIT_TYPES]
    if audit_rule:
        if not missing_audit:
            return
        args = {"missing": ", ".join(missing_audit), "all_missing": ", ".join(missing)}
    else:
        # Reported only when audit and authenticator are on (else missing-audit names all).
        if not missing or missing_audit:
            return
        args = {"missing": ", ".join(missing), "all_missing": ", ".join(missing)}
    yield arg_result(cluster, "enabled_cluster_log_types", unresolved=unknown, args=args)


# -- TF-AWS-003 ---------------------------------------------------------------------------


@check("TF-AWS-003", target="terraform.resource")
def secrets_encryption(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-003: ``encryption_config`` for ``secrets`` with a customer-managed key."""
    cluster = resource_of(target)
    configs = blocks(cluster.data, "encryption_config")
    if not configs:
        yield arg_result(cluster, args={"problem": "no encryption_config block"})
        return
    outcomes: list[Result] = []
    for i, cfg in enumerate(configs):
        resources = cfg.get("resources")
        if isinstance(resources, list) and "secrets" in resources:
            key = (first_block(cfg, "provider") or {}).get("key_arn")
            where = ("encryption_config", i, "provider", 0, "key_arn")
            if key is None:
                outcomes.append(
                    arg_result(
                        cluster, *where, args={"problem": "the provider block has no key_arn"}
                    )
                )
            elif aws_managed_key(cluster.module, key):
                outcomes.append(
                    arg_result(cluster, *where, args={"problem": "key_arn is an AWS-managed key"})
                )
            else:
                return  # a customer-managed key (literal ARN or aws_kms_key reference)
        elif resources is not None and (
            not isinstance(resources, list) or any(not known(v) for v in resources)
        ):
            outcomes.append(
                arg_result(
                    cluster,
                    "encryption_config",
                    i,
                    "resources",
                    unresolved=True,
                    args={"problem": "resources is unresolved"},
                )
            )
        else:
            outcomes.append(
                arg_result(
                    cluster,
                    "encryption_config",
                    i,
                    "resources",
                    args={"problem": "resources does not list secrets"},
                )
            )
    yield from outcomes[:1]


# -- TF-AWS-004 ---------------------------------------------------------------------------


def _min_version(ctx: Context) -> tuple[int, int]:
    parsed = major_minor(str(ctx.settings.get("min_kubernetes_version", "1.35")))
    return parsed or (1, 35)


@check("TF-AWS-004.outdated", target="terraform.resource")
def version_outdated(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-004.outdated: cluster or node-group ``version`` below the minimum."""
    r = resource_of(target)
    value = r.data.get("version")
    if value is None:
        return
    minimum = _min_version(ctx)
    args = {"version": str(value), "minimum": f"{minimum[0]}.{minimum[1]}"}
    if not known(value):
        if r.type == "aws_eks_node_group" and refs_to(r.module, value, "aws_eks_cluster"):
            return  # follows the cluster's version, which is checked on the cluster
        yield arg_result(r, "version", unresolved=True, args=args)
        return
    parsed = major_minor(value)
    if parsed is None:
        yield arg_result(r, "version", unresolved=True, args=args)
    elif parsed < minimum:
        yield arg_result(r, "version", args=args)


@check("TF-AWS-004.unpinned", target="terraform.resource")
def version_unpinned(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-004.unpinned: cluster without ``version``."""
    cluster = resource_of(target)
    if "version" not in cluster.data:
        yield arg_result(cluster)


# -- TF-AWS-005 ---------------------------------------------------------------------------


@check("TF-AWS-005.open-ssh", target="terraform.resource")
def open_ssh(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-005.open-ssh: ``remote_access`` with a key and no source security groups."""
    ng = resource_of(target)
    for i, ra in enumerate(blocks(ng.data, "remote_access")):
        if ra.get("ec2_ssh_key") is None:
            continue
        groups = ra.get("source_security_group_ids")
        where = ("remote_access", i, "source_security_group_ids")
        if groups is None or groups == []:
            yield arg_result(ng, *where)
        elif not known(groups):
            yield arg_result(ng, *where, unresolved=True)


def _route_public(module: Module, table: Resource) -> bool | None:
    """Whether a route table sends 0.0.0.0/0 or ::/0 to an internet gateway."""
    undecided = False
    routes: list[tuple[dict[str, Any], Resource]] = [
        (r, table) for r in blocks(table.data, "route")
    ]
    for route in module.resources_of_type("aws_route"):
        if route.refers_to(table):
            routes.append((route.data, route))
    for data, _owner in routes:
        dest = [data.get(k) for k in ROUTE_DESTINATIONS]
        gateway = data.get("gateway_id")
        if gateway is None:
            continue
        to_igw = bool(refs_to(module, gateway, "aws_internet_gateway")) or (
            isinstance(gateway, str) and known(gateway) and gateway.startswith("igw-")
        )
        if not to_igw:
            if not known(gateway) and not refs_to(module, gateway, "aws_nat_gateway"):
                undecided = undecided or any(is_world_cidr(d) for d in dest)
            continue
        if any(is_world_cidr(d) for d in dest):
            return True
        if any(d is not None and not known(d) for d in dest):
            undecided = True
    return None if undecided else False


def _subnet_public(module: Module, subnet: Resource) -> bool | None:
    """True when the subnet maps public IPs or routes to an internet gateway."""
    mapping = subnet.data.get("map_public_ip_on_launch")
    if mapping is not None:
        on = as_bool(mapping)
        if on:
            return True
        if on is None:
            return None
    undecided = False
    tables: list[Resource] = []
    associations = module.referencing(subnet, "aws_route_table_association")
    for assoc in associations:
        found = refs_to(module, assoc.data.get("route_table_id"), "aws_route_table")
        undecided = undecided or not found
        tables.extend(found)
    if not associations:
        tables.extend(_main_route_tables(module, subnet))
    verdict = any_true(_route_public(module, table) for table in tables)
    return None if verdict is False and undecided else verdict


def _main_route_tables(module: Module, subnet: Resource) -> list[Resource]:
    """The VPC's main route table, which serves subnets without an explicit association."""
    vpcs = refs_to(module, subnet.data.get("vpc_id"), "aws_vpc")
    out = [
        t
        for t in module.resources_of_type("aws_default_route_table")
        if any(t.refers_to(v, frozenset({"default_route_table_id"})) for v in vpcs)
    ]
    for main in module.resources_of_type("aws_main_route_table_association"):
        if any(main.refers_to(v) for v in vpcs):
            out.extend(refs_to(module, main.data.get("route_table_id"), "aws_route_table"))
    return out


@check("TF-AWS-005.public-subnet", target="terraform.resource")
def public_subnet(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-005.public-subnet: node group subnets that are public (or unknown)."""
    ng = resource_of(target)
    value = ng.data.get("subnet_ids")
    if value is None:
        return
    module = ng.module
    entries: list[tuple[Any, int | None]] = (
        [(v, i) for i, v in enumerate(value)] if isinstance(value, list) else [(value, None)]
    )
    unknown_at: list[int | None] = []
    for entry, index in entries:
        subnets = refs_to(module, entry, "aws_subnet") if isinstance(entry, Unresolved) else []
        if not subnets:
            unknown_at.append(index)  # a variable, data source or literal subnet ID
            continue
        verdicts = [_subnet_public(module, s) for s in subnets]
        if any(verdicts):
            public = next(s for s, v in zip(subnets, verdicts, strict=True) if v)
            span = item_span(ng, ("subnet_ids",), index) if index is not None else None
            res = arg_result(ng, "subnet_ids", args={"subnet": public.address})
            if span is not None:
                res.span = span
            yield res
            return
        if any(v is None for v in verdicts):
            unknown_at.append(index)
    if unknown_at:
        yield arg_result(
            ng,
            "subnet_ids",
            unresolved=True,
            message=f"{ng.address}: cannot tell whether subnets {value} are private",
        )
