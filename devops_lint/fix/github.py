"""Fixes for GitHub Actions workflows (GHA-001, GHA-009, GHA-011, GHA-015)."""

from __future__ import annotations

import re
from typing import Any

from ..model import Document, JsonPath
from .edits import Edit
from .locate import at_finding, by_key_line
from .registry import FixContext, Proposal, fix, located
from .yamledit import insert_into_mapping, written_value

# Actions that only read the repository: a job using nothing else does not need a write scope.
READ_ONLY_ACTIONS = (
    "actions/checkout",
    "actions/setup-",
    "actions/cache",
    "actions/upload-artifact",
    "actions/download-artifact",
    "actions/dependency-review-action",
)
# A shell step that writes through the token or the persisted credentials.
WRITES_WITH_TOKEN = re.compile(r"\bgit\s+push\b|\bgh\s+(?:api|pr|release|issue|repo|workflow)\b")
PUSHING_ACTIONS = (
    "stefanzweifel/git-auto-commit-action",
    "peter-evans/create-pull-request",
    "ad-m/github-push-action",
    "endbug/add-and-commit",
    "ee/git-auto-commit",
)


def _jobs(doc: Document) -> dict[str, Any]:
    jobs = doc.data.get("jobs") if isinstance(doc.data, dict) else None
    return jobs if isinstance(jobs, dict) else {}


def _steps(job: Any) -> list[Any]:
    steps = job.get("steps") if isinstance(job, dict) else None
    return steps if isinstance(steps, list) else []


def _has_write_scope(permissions: Any) -> bool:
    """``write-all``, or any scope other than read/none (an expression counts as a write)."""
    if isinstance(permissions, str):
        return permissions.strip() != "read-all"
    if isinstance(permissions, dict):
        return any(str(v).strip() not in ("read", "none") for v in permissions.values())
    return False


def _step_writes(step: Any) -> bool:
    if not isinstance(step, dict):
        return False
    run = step.get("run")
    if isinstance(run, str) and WRITES_WITH_TOKEN.search(run):
        return True
    uses = step.get("uses")
    return isinstance(uses, str) and uses.lower().startswith(PUSHING_ACTIONS)


def _job_needs_write(job: Any) -> bool:
    """A job that inherits the workflow's permissions and may need to write with them."""
    if not isinstance(job, dict):
        return True
    if "permissions" in job:
        return False  # its own permissions win over the top-level ones
    if "uses" in job:
        return True  # a called workflow's needs are not visible here
    for step in _steps(job):
        if _step_writes(step):
            return True
        uses = step.get("uses") if isinstance(step, dict) else None
        if (
            isinstance(uses, str)
            and not uses.startswith("./")
            and not uses.startswith(READ_ONLY_ACTIONS)
        ):
            return True
    return False


@fix(
    "GHA-001.missing",
    "safe",
    "adds top-level `permissions: {contents: read}`",
    when_unsafe="a job declares a write scope or inherits the permissions and may write",
)
def top_level_permissions(ctx: FixContext) -> Proposal | None:
    doc, src = ctx.doc, ctx.source
    if doc is None or not isinstance(doc.data, dict) or "permissions" in doc.data:
        return None
    key = doc.key_spans.get(("jobs",))
    if key is None or key.column != 1:
        return None
    line = key.line
    while line > 1 and src.line(line - 1).startswith("#"):
        line -= 1  # comments written above `jobs:` stay with it
    unit = src.indent_unit()
    lines = ["permissions:", " " * unit + "contents: read"]
    if line > 1 and not src.line(line - 1).strip():
        lines.append("")  # keep the blank line that separated the sections
    offset = src.offset(line)
    jobs = _jobs(doc).values()
    safe = not any(
        _has_write_scope(j.get("permissions"))
        for j in jobs
        if isinstance(j, dict) and "permissions" in j
    ) and not any(_job_needs_write(j) for j in jobs)
    return Proposal([Edit(offset, offset, src.lines_at(offset, lines, 0))], safe=safe)


def _step(ctx: FixContext) -> tuple[Document, JsonPath] | None:
    """The workflow step (``jobs.<id>.steps[i]``) or composite action step (``runs.steps[i]``)
    written on the finding's line, with its document."""
    return at_finding(
        ctx,
        lambda p, v: (
            isinstance(v, dict)
            and (
                (len(p) == 4 and p[0] == "jobs" and p[2] == "steps")
                or (len(p) == 3 and p[:2] == ("runs", "steps"))
            )
        ),
    )


