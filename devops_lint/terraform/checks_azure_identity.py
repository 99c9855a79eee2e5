"""Federated identity control TF-AZ-012 (GitHub Actions OIDC trust on Azure).

``azurerm_federated_identity_credential`` (``issuer``, ``subject``, ``audience``) and
``azuread_application_federated_identity_credential`` (``issuer``, ``subject``,
``audiences``). Only credentials whose issuer is GitHub's token service are checked;
an issuer that does not resolve is checked too, with unresolved outcomes.

A subject is read with its unresolved interpolations kept as holes, so
``"repo:${var.repo}:environment:prod"`` still passes and
``"repo:${var.repo}:pull_request"`` still fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Result
from ..registry import check
from .azure_common import HOLE, arg, as_str, by_slug, first, template_skeleton
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
AUDIENCE = "api://AzureADTokenExchange"
# repo:<owner>/<repo>:<context>; the repository part may hold holes.
SUBJECT = re.compile(r"^repo:[^:]*:(?P<context>.*)$", re.S)


def _protected(ctx: Context) -> list[str]:
    value = ctx.settings.get("protected_branches")
    return [str(v) for v in value] if isinstance(value, list) else ["main"]


def _subject(r: Resource, ctx: Context, maybe: bool) -> Iterator[tuple[str, Result]]:
    a = arg(r, "subject")
    if not a.present:
        return
    skeleton = template_skeleton(r, r.expr("subject"))
    m = SUBJECT.match(skeleton) if skeleton is not None else None
    if skeleton is None or m is None:
        if skeleton is None or HOLE in skeleton:
            yield "pull-request-subject", a.result(unresolved=True, args={"subject": str(a.value)})
        return  # not a GitHub-style subject: nothing to judge
    shown = skeleton.replace(HOLE, "…")
    context = m.group("context")
    if context.startswith("environment:"):
        return
    if context == "pull_request":
        yield "pull-request-subject", a.result(unresolved=maybe, args={"subject": shown})
        return
    if HOLE in context.partition(":")[0] or context == HOLE:
        yield "pull-request-subject", a.result(unresolved=True, args={"subject": shown})
        return
    if context.startswith("ref:"):
        ref = context[4:]
        if ref.startswith("refs/tags/"):
            return
        if ref.startswith("refs/heads/"):
            branch = ref[len("refs/heads/") :]
            if HOLE in branch:
                yield "unprotected-ref", a.result(unresolved=True, args={"subject": shown})
            elif branch not in _protected(ctx):
                yield "unprotected-ref", a.result(unresolved=maybe, args={"subject": shown})
            return
        if HOLE in ref:
            yield "unprotected-ref", a.result(unresolved=True, args={"subject": shown})
            return
        # refs/pull/…, refs/remotes/…: not a protected branch
        yield "unprotected-ref", a.result(unresolved=maybe, args={"subject": shown})


def _audience(r: Resource, maybe: bool) -> Iterator[tuple[str, Result]]:
    a = first(r, "audience", "audiences")
    if not a.present:
        yield "audience", Result(unresolved=maybe, args={"value": "(none)"})
        return
    if not isinstance(a.value, list):
        yield "audience", a.result(unresolved=True, args={"value": str(a.value)})
        return
    if not a.value:
        yield "audience", a.result(unresolved=maybe, args={"value": "[]"})
        return
    for i, v in enumerate(a.value):
        s = as_str(v)
        if s is None:
            yield "audience", Result(path=(*a.path, i), unresolved=True, args={"value": str(v)})
        elif s.strip() != AUDIENCE:
            yield "audience", Result(path=(*a.path, i), unresolved=maybe, args={"value": s})


@check(
    "TF-AZ-012.audience",
    "TF-AZ-012.pull-request-subject",
    "TF-AZ-012.unprotected-ref",
    target="terraform.resource",
)
@by_slug
def federated_credential(r: Resource, ctx: Context) -> Iterator[tuple[str, Result]]:
    """TF-AZ-012.pull-request-subject / unprotected-ref / audience."""
    if r.data.get("issuer") is None:
        return  # a required argument: nothing to judge in an invalid block
    issuer = as_str(r.data.get("issuer"))
    if issuer is not None and issuer.strip().rstrip("/") != GITHUB_ISSUER:
        return
    maybe = issuer is None
    yield from _subject(r, ctx, maybe)
    yield from _audience(r, maybe)
