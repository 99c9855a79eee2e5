"""GHA-009, GHA-010, GHA-013, GHA-014, GHA-019: untrusted input and secrets in expressions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import JsonPath, Result, Target
from ..registry import check
from .analysis import is_untrusted, vocabulary
from .exprtree import Binary, Call, Index, Literal, Property, pattern_matches, ref_path, walk
from .exprtree import Context as CtxNode
from .lookup import RunScript, on_script, on_step, step_of
from .positions import expressions_at, locate
from .taint import (
    PRIVILEGED_TRIGGERS,
    condition_sites,
    env_file_writes,
    expression_nodes,
    flowing_ref_sites,
    indirect_source,
    ref_sites,
    taint,
    tainted_env_names,
    writes_tainted,
)
from .workflow import Step, build_workflow, env_sites, locator_of

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


def script_paths(step: Step) -> list[JsonPath]:
    """The strings of a step that are executed as code: ``run`` and github-script ``script``."""
    out: list[JsonPath] = []
    if step.run is not None:
        out.append((*step.path, "run"))
    if step.uses_action("actions/github-script") and isinstance(step.input("script"), str):
        out.append((*step.path, "with", "script"))
    return out


# --------------------------------------------------------------------------- GHA-009


@check("GHA-009.untrusted-context", target="github.step")
@on_step
def untrusted_context(target: Target, rule: Rule, ctx: Context, step: Step) -> Iterator[Result]:
    wf = build_workflow(step.doc)
    privileged = wf.kind == "workflow" and wf.has_trigger(*PRIVILEGED_TRIGGERS)
    for path in script_paths(step):
        for site in flowing_ref_sites(step.doc, path):
            if is_untrusted(ctx, site.ref.parts):
                yield Result(
                    span=site.span,
                    severity=None if privileged else "high",
                    args={"context": site.text},
                )


@check("GHA-009.indirect", target="github.step")
@on_step
def indirect(target: Target, rule: Rule, ctx: Context, step: Step) -> Iterator[Result]:
    wf = build_workflow(step.doc)
    for path in script_paths(step):
        for site in flowing_ref_sites(step.doc, path):
            if is_untrusted(ctx, site.ref.parts):
                continue
            why = indirect_source(site.ref.parts, step, wf, ctx)
            if why is not None:
                yield Result(span=site.span, args={"context": site.text, "why": why})
        yield from _api_result_fields(step, path, ctx)


def _api_result_fields(step: Step, path: JsonPath, ctx: Context) -> Iterator[Result]:
    """``fromJSON(steps.X.outputs.result).title``: a field of the GitHub API data that an
    ``actions/github-script`` step returned, when the field is one outsiders write."""
    api = taint(build_workflow(step.doc), ctx).api_steps.get(step.job.id if step.job else "", set())
    if not api:
        return
    value = step.doc.get(path)
    for loc in expressions_at(step.doc, path):
        node = loc.expr.node
        if node is None:
            continue
        inner: set[int] = set()
        for sub in walk(node):
            if id(sub) in inner or not isinstance(sub, (Property, Index)):
                continue
            fields, base = _access_chain(sub, inner)
            found = ref_path(base.args[0]) if isinstance(base, Call) and base.args else None
            if not (isinstance(base, Call) and base.name == "fromjson" and found is not None):
                continue
            parts = found[0]
            is_result = (
                len(parts) == 4 and parts[0] == "steps" and parts[2:] == ("outputs", "result")
            )
            if not is_result or parts[1] not in api or not _api_field_untrusted(fields, ctx):
                continue
            start = loc.expr.body_start + sub.start
            end = loc.expr.body_start + sub.end
            text = value[start:end] if isinstance(value, str) else ".".join(fields)
            why = f"step '{parts[1]}' returns GitHub API data (actions/github-script result)"
            yield Result(
                span=locate(step.doc, path, start, end), args={"context": text, "why": why}
            )


def _access_chain(node: Property | Index, seen: set[int]) -> tuple[tuple[str, ...], Any]:
    """The property names of ``a.b[0].c`` (``*`` for an index) and the node they apply to."""
    fields: list[str] = []
    cur: Any = node
    while isinstance(cur, (Property, Index)):
        seen.add(id(cur))
        if isinstance(cur, Property):
            fields.append(cur.name)
        elif isinstance(cur.index, Literal) and isinstance(cur.index.value, str):
            fields.append(cur.index.value.lower())
        else:
            fields.append("*")
        cur = cur.obj
    return tuple(reversed(fields)), cur


def _api_field_untrusted(fields: tuple[str, ...], ctx: Context) -> bool:
    """The field read from an API object is a value outsiders write (a title, a branch …),
    as it would be read from the event payload of any event."""
    if not fields:
        return False
    candidates = (("github", "event", *fields), ("github", "event", "*", *fields))
    patterns = [p for p in vocabulary(ctx).untrusted if p[-1] != "**"]
    return any(pattern_matches(p, c) for p in patterns for c in candidates)


@check("GHA-009.dispatch-input", target="github.step")
@on_step
def dispatch_input(target: Target, rule: Rule, ctx: Context, step: Step) -> Iterator[Result]:
    wf = build_workflow(step.doc)
    if wf.kind == "workflow" and not wf.has_trigger("workflow_dispatch", "workflow_call"):
        return
    safe = _typed_inputs(step.doc.data)
    for path in script_paths(step):
        for site in flowing_ref_sites(step.doc, path):
            parts = site.ref.parts
            name = parts[1] if parts[0] == "inputs" and len(parts) > 1 else None
            if parts[:3] == ("github", "event", "inputs") and len(parts) > 3:
                name = parts[3]
            if name is not None and name not in safe:
                yield Result(span=site.span, args={"context": site.text})


# Input types whose values GitHub validates: no shell syntax can get through them.
SAFE_INPUT_TYPES = frozenset({"boolean", "number", "choice", "environment"})


def _typed_inputs(data: object) -> set[str]:
    """Inputs that every trigger declaring them types as boolean/number/choice/environment."""
    on = data.get("on") if isinstance(data, dict) else None
    if not isinstance(on, dict):
        return set()
    safe: set[str] = set()
    unsafe: set[str] = set()
    for trigger in ("workflow_dispatch", "workflow_call"):
        spec = on.get(trigger)
        inputs = spec.get("inputs") if isinstance(spec, dict) else None
        if not isinstance(inputs, dict):
            continue
        for name, decl in inputs.items():
            kind = decl.get("type") if isinstance(decl, dict) else None
            (safe if kind in SAFE_INPUT_TYPES else unsafe).add(str(name))
    return safe - unsafe


# --------------------------------------------------------------------------- GHA-010

PR_HEAD_CONTEXTS: list[tuple[str, ...]] = [
    ("github", "event", "pull_request", "head"),
    ("github", "head_ref"),
    ("github", "event", "workflow_run", "head_branch"),
    ("github", "event", "workflow_run", "head_sha"),
    ("github", "event", "workflow_run", "head_commit"),
    ("github", "event", "workflow_run", "head_repository"),
]
_PR_CHECKOUT_RUN_RE = re.compile(
    r"\bgh\s+pr\s+checkout\b|\bgit\s+fetch\b[^\n]*\bpull/|\bgit\s+(checkout|switch)\b[^\n]*\$\{\{[^}]*"
    r"(pull_request\.head|head_ref|workflow_run\.head)"
)


def _is_pr_head(parts: tuple[str, ...]) -> bool:
    return any(parts[: len(p)] == p for p in PR_HEAD_CONTEXTS)


@check("GHA-010.dangerous-trigger", target="github.workflow")
def dangerous_trigger(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    wf = build_workflow(target.doc)
    on = wf.data.get("on")
    for event in ("pull_request_target", "workflow_run"):
        if event not in wf.triggers:
            continue
        if isinstance(on, dict):
            yield Result(path=("on", event), key=True, args={"event": event})
        elif isinstance(on, list):
            index = next(
                (i for i, v in enumerate(on) if isinstance(v, str) and v.strip() == event), 0
            )
            yield Result(path=("on", index), args={"event": event})
        else:
            yield Result(path=("on",), args={"event": event})


@check("GHA-010.pr-head-checkout", target="github.step")
@on_step
def pr_head_checkout(target: Target, rule: Rule, ctx: Context, step: Step) -> Iterator[Result]:
    wf = build_workflow(step.doc)
    if wf.kind != "workflow" or not wf.has_trigger("pull_request_target", "workflow_run"):
        return
    if step.uses_action("actions/checkout"):
        for key in ("ref", "repository"):
            value = step.input(key)
            if not isinstance(value, str):
                continue
            path = (*step.path, "with", key)
            if "refs/pull/" in value:
                yield Result(path=path, args={"what": f"{key}: {value}"})
                break
            if any(_is_pr_head(s.ref.parts) for s in ref_sites(step.doc, path)):
                yield Result(path=path, args={"what": f"{key}: {value}"})
                break
    if step.run:
        m = _PR_CHECKOUT_RUN_RE.search(step.run)
        if m:
            path = (*step.path, "run")
            span = locate(step.doc, path, m.start(), m.end())
            yield Result(span=span, args={"what": m.group().strip()})


_EXEC_RE = re.compile(
    r"(?:^|[\s;&|(])(?:(?:bash|sh|zsh|source|\.|node|python3?|ruby|perl|pwsh)\s+)?"
    r"((?:\./)?[\w./-]+\.(?:sh|py|js|mjs|rb|pl|ps1)\b|\./[\w./-]+)"
)
_GH_RUN_DOWNLOAD_RE = re.compile(r"\bgh\s+run\s+download\b")


def _download_dir(step: Step) -> str | None:
    """Where a step puts artifacts of the triggering run, or None if it does not."""
    if step.uses_action("actions/download-artifact"):
        run_id = step.input("run-id")
        if isinstance(run_id, str) and "workflow_run" in run_id:
            path = step.input("path")
            return path.strip() if isinstance(path, str) and path.strip() else "."
        return None
    if step.run and _GH_RUN_DOWNLOAD_RE.search(step.run):
        m = re.search(r"(?:-D|--dir)\s+(\S+)", step.run)
        return m.group(1) if m else "."
    return None


def _under(file: str, directory: str) -> bool:
    f = file[2:] if file.startswith("./") else file
    d = directory[2:] if directory.startswith("./") else directory
    d = d.rstrip("/")
    if d in ("", "."):
        return True
    return f == d or f.startswith(d + "/")


@check("GHA-010.artifact-exec", target="github.job")
def artifact_exec(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    wf = build_workflow(target.doc)
    job = wf.job(str(target.path[-1]))
    if job is None or not wf.has_trigger("workflow_run"):
        return
    dirs: list[str] = []
    for step in job.steps:
        if dirs and step.run:
            for m in _EXEC_RE.finditer(step.run):
                file = m.group(1)
                if any(_under(file, d) for d in dirs):
                    path = (*step.path, "run")
                    span = locate(step.doc, path, m.start(1), m.end(1))
                    yield Result(span=span, locator=step.locator, args={"file": file})
                    return
        found = _download_dir(step)
        if found is not None:
            dirs.append(found)


# --------------------------------------------------------------------------- GHA-013


def _node_span(target: Target, path: JsonPath, offset: int, node: Any) -> Any:
    return locate(target.doc, path, offset + node.start, offset + node.end)


@check("GHA-013.secrets-tojson", target="github.document")
def secrets_tojson(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    wf = build_workflow(target.doc)
    for path, root, offset in expression_nodes(wf):
        for node in walk(root):
            if isinstance(node, Call) and node.name == "tojson" and node.args:
                arg = node.args[0]
                if isinstance(arg, CtxNode) and arg.name == "secrets":
                    yield Result(
                        span=_node_span(target, path, offset, node), locator=locator_of(path)
                    )


@check("GHA-013.structured-secret", target="github.document")
def structured_secret(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    wf = build_workflow(target.doc)
    for path, root, offset in expression_nodes(wf):
        for node in walk(root):
            if not isinstance(node, (Property, Index)):
                continue
            inner = node.obj
            if isinstance(inner, Call) and inner.name == "fromjson" and inner.args:
                found = ref_path(inner.args[0])
                if found is not None and found[0][0] == "secrets" and len(found[0]) > 1:
                    yield Result(
                        span=_node_span(target, path, offset, node), locator=locator_of(path)
                    )


@check("GHA-013.secrets-inherit", target="github.job")
def secrets_inherit(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    data = target.data if isinstance(target.data, dict) else {}
    value = data.get("secrets")
    if isinstance(value, str) and value.strip().lower() == "inherit":
        yield Result(path=(*target.path, "secrets"))


@check("GHA-013.secret-in-argv", target="github.step")
def secret_in_argv(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    step = step_of(target)
    if step is None or step.run is None:
        return
    for site in flowing_ref_sites(step.doc, (*step.path, "run")):
        parts = site.ref.parts
        if parts[0] == "secrets" and len(parts) > 1:
            yield Result(span=site.span, args={"secret": site.text})


# --------------------------------------------------------------------------- GHA-014


@check("GHA-014.unsecure-commands", target="github.document")
def unsecure_commands(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    wf = build_workflow(target.doc)
    for path, env, locator in env_sites(wf):
        for key, value in env.items():
            if str(key).upper() != "ACTIONS_ALLOW_UNSECURE_COMMANDS":
                continue
            if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
                yield Result(path=(*path, key), locator=locator or None)


@check("GHA-014.github-env-injection", target="github.step")
@on_script
def github_env_injection(
    target: Target, rule: Rule, ctx: Context, run: RunScript
) -> Iterator[Result]:
    step, script = run
    wf = build_workflow(step.doc)
    if wf.kind != "workflow" or not wf.has_trigger("pull_request_target", "workflow_run"):
        return
    path = (*step.path, "run")
    tainted_vars = {n.upper() for n in tainted_env_names(step, ctx)}
    sites = [s for s in flowing_ref_sites(step.doc, path) if is_untrusted(ctx, s.ref.parts)]
    for write in env_file_writes(script):
        if write.file not in ("GITHUB_ENV", "GITHUB_PATH"):
            continue
        bad = any(write.start <= s.offset < write.end for s in sites)
        if bad or writes_tainted(script, write, tainted_vars):
            span = locate(step.doc, path, write.at, write.at + len(write.file))
            yield Result(span=span, args={"file": write.file})


# --------------------------------------------------------------------------- GHA-019

ACTOR_CONTEXTS = {("github", "actor"), ("github", "triggering_actor")}


@check("GHA-019.actor-check", target="github.document")
def actor_check(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    wf = build_workflow(target.doc)
    if wf.kind != "workflow" or not wf.has_trigger(
        "pull_request_target", "workflow_run", "issue_comment"
    ):
        return
    for path, root, offset in condition_sites(wf):
        for node in walk(root):
            # Only equality grants: `github.actor != 'bot'` merely excludes an actor, and
            # spoofing it could only skip the guarded step.
            if not isinstance(node, Binary) or node.op != "==":
                continue
            for side, other in ((node.left, node.right), (node.right, node.left)):
                found = ref_path(side)
                if found and found[0] in ACTOR_CONTEXTS and isinstance(other, Literal):
                    yield Result(
                        span=_node_span(target, path, offset, side),
                        locator=locator_of(path),
                        args={"context": ".".join(found[0])},
                    )


@check("GHA-019.unsound-contains", target="github.document")
def unsound_contains(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    wf = build_workflow(target.doc)
    for path, root, offset in expression_nodes(wf):
        for node in walk(root):
            if not isinstance(node, Call) or node.name != "contains" or len(node.args) != 2:
                continue
            haystack, needle = node.args
            if not (isinstance(haystack, Literal) and isinstance(haystack.value, str)):
                continue
            found = ref_path(needle)
            if found is not None:
                yield Result(
                    span=_node_span(target, path, offset, node),
                    locator=locator_of(path),
                    args={"context": ".".join(found[0])},
                )
