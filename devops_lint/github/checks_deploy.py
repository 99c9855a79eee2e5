"""Deploy and publishing jobs: GHA-006, 007, 008, 015, 016, 018, 021, 022."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import saferegex
from ..model import JsonPath, Result, Target
from ..registry import check
from .analysis import (
    image_push_step,
    job_facts,
    job_grants,
    run_matches,
    setting,
    step_uses,
    truthy_input,
    vocabulary,
)
from .evaluate import PR_EVENTS, Evaluator, RunInfo, evaluates_false, run_info
from .expressions import find_expressions, parse_condition
from .lookup import job_of, on_job, step_of
from .positions import all_expressions, locate
from .workflow import Job, Step, Workflow, build_workflow, env_sites, is_expression

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


# --------------------------------------------------------------------------- GHA-006

STATIC_KEY_INPUTS = {
    "aws-actions/configure-aws-credentials": ("aws-access-key-id", "aws-secret-access-key"),
    "azure/login": ("creds", "client-secret"),
    "google-github-actions/auth": ("credentials_json",),
}
STATIC_KEY_ENV = frozenset(
    {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "ARM_CLIENT_SECRET",
        "AZURE_CLIENT_SECRET",
        "GOOGLE_CREDENTIALS",
        "GOOGLE_APPLICATION_CREDENTIALS_JSON",
    }
)


def _static_key_input(step: Step, action: str) -> str | None:
    if not step.uses_action(action):
        return None
    for key in step.with_:  # first offending input in written order
        if key in STATIC_KEY_INPUTS[action]:
            return str(key)
    return None


def _static_keys(target: Target, action: str) -> Iterator[Result]:
    step = step_of(target)
    if step is None:
        return
    key = _static_key_input(step, action)
    if key is not None:
        yield Result(path=(*step.path, "with", key), key=True, args={"input": key})


@check("GHA-006.aws-static-keys", target="github.step")
def aws_static_keys(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    return _static_keys(target, "aws-actions/configure-aws-credentials")


@check("GHA-006.azure-sp-secret", target="github.step")
def azure_sp_secret(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    return _static_keys(target, "azure/login")


@check("GHA-006.gcp-sa-key", target="github.step")
def gcp_sa_key(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    return _static_keys(target, "google-github-actions/auth")


@check("GHA-006.env-static-keys", target="github.document")
def env_static_keys(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    wf = build_workflow(target.doc)
    for path, env, locator in env_sites(wf):
        for key in env:
            if str(key).upper() in STATIC_KEY_ENV:
                yield Result(
                    path=(*path, key), key=True, locator=locator or None, args={"var": key}
                )


OIDC_INPUTS = {
    "aws-actions/configure-aws-credentials": ("role-to-assume",),
    "azure/login": ("client-id",),
    "google-github-actions/auth": ("workload_identity_provider",),
}


@check("GHA-006.oidc-without-id-token", target="github.step")
def oidc_without_id_token(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    step = step_of(target)
    if step is None or step.job is None:
        return
    for action, inputs in OIDC_INPUTS.items():
        if not step.uses_action(action) or _static_key_input(step, action) is not None:
            continue
        found = next((k for k in step.with_ if k in inputs), None)
        if found is None:
            continue
        if (
            action == "aws-actions/configure-aws-credentials"
            and "web-identity-token-file" in step.with_
        ):
            continue
        granted = job_grants(step.job, "id-token", ctx)
        if granted is None:
            yield Result(path=(*step.path, "with", found), key=True, unresolved=True)
        elif not granted:
            yield Result(path=(*step.path, "with", found), key=True)


# --------------------------------------------------------------------------- GHA-007/008/015/016


@check("GHA-007", target="github.job")
def deploy_without_environment(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    job = job_of(target)
    if job is None or not job_facts(job, ctx).deploy:
        return
    if job.environment in (None, ""):
        yield Result(span=job.key_span)


def _prod_env(job: Job, ctx: Context) -> bool | None:
    env = job.environment
    if not isinstance(env, str) or not env:
        return False
    if is_expression(env):
        return None
    pattern = setting(ctx, "prod_environment_regex", r"(?i)^(prod|production|live)(-.*)?$")
    compiled = saferegex.compile(pattern)  # repository config: RE2, no backtracking
    return None if compiled is None else compiled.search(env) is not None


@check("GHA-008.pr-reachable-deploy", target="github.job")
@on_job
def pr_reachable_deploy(target: Target, rule: Rule, ctx: Context, job: Job) -> Iterator[Result]:
    facts = job_facts(job, ctx)
    if not facts.deploy or not facts.pr_reachable:
        return
    prod = _prod_env(job, ctx)
    events = ", ".join(e for e in facts.reachable if e in PR_EVENTS)
    yield Result(
        span=job.key_span,
        severity="high" if prod else "medium",
        args={"events": events, "environment": job.environment or "none"},
    )


GATED_EVENTS = frozenset({"release", "workflow_dispatch", "workflow_call"})


def _push_gated(spec: Any, ctx: Context) -> bool:
    """A push filter naming only the default/protected branches and/or tags."""
    if not isinstance(spec, dict):
        return False
    if "branches-ignore" in spec or "tags-ignore" in spec:
        return False
    branches = spec.get("branches")
    tags = spec.get("tags")
    if branches is None and tags is None:
        return False
    allowed = {setting(ctx, "default_branch", "main"), *setting(ctx, "protected_branches", [])}
    if branches is not None:
        items = [branches] if isinstance(branches, str) else branches
        if not isinstance(items, list) or not all(
            isinstance(b, str) and b in allowed for b in items
        ):
            return False
    return True


@check("GHA-008.prod-ungated", target="github.job")
@on_job
def prod_ungated(target: Target, rule: Rule, ctx: Context, job: Job) -> Iterator[Result]:
    facts = job_facts(job, ctx)
    if not facts.deploy:
        return
    prod = _prod_env(job, ctx)
    if prod is False:
        return
    wf = build_workflow(job.doc)
    ungated: list[str] = []
    for event in facts.reachable:
        if event in GATED_EVENTS:
            continue
        if event == "push" and _push_gated(wf.triggers.get(event), ctx):
            continue
        cond = facts.condition
        if cond is not None:
            # The job's if: restricts github.ref when an unprotected branch is excluded.
            probe = RunInfo(event, frozenset({"refs/heads/devops-lint-unprotected-probe"}))
            if evaluates_false(cond, probe):
                continue
        ungated.append(event)
    if not ungated:
        return
    yield Result(span=job.key_span, unresolved=prod is None, args={"events": ", ".join(ungated)})


@check("GHA-015", target="github.job")
def timeout(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    job = job_of(target)
    if job is None or job.uses is not None:
        return
    limit = setting(ctx, "max_job_timeout_minutes", 120)
    if "timeout-minutes" not in job.data:
        yield Result(span=job.key_span, args={"detail": "no timeout-minutes", "limit": limit})
        return
    value = job.data["timeout-minutes"]
    path = (*job.path, "timeout-minutes")
    if is_expression(value):
        yield Result(path=path, unresolved=True, args={"detail": str(value), "limit": limit})
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value > limit:
        yield Result(path=path, args={"detail": f"timeout-minutes {value}", "limit": limit})


@check("GHA-016", target="github.job")
def deploy_concurrency(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    job = job_of(target)
    if job is None or not job_facts(job, ctx).deploy:
        return
    wf = build_workflow(job.doc)
    if "concurrency" not in job.data and "concurrency" not in wf.data:
        yield Result(span=job.key_span)


# --------------------------------------------------------------------------- GHA-018


@check("GHA-018", target="github.job")
@on_job
def self_hosted_exposed(target: Target, rule: Rule, ctx: Context, job: Job) -> Iterator[Result]:
    labels = {str(x).strip().lower() for x in setting(ctx, "self_hosted_labels", ["self-hosted"])}
    labels.add("self-hosted")
    runner = job.runner_labels()
    self_hosted = any(v is not None and v.strip().lower() in labels for _, v in runner)
    unknown = any(v is None for _, v in runner)
    if not self_hosted and not unknown:
        return
    risky = ("pull_request", "pull_request_target", "issue_comment", "workflow_run")
    hit = [e for e in job_facts(job, ctx).reachable if e in risky]
    if hit:
        events = ", ".join(hit)
        yield Result(span=job.key_span, unresolved=not self_hosted, args={"events": events})


# --------------------------------------------------------------------------- GHA-021


def _signing_in_job(job: Job, ctx: Context) -> bool:
    v = vocabulary(ctx)
    for step in job.steps:
        if step_uses(step, v.signing_actions) or run_matches(step, v.signing_commands):
            return True
        if step.uses_action("docker/build-push-action"):
            prov = step.input("provenance")
            sbom = step.input("sbom")
            if isinstance(prov, str) and "mode=max" in prov:
                return True
            if truthy_input(sbom) is not False and sbom is not None:
                return True
    return False


def _push_site(step: Step, ctx: Context) -> tuple[JsonPath | None, Any]:
    """Where a pushing step is reported: its ``uses`` value, or the push command."""
    if step.uses is not None:
        return (*step.path, "uses"), None
    m = run_matches(step, vocabulary(ctx).image_push_commands)
    if m is not None:
        return None, locate(step.doc, (*step.path, "run"), m.start(), m.end())
    return (*step.path, "run"), None


@check("GHA-021.unsigned-image", target="github.job")
def unsigned_image(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    job = job_of(target)
    if job is None or not job_facts(job, ctx).publishing:
        return
    pushing = [s for s in job.steps if image_push_step(s, ctx)]
    if not pushing or _signing_in_job(job, ctx):
        return
    for step in pushing:
        # Standards GHA-021: at the pushing step's ``uses:``/``run:`` line.
        key = "uses" if step.uses is not None else "run"
        yield Result(path=(*step.path, key), key=True, locator=step.locator)


@check("GHA-021.digest-unused", target="github.job")
@on_job
def digest_unused(target: Target, rule: Rule, ctx: Context, job: Job) -> Iterator[Result]:
    outputs = job.data.get("outputs")
    if not isinstance(outputs, dict):
        return
    build_ids = {
        s.id.lower()
        for s in job.steps
        if s.id and (s.uses_action("docker/build-push-action") or image_push_step(s, ctx))
    }
    wf = build_workflow(job.doc)
    used = _needs_outputs_used(wf)
    for name, value in outputs.items():
        if not isinstance(value, str):
            continue
        for e in find_expressions(value):
            refs = [r.parts for r in e.refs]
            if any(
                len(p) >= 4
                and p[0] == "steps"
                and p[1] in build_ids
                and p[2] == "outputs"
                and p[3] == "digest"
                for p in refs
            ):
                if (job.id.lower(), str(name).lower()) not in used:
                    yield Result(path=(*job.path, "outputs", name), key=True, args={"output": name})
                break


def _needs_outputs_used(wf: Workflow) -> set[tuple[str, str]]:
    cached = wf.doc.meta.get("_github_outputs_used")
    if cached is None:
        cached = _outputs_used(wf)
        wf.doc.meta["_github_outputs_used"] = cached
    return cached


def _outputs_used(wf: Workflow) -> set[tuple[str, str]]:
    used: set[tuple[str, str]] = set()
    for loc in all_expressions(wf.doc):
        for r in loc.expr.refs:
            p = r.parts
            if len(p) >= 4 and p[0] in ("needs", "jobs") and p[2] == "outputs":
                used.add((p[1], p[3]))
            elif len(p) >= 3 and p[0] in ("needs", "jobs") and p[2] == "outputs":
                used.add((p[1], "*"))
    expanded = set(used)
    for job_id, name in used:
        if name == "*":
            job = wf.job(job_id)
            outputs = job.data.get("outputs") if job is not None else None
            if isinstance(outputs, dict):
                expanded |= {(job_id, str(n).lower()) for n in outputs}
    return expanded


# --------------------------------------------------------------------------- GHA-022


def _guarded(node_text: Any, infos: list[RunInfo]) -> bool | None:
    """Whether a ``push`` value / step ``if:`` is false for every PR run (None: unknown)."""
    if not isinstance(node_text, str):
        return None
    node, err, _ = parse_condition(node_text)
    if node is None or err is not None:
        return None
    results = [Evaluator(i).truth(node) for i in infos]
    if all(r is False for r in results):
        return True
    if any(r is True for r in results):
        return False
    return None


@check("GHA-022", target="github.job")
@on_job
def pr_image_push(target: Target, rule: Rule, ctx: Context, job: Job) -> Iterator[Result]:
    facts = job_facts(job, ctx)
    if not facts.publishing or not facts.pr_reachable:
        return
    wf = build_workflow(job.doc)
    branch = setting(ctx, "default_branch", "main")
    infos = [run_info(e, wf.triggers.get(e), branch) for e in facts.reachable if e in PR_EVENTS]
    for step in job.steps:
        if not image_push_step(step, ctx):
            continue
        cond = step.condition
        if isinstance(cond, str) and _guarded(cond, infos) is True:
            continue
        if isinstance(cond, bool) and cond is False:
            continue
        if step.uses_action("docker/build-push-action"):
            value = step.input("push")
            path = (*step.path, "with", "push")
            if is_expression(value):
                verdict = _guarded(value, infos)
                if verdict is True:
                    continue
                yield Result(path=path, locator=step.locator, unresolved=verdict is None)
            else:
                yield Result(path=path, locator=step.locator)
            continue
        path2, span = _push_site(step, ctx)
        yield Result(path=path2, span=span, locator=step.locator)
