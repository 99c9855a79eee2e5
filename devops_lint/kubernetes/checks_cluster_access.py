"""Cluster access managed outside the manifests' RBAC objects (K8S-RBAC-001, -007):
EKS access policy associations in Terraform and the ``aws-auth`` ConfigMap (as a
manifest or a Terraform resource)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import JsonPath, Result, Span, Target, Unresolved
from ..registry import check
from .selectors import Tri, tri_all

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


EKS_CLUSTER_ADMIN = "AmazonEKSClusterAdminPolicy"


@check("K8S-RBAC-001.eks-access-policy", target="kubernetes.terraform_resource")
def eks_cluster_admin(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-RBAC-001.eks-access-policy: cluster-wide AmazonEKSClusterAdminPolicy association."""
    body = target.data  # applies_to: type aws_eks_access_policy_association
    if not isinstance(body, dict):
        return
    arn = body.get("policy_arn")
    if not isinstance(arn, str) or EKS_CLUSTER_ADMIN not in arn:
        return
    scopes = body.get("access_scope")
    scope = scopes[0] if isinstance(scopes, list) and scopes else None
    kind = scope.get("type") if isinstance(scope, dict) else None
    if isinstance(kind, Unresolved):
        cluster: Tri = None
    else:
        cluster = kind == "cluster"
    if cluster is False:
        return
    principal = body.get("principal_arn")
    allow = ctx.settings.get("cluster_admin_allowlist") or []
    if isinstance(principal, Unresolved):
        allowed: Tri = None if allow else False
    else:
        allowed = principal in allow
    outcome = tri_all([cluster, None if allowed is None else not allowed])
    if outcome is False:
        return
    yield Result(
        path=(*target.path, "policy_arn"),
        unresolved=outcome is None,
        args={"principal": principal},
    )


SYSTEM_MASTERS = "system:masters"


def _text_line(target: Target, path: JsonPath, needle: str) -> Span | None:
    """Where ``needle`` is written inside the value at ``path`` (comment lines skipped)."""
    doc = target.doc
    span = doc.span(path)
    lines = doc.text.splitlines()
    for n in range(span.line, min(span.end_line, len(lines)) + 1):
        text = lines[n - 1]
        if text.lstrip().startswith(("#", "//")):
            continue
        col = text.find(needle)
        if col >= 0:
            return Span(n, col + 1, n, col + len(needle))
    return None


def _maps_masters(text: str) -> Tri:
    """Whether an ``aws-auth`` mapRoles/mapUsers YAML string puts anyone in system:masters."""
    from ..model import ParseError
    from ..yamlload import load_plain

    try:
        entries = load_plain(text)
    except (ParseError, RecursionError):
        return SYSTEM_MASTERS in text
    if not isinstance(entries, list):
        return False
    for e in entries:
        groups = e.get("groups") if isinstance(e, dict) else None
        if isinstance(groups, list) and SYSTEM_MASTERS in groups:
            return True
    return False


@check("K8S-RBAC-007.system-masters", target="kubernetes.aws_auth")
def system_masters(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-RBAC-007.system-masters: an ``aws-auth`` identity mapped to system:masters."""
    data = target.data
    if target.doc.format != "kubernetes":
        # Terraform: mapRoles is usually yamlencode(...) or a heredoc; the group name is
        # a literal inside it, found in the attribute's source text.
        span = _text_line(target, target.path, SYSTEM_MASTERS)
        if span is not None:
            yield Result(span=span)
        return
    if not isinstance(data, dict):
        return
    for key in ("mapRoles", "mapUsers"):
        value = data.get(key)
        if not isinstance(value, str):
            continue
        path = (*target.path, key)
        if isinstance(value, Unresolved) and SYSTEM_MASTERS not in value:
            yield Result(path=path, unresolved=True)  # a templated mapping could hold it
            continue
        hit = SYSTEM_MASTERS in value if isinstance(value, Unresolved) else _maps_masters(value)
        if hit:
            yield Result(span=_text_line(target, path, SYSTEM_MASTERS) or target.doc.span(path))
