"""Checks of the IAM controls TF-AWS-006, TF-AWS-007 and TF-AWS-009 (standards 4.2).

Permission checks (TF-AWS-006.star-star, TF-AWS-007.*) read the identity policies of
``aws_iam_policy``, ``aws_iam_role_policy``, ``aws_iam_user_policy``,
``aws_iam_group_policy``, ``aws_iam_role.inline_policy`` and SSO permission-set inline
policies, however written (``policy.py``). A statement written in a
``data "aws_iam_policy_document"`` is reported there; the engine drops the duplicate
when several resources use the same document. A document that no resource of its module
uses as an identity policy (e.g. one exported through an output) is checked on its own,
without its statements that name principals (those are trust or resource policies).
Trust policies (TF-AWS-008) are checked by ``checks_aws_trust.py``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import Result, Unresolved
from ..registry import check
from .aws_common import (
    IDENTITY_POLICY_ARGS,
    PolicySource,
    arg_result,
    item_span,
    names_resource,
    policy_sources,
    refs_to,
)
from .common import known, resource_of
from .module import Module
from .objects import Resource
from .policy import Statement, allow_statements, policy_from_document_source
from .resolve import value_references

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

IDENTITY = frozenset({"identity"})
POLICY_DOCUMENT = "aws_iam_policy_document"
ADMIN_POLICIES = ("AdministratorAccess", "IAMFullAccess")
_ADMIN_ARN = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(AdministratorAccess|IAMFullAccess)$")
_MANAGED_TEMPLATE = re.compile(r'^"arn:[^"]*:iam::aws:policy/([A-Za-z0-9_+=,.@-]+)"$')
ATTACHMENT_TYPES = (
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
)
ESCALATION_PATTERNS = (
    "iam:passrole",
    "iam:createpolicyversion",
    "iam:setdefaultpolicyversion",
    "iam:attach*policy",
    "iam:put*policy",
    "iam:createaccesskey",
    "iam:createloginprofile",
    "iam:updateloginprofile",
    "iam:updateassumerolepolicy",
)
# Concrete actions behind the patterns, to tell whether a partial wildcard grants one.
ESCALATION_ACTIONS = (
    "iam:passrole",
    "iam:createpolicyversion",
    "iam:setdefaultpolicyversion",
    "iam:attachrolepolicy",
    "iam:attachuserpolicy",
    "iam:attachgrouppolicy",
    "iam:putrolepolicy",
    "iam:putuserpolicy",
    "iam:putgrouppolicy",
    "iam:createaccesskey",
    "iam:createloginprofile",
    "iam:updateloginprofile",
    "iam:updateassumerolepolicy",
)
READ_PREFIXES = ("get", "list", "describe", "batchget", "head")


def _sources(
    target: Target, kinds: frozenset[str], ctx: Context | None = None
) -> Iterator[PolicySource]:
    r = resource_of(target)
    if r.mode == "data":
        if r.type == POLICY_DOCUMENT and kinds == IDENTITY and ctx and not _attached(r, ctx):
            yield _standalone_source(r)
        return
    yield from policy_sources(r, kinds)


def _identity_documents(module: Module) -> set[tuple[str, str]]:
    """(type, name) of the policy documents some resource of the module uses as an identity
    policy: their statements are reported through that resource."""
    found: set[tuple[str, str]] = set()
    for r in module.resources():
        if r.type not in IDENTITY_POLICY_ARGS and r.type != "aws_iam_role":
            continue
        for src in policy_sources(r, IDENTITY):
            if src.data_doc is not None:
                found.add((src.data_doc.type, src.data_doc.name))
    return found


def _attached(doc: Resource, ctx: Context) -> bool:
    module = doc.module
    used: set[tuple[str, str]] = ctx.memo(
        f"aws.iam_identity_documents:{id(module)}", lambda: _identity_documents(module)
    )
    return (doc.type, doc.name) in used


def _standalone_source(doc: Resource) -> PolicySource:
    """A ``data "aws_iam_policy_document"`` that no resource uses as an identity policy,
    evaluated on its own (standards 4.2: peers check the document wherever it is written).
    Statements naming principals belong to trust or resource policies, not identity ones."""
    policy = policy_from_document_source(doc)
    policy.statements = [
        st for st in policy.statements if st.principals is None and st.not_principals is None
    ]
    return PolicySource(doc, (), "identity", policy, None, doc.doc, doc)


def _readable_allows(target: Target, ctx: Context) -> Iterator[tuple[PolicySource, Statement]]:
    """The allow statements of the target's readable identity policies (an unreadable
    policy is reported once, by star-star and action-star)."""
    for src in _sources(target, IDENTITY, ctx):
        if isinstance(src.policy, Unresolved):
            continue
        for st in allow_statements(src.policy):
            yield src, st


def _entries(values: list[Any] | None) -> list[tuple[int, Any]]:
    return list(enumerate(values or []))


def _resource_star(st: Statement) -> bool | None:
    """``Resource`` is ``*`` (or ``NotResource`` is used); ``None`` when unresolved."""
    if st.resources is None:
        return st.not_resources is not None
    if any(r == "*" for r in st.resources):
        return True
    if any(not known(r) and not names_resource(r) for r in st.resources):
        return None
    return False


def _is_service_star(action: str) -> bool:
    service, sep, name = action.partition(":")
    return bool(sep) and name == "*" and bool(service) and "*" not in service


def _unknown_arn(r: Resource, text: str) -> str:
    return f"{r.address}: cannot tell whether {text} is AdministratorAccess or IAMFullAccess"


# -- TF-AWS-006 ---------------------------------------------------------------------------


@check("TF-AWS-006.star-star", target="terraform.resource_or_data")
def star_star(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-006.star-star: ``Allow`` of ``Action: "*"`` on ``Resource: "*"``."""
    for src in _sources(target, IDENTITY, ctx):
        if isinstance(src.policy, Unresolved):
            yield src.arg_result(unresolved=True, message=src.unreadable_message())
            continue
        for st in allow_statements(src.policy):
            actions = st.actions or []
            star_at = next((i for i, a in enumerate(actions) if a == "*"), None)
            if star_at is None:
                continue
            on_star = _resource_star(st)
            if on_star is False:
                continue
            yield src.statement_result(
                st, "Action", star_at, unresolved=on_star is None or not known(st.effect)
            )


