"""Run-wide GitHub vocabulary and per-job facts of standards 1.0.

Cloud-auth steps, deploy and publishing jobs, reachable events and effective
permissions are computed here once per job and shared by every check.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import saferegex
from ..context import shipped_strings
from ..saferegex import Regex
from .evaluate import PR_EVENTS, reachable_events
from .expressions import parse_condition
from .exprtree import Node, pattern_covers, pattern_matches
from .repository import repository_of
from .workflow import Job, Step, Workflow, build_workflow, is_expression

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Document


def setting(ctx: Context, key: str, default: Any) -> Any:
    value = ctx.settings.get(key)
    return default if value is None else value


def _compile(patterns: list[Any]) -> list[Regex]:
    """Command patterns on RE2 (configuration and data extensions come from the scanned
    repository); only the package's own look-around patterns run on ``re``."""
    shipped = shipped_strings("github_actions.yaml")
    out: list[Regex] = []
    for p in patterns:
        compiled = saferegex.compile_or_trusted(p, shipped) if isinstance(p, str) else None
        if compiled is not None:
            out.append(compiled)
    return out


@dataclass
class Vocabulary:
    cloud_auth_actions: list[str]
    deploy_actions: list[str]
    deploy_commands: list[Regex]
    cluster_commands: list[Regex]
    throwaway_cluster_actions: list[str]
    throwaway_cluster_commands: list[Regex]
    publish_actions: list[str]
    publish_commands: list[Regex]
    image_push_commands: list[Regex]
    signing_actions: list[str]
    signing_commands: list[Regex]
    sast_actions: list[str]
    sast_commands: list[Regex]
    deps_actions: list[str]
    deps_commands: list[Regex]
    tag_pinned_workflows: list[str]
    untrusted: list[tuple[str, ...]]
    first_party: set[str]
    trusted_owners: set[str]


def _names(*lists: Any) -> list[str]:
    out: list[str] = []
    for lst in lists:
        if isinstance(lst, list):
            out.extend(str(x).lower() for x in lst if isinstance(x, str))
    return out


def vocabulary(ctx: Context) -> Vocabulary:
    def build() -> Vocabulary:
        table = ctx.data("github_actions.yaml") or {}
        publishing = ctx.data("publishing_actions.yaml") or {}
        untrusted = (ctx.data("untrusted_contexts.yaml") or {}).get("contexts") or []

        def get(key: str) -> list[Any]:
            value = table.get(key)
            return value if isinstance(value, list) else []

        return Vocabulary(
            cloud_auth_actions=_names(
                get("cloud_auth_actions"), setting(ctx, "cloud_auth_actions", [])
            ),
            deploy_actions=_names(get("deploy_actions"), setting(ctx, "deploy_actions", [])),
            deploy_commands=_compile(
                [*get("deploy_command_patterns"), *setting(ctx, "deploy_command_patterns", [])]
            ),
            cluster_commands=_compile(get("cluster_deploy_command_patterns")),
            throwaway_cluster_actions=_names(get("throwaway_cluster_actions")),
            throwaway_cluster_commands=_compile(get("throwaway_cluster_command_patterns")),
            publish_actions=_names(publishing.get("actions")),
            publish_commands=_compile(get("publish_command_patterns")),
            image_push_commands=_compile(get("image_push_command_patterns")),
            signing_actions=_names(get("signing_actions")),
            signing_commands=_compile(get("signing_command_patterns")),
            sast_actions=_names(get("sast_actions"), setting(ctx, "sast_actions", [])),
            sast_commands=_compile(get("sast_command_patterns")),
            deps_actions=_names(get("deps_scan_actions")),
            deps_commands=_compile(get("deps_scan_command_patterns")),
            tag_pinned_workflows=_names(get("tag_pinned_reusable_workflows")),
            untrusted=[tuple(str(u).lower().split(".")) for u in untrusted if isinstance(u, str)],
            first_party={
                str(o).lower()
                for o in setting(ctx, "first_party_action_owners", get("first_party_action_owners"))
            },
            trusted_owners={o.lower() for o in setting(ctx, "trusted_action_owners", [])},
        )

    return ctx.memo("github:vocabulary", build)  # type: ignore[no-any-return]


