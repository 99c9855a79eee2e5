"""Checks of the role trust controls TF-AWS-008 (standards 4.2, hashicorp/aws v5).

Trust policies are the ``assume_role_policy`` of ``aws_iam_role``, however written
(``policy.py``): a principal of ``*`` without an account or organisation condition, and
GitHub OIDC federation (``token.actions.githubusercontent.com``) without ``sub``/``aud``
conditions or with a ``sub`` that admits every ref or every repository.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import Result, Unresolved
from ..registry import check, params_of
from .aws_common import (
    PolicySource,
    condition_keys,
    has_unresolved_condition,
    is_public_principal,
    policy_sources,
    refs_to,
)
from .common import known, resource_of
from .policy import Statement, allow_statements

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

TRUST = frozenset({"trust"})
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
RESTRICTING_TRUST_KEYS = frozenset(
    {"aws:principalorgid", "aws:principalaccount", "aws:sourceaccount", "aws:sourcearn"}
)


# -- TF-AWS-008 ---------------------------------------------------------------------------


@check("TF-AWS-008.public-principal", target="terraform.resource")
def public_principal(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-008.public-principal: trust of ``*`` without an account/org condition."""
    for src in policy_sources(resource_of(target), TRUST):
        if isinstance(src.policy, Unresolved):
            yield src.arg_result(unresolved=True, message=src.unreadable_message())
            continue
        for st in allow_statements(src.policy):
            public = is_public_principal(st)
            if public is False:
                continue
            if condition_keys(st) & RESTRICTING_TRUST_KEYS:
                continue
            unresolved = public is None or has_unresolved_condition(st)
            yield src.statement_result(st, "Principal", None, unresolved=unresolved)


def _github_federated(src: PolicySource, st: Statement) -> bool | None:
    federated = (st.principals or {}).get("Federated") or []
    undecided = False
    for value in federated:
        if isinstance(value, str) and known(value):
            if GITHUB_OIDC_HOST in value:
                return True
            continue
        module = src.owner.module
        providers = refs_to(module, value, "aws_iam_openid_connect_provider") + refs_to(
            module, value, "aws_iam_openid_connect_provider", mode="data"
        )
        if not providers:
            undecided = True  # a variable or module output: the provider is unknown
        for provider in providers:
            url = provider.data.get("url") or provider.data.get("arn")
            if isinstance(url, str) and known(url):
                if GITHUB_OIDC_HOST in url:
                    return True
            else:
                undecided = True
    keys = condition_keys(st)
    if any(k.startswith(GITHUB_OIDC_HOST + ":") for k in keys):
        return True
    return None if undecided and federated else False


def _oidc_statements(target: Target) -> Iterator[tuple[PolicySource, Statement]]:
    for src in policy_sources(resource_of(target), TRUST):
        if isinstance(src.policy, Unresolved):
            continue
        for st in allow_statements(src.policy):
            if _github_federated(src, st):
                yield src, st


def _claim_conditions(st: Statement, claim: str) -> list[tuple[Any, Any]]:
    """(operator, value) pairs of the conditions on ``token.actions…:<claim>``."""
    key = f"{GITHUB_OIDC_HOST}:{claim}"
    out: list[tuple[Any, Any]] = []
    for c in st.conditions:
        if isinstance(c.key, str) and known(c.key) and c.key.lower() == key:
            if isinstance(c.operator, str) and "not" in c.operator.lower():
                continue  # StringNotEquals/StringNotLike exclude; they do not scope
            values = c.values if c.values else [None]
            out.extend((c.operator, v) for v in values)
    return out


@check("TF-AWS-008.oidc-no-sub", target="terraform.resource")
def oidc_no_sub(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-008.oidc-no-sub: GitHub OIDC trust without a ``sub`` condition."""
    for src, st in _oidc_statements(target):
        if not _claim_conditions(st, "sub"):
            unresolved = has_unresolved_condition(st)
            yield src.statement_result(st, "Condition", None, unresolved=unresolved)


def _is_like(operator: Any) -> bool | None:
    if not (isinstance(operator, str) and known(operator)):
        return None
    return "like" in operator.lower()


def sub_scope(value: Any, operator: Any) -> str | None:
    """``"wild-owner"``, ``"any-ref"``, ``"ok"`` or ``None`` (unresolved) for a ``sub`` value."""
    if not (isinstance(value, str) and known(value)):
        return None
    like = _is_like(operator)
    if like is None:
        return None
    if not like:
        return "ok"  # StringEquals: wildcards match themselves only
    if not value.startswith("repo:"):
        return "wild-owner" if "*" in value or "?" in value else "ok"
    repo, _, rest = value[len("repo:") :].partition(":")
    if "*" in repo or "?" in repo or "/" not in repo:
        return "wild-owner"
    if rest in ("*", "") or rest.startswith("*"):
        return "any-ref"
    return "ok"


class OidcScopeParams(NamedTuple):
    """The ``sub`` scope the rule reports: any-ref or wild-owner."""

    scope: str


@check(
    "TF-AWS-008.oidc-any-ref",
    "TF-AWS-008.oidc-wild-owner",
    target="terraform.resource",
    params=OidcScopeParams,
)
def oidc_sub_scope(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-008.oidc-wild-owner / .oidc-any-ref (``params.scope``)."""
    wanted = params_of(rule, OidcScopeParams).scope
    for src, st in _oidc_statements(target):
        for operator, value in _claim_conditions(st, "sub"):
            scope = sub_scope(value, operator)
            if scope == wanted or (scope is None and wanted == "wild-owner"):
                yield src.statement_result(
                    st, "Condition", None, unresolved=scope is None, args={"sub": str(value)}
                )
                break


@check("TF-AWS-008.oidc-no-aud", target="terraform.resource")
def oidc_no_aud(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-008.oidc-no-aud: no ``aud`` condition equal to ``sts.amazonaws.com``."""
    for src, st in _oidc_statements(target):
        pairs = _claim_conditions(st, "aud")
        if any(v == "sts.amazonaws.com" for _, v in pairs):
            continue
        unresolved = any(not known(v) for _, v in pairs if v is not None) or (
            not pairs and has_unresolved_condition(st)
        )
        yield src.statement_result(st, "Condition", None, unresolved=unresolved)
