"""IAM and Workload Identity Federation checks: TF-GCP-011 and TF-GCP-012 (standards section 6)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import Result, Target
from ..registry import check, params_of
from .common import known, resource_of
from .expr import Template
from .gcp_common import (
    PUBLIC_MEMBERS,
    at,
    expr_of,
    first_block,
    grants,
    iam_kind,
    literal_affixes,
    matches,
)
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

# -- TF-GCP-011 ---------------------------------------------------------------------

BASIC_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
IMPERSONATION_ROLES = frozenset(
    {"roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator"}
)
# Bucket grants are TF-GCP-009.public-member's; reporting them twice would double count.
BUCKET_SCOPES = frozenset({"storage_bucket"})


def _role_findings(target: Target, roles: frozenset[str], report_unknown: bool) -> Iterator[Result]:
    r = resource_of(target)
    seen: set[tuple[str, tuple[str | int, ...]]] = set()
    for g in grants(r):
        key = (g.owner.address, g.role_path)
        state = matches(g.role, roles)
        if key in seen or state is False or (state is None and not report_unknown):
            continue
        seen.add(key)
        yield g.role_result(unresolved=state is None, role=str(g.role))


@check("TF-GCP-011.basic-role", target="terraform.resource")
def basic_role(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-011.basic-role: ``roles/owner``/``editor``/``viewer`` on a project, folder or org."""
    yield from _role_findings(target, BASIC_ROLES, report_unknown=True)


