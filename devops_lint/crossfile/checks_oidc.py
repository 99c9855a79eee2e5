"""X-010: the OIDC subjects a workflow's jobs present agree with the trust condition of
the cloud identity they assume, defined in the same repository's Terraform.

- AWS: a literal ``role-to-assume`` ARN ↔ the ``aws_iam_role`` of that ``name``; its trust
  policy's ``token.actions.githubusercontent.com:sub`` conditions.
- GCP: a literal ``workload_identity_provider`` ↔ the
  ``google_iam_workload_identity_pool_provider`` of that id; its ``attribute_condition``.
- Azure links through ``client-id``, which Terraform computes (``azuread_application``,
  ``azurerm_user_assigned_identity``): it is never literal on both sides, so Azure
  identities are not joined.

Both sides come from the formats' published facts: ``github.facts.OidcTrust`` (who asks)
and ``terraform.facts`` (``IamRoleTrust``, ``WorkloadIdentityProvider``: who is trusted).
"""

from __future__ import annotations

import configparser
import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from .. import safeio
from ..kubernetes.facts import Tri, tri_any
from ..model import Result, Target, Unresolved
from ..registry import check
from .cel import evaluate, mapped_claims
from .common import first_doc, missing_side, unresolved_message

if TYPE_CHECKING:
    from ..context import Context
    from ..github.facts import OidcTrust
    from ..rules import Rule
    from ..terraform.facts import IamRoleTrust, TrustStatement, WorkloadIdentityProvider

    Identity: TypeAlias = IamRoleTrust | WorkloadIdentityProvider

SUB_KEY = "token.actions.githubusercontent.com:sub"
PROBE_BRANCH = "refs/heads/devops-lint-unprotected-probe"


def repository(ctx: Context) -> str | None:
    """``owner/repo`` from config ``repository``, else the scan root's ``origin`` remote."""
    value = ctx.settings.get("repository")
    if isinstance(value, str) and "/" in value:
        return value.strip()

    def from_git() -> str | None:
        cfg = Path(ctx.project.root) / ".git" / "config"
        try:
            parser = configparser.ConfigParser(strict=False)
            parser.read_string(safeio.read_text(cfg, 1 << 20))
            url = parser.get('remote "origin"', "url", fallback="")
        except (OSError, UnicodeDecodeError, configparser.Error):
            return None
        m = re.search(r"github\.com[:/]+([^/\s]+)/([^/\s]+?)(?:\.git)?/?$", url)
        return f"{m.group(1)}/{m.group(2)}" if m else None

    result: str | None = ctx.memo("crossfile.repository", from_git)
    return result


def consumers(ctx: Context) -> list[OidcTrust]:
    if next(ctx.project.of_format("workflow"), None) is None:
        return []  # the steps assuming an identity are in workflows (no import needed)
    from ..github.facts import oidc_trusts

    return oidc_trusts(ctx)


# --- trust side -----------------------------------------------------------------------------


@dataclass
class Trust:
    """An AWS trust statement for GitHub OIDC with its ``sub`` patterns."""

    statement: TrustStatement
    patterns: list[tuple[str, bool]]  # (sub value, wildcard semantics)
    unresolved: bool


def role_trusts(role: IamRoleTrust) -> list[Trust]:
    out: list[Trust] = []
    for st in role.statements:
        if not st.allows:
            continue
        patterns: list[tuple[str, bool]] = []
        unresolved = st.unresolved
        for cond in st.conditions:
            key, op = cond.key, cond.operator
            if key is None:
                unresolved = True
                continue
            if key.lower() != SUB_KEY:
                continue
            if op is None:
                unresolved = True
                continue
            if "not" in op.lower():
                continue
            for v in cond.values:
                if v is not None:
                    patterns.append((v, "like" in op.lower()))
                else:
                    unresolved = True
        if patterns or unresolved:
            out.append(Trust(st, patterns, unresolved))
    return out


def _key(identity: Identity) -> str | None:
    """The role name or provider id a workflow names the identity by."""
    from ..terraform.facts import IamRoleTrust

    return identity.name if isinstance(identity, IamRoleTrust) else identity.provider_id


def _cloud(identity: Identity) -> str:
    from ..terraform.facts import IamRoleTrust

    return "aws" if isinstance(identity, IamRoleTrust) else "gcp"