def _job_of(doc: Document, step: JsonPath) -> Any:
    return doc.get(step[:2]) if step[0] == "jobs" else None


@fix(
    "GHA-011",
    "safe",
    "sets `persist-credentials: false` on actions/checkout",
    when_unsafe="a later step of the job pushes with git or writes through the token",
)
@located(_step)
def persist_credentials(ctx: FixContext, step_at: tuple[Document, JsonPath]) -> Proposal | None:
    doc, path = step_at
    src = ctx.source
    step = doc.get(path)
    uses = step.get("uses")
    if not isinstance(uses, str) or not uses.lower().startswith("actions/checkout"):
        return None
    with_ = step.get("with")
    if isinstance(with_, dict):
        if "persist-credentials" in with_:
            return None  # written explicitly: the author's choice
        edit = insert_into_mapping(src, doc, (*path, "with"), {"persist-credentials": "false"})
    elif "with" in step:
        return None
    else:
        edit = insert_into_mapping(
            src, doc, path, {"with": {"persist-credentials": "false"}}, after="uses"
        )
    if edit is None:
        return None
    later = _steps(_job_of(doc, path))[int(path[-1]) + 1 :]
    return Proposal([edit], safe=not any(_step_writes(s) for s in later))


@fix("GHA-015", "unsafe", "sets `timeout-minutes` to `max_job_timeout_minutes`")
def job_timeout(ctx: FixContext) -> Proposal | None:
    doc, src = ctx.doc, ctx.source
    if doc is None:
        return None
    path = by_key_line(
        doc,
        ctx.finding.span.line,
        lambda p, v: len(p) == 2 and p[0] == "jobs" and isinstance(v, dict),
    )
    if path is None or "timeout-minutes" in doc.get(path) or "uses" in doc.get(path):
        return None
    limit = ctx.settings.get("max_job_timeout_minutes", 120)
    if not isinstance(limit, int) or isinstance(limit, bool):
        return None
    edit = insert_into_mapping(src, doc, path, {"timeout-minutes": str(limit)}, after="runs-on")
    return Proposal([edit]) if edit else None


# --------------------------------------------------------------------------- GHA-009

_EXPR = re.compile(r"\$\{\{(.*?)\}\}")
_SIMPLE_REF = re.compile(r"[A-Za-z_][\w-]*(?:\.[\w-]+|\[\s*'[^'\]]+'\s*\])*")
_RESERVED = {"PATH", "HOME", "USER", "SHELL", "PWD", "CI", "LANG", "TERM", "IFS", "OLDPWD"}


def _env_name(expr: str, taken: dict[str, str]) -> str | None:
    """An environment variable name for ``expr``: its last two path parts (``ISSUE_TITLE``)."""
    parts = [p for p in re.split(r"[.\[\]'\s]+", expr) if p]
    while parts and parts[0].lower() in ("github", "event") and len(parts) > 1:
        parts = parts[1:]
    base = re.sub(r"[^A-Za-z0-9]+", "_", "_".join(parts[-2:])).strip("_").upper()
    if (
        not base
        or base[0].isdigit()
        or base.startswith(("GITHUB_", "RUNNER_"))
        or base in _RESERVED
    ):
        base = f"UNTRUSTED_{base}".rstrip("_")
    value = "${{ " + expr + " }}"
    name, n = base, 1
    while name in taken and taken[name] != value:
        n += 1
        name = f"{base}_{n}"
    return name


def _quote_state(script: str) -> str | None:
    """The shell quoting in force at the end of ``script``: none, single or double; None when
    the script does something this scanner does not follow (a heredoc)."""
    state = "none"
    i = 0
    at_word_start = True
    while i < len(script):
        c = script[i]
        if state == "single":
            if c == "'":
                state = "none"
        elif c == "\\":
            i += 1
        elif state == "double":
            if c == '"':
                state = "none"
        elif c == "'":
            state = "single"
        elif c == '"':
            state = "double"
        elif c == "<" and script.startswith("<<", i):
            return None
        elif c == "#" and at_word_start:
            end = script.find("\n", i)
            i = len(script) if end < 0 else end
            continue
        at_word_start = c in " \t\n;|&(" and state == "none"
        i += 1
    return state


