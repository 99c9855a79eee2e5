"""Checks of TF-AWS-023 … TF-AWS-027 (standards 4.6: logging, keys, registries, load balancers).

Each function is ``fn(target, rule, ctx) -> Iterable[Result]`` on ``terraform.resource``.
Provider defaults relied on (hashicorp/aws v5): CloudTrail ``is_multi_region_trail``
and ``enable_log_file_validation`` false, ``enable_logging`` true; KMS
``enable_key_rotation`` false and ``customer_master_key_spec`` ``SYMMETRIC_DEFAULT``;
log groups never expire and use no CMK unless told; ECR ``image_tag_mutability``
``MUTABLE``, ``scan_on_push`` false, ``encryption_type`` ``AES256``; listener
``protocol`` ``HTTP`` on application load balancers and ``ssl_policy``
``ELBSecurityPolicy-2016-08`` (TLS 1.0+).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import Result
from ..registry import check
from .aws_common import arg_result, first_block, refs_to
from .aws_net_common import (
    as_int,
    indexed_blocks,
    lower,
    policy_results,
    policy_source,
    require,
    run_resources,
    starts_with,
    unresolved_when,
)
from .common import as_bool, known, resource_of
from .expr import Template
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

TLS12_POLICY = re.compile(r"^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)")
EKS_AUDIT_GROUP = re.compile(r"^/aws/eks/[^/]+/cluster$")
EKS_PREFIX = "/aws/eks/"
DEFAULT_SSL_POLICY = "ELBSecurityPolicy-2016-08"


# -- TF-AWS-023 ---------------------------------------------------------------------------


@check("TF-AWS-023.kms", "TF-AWS-025.kms", target="terraform.resource")
def kms_key(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-023.kms (trails) / TF-AWS-025.kms (log groups): no ``kms_key_id``."""
    r = resource_of(target)
    yield from require(r, ("kms_key_id",), _non_empty, judge_unresolved=True)


def _non_empty(value: Any) -> bool | None:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


# -- TF-AWS-024 ---------------------------------------------------------------------------


