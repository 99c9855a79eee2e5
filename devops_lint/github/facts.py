"""What other formats read from workflows: typed facts, the package's published surface.

Cross-file checks (``crossfile/``) read GitHub Actions files only through this module,
never through the workflow model or the analyses behind it, so those can change freely:

- ``oidc_trusts``: the job steps that assume a cloud identity named literally, with the
  OIDC subjects the job presents (X-010);
- ``workflow_paths``: the local paths a workflow or action names, and the scripts it runs
  with their working directory (X-009);
- ``job_needs``: the literal ``needs:`` of every job (X-009);
- ``repository_view`` and ``locate``: the repository a workflow belongs to, and where a
  piece of a value is written (re-exported: the X-009 checks report inside run scripts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Document, JsonPath, Unresolved
from .positions import locate
from .repository import RepositoryView, repository_view
from .workflow import Job, build_workflow

if TYPE_CHECKING:
    from ..context import Context

__all__ = [
    "JobNeed",
    "OidcTrust",
    "PathRef",
    "RepositoryView",
    "job_ids",
    "job_needs",
    "locate",
    "oidc_trusts",
    "repository_view",
    "workflow_paths",
]

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]+)$")
GCP_PROVIDER = re.compile(
    r"^projects/[^/]+/locations/global/workloadIdentityPools/([^/]+)/providers/([^/]+)$"
)
AWS_ACTION = "aws-actions/configure-aws-credentials"
GCP_ACTION = "google-github-actions/auth"


# --- OIDC -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OidcTrust:
    """A job step asking a cloud identity, named literally, to trust the job's OIDC token."""

    doc: Document
    path: JsonPath  # the role-to-assume / workload_identity_provider value
    job: str
    cloud: str  # "aws" or "gcp"
    key: str  # role name, or provider id
    pool: str | None  # GCP pool id
    subjects: frozenset[str]  # what follows "repo:<owner>/<repo>:" in the token's sub
    open_refs: bool  # some reachable ref cannot be enumerated
    unknown: bool  # the environment is an expression


def _job_subjects(job: Job, ctx: Context) -> tuple[set[str], bool, bool]:
    """(subjects, open refs, unknown) of a job, as standards X-010 reads them:
    ``environment:<env>`` for a job with an environment, else ``ref:<ref>`` per reachable
    ref, plus ``pull_request`` when PR-reachable."""
    from .analysis import job_facts, setting
    from .evaluate import PR_EVENTS, excludes_ref, run_info

    subjects: set[str] = set()
    env = job.environment
    if env is not None:
        if not isinstance(env, str) or "${{" in env:
            return subjects, False, True
        subjects.add(f"environment:{env}")
        return subjects, False, False
    open_refs = False
    facts = job_facts(job, ctx)
    triggers = build_workflow(job.doc).triggers
    default_branch = setting(ctx, "default_branch", "main")
    for event in facts.reachable:
        if event in PR_EVENTS:
            subjects.add("pull_request")
            continue
        info = run_info(event, triggers.get(event), default_branch)
        if info.refs is None:
            open_refs = True
            continue
        for ref in info.refs:
            if facts.condition is None or not excludes_ref(facts.condition, event, ref):
                subjects.add(f"ref:{ref}")
    return subjects, open_refs, False


def _literal_input(step: Any, name: str) -> str | None:
    value = step.input(name)
    if not isinstance(value, str) or isinstance(value, Unresolved) or "${{" in value:
        return None
    return value.strip()


def _identity_of(step: Any) -> tuple[JsonPath, str, str, str | None] | None:
    """(input path, cloud, key, pool) of a step assuming an identity by a literal name."""
    from .analysis import step_uses

    if step_uses(step, [AWS_ACTION]):
        arn = _literal_input(step, "role-to-assume")
        m = ROLE_ARN.match(arn) if arn else None
        if m:
            return (*step.path, "with", "role-to-assume"), "aws", m.group(1), None
    elif step_uses(step, [GCP_ACTION]):
        wip = _literal_input(step, "workload_identity_provider")
        g = GCP_PROVIDER.match(wip) if wip else None
        if g:
            return (*step.path, "with", "workload_identity_provider"), "gcp", g.group(2), g.group(1)
    return None