def _identities(ctx: Context) -> dict[tuple[str, str], list[Identity]]:
    """(cloud, role name or provider id) -> the Terraform resources defining it."""

    def build() -> dict[tuple[str, str], list[Identity]]:
        from ..terraform.facts import cloud_identities

        out: dict[tuple[str, str], list[Identity]] = {}
        for identity in cloud_identities(ctx.project, ctx):
            key = _key(identity)
            if key is not None:
                out.setdefault((_cloud(identity), key), []).append(identity)
        return out

    result: dict[tuple[str, str], list[Identity]] = ctx.memo("crossfile.oidc_ids", build)
    return result


def _gcp_pool_matches(prov: WorkloadIdentityProvider, pool: str | None) -> bool:
    if pool is None or prov.pool_id is None:
        return True  # a reference to the pool resource: the provider id decides
    return prov.pool_id == pool


def admits(pattern: str, like: bool, subject: str) -> bool:
    if not like:
        return pattern.lower() == subject.lower()
    return fnmatch.fnmatchcase(subject.lower(), pattern.lower().replace("[", "[[]"))


def claims_of(repo: str, suffix: str) -> dict[str, Any]:
    """Token claims a job with this subject suffix carries (unknown claims left out)."""
    claims: dict[str, Any] = {
        "assertion.sub": f"repo:{repo}:{suffix}",
        "assertion.repository": repo,
        "assertion.repository_owner": repo.split("/", 1)[0],
        "attribute.sub": f"repo:{repo}:{suffix}",
    }
    if suffix.startswith("environment:"):
        claims["assertion.environment"] = suffix[len("environment:") :]
    elif suffix.startswith("ref:"):
        ref = suffix[len("ref:") :]
        claims["assertion.ref"] = ref
        claims["assertion.ref_type"] = "tag" if ref.startswith("refs/tags/") else "branch"
    elif suffix == "pull_request":
        claims["assertion.event_name"] = "pull_request"
    return claims


def _gcp_admits(prov: WorkloadIdentityProvider, repo: str, suffix: str) -> Tri:
    condition = prov.condition
    if condition is None:
        return True  # no condition: every identity of the issuer (TF-GCP-012's finding too)
    if not isinstance(condition, str) or isinstance(condition, Unresolved):
        return None
    claims = mapped_claims(claims_of(repo, suffix), prov.mapping)
    return evaluate(condition, claims)


def _aws_admits(trusts: list[Trust], repo: str, suffix: str) -> Tri:
    subject = f"repo:{repo}:{suffix}"
    if any(admits(p, like, subject) for t in trusts for p, like in t.patterns):
        return True
    return None if any(t.unresolved for t in trusts) else False


def _repo_for(repo: str | None, patterns: list[str]) -> tuple[str | None, bool]:
    """The repository to build subjects for, and whether it is only assumed: without
    ``repository`` config or an ``origin`` remote, the one every trust pattern names."""
    if repo is not None:
        return repo, False
    named = {
        m.group(1)
        for p in patterns
        for m in [re.search(r"repo:([^:*?\[\s'\"]+/[^:*?\[\s'\"]+):", p)]
        if m
    }
    return (named.pop(), True) if len(named) == 1 else (None, True)


def _trust_texts(identities: list[Identity]) -> list[str]:
    from ..terraform.facts import IamRoleTrust

    out: list[str] = []
    for r in identities:
        if isinstance(r, IamRoleTrust):
            out.extend(p for t in role_trusts(r) for p, _ in t.patterns)
        else:
            cond = r.condition
            if isinstance(cond, str) and not isinstance(cond, Unresolved):
                out.append(cond)
    return out


# --- checks ---------------------------------------------------------------------------------


def _missing(target: Target, ctx: Context) -> list[Result] | None:
    if any(d.format == "terraform" for d in ctx.project.documents):
        return None
    return missing_side(
        target.doc,
        first_doc(c.doc for c in consumers(ctx)),
        "workflows assume cloud identities but no Terraform is in the scanned set",
    )


def _roles(identities: list[Identity]) -> list[IamRoleTrust]:
    from ..terraform.facts import IamRoleTrust

    return [r for r in identities if isinstance(r, IamRoleTrust)]