@check("TF-AWS-024.rotation", target="terraform.resource")
def kms_rotation(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-024.rotation: a symmetric key without ``enable_key_rotation = true``."""
    r = resource_of(target)
    spec = r.data.get("customer_master_key_spec")
    symmetric = True if spec is None else (None if not known(spec) else spec == "SYMMETRIC_DEFAULT")
    if symmetric is False:
        return
    results = require(r, ("enable_key_rotation",), as_bool, default=False)
    yield from unresolved_when(symmetric is None, results)


@check("TF-AWS-024.wildcard-principal", "TF-AWS-026.public-policy", target="terraform.resource")
def wildcard_principal_policy(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """A resource ``policy`` allowing ``Principal: "*"`` unconditionally: a KMS key policy
    (TF-AWS-024.wildcard-principal) or an ECR repository policy (TF-AWS-026.public-policy,
    critical)."""
    r = resource_of(target)
    src = policy_source(r, "policy")
    if src is not None:
        yield from policy_results(src)


# -- TF-AWS-025 ---------------------------------------------------------------------------


def _minimums(ctx: Context) -> tuple[int, int]:
    regular = as_int(ctx.settings.get("min_log_retention_days")) or 90
    audit = as_int(ctx.settings.get("min_audit_log_retention_days")) or 365
    return regular, max(regular, audit)


def _is_audit_group(r: Resource, ctx: Context) -> bool | None:
    """EKS control-plane groups and CloudTrail targets are audit logs; None when unknown."""
    for trail in run_resources(ctx, "aws_cloudtrail"):
        if r in refs_to(trail.module, trail.data.get("cloud_watch_logs_group_arn"), r.type):
            return True
    name = r.data.get("name")
    if name is None:
        return False  # name_prefix or generated name: not the EKS group name
    if known(name):
        return isinstance(name, str) and bool(EKS_AUDIT_GROUP.match(name))
    expr = r.expr("name")
    if not isinstance(expr, Template):
        return None
    # Literal parts decide when they fix the pattern: "/aws/eks/${var.c}/cluster" (EKS
    # cluster names hold no "/"), while "/app/${var.x}" can never be the EKS group.
    prefix = ""
    for part in expr.parts:
        if not isinstance(part, str):
            break
        prefix += part
    last = expr.parts[-1] if expr.parts else ""
    if not (EKS_PREFIX.startswith(prefix) or prefix.startswith(EKS_PREFIX)):
        return False
    if prefix.startswith(EKS_PREFIX) and isinstance(last, str) and last.endswith("/cluster"):
        return True
    return None


@check("TF-AWS-025.retention", target="terraform.resource")
def log_retention(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-025.retention: absent, or 1 … minimum-1 days (0 = never expire passes)."""
    r = resource_of(target)
    regular, audit = _minimums(ctx)
    value = r.data.get("retention_in_days")
    if value is None:
        minimum = audit if _is_audit_group(r, ctx) else regular
        yield arg_result(r, args={"days": "absent", "minimum": minimum})
        return
    days = as_int(value)
    if days is None:
        yield arg_result(r, "retention_in_days", unresolved=True, args={"days": str(value)})
        return
    if days <= 0 or days >= audit:
        return
    args = {"days": days, "minimum": regular}
    if days < regular:
        yield arg_result(r, "retention_in_days", args=args)
        return
    is_audit = _is_audit_group(r, ctx)
    args["minimum"] = audit
    if is_audit is None:
        yield arg_result(r, "retention_in_days", unresolved=True, args=args)
    elif is_audit:
        yield arg_result(r, "retention_in_days", args=args)


@check("TF-AWS-025.eks-log-group-undeclared", target="terraform.resource")
def eks_log_group(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-025.eks-log-group-undeclared: logging on, ``/aws/eks/<name>/cluster`` not declared."""
    cluster = resource_of(target)
    types = cluster.data.get("enabled_cluster_log_types")
    if types is None or types == []:
        return
    logging_known = isinstance(types, list) and any(known(t) for t in types)
    groups = cluster.module.resources_of_type("aws_cloudwatch_log_group")
    where = ("enabled_cluster_log_types",)
    name = cluster.data.get("name")
    name_known = isinstance(name, str) and known(name)
    wanted = f"/aws/eks/{name}/cluster" if name_known else "/aws/eks/<cluster name>/cluster"
    if not groups:
        yield arg_result(cluster, *where, unresolved=not logging_known, args={"group": wanted})
        return
    if not name_known:
        yield arg_result(cluster, *where, unresolved=True, args={"group": wanted})
        return
    undecided = not logging_known
    for group in groups:
        group_name = group.data.get("name")
        if isinstance(group_name, str) and known(group_name):
            if group_name == wanted:
                return
        elif group_name is not None:
            undecided = True
    yield arg_result(cluster, *where, unresolved=undecided, args={"group": wanted})


# -- TF-AWS-026 ---------------------------------------------------------------------------


@check("TF-AWS-026.mutable-tags", target="terraform.resource")
def ecr_mutable(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-026.mutable-tags: ``image_tag_mutability`` not ``IMMUTABLE``."""
    r = resource_of(target)
    yield from require(r, ("image_tag_mutability",), starts_with("immutable"), default="MUTABLE")


def _registry_scanning(ctx: Context) -> bool:
    return bool(run_resources(ctx, "aws_ecr_registry_scanning_configuration"))


@check("TF-AWS-026.no-scan", target="terraform.resource")
def ecr_scan(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-026.no-scan (low): no scan on push and no registry scanning configuration."""
    r = resource_of(target)
    if _registry_scanning(ctx):
        return
    where = ("image_scanning_configuration", 0, "scan_on_push")
    yield from require(r, where, as_bool, default=False)


@check("TF-AWS-026.no-kms", target="terraform.resource")
def ecr_kms(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-026.no-kms (low): no ``encryption_configuration { encryption_type = "KMS" }``."""
    r = resource_of(target)
    where = ("encryption_configuration", 0, "encryption_type")
    yield from require(r, where, starts_with("kms"), default="AES256")


# -- TF-AWS-027 ---------------------------------------------------------------------------


def _lb_type(listener: Resource) -> str | None:
    """The listener's load balancer type (``application`` default); None when unknown."""
    value = listener.data.get("load_balancer_arn")
    found = [
        *refs_to(listener.module, value, "aws_lb"),
        *refs_to(listener.module, value, "aws_alb"),
    ]
    if not found:
        return None
    kinds = {lower(lb.data.get("load_balancer_type", "application")) for lb in found}
    if len(kinds) == 1:
        return kinds.pop()
    return None


def _protocol(listener: Resource) -> tuple[str | None, bool]:
    """(upper-case protocol, decided?) with the ALB default ``HTTP`` for an absent one."""
    value = listener.data.get("protocol")
    if value is not None:
        text = lower(value)
        return (text.upper(), True) if text is not None else (None, False)
    kind = _lb_type(listener)
    if kind == "application":
        return "HTTP", True
    if kind is None:
        return "HTTP", False
    return None, True  # network/gateway load balancers: protocol required or absent


@check("TF-AWS-027.weak-policy", target="terraform.resource")
def weak_tls_policy(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-027.weak-policy: an HTTPS/TLS listener without a TLS 1.2+ ``ssl_policy``."""
    r = resource_of(target)
    proto, decided = _protocol(r)
    if decided and proto not in ("HTTPS", "TLS"):
        return
    if proto == "HTTP":
        return  # an absent protocol defaults to HTTP (TF-AWS-027.http-forward's concern)
    policy = r.data.get("ssl_policy")

    def ok(value: Any) -> bool | None:
        if not known(value):
            return None
        return isinstance(value, str) and bool(TLS12_POLICY.match(value))

    shown = DEFAULT_SSL_POLICY + " (provider default)" if policy is None else str(policy)
    yield from unresolved_when(not decided, require(r, ("ssl_policy",), ok, args={"policy": shown}))


def _redirects_https(action: dict[str, Any]) -> bool | None:
    kind = lower(action.get("type"))
    if kind is None:
        return None
    if kind != "redirect":
        return False
    redirect = first_block(action, "redirect")
    if redirect is None:
        return False
    proto = redirect.get("protocol")
    if proto is None:
        return False  # "#{protocol}" keeps HTTP
    text = lower(proto)
    return None if text is None else text == "https"


@check("TF-AWS-027.http-forward", target="terraform.resource")
def http_forward(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-027.http-forward: an HTTP listener whose default action is not an HTTPS redirect."""
    r = resource_of(target)
    proto, decided = _protocol(r)
    if decided and proto != "HTTP":
        return
    undecided_proto = not decided
    for i, action in indexed_blocks(r.data, "default_action"):
        verdict = _redirects_https(action)
        if verdict is True:
            continue
        kind = lower(action.get("type"))
        if kind == "redirect":
            redirect = first_block(action, "redirect")
            where: tuple[str | int, ...] = ("default_action", i, "redirect", 0, "protocol")
            if redirect is None:
                where = ("default_action", i)
        else:
            where = ("default_action", i, "type")
        yield arg_result(
            r,
            *where,
            unresolved=verdict is None or undecided_proto,
            args={"action": str(action.get("type"))},
        )