def oidc_trusts(ctx: Context) -> list[OidcTrust]:
    """Every step of the run's workflows assuming a literally named cloud identity."""

    def build() -> list[OidcTrust]:
        out: list[OidcTrust] = []
        docs = sorted(ctx.project.of_format("workflow"), key=lambda d: (d.path, d.index))
        for doc in docs:
            for job in build_workflow(doc).jobs:
                for step in job.steps:
                    found = _identity_of(step)
                    if found is None:
                        continue
                    path, cloud, key, pool = found
                    subjects, open_refs, unknown = _job_subjects(job, ctx)
                    out.append(
                        OidcTrust(
                            doc,
                            path,
                            job.id,
                            cloud,
                            key,
                            pool,
                            frozenset(subjects),
                            open_refs,
                            unknown,
                        )
                    )
        return out

    result: list[OidcTrust] = ctx.memo("github:oidc-trusts", build)
    return result


# --- local paths ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PathRef:
    """A local path a workflow or action names, or a script it runs.

    ``what`` is ``action`` (a step's ``uses: ./…``), ``workflow`` (a job's ``uses: ./…``),
    ``directory`` (a ``working-directory``) or ``run`` (``text`` is a step's script and
    ``cwd`` the working directory it runs in, "" for the repository root).
    """

    path: JsonPath
    text: str
    what: str
    cwd: str = ""


def workflow_paths(doc: Document) -> list[PathRef]:
    """The local paths and run scripts of a workflow or action, in document order."""
    wf = build_workflow(doc)
    out: list[PathRef] = []
    data = doc.data if isinstance(doc.data, dict) else {}

    def working_dir(block: Any, path: JsonPath) -> str | None:
        run = block.get("run") if isinstance(block, dict) else None
        wd = run.get("working-directory") if isinstance(run, dict) else None
        if isinstance(wd, str):
            out.append(PathRef((*path, "run", "working-directory"), wd, "directory"))
            return wd
        return None

    # A run script's relative paths start from its effective working directory.
    default_wd = working_dir(data.get("defaults"), ("defaults",))
    job_wd: dict[str, str | None] = {}
    for job in wf.jobs:
        job_wd[job.id] = working_dir(job.data.get("defaults"), (*job.path, "defaults"))
        if job.uses is not None and job.uses.kind == "local":
            out.append(PathRef((*job.path, "uses"), job.uses.raw.strip(), "workflow"))
    for step in wf.all_steps():
        if step.uses is not None and step.uses.kind == "local":
            out.append(PathRef((*step.path, "uses"), step.uses.raw.strip(), "action"))
        wd = step.data.get("working-directory")
        if isinstance(wd, str):
            out.append(PathRef((*step.path, "working-directory"), wd, "directory"))
        else:
            wd = (job_wd.get(step.job.id) if step.job else None) or default_wd
        if step.run:
            out.append(PathRef((*step.path, "run"), step.run, "run", wd or ""))
    return out


@dataclass(frozen=True)
class JobNeed:
    """One literal entry of a job's ``needs:``."""

    job: str
    path: JsonPath  # the entry
    needed: str


def job_needs(doc: Document) -> list[JobNeed]:
    """The literal ``needs:`` entries of a workflow's jobs (an action has none)."""
    if doc.format != "workflow":
        return []
    out: list[JobNeed] = []
    for job in build_workflow(doc).jobs:
        raw = job.data.get("needs")
        items = (
            [(("needs",), raw)]
            if isinstance(raw, str)
            else [(("needs", i), v) for i, v in enumerate(raw if isinstance(raw, list) else [])]
        )
        for rel, value in items:
            if isinstance(value, str) and "${{" not in value:
                out.append(JobNeed(job.id, (*job.path, *rel), value))
    return out


def job_ids(doc: Document) -> frozenset[str]:
    """The ids of a workflow's jobs."""
    return frozenset(j.id for j in build_workflow(doc).jobs)
