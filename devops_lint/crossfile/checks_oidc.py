"""X-010: the OIDC subjects a workflow's jobs present agree with the trust condition of
the cloud identity they assume, defined in the same repository's Terraform.

- AWS: a literal ``role-to-assume`` ARN ↔ the ``aws_iam_role`` of that ``name``; its trust
  policy's ``token.actions.githubusercontent.com:sub`` conditions.
- GCP: a literal ``workload_identity_provider`` ↔ the
  ``google_iam_workload_identity_pool_provider`` of that id; its ``attribute_condition``.
- Azure links through ``client-id``, which Terraform computes (``azuread_application``,
  ``azurerm_user_assigned_identity``): it is never literal on both sides, so Azure
  identities are not joined.
"""

from __future__ import annotations

import configparser
import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..kubernetes.selectors import Tri, tri_any
from ..model import Document, JsonPath, Result, Target, Unresolved
from ..registry import check
from .cel import evaluate, mapped_claims
from .common import first_doc, missing_side, unresolved_message

if TYPE_CHECKING:
    from ..context import Context
    from ..github.workflow import Job
    from ..rules import Rule
    from ..terraform.aws_common import PolicySource
    from ..terraform.objects import Resource
    from ..terraform.policy import Statement

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]+)$")
GCP_PROVIDER = re.compile(
    r"^projects/[^/]+/locations/global/workloadIdentityPools/([^/]+)/providers/([^/]+)$"
)
SUB_KEY = "token.actions.githubusercontent.com:sub"
PROBE_BRANCH = "refs/heads/devops-lint-unprotected-probe"
AWS_ACTION = "aws-actions/configure-aws-credentials"
GCP_ACTION = "google-github-actions/auth"
GCP_PROVIDER_TYPE = "google_iam_workload_identity_pool_provider"


@dataclass
class Consumer:
    """A job step assuming a cloud identity by a literal name, and the subjects it presents."""

    doc: Document
    path: JsonPath  # the role-to-assume / workload_identity_provider value
    job: str
    cloud: str  # "aws" or "gcp"
    key: str  # role name, or provider id
    pool: str | None = None  # GCP pool id
    subjects: set[str] = field(default_factory=set)  # after "repo:<owner>/<repo>:"
    open_refs: bool = False  # some reachable ref cannot be enumerated
    unknown: bool = False  # the environment is an expression


def repository(ctx: Context) -> str | None:
    """``owner/repo`` from config ``repository``, else the scan root's ``origin`` remote."""
    value = ctx.settings.get("repository")
    if isinstance(value, str) and "/" in value:
        return value.strip()

    def from_git() -> str | None:
        cfg = Path(ctx.project.root) / ".git" / "config"
        try:
            parser = configparser.ConfigParser(strict=False)
            parser.read_string(cfg.read_text(encoding="utf-8"))
            url = parser.get('remote "origin"', "url", fallback="")
        except (OSError, UnicodeDecodeError, configparser.Error):
            return None
        m = re.search(r"github\.com[:/]+([^/\s]+)/([^/\s]+?)(?:\.git)?/?$", url)
        return f"{m.group(1)}/{m.group(2)}" if m else None

    result: str | None = ctx.memo("crossfile.repository", from_git)
    return result


def _job_subjects(job: Job, consumer: Consumer, ctx: Context) -> None:
    """Standards X-010: ``environment:<env>`` for a job with an environment, else
    ``ref:<ref>`` per reachable ref, plus ``pull_request`` when PR-reachable."""
    from ..github.analysis import job_facts, setting
    from ..github.evaluate import PR_EVENTS, excludes_ref, run_info
    from ..github.workflow import build_workflow

    env = job.environment
    if env is not None:
        if not isinstance(env, str) or "${{" in env:
            consumer.unknown = True
        else:
            consumer.subjects.add(f"environment:{env}")
        return
    facts = job_facts(job, ctx)
    triggers = build_workflow(job.doc).triggers
    default_branch = setting(ctx, "default_branch", "main")
    for event in facts.reachable:
        if event in PR_EVENTS:
            consumer.subjects.add("pull_request")
            continue
        info = run_info(event, triggers.get(event), default_branch)
        if info.refs is None:
            consumer.open_refs = True
            continue
        for ref in info.refs:
            if facts.condition is None or not excludes_ref(facts.condition, event, ref):
                consumer.subjects.add(f"ref:{ref}")


def _literal_input(step: Any, name: str) -> str | None:
    value = step.input(name)
    if not isinstance(value, str) or isinstance(value, Unresolved) or "${{" in value:
        return None
    return value.strip()


def consumers(ctx: Context) -> list[Consumer]:
    def build() -> list[Consumer]:
        from ..github.analysis import step_uses
        from ..github.workflow import build_workflow

        out: list[Consumer] = []
        docs = sorted(ctx.project.of_format("workflow"), key=lambda d: (d.path, d.index))
        for doc in docs:
            for job in build_workflow(doc).jobs:
                for step in job.steps:
                    c: Consumer | None = None
                    if step_uses(step, [AWS_ACTION]):
                        arn = _literal_input(step, "role-to-assume")
                        m = ROLE_ARN.match(arn) if arn else None
                        if m:
                            path = (*step.path, "with", "role-to-assume")
                            c = Consumer(doc, path, job.id, "aws", m.group(1))
                    elif step_uses(step, [GCP_ACTION]):
                        wip = _literal_input(step, "workload_identity_provider")
                        g = GCP_PROVIDER.match(wip) if wip else None
                        if g:
                            path = (*step.path, "with", "workload_identity_provider")
                            c = Consumer(doc, path, job.id, "gcp", g.group(2), g.group(1))
                    if c is not None:
                        _job_subjects(job, c, ctx)
                        out.append(c)
        return out

    result: list[Consumer] = ctx.memo("crossfile.oidc_consumers", build)
    return result