def _providers(identities: list[Identity]) -> list[WorkloadIdentityProvider]:
    from ..terraform.facts import WorkloadIdentityProvider

    return [r for r in identities if isinstance(r, WorkloadIdentityProvider)]


def _admitted(c: OidcTrust, identities: list[Identity], repo: str, suffix: str) -> Tri:
    if c.cloud == "aws":
        return _aws_admits([t for r in _roles(identities) for t in role_trusts(r)], repo, suffix)
    return tri_any(_gcp_admits(r, repo, suffix) for r in _providers(identities))


def _defining(c: OidcTrust, ctx: Context) -> list[Identity]:
    found = _identities(ctx).get((c.cloud, c.key), [])
    if c.cloud == "aws":
        return [r for r in _roles(found) if role_trusts(r)]
    return [r for r in _providers(found) if _gcp_pool_matches(r, c.pool)]


@check("X-010.subject-mismatch", target="crossfile.workflow")
def subject_mismatch(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    mine = [c for c in consumers(ctx) if c.doc is target.doc]
    if not mine:
        return
    side = _missing(target, ctx)
    if side is not None:
        yield from side
        return
    for c in mine:
        resources = _defining(c, ctx)
        if not resources:
            continue  # defined elsewhere, or not trusted through GitHub OIDC
        repo, assumed = _repo_for(repository(ctx), _trust_texts(resources))
        verdicts = {s: _admitted(c, resources, repo or "?", s) for s in sorted(c.subjects)}
        rejected = [s for s, v in verdicts.items() if v is False]
        unknown = c.unknown or assumed or any(v is None for v in verdicts.values())
        if not rejected and not unknown:
            continue
        shown = rejected[0] if rejected else next(iter(verdicts), "?")
        yield Result(
            path=c.path,
            unresolved=unknown,
            message=unresolved_message(
                unknown,
                f"whether the trust of {c.key} admits job '{c.job}' depends on values that "
                "cannot be read statically",
            ),
            args={"role": c.key, "job": c.job, "subject": f"repo:{repo}:{shown}"},
        )


def _probes(users: list[OidcTrust], ctx: Context) -> list[str]:
    """Subject suffixes no consumer presents that are dangerous to admit: pull requests and
    a branch outside ``protected_branches``."""
    protected = {str(b) for b in ctx.settings.get("protected_branches") or ["main"]}
    refs = {s for c in users for s in c.subjects if s.startswith("ref:refs/heads/")}
    probes: list[str] = []
    if not any("pull_request" in c.subjects for c in users):
        probes.append("pull_request")
    unprotected = any(s[len("ref:refs/heads/") :] not in protected for s in refs)
    if not any(c.open_refs for c in users) and not unprotected:
        probes.append(f"ref:{PROBE_BRANCH}")
    return probes


@check("X-010.subject-too-broad", target="crossfile.cloud_identity")
def subject_too_broad(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    from ..terraform.facts import IamRoleTrust

    identity: Identity | None = target.context.get("resource")
    if identity is None:
        return
    cloud, key = _cloud(identity), _key(identity)
    users = [c for c in consumers(ctx) if c.cloud == cloud and c.key == key]
    if not isinstance(identity, IamRoleTrust):
        users = [c for c in users if _gcp_pool_matches(identity, c.pool)]
    if not users or key is None:
        return
    repo, assumed = _repo_for(repository(ctx), _trust_texts([identity]))
    if repo is None:
        return
    probes = _probes(users, ctx)
    if isinstance(identity, IamRoleTrust):
        for trust in role_trusts(identity):
            hits = [
                p
                for p, like in trust.patterns
                if any(admits(p, like, f"repo:{repo}:{probe}") for probe in probes)
            ]
            if hits:
                st = trust.statement
                yield Result(
                    doc=st.condition_doc,
                    span=st.condition_span,
                    locator=st.locator,
                    unresolved=assumed,
                    args={"pattern": hits[0], "role": key},
                )
        return
    admitted = [p for p in probes if _gcp_admits(identity, repo, p) is True]
    if admitted:
        cond = identity.condition
        yield Result(
            doc=identity.doc,
            path=identity.condition_path if cond is not None else None,
            span=None if cond is not None else identity.header,
            unresolved=assumed,
            args={"pattern": cond if cond is not None else "(no condition)", "role": key},
        )