def _managed_admin(value: Any, r: Resource) -> tuple[bool | None, str]:
    """(admin?, name) for a ``policy_arn``; ``None`` when it cannot be known."""
    if isinstance(value, str) and known(value):
        m = _ADMIN_ARN.match(value)
        return (True, m.group(1)) if m else (False, "")
    if value is None:
        return False, ""
    # "arn:${data.aws_partition.current.partition}:iam::aws:policy/NAME": NAME is literal.
    managed = _MANAGED_TEMPLATE.search(str(value))
    if managed:
        return managed.group(1) in ADMIN_POLICIES, managed.group(1)
    addresses = {ref.resource_address() for ref in value_references(value)}
    if any(a is not None and a[:2] == ("resource", "aws_iam_policy") for a in addresses):
        return False, ""  # a customer-managed policy: its document is checked by star-star
    for data in refs_to(r.module, value, "aws_iam_policy", mode="data"):
        for key in ("arn", "name"):
            v = data.data.get(key)
            if isinstance(v, str) and known(v):
                name = v.rsplit("/", 1)[-1]
                if name in ADMIN_POLICIES and (key == "name" or _ADMIN_ARN.match(v)):
                    return True, name
                return False, ""
    return None, str(value)


@check("TF-AWS-006.managed-admin", target="terraform.resource")
def managed_admin(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-006.managed-admin: AdministratorAccess / IAMFullAccess attached."""
    r = resource_of(target)
    if r.type in ATTACHMENT_TYPES:
        admin, name = _managed_admin(r.data.get("policy_arn"), r)
        if admin is not False:
            message = _unknown_arn(r, name) if admin is None else None
            yield arg_result(
                r, "policy_arn", unresolved=admin is None, message=message, args={"policy": name}
            )
        return
    # aws_iam_role or aws_iam_role_policy_attachments_exclusive (``applies_to``)
    arg = "managed_policy_arns" if r.type == "aws_iam_role" else "policy_arns"
    value = r.data.get(arg)
    if value is None:
        return
    if not isinstance(value, list):
        yield arg_result(r, arg, unresolved=True, message=_unknown_arn(r, str(value)))
        return
    for i, v in enumerate(value):
        admin, name = _managed_admin(v, r)
        if admin is False:
            continue
        message = _unknown_arn(r, name) if admin is None else None
        res = arg_result(r, arg, unresolved=admin is None, message=message, args={"policy": name})
        span = item_span(r, (arg,), i)
        if span is not None:
            res.span = span
        yield res


# -- TF-AWS-007 ---------------------------------------------------------------------------


def _sensitive(ctx: Context) -> frozenset[str]:
    return frozenset(s.lower() for s in ctx.settings.get("sensitive_services") or [])


@check("TF-AWS-007.action-star", target="terraform.resource_or_data")
def action_star(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-007.action-star: ``*`` (not on ``*``) or ``service:*`` of a non-sensitive service."""
    sensitive = _sensitive(ctx)
    for src in _sources(target, IDENTITY, ctx):
        if isinstance(src.policy, Unresolved):
            yield src.arg_result(unresolved=True, message=src.unreadable_message())
            continue
        for st in allow_statements(src.policy):
            unknown_at: tuple[int, str] | None = None
            for i, action in _entries(st.actions):
                if not known(action):
                    unknown_at = unknown_at or (i, str(action))
                    continue
                if not isinstance(action, str):
                    continue
                if action == "*":
                    if _resource_star(st) is True:
                        continue  # TF-AWS-006.star-star
                elif not _is_service_star(action) or action.split(":")[0].lower() in sensitive:
                    continue
                yield src.statement_result(st, "Action", i, args={"action": action})
            if unknown_at is not None:
                message = f"IAM policy statement action {unknown_at[1]} cannot be resolved"
                yield src.statement_result(
                    st, "Action", unknown_at[0], unresolved=True, message=message
                )


@check("TF-AWS-007.sensitive-service-star", target="terraform.resource_or_data")
def sensitive_service_star(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-007.sensitive-service-star: ``iam:*``, ``kms:*`` … on any resource."""
    sensitive = _sensitive(ctx)
    for src, st in _readable_allows(target, ctx):
        for i, action in _entries(st.actions):
            if (
                isinstance(action, str)
                and known(action)
                and _is_service_star(action)
                and action.split(":")[0].lower() in sensitive
            ):
                yield src.statement_result(st, "Action", i, args={"action": action})


@check("TF-AWS-007.not-action", target="terraform.resource_or_data")
def not_action(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-007.not-action: ``Allow`` with ``NotAction``."""
    for src, st in _readable_allows(target, ctx):
        if st.not_actions is not None:
            yield src.statement_result(st, "NotAction", None, unresolved=not known(st.effect))


def _grants_escalation(action: str) -> bool:
    a = action.lower()
    if a == "*" or _is_service_star(a):
        return False  # reported by TF-AWS-006 / action-star / sensitive-service-star
    if any(fnmatch.fnmatchcase(a, p) for p in ESCALATION_PATTERNS):
        return True
    wildcard = "*" in a or "?" in a
    return wildcard and any(fnmatch.fnmatchcase(x, a) for x in ESCALATION_ACTIONS)


@check("TF-AWS-007.escalation", target="terraform.resource_or_data")
def escalation(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-007.escalation: privilege-escalation actions on ``Resource: "*"``."""
    for src, st in _readable_allows(target, ctx):
        on_star = _resource_star(st)
        if on_star is False:
            continue
        for i, action in _entries(st.actions):
            if isinstance(action, str) and known(action) and _grants_escalation(action):
                yield src.statement_result(
                    st, "Action", i, unresolved=on_star is None, args={"action": action}
                )


def _action_table(ctx: Context) -> dict[str, dict[str, bool]]:
    """service → {lower-case action name → supports resource-level permissions}."""

    def build() -> dict[str, dict[str, bool]]:
        raw = ctx.data("aws_iam_actions.yaml") or {}
        services = raw.get("services", {}) if isinstance(raw, dict) else {}
        table: dict[str, dict[str, bool]] = {}
        for service, entry in services.items():
            if not isinstance(entry, dict):
                continue
            names: dict[str, bool] = {}
            for name in entry.get("resource_level", []) or []:
                names[str(name).lower()] = True
            for name in entry.get("no_resource_level", []) or []:
                names[str(name).lower()] = False
            table[str(service).lower()] = names
        return table

    result: dict[str, dict[str, bool]] = ctx.memo("aws.iam_actions", build)
    return result


def _is_read(name: str) -> bool:
    return name.lower().startswith(READ_PREFIXES)


def write_actions(action: str, table: dict[str, dict[str, bool]]) -> list[str]:
    """Non-read actions matched by ``action`` that support resource-level permissions."""
    service, sep, pattern = action.lower().partition(":")
    if not sep or service not in table or pattern in ("*", ""):
        return []
    names = table[service]
    if "*" in pattern or "?" in pattern:
        matched = [n for n in names if fnmatch.fnmatchcase(n, pattern)]
    else:
        matched = [pattern] if pattern in names else []
    return sorted(n for n in matched if names[n] and not _is_read(n))


@check("TF-AWS-007.write-resource-star", target="terraform.resource_or_data")
def write_resource_star(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-007.write-resource-star: resource-scoped write actions granted on ``*``."""
    table = _action_table(ctx)
    for src, st in _readable_allows(target, ctx):
        on_star = _resource_star(st)
        if on_star is False:
            continue
        for i, action in _entries(st.actions):
            if not (isinstance(action, str) and known(action)):
                continue
            if _grants_escalation(action):
                continue  # reported as escalation
            writes = write_actions(action, table)
            if writes:
                yield src.statement_result(
                    st, "Action", i, unresolved=on_star is None, args={"action": action}
                )


# -- TF-AWS-009 ---------------------------------------------------------------------------


@check("TF-AWS-009.access-key", target="terraform.resource")
def access_key(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-009.access-key: an ``aws_iam_access_key`` resource."""
    yield arg_result(resource_of(target))


USER_POLICY_TYPES = ("aws_iam_user_policy", "aws_iam_user_policy_attachment")


@check("TF-AWS-009.user-policy", target="terraform.resource")
def user_policy(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-009.user-policy: policies attached directly to IAM users."""
    r = resource_of(target)
    if r.type in USER_POLICY_TYPES:
        yield arg_result(r)
        return
    # aws_iam_policy_attachment: only when it names users
    users = r.data.get("users")
    if users is None or users == []:
        return
    yield arg_result(r, "users", unresolved=not isinstance(users, list))