# --- trust side -----------------------------------------------------------------------------


@dataclass
class Trust:
    """An AWS trust statement for GitHub OIDC with its ``sub`` patterns."""

    source: PolicySource
    statement: Statement
    patterns: list[tuple[str, bool]]  # (sub value, wildcard semantics)
    unresolved: bool


def role_trusts(role: Resource) -> list[Trust]:
    from ..terraform.aws_common import policy_sources

    out: list[Trust] = []
    for src in policy_sources(role, frozenset({"trust"})):
        policy = src.policy
        if isinstance(policy, Unresolved):
            continue
        for st in policy.statements:
            if not st.allows:
                continue
            patterns: list[tuple[str, bool]] = []
            unresolved = st.unresolved
            for cond in st.conditions:
                key, op = cond.key, cond.operator
                if not isinstance(key, str) or isinstance(key, Unresolved):
                    unresolved = True
                    continue
                if key.lower() != SUB_KEY:
                    continue
                if not isinstance(op, str) or isinstance(op, Unresolved):
                    unresolved = True
                    continue
                if "not" in op.lower():
                    continue
                for v in cond.values:
                    if isinstance(v, str) and not isinstance(v, Unresolved):
                        patterns.append((v, "like" in op.lower()))
                    else:
                        unresolved = True
            if patterns or unresolved:
                out.append(Trust(src, st, patterns, unresolved))
    return out


def _identities(ctx: Context) -> dict[tuple[str, str], list[Resource]]:
    """(cloud, role name or provider id) -> the Terraform resources defining it."""

    def build() -> dict[tuple[str, str], list[Resource]]:
        from ..terraform.module import modules_of

        out: dict[tuple[str, str], list[Resource]] = {}
        for module in modules_of(ctx.project, ctx).values():
            for role in module.resources_of_type("aws_iam_role"):
                name = role.data.get("name")
                if isinstance(name, str) and not isinstance(name, Unresolved):
                    out.setdefault(("aws", name), []).append(role)
            for prov in module.resources_of_type(GCP_PROVIDER_TYPE):
                pid = prov.data.get("workload_identity_pool_provider_id")
                if isinstance(pid, str) and not isinstance(pid, Unresolved):
                    out.setdefault(("gcp", pid), []).append(prov)
        return out

    result: dict[tuple[str, str], list[Resource]] = ctx.memo("crossfile.oidc_ids", build)
    return result


def _gcp_pool_matches(prov: Resource, pool: str | None) -> bool:
    value = prov.data.get("workload_identity_pool_id")
    if pool is None or not isinstance(value, str) or isinstance(value, Unresolved):
        return True  # a reference to the pool resource: the provider id decides
    return value == pool


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


def _gcp_admits(prov: Resource, repo: str, suffix: str) -> Tri:
    condition = prov.data.get("attribute_condition")
    if condition is None:
        return True  # no condition: every identity of the issuer (TF-GCP-012's finding too)
    if not isinstance(condition, str) or isinstance(condition, Unresolved):
        return None
    claims = mapped_claims(claims_of(repo, suffix), prov.data.get("attribute_mapping"))
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


def _trust_texts(resources: list[Resource]) -> list[str]:
    out: list[str] = []
    for r in resources:
        if r.type == "aws_iam_role":
            out.extend(p for t in role_trusts(r) for p, _ in t.patterns)
        else:
            cond = r.data.get("attribute_condition")
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


def _admitted(c: Consumer, resources: list[Resource], repo: str, suffix: str) -> Tri:
    if c.cloud == "aws":
        return _aws_admits([t for r in resources for t in role_trusts(r)], repo, suffix)
    return tri_any(_gcp_admits(r, repo, suffix) for r in resources)


def _defining(c: Consumer, ctx: Context) -> list[Resource]:
    found = _identities(ctx).get((c.cloud, c.key), [])
    if c.cloud == "aws":
        return [r for r in found if role_trusts(r)]
    return [r for r in found if _gcp_pool_matches(r, c.pool)]


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


def _probes(users: list[Consumer], ctx: Context) -> list[str]:
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
    resource: Resource | None = target.context.get("resource")
    if resource is None:
        return
    cloud = "aws" if resource.type == "aws_iam_role" else "gcp"
    key_arg = "name" if cloud == "aws" else "workload_identity_pool_provider_id"
    key = resource.data.get(key_arg)
    users = [c for c in consumers(ctx) if c.cloud == cloud and c.key == key]
    if cloud == "gcp":
        users = [c for c in users if _gcp_pool_matches(resource, c.pool)]
    if not users or not isinstance(key, str):
        return
    repo, assumed = _repo_for(repository(ctx), _trust_texts([resource]))
    if repo is None:
        return
    probes = _probes(users, ctx)
    if cloud == "aws":
        for trust in role_trusts(resource):
            hits = [
                p
                for p, like in trust.patterns
                if any(admits(p, like, f"repo:{repo}:{probe}") for probe in probes)
            ]
            if hits:
                yield trust.source.statement_result(
                    trust.statement,
                    "Condition",
                    unresolved=assumed,
                    args={"pattern": hits[0], "role": key},
                )
        return
    admitted = [p for p in probes if _gcp_admits(resource, repo, p) is True]
    if admitted:
        cond = resource.data.get("attribute_condition")
        yield Result(
            doc=resource.doc,
            path=resource.path_of("attribute_condition") if cond is not None else None,
            span=None if cond is not None else resource.header,
            unresolved=assumed,
            args={"pattern": cond if cond is not None else "(no condition)", "role": key},
        )