def _reference(name: str, state: str) -> str:
    """How the script reads the variable where the expression stood."""
    if state == "double":
        return "${" + name + "}"
    if state == "single":
        return f"'\"${name}\"'"  # leave the single quotes, read it, enter them again
    return f'"${name}"'


def _shell_ok(doc: Document, path: JsonPath) -> bool:
    """The step runs in bash or sh on a Linux or macOS runner (where `"$VAR"` is right)."""
    job = _job_of(doc, path)
    shells: list[Any] = [doc.get((*path, "shell"))]
    if path[0] == "runs":  # a composite action's run step must name its shell
        return isinstance(shells[0], str) and shells[0].split()[:1] in (["bash"], ["sh"])
    for where in (job, doc.data):
        defaults = where.get("defaults") if isinstance(where, dict) else None
        run = defaults.get("run") if isinstance(defaults, dict) else None
        shells.append(run.get("shell") if isinstance(run, dict) else None)
    shell = next((s for s in shells if s is not None), None)
    if shell is not None:
        return isinstance(shell, str) and shell.split()[:1] in (["bash"], ["sh"])
    runner = job.get("runs-on") if isinstance(job, dict) else None
    labels = runner if isinstance(runner, list) else [runner]
    return all(isinstance(x, str) and "${{" not in x and "windows" not in x.lower() for x in labels)


MOVE_TO_ENV = 'moves the expression into the step\'s `env:` and reads it as `"$VAR"`'


@fix("GHA-009.dispatch-input", "safe", MOVE_TO_ENV)
@fix("GHA-009.indirect", "safe", MOVE_TO_ENV)
@fix("GHA-009.untrusted-context", "safe", MOVE_TO_ENV)
@located(_step)
def untrusted_to_env(ctx: FixContext, step_at: tuple[Document, JsonPath]) -> Proposal | None:
    doc, path = step_at
    src = ctx.source
    if not isinstance(doc.get((*path, "run")), str) or not _shell_ok(doc, path):
        return None
    found = written_value(src, doc, (*path, "run"))
    if found is None:
        return None
    start, written = found
    style = written[:1]
    if style in ('"', "'"):
        return None  # quoted YAML: the shell quoting would need YAML escapes too
    block = style in ("|", ">")
    at = src.offset(ctx.finding.span.line, ctx.finding.span.column)
    hit = next(
        (m for m in _EXPR.finditer(written) if start + m.start() <= at < start + m.end()), None
    )
    if hit is None:
        return None
    expr = hit.group(1).strip()
    if not _SIMPLE_REF.fullmatch(expr):
        return None
    body_from = written.find("\n") + 1 if block else 0
    step = doc.get(path)
    taken: dict[str, str] = {}
    for scope in (doc.data, _job_of(doc, path), step):
        env = scope.get("env") if isinstance(scope, dict) else None
        if isinstance(env, dict):
            taken.update({str(k): str(v) for k, v in env.items()})
    name = _env_name(expr, taken)
    if name is None:
        return None
    edits: list[Edit] = []
    for m in _EXPR.finditer(written):
        if m.group(1).strip() != expr:
            continue
        if not block and m.start() == 0:
            return None  # a plain scalar would start with a quote and change meaning
        state = _quote_state(written[body_from : m.start()])
        if state is None:
            return None
        begin, end = start + m.start(), start + m.end()
        quoted = written[m.start() - 1 : m.start()] == "'" == written[m.end() : m.end() + 1]
        if state == "single" and quoted:
            begin, end, state = begin - 1, end + 1, "none"  # '${{ x }}' as a whole
        edits.append(Edit(begin, end, _reference(name, state)))
    env = step.get("env")
    value = "${{ " + expr + " }}"
    if taken.get(name) == value and isinstance(env, dict) and name in env:
        pass  # the step already has it
    elif isinstance(env, dict):
        edit = insert_into_mapping(src, doc, (*path, "env"), {name: value})
        if edit is None:
            return None
        edits.append(edit)
    elif "env" in step:
        return None
    else:
        edit = insert_into_mapping(src, doc, path, {"env": {name: value}}, before="run")
        if edit is None:
            return None
        edits.append(edit)
    return Proposal(edits)
