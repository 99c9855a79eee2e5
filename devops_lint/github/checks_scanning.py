"""GHA-020 (security scanning) and GHA-024 (action update tooling)."""

from __future__ import annotations

import fnmatch
import json
import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import safeio
from ..classify import RENOVATE_FILES
from ..model import FILE_START, Result, Target
from ..registry import check
from .analysis import (
    is_deps_scan_step,
    is_sast_step,
    is_scan_step,
    job_facts,
    job_grants,
    setting,
)
from .lookup import on_job
from .repository import MAX_CONFIG_BYTES, read_in_repository, workflow_repositories
from .workflow import Job, Workflow, build_workflow

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project
    from ..rules import Rule

CODEQL = "github/codeql-action"


def _workflows(project: Project) -> list[Workflow]:
    docs = sorted(project.of_format("workflow", "action"), key=lambda d: (d.path, d.index))
    return [build_workflow(d) for d in docs]


# --------------------------------------------------------------------------- repository level


def _push_admits_default(spec: Any, branch: str) -> bool:
    if not isinstance(spec, dict):
        return True
    if "branches" not in spec and "branches-ignore" not in spec:
        return "tags" not in spec  # a tags-only filter never runs for branch pushes
    branches = spec.get("branches")
    if branches is not None:
        items = [branches] if isinstance(branches, str) else branches
        if not isinstance(items, list):
            return True
        return any(isinstance(b, str) and fnmatch.fnmatchcase(branch, b) for b in items)
    ignored = spec.get("branches-ignore")
    items = [ignored] if isinstance(ignored, str) else ignored
    if not isinstance(items, list):
        return True
    return not any(isinstance(b, str) and fnmatch.fnmatchcase(branch, b) for b in items)