def action_matches(name: str, patterns: list[str]) -> bool:
    """``name`` is one of ``patterns`` or a sub-action of one (``*`` suffix globs)."""
    for p in patterns:
        if p.endswith("*"):
            if name.startswith(p[:-1]):
                return True
        elif name == p or name.startswith(p + "/"):
            return True
    return False


def step_uses(step: Step, patterns: list[str]) -> bool:
    name = step.action()
    return bool(name) and action_matches(name, patterns)


def run_matches(step: Step, patterns: list[Regex]) -> Any:
    """The first match in the step's script, continuation lines joined (offsets as in ``run``)."""
    run = step.script
    if not run:
        return None
    for p in patterns:
        m = p.search(run)
        if m:
            return m
    return None


def untrusted_pattern_covers(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """``parts`` reads a value of ``pattern`` (or an object holding one); a final ``**``
    in the pattern stands for any number of further segments."""
    if pattern and pattern[-1] == "**":
        base = pattern[:-1]
        if len(parts) >= len(base):
            return pattern_matches(base, parts[: len(base)])
        return pattern_covers(base, parts)
    return pattern_covers(pattern, parts)


def is_untrusted(ctx: Context, parts: tuple[str, ...]) -> bool:
    memo: dict[tuple[str, ...], bool] = ctx.memo("github:untrusted-memo", dict)
    found = memo.get(parts)
    if found is None:
        found = any(untrusted_pattern_covers(p, parts) for p in vocabulary(ctx).untrusted)
        memo[parts] = found
    return found


# --------------------------------------------------------------------------- steps


def is_cloud_auth(step: Step, ctx: Context) -> bool:
    return step_uses(step, vocabulary(ctx).cloud_auth_actions)


def is_deploy_step(step: Step, ctx: Context, throwaway_cluster: bool = False) -> bool:
    """The step deploys; ``helm``/``kubectl`` into a throwaway cluster the job made do not."""
    v = vocabulary(ctx)
    return (
        step_uses(step, v.cloud_auth_actions)
        or step_uses(step, v.deploy_actions)
        or run_matches(step, v.deploy_commands) is not None
        or (not throwaway_cluster and run_matches(step, v.cluster_commands) is not None)
    )


def creates_throwaway_cluster(job: Job, ctx: Context) -> bool:
    """The job starts a local cluster (kind, minikube, k3d …) that dies with the runner."""
    v = vocabulary(ctx)
    return any(
        step_uses(s, v.throwaway_cluster_actions)
        or run_matches(s, v.throwaway_cluster_commands) is not None
        for s in job.steps
    )


def release_only(triggers: dict[str, Any]) -> bool:
    """The workflow runs only on ``release`` and/or pushes of tags (never of branches)."""
    if not triggers:
        return False
    for event, spec in triggers.items():
        if event == "release":
            continue
        if event == "push" and isinstance(spec, dict):
            tags = "tags" in spec or "tags-ignore" in spec
            branches = "branches" in spec or "branches-ignore" in spec
            if tags and not branches:
                continue
        return False
    return True


def truthy_input(value: Any) -> bool | None:
    """An action input's truth: True/False, or None for an expression."""
    if is_expression(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def image_push_step(step: Step, ctx: Context) -> bool:
    """The step pushes a container image (build-push-action ``push``, ``docker push``)."""
    if step.uses_action("docker/build-push-action"):
        return truthy_input(step.input("push")) is not False and "push" in step.with_
    return run_matches(step, vocabulary(ctx).image_push_commands) is not None


def is_publishing_step(step: Step, ctx: Context) -> bool:
    v = vocabulary(ctx)
    if step.uses_action("docker/build-push-action"):
        return "push" in step.with_ and truthy_input(step.input("push")) is not False
    return step_uses(step, v.publish_actions) or run_matches(step, v.publish_commands) is not None


def is_sast_step(step: Step, ctx: Context) -> bool:
    v = vocabulary(ctx)
    return step_uses(step, v.sast_actions) or run_matches(step, v.sast_commands) is not None


def is_deps_scan_step(step: Step, ctx: Context) -> bool:
    v = vocabulary(ctx)
    return step_uses(step, v.deps_actions) or run_matches(step, v.deps_commands) is not None


def is_scan_step(step: Step, ctx: Context) -> bool:
    return is_sast_step(step, ctx) or is_deps_scan_step(step, ctx)


# --------------------------------------------------------------------------- jobs


@dataclass
class JobFacts:
    deploy: bool
    publishing: bool
    condition: Node | None
    reachable: list[str]

    @property
    def pr_reachable(self) -> bool:
        return any(e in PR_EVENTS for e in self.reachable)


def condition_of(value: Any) -> Node | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None
    if not isinstance(value, str):
        return None
    node, _err, _off = parse_condition(value)
    return node


def job_facts(job: Job, ctx: Context) -> JobFacts:
    def build() -> JobFacts:
        wf = build_workflow(job.doc)
        cond = condition_of(job.condition)
        reachable = reachable_events(wf.triggers, cond, setting(ctx, "default_branch", "main"))
        throwaway = creates_throwaway_cluster(job, ctx)
        return JobFacts(
            deploy=any(is_deploy_step(s, ctx, throwaway) for s in job.steps),
            publishing=release_only(wf.triggers)
            or any(is_publishing_step(s, ctx) for s in job.steps),
            condition=cond,
            reachable=reachable,
        )

    return ctx.memo(f"github:job:{id(job)}", build)  # type: ignore[no-any-return]


def workflow_of(doc: Document) -> Workflow:
    return build_workflow(doc)


def permissions_value(data: dict[str, Any]) -> tuple[bool, Any]:
    if "permissions" in data:
        return True, data["permissions"]
    return False, None


def grants(perms: Any, scope: str, level: str = "write") -> bool | None:
    """Whether a ``permissions`` value grants ``scope: level`` (None: unknown)."""
    if isinstance(perms, str):
        if is_expression(perms):
            return None
        p = perms.strip().lower()
        if p == "write-all":
            return True
        if p == "read-all":
            return level == "read"
        return None
    if isinstance(perms, dict):
        value = perms.get(scope)
        if value is None:
            return False
        if is_expression(value):
            return None
        v = str(value).strip().lower()
        return v == "write" or (level == "read" and v == "read")
    if perms is None:
        return False  # `permissions:` with an empty value grants nothing
    return None


def effective_permissions(job: Job) -> tuple[bool, Any]:
    """The job's permissions map, else the workflow's; (declared?, value)."""
    declared, value = permissions_value(job.data)
    if declared:
        return True, value
    wf = build_workflow(job.doc)
    return permissions_value(wf.data)


def _callers(ctx: Context) -> dict[tuple[str, str], list[Job]]:
    """Jobs calling a local reusable workflow, by (repository root, workflow path in it)."""

    def build() -> dict[tuple[str, str], list[Job]]:
        project = ctx.project
        out: dict[tuple[str, str], list[Job]] = {}
        for doc in project.of_format("workflow"):
            root, _ = repository_of(project, doc.path)
            for job in build_workflow(doc).jobs:
                if job.uses is not None and job.uses.kind == "local":
                    called = posixpath.normpath(job.uses.subpath.strip())
                    out.setdefault((str(root), called), []).append(job)
        return out

    return ctx.memo("github:callers", build)  # type: ignore[no-any-return]


def job_grants(job: Job, scope: str, ctx: Context, depth: int = 0) -> bool | None:
    """Whether the job's token has ``scope: write`` (None: cannot tell).

    The job's own ``permissions``, else the workflow's; a workflow run only through
    ``workflow_call`` that declares neither gets its callers' token, so every caller in
    the scan must grant the scope (no caller in the scan: unknown). Otherwise the job
    gets the default token, which grants no write scope this linter can rely on.
    """
    declared, perms = effective_permissions(job)
    if declared:
        return grants(perms, scope)
    wf = build_workflow(job.doc)
    if set(wf.triggers) != {"workflow_call"}:
        return grants(None, scope)
    root, path = repository_of(ctx.project, job.doc.path)
    callers = _callers(ctx).get((str(root), path), [])
    if not callers or depth > 8:
        return None
    verdicts = [job_grants(c, scope, ctx, depth + 1) for c in callers]
    if any(v is False for v in verdicts):
        return False
    return True if all(v is True for v in verdicts) else None
