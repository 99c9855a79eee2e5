"""GHA-001 and GHA-002: token permissions at workflow and job level."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import saferegex
from ..context import shipped_strings
from ..model import FILE_START, Result, Target
from ..registry import check
from .analysis import is_cloud_auth, step_uses
from .lookup import job_of
from .workflow import Job, Step, build_workflow, is_expression

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

WRITE_SCOPES = (
    "contents",
    "packages",
    "pull-requests",
    "issues",
    "deployments",
    "statuses",
    "checks",
    "actions",
    "security-events",
)


def _is_write(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() == "write"


# --------------------------------------------------------------------------- GHA-001


@check("GHA-001.missing", target="github.workflow")
def workflow_permissions_missing(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    data = target.data if isinstance(target.data, dict) else {}
    if "permissions" in data:
        return
    jobs = build_workflow(target.doc).jobs
    all_scoped = bool(jobs) and all("permissions" in j.data for j in jobs)
    yield Result(
        span=FILE_START,
        severity="low" if all_scoped else None,
        args={"detail": " (every job sets its own)" if all_scoped else ""},
    )


@check("GHA-001.write-all", target="github.workflow")
def workflow_write_all(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    data = target.data if isinstance(target.data, dict) else {}
    perms = data.get("permissions")
    if isinstance(perms, str) and perms.strip().lower() == "write-all":
        yield Result(path=("permissions",))


@check("GHA-001.top-level-write", target="github.workflow")
def workflow_top_level_write(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    data = target.data if isinstance(target.data, dict) else {}
    perms = data.get("permissions")
    if not isinstance(perms, dict):
        return
    for scope, value in perms.items():
        if _is_write(value):
            yield Result(path=("permissions", scope), args={"scope": scope})


# --------------------------------------------------------------------------- GHA-002


def _evidence(ctx: Context) -> list[dict[str, Any]]:
    def build() -> list[dict[str, Any]]:
        shipped = shipped_strings("permission_evidence.yaml")
        out = []
        for entry in ctx.data_entries("permission_evidence.yaml", "evidence", required="scope"):
            item = dict(entry)
            for key in ("command", "value"):
                if isinstance(item.get(key), str):
                    item[key] = saferegex.compile_or_trusted(item[key], shipped)
            if isinstance(item.get("action"), str):
                item["action"] = item["action"].lower()
            out.append(item)
        return out

    return ctx.memo("github:permission-evidence", build)  # type: ignore[no-any-return]


def _step_is_evidence(step: Step, entry: dict[str, Any]) -> bool:
    action = entry.get("action")
    if action is not None:
        if not step_uses(step, [action]):
            return False
        key = entry.get("input")
        if isinstance(key, str):
            value = step.input(key)
            pattern = entry.get("value")
            if value is None:
                return False
            if pattern is not None and not isinstance(pattern, str):
                return bool(
                    pattern.search(str(value).lower() if isinstance(value, bool) else str(value))
                )
        return True
    command = entry.get("command")
    if command is not None and not isinstance(command, str) and step.run:
        return bool(command.search(step.run))
    return False


def job_uses_scope(job: Job, scope: str, ctx: Context) -> bool:
    entries = [e for e in _evidence(ctx) if e["scope"] == scope]
    for step in job.steps:
        if scope == "id-token" and is_cloud_auth(step, ctx):
            return True
        if any(_step_is_evidence(step, e) for e in entries):
            return True
    return False


@check("GHA-002.job-write-all", target="github.job")
def job_write_all(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    perms = target.data.get("permissions") if isinstance(target.data, dict) else None
    if isinstance(perms, str) and perms.strip().lower() == "write-all":
        yield Result(path=(*target.path, "permissions"))


@check("GHA-002.unused-id-token", target="github.job")
def unused_id_token(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    job = job_of(target)
    if job is None or job.uses is not None:
        return  # a reusable-workflow call: the callee's steps are not visible here
    perms = job.data.get("permissions")
    if not isinstance(perms, dict) or not _is_write(perms.get("id-token")):
        return
    if not job_uses_scope(job, "id-token", ctx):
        yield Result(path=(*job.path, "permissions", "id-token"))


@check("GHA-002.unused-write", target="github.job")
def unused_write(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    job = job_of(target)
    if job is None or job.uses is not None:
        return
    perms = job.data.get("permissions")
    if not isinstance(perms, dict):
        return
    for scope in WRITE_SCOPES:
        value = perms.get(scope)
        if is_expression(value) or not _is_write(value):
            continue
        if not job_uses_scope(job, scope, ctx):
            yield Result(path=(*job.path, "permissions", scope), args={"scope": scope})