@check("GHA-020.no-sast", target="github.repository")
def no_sast(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    branch = setting(ctx, "default_branch", "main")
    for wf in _workflows(ctx.project):
        if wf.kind != "workflow":
            continue
        if not wf.has_trigger("pull_request", "pull_request_target") or "push" not in wf.triggers:
            continue
        if not _push_admits_default(wf.triggers.get("push"), branch):
            continue
        if any(is_sast_step(s, ctx) for s in wf.all_steps()) or _calls_sast_workflow(wf):
            return
    yield Result(span=FILE_START)


_SAST_WORKFLOW_RE = re.compile(r"(?i)(codeql|semgrep|sonar|sast)[^/]*\.ya?ml$")


def _calls_sast_workflow(wf: Workflow) -> bool:
    """A job calls a reusable workflow whose file name says it is static analysis."""
    return any(j.uses is not None and _SAST_WORKFLOW_RE.search(j.uses.subpath) for j in wf.jobs)


@check("GHA-020.no-deps-scan", target="github.repository")
def no_deps_scan(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for wf in _workflows(ctx.project):
        if any(is_deps_scan_step(s, ctx) for s in wf.all_steps()):
            return
    yield Result(span=FILE_START)


_DISABLED_RE = re.compile(
    r"[\"']?github-actions[\"']?\s*:\s*\{[^{}]*[\"']?enabled[\"']?\s*:\s*false"
)
_ENABLED_MANAGERS_RE = re.compile(r"[\"']?enabledManagers[\"']?\s*:\s*\[([^\]]*)\]")


def _renovate_covers_actions(text: str) -> bool:
    if _DISABLED_RE.search(text):
        return False
    m = _ENABLED_MANAGERS_RE.search(text)
    return not (m and "github-actions" not in m.group(1))


def _updates_actions(data: Any) -> bool:
    updates = data.get("updates") if isinstance(data, dict) else None
    return isinstance(updates, list) and any(
        isinstance(u, dict) and u.get("package-ecosystem") == "github-actions" for u in updates
    )


def _dependabot_covers(text: str) -> bool:
    from ..model import ParseError
    from ..yamlload import load_plain

    try:
        return _updates_actions(load_plain(text))
    except ParseError:
        return False


def _renovate_file_covers(name: str, text: str) -> bool:
    if name == "package.json":
        try:
            data = json.loads(text)
        except ValueError:
            return False
        if not isinstance(data, dict) or "renovate" not in data:
            return False
        text = json.dumps(data["renovate"])
    return _renovate_covers_actions(text)


def _has_dependabot(project: Project) -> bool:
    if any(_updates_actions(doc.data) for doc in project.of_format("dependabot")):
        return True
    if project.root.name != ".github":
        return False
    # Scanning the .github directory itself: its dependabot.yml is the repository's.
    for sf in project.files:
        if sf.path in ("dependabot.yml", "dependabot.yaml"):
            try:
                text = safeio.read_text(sf.abspath, MAX_CONFIG_BYTES, errors="replace")
            except OSError:
                continue
            if _dependabot_covers(text):
                return True
    return False


def _has_renovate(project: Project) -> bool:
    for sf in project.files:
        if sf.path in RENOVATE_FILES or sf.path == "package.json":
            try:
                text = safeio.read_text(sf.abspath, MAX_CONFIG_BYTES, errors="replace")
            except OSError:
                continue
            if _renovate_file_covers(sf.path, text):
                return True
    return False


def _repository_has_update_tool(project: Project) -> bool:
    """The repositories of the scanned workflows configure an update tool on disk.

    Scanning one workflow, ``.github/`` alone, or a repository from another working
    directory leaves its ``.github/dependabot.yml`` out of the scan; it is read at the
    repository root (see ``repository``), never outside it.
    """
    for root in workflow_repositories(project):
        for name in (".github/dependabot.yml", ".github/dependabot.yaml"):
            text = read_in_repository(root, name)
            if text is not None and _dependabot_covers(text):
                return True
        for name in (*sorted(RENOVATE_FILES), "package.json"):
            text = read_in_repository(root, name)
            if text is not None and _renovate_file_covers(posixpath.basename(name), text):
                return True
    return False


@check("GHA-024", target="github.repository")
def no_update_tool(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    project = ctx.project
    if _has_dependabot(project) or _has_renovate(project):
        return
    if _repository_has_update_tool(project):
        return
    yield Result(span=FILE_START)


# --------------------------------------------------------------------------- job level


@check("GHA-020.codeql-no-init", target="github.job")
@on_job
def codeql_no_init(target: Target, rule: Rule, ctx: Context, job: Job) -> Iterator[Result]:
    seen_init = False
    for step in job.steps:
        if step.uses_action(f"{CODEQL}/init"):
            seen_init = True
        elif step.uses_action(f"{CODEQL}/analyze") and not seen_init:
            yield Result(path=(*step.path, "uses"), locator=step.locator)


@check("GHA-020.codeql-permissions", target="github.job")
@on_job
def codeql_permissions(target: Target, rule: Rule, ctx: Context, job: Job) -> Iterator[Result]:
    if not any(
        s.uses_action(f"{CODEQL}/analyze") or s.uses_action(f"{CODEQL}/upload-sarif")
        for s in job.steps
    ):
        return
    granted = job_grants(job, "security-events", ctx)
    if granted is True:
        return
    # At the job's own permissions when it has them, else at the job's key line.
    where = (*job.path, "permissions") if "permissions" in job.data else None
    yield Result(path=where, span=None if where else job.key_span, unresolved=granted is None)


def _continue_on_error(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


@check("GHA-020.non-blocking", target="github.job")
@on_job
def non_blocking(target: Target, rule: Rule, ctx: Context, job: Job) -> Iterator[Result]:
    scans = [s for s in job.steps if is_scan_step(s, ctx)]
    if scans and _continue_on_error(job.data.get("continue-on-error")):
        yield Result(path=(*job.path, "continue-on-error"))
    for step in scans:
        if _continue_on_error(step.data.get("continue-on-error")):
            yield Result(path=(*step.path, "continue-on-error"), locator=step.locator)


@check("GHA-020.not-gating", target="github.job")
@on_job
def not_gating(target: Target, rule: Rule, ctx: Context, job: Job) -> Iterator[Result]:
    facts = job_facts(job, ctx)
    if not (facts.publishing or facts.deploy):
        return
    wf = build_workflow(job.doc)
    seen: set[str] = set()
    stack = [job.id]
    while stack:
        current = wf.job(stack.pop())
        if current is None or current.id in seen:
            continue
        seen.add(current.id)
        if any(is_scan_step(s, ctx) for s in current.steps):
            return
        stack.extend(current.needs)
    yield Result(span=job.key_span)