@check("TF-GCP-011.sa-impersonation", target="terraform.resource")
def sa_impersonation(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-011.sa-impersonation: service account user/token creator at project level or above.

    An unresolved role is reported once, by ``basic-role``.
    """
    yield from _role_findings(target, IMPERSONATION_ROLES, report_unknown=False)


@check("TF-GCP-011.public-member", target="terraform.resource")
def iam_public_member(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-011.public-member: any IAM grant (bucket grants excepted) to the public."""
    r = resource_of(target)
    kind = iam_kind(r.type)
    if kind is None or kind[0] in BUCKET_SCOPES:
        return
    for g in grants(r):
        state = matches(g.member, PUBLIC_MEMBERS)
        if state is not False:
            yield g.member_result(unresolved=state is None, member=str(g.member))


@check("TF-GCP-011.sa-key", target="terraform.resource")
def sa_key(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-011.sa-key: a user-managed ``google_service_account_key``."""
    yield at(resource_of(target))


# -- TF-GCP-012 ---------------------------------------------------------------------

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
REPO_CLAIMS = frozenset({"assertion.repository", "assertion.repository_id"})
OWNER_CLAIMS = frozenset({"assertion.repository_owner", "assertion.repository_owner_id"})
HOLE = "\x00"  # stands for an interpolation inside a condition template


def _names(mapping: Any, claims: frozenset[str]) -> set[str]:
    """The claims and the ``attribute.*`` names the provider maps from them."""
    out = set(claims)
    if isinstance(mapping, dict):
        for key, value in mapping.items():
            if isinstance(value, str) and known(value) and value.strip() in claims:
                out.add(key)
    return out


def _pinned(text: str, name: str) -> bool:
    """``name == '…'``, ``'…' == name`` or ``name in [...]`` in a CEL condition."""
    n = re.escape(name)
    return bool(
        re.search(rf"(?<![\w.]){n}(?![\w.])\s*(==|in\b)", text)
        or re.search(rf"(['\"])[^'\"]*\1\s*==\s*{n}(?![\w.])", text)
    )


def _prefix_pinned(text: str, name: str) -> bool:
    """``name.startsWith('owner/')`` or a regex match: an owner-wide restriction."""
    return bool(re.search(rf"(?<![\w.]){re.escape(name)}\.(startsWith|matches)\s*\(", text))


def _hole_outside_quotes(text: str) -> bool:
    quote = ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == HOLE:
            return True
    return False


def condition_text(value: Any) -> str | None:
    """The condition's text, interpolations as ``HOLE``; ``None`` when nothing is known."""
    if isinstance(value, str) and known(value):
        return value
    expr = expr_of(value)
    if isinstance(expr, Template) and any(isinstance(p, str) and p.strip() for p in expr.parts):
        return "".join(p if isinstance(p, str) else HOLE for p in expr.parts)
    return None


def classify_condition(value: Any, mapping: Any) -> str:
    """``repository``, ``owner``, ``none`` (restricts neither) or ``unknown``."""
    text = condition_text(value)
    if text is None:
        return "unknown"
    repo = _names(mapping, REPO_CLAIMS)
    owner = _names(mapping, OWNER_CLAIMS)
    if any(_pinned(text, n) for n in repo):
        return "repository"
    if _hole_outside_quotes(text):
        return "unknown"  # an interpolated clause may pin the repository
    if any(_pinned(text, n) or _prefix_pinned(text, n) for n in owner) or any(
        _prefix_pinned(text, n) for n in repo
    ):
        return "owner"
    return "none"


def _github(r: Resource) -> bool | None:
    issuer = (first_block(r.data, "oidc") or {}).get("issuer_uri")
    if isinstance(issuer, str) and known(issuer):
        return issuer.strip().rstrip("/") == GITHUB_ISSUER
    if issuer is None:
        return False
    mapping = r.data.get("attribute_mapping")
    if isinstance(mapping, dict) and any(
        isinstance(v, str) and known(v) and v.strip() in REPO_CLAIMS for v in mapping.values()
    ):
        return None  # GitHub-shaped claims behind an unresolved issuer
    return False


def _provider_outcome(r: Resource) -> tuple[str, bool] | None:
    """(``no-condition``/``owner-only``, unresolved) for a GitHub pool provider, else ``None``."""
    github = _github(r)
    if github is False:
        return None
    uncertain = github is None
    value = r.data.get("attribute_condition")
    if value is None or (isinstance(value, str) and known(value) and not value.strip()):
        return "no-condition", uncertain
    kind = classify_condition(value, r.data.get("attribute_mapping"))
    if kind == "repository":
        return None
    if kind == "unknown":
        return "no-condition", True
    return ("owner-only" if kind == "owner" else "no-condition"), uncertain


class ConditionParams(NamedTuple):
    """The provider condition the rule reports: ``no-condition`` (no condition, or one
    restricting neither repository nor owner) or ``owner-only`` (the owner is pinned but
    not the repository)."""

    outcome: str


@check(
    "TF-GCP-012.no-condition",
    "TF-GCP-012.owner-only",
    target="terraform.resource",
    params=ConditionParams,
)
def provider_condition(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-012.no-condition / .owner-only (``params.outcome``)."""
    r = resource_of(target)
    outcome = _provider_outcome(r)
    if outcome is not None and outcome[0] == params_of(rule, ConditionParams).outcome:
        yield at(r, "attribute_condition", unresolved=outcome[1])


def _pool_wide(member: Any) -> bool | None:
    """``principalSet://…/*`` (every identity of a pool); ``None`` when it may be."""
    affixes = literal_affixes(member)
    if affixes is None:
        return False  # a bare reference: TF-GCP-011.public-member reports it as unresolved
    prefix, suffix = affixes
    if not prefix.startswith("principalSet://"):
        return False
    if suffix.endswith("/*"):
        return True
    return None if isinstance(member, str) and not known(member) and not suffix else False


@check("TF-GCP-012.pool-wide-binding", target="terraform.resource")
def pool_wide_binding(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-012.pool-wide-binding: a grant to ``principalSet://…/*``."""
    r = resource_of(target)
    if iam_kind(r.type) is None:
        return
    for g in grants(r):
        state = _pool_wide(g.member)
        if state is not False:
            yield g.member_result(unresolved=state is None, member=str(g.member))
