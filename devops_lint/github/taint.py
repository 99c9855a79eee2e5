"""Where untrusted values (standards 1.0) flow inside one workflow.

A value is tainted when an expression reads an untrusted context; env variables,
step outputs and job outputs built from tainted expressions are tainted in turn
(GHA-009.indirect, GHA-014). Taint is per document and computed once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import Document, JsonPath, Span
from .analysis import is_untrusted
from .expressions import parse_condition
from .exprtree import Binary, Call, Index, Node, Property, Ref, ref_path
from .positions import all_expressions, expressions_at, locate, string_leaves
from .workflow import Job, Step, Workflow, build_workflow

if TYPE_CHECKING:
    from ..context import Context

PRIVILEGED_TRIGGERS = (
    "pull_request_target",
    "issue_comment",
    "issues",
    "discussion",
    "discussion_comment",
    "workflow_run",
)


@dataclass(frozen=True)
class RefSite:
    """One context reference inside a document string, located in the file."""

    path: JsonPath
    ref: Ref
    offset: int  # offset of the reference in the string value
    span: Span
    text: str  # the reference as written


def ref_sites(doc: Document, path: JsonPath) -> Iterator[RefSite]:
    """Every context reference of every ``${{ }}`` in the string at ``path``."""
    value = doc.get(path)
    for loc in expressions_at(doc, path):
        e = loc.expr
        for ref in e.refs:
            start = e.body_start + ref.start
            end = e.body_start + ref.end
            text = value[start:end] if isinstance(value, str) else ref.dotted
            yield RefSite(path, ref, start, locate(doc, path, start, end), text)


# Functions whose result carries the text of their arguments; every other function
# (contains, startsWith, hashFiles, success …) returns a boolean or a hash.
_PASSING_FUNCTIONS = frozenset({"format", "join", "tojson", "fromjson", "case"})


def _flowing_spans(node: Node) -> set[tuple[int, int]]:
    """(start, end) of the references whose text can reach the expression's value.

    A reference compared (``==``, ``<`` …), negated or tested by ``contains``/
    ``startsWith`` only yields a boolean; ``&&``/``||``, ``format``, ``join``, ``toJSON``,
    ``fromJSON`` and property access pass text through.
    """
    out: set[tuple[int, int]] = set()
    stack: list[Node] = [node]
    while stack:
        cur = stack.pop()
        if ref_path(cur) is not None:
            out.add((cur.start, cur.end))
        elif isinstance(cur, Binary):
            if cur.op in ("&&", "||"):
                stack += [cur.left, cur.right]
        elif isinstance(cur, Call):
            if cur.name in _PASSING_FUNCTIONS:
                stack.extend(cur.args)
        elif isinstance(cur, (Property, Index)):
            stack.append(cur.obj)
    return out


def flowing_ref_sites(doc: Document, path: JsonPath) -> Iterator[RefSite]:
    """``ref_sites`` whose value can end up in the string (not only in a comparison)."""
    value = doc.get(path)
    for loc in expressions_at(doc, path):
        e = loc.expr
        if e.node is None:
            continue
        flowing = _flowing_spans(e.node)
        for ref in e.refs:
            if (ref.start, ref.end) not in flowing:
                continue
            start = e.body_start + ref.start
            end = e.body_start + ref.end
            text = value[start:end] if isinstance(value, str) else ref.dotted
            yield RefSite(path, ref, start, locate(doc, path, start, end), text)


def value_untrusted(doc: Document, path: JsonPath, ctx: Context) -> bool:
    """Any string under ``path`` reads an untrusted context."""
    for p, value in string_leaves(doc.get(path), tuple(path)):
        if "${{" in value and any(is_untrusted(ctx, s.ref.parts) for s in ref_sites(doc, p)):
            return True
    return False


# --------------------------------------------------------------------------- env files

# A write to an environment file: `>> "$GITHUB_ENV"`, `> ${GITHUB_OUTPUT}`, `| tee -a …`.
_ENV_FILE_RE = re.compile(
    r"(?:>>?|\btee\s+(?:(?:-a|--append)\s+)?)\s*[\"']?\$\{?(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\b"
)
_HEREDOC_RE = re.compile(r"<<-?\s*['\"]?([A-Za-z_]\w*)['\"]?")
_GROUP_OPEN_RE = re.compile(r"^\s*(\{|\(|(for|while|until)\b)|(\{|\bdo)\s*$")
_VAR_RE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class EnvFileWrite:
    """Text of a script written to an environment file: ``script[start:end]``."""

    file: str  # GITHUB_ENV, GITHUB_PATH or GITHUB_OUTPUT
    start: int
    end: int
    at: int  # offset of the file's name, where a finding is reported


def env_file_writes(script: str) -> list[EnvFileWrite]:
    """Every write to ``$GITHUB_ENV``/``$GITHUB_PATH``/``$GITHUB_OUTPUT`` in a script.

    The written text is the command's line; for a group closed on the redirect's line
    (``{ …; } >> "$GITHUB_ENV"``, ``done >> …``) the lines from the group's opening; for
    a here-document, its body. ``script`` should have its continuations joined.
    """
    lines = script.split("\n")
    offsets: list[int] = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    out: list[EnvFileWrite] = []
    for i, line in enumerate(lines):
        for m in _ENV_FILE_RE.finditer(line):
            first, last = i, i
            if line.lstrip().startswith(("}", ")", "done")):
                first = next(
                    (j for j in range(i - 1, -1, -1) if _GROUP_OPEN_RE.search(lines[j])), i
                )
            heredoc = _HEREDOC_RE.search(line)
            if heredoc:
                delimiter = heredoc.group(1)
                last = next(
                    (k for k in range(i + 1, len(lines)) if lines[k].strip() == delimiter), i
                )
            end = offsets[last] + len(lines[last])
            out.append(EnvFileWrite(m.group(1), offsets[first], end, offsets[i] + m.start(1)))
    return out


_ASSIGN_RE = re.compile(r"^\s*(?:export\s+|local\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_]\w*)=(.*)$")


def shell_tainted(script: str, before: int, tainted_vars: set[str]) -> set[str]:
    """``tainted_vars`` plus the shell variables the script assigns from them (in order,
    on lines before offset ``before``): ``msg=$(echo "$TITLE" | cut -c1-50)``."""
    names = set(tainted_vars)
    pos = 0
    for line in script.split("\n"):
        if pos >= before:
            break
        pos += len(line) + 1
        m = _ASSIGN_RE.match(line)
        if m is None:
            continue
        name = m.group(1).upper()
        if any(v.group(1).upper() in names for v in _VAR_RE.finditer(m.group(2))):
            names.add(name)
        else:
            names.discard(name)  # reassigned from something else
    return names


def writes_tainted(script: str, write: EnvFileWrite, tainted_vars: set[str]) -> bool:
    """The written text expands a shell variable that holds untrusted data."""
    names = shell_tainted(script, write.start, tainted_vars)
    text = script[write.start : write.end]
    return any(v.group(1).upper() in names for v in _VAR_RE.finditer(text))


# --------------------------------------------------------------------------- taint


@dataclass
class Taint:
    env: dict[int, set[str]] = field(default_factory=dict)  # id(step) -> tainted env names
    steps: dict[str, set[str]] = field(default_factory=dict)  # job id -> tainted step ids
    job_outputs: set[tuple[str, str]] = field(default_factory=set)  # (job id, output)
    # job id -> tainted matrix keys; "*" when the matrix's keys come from untrusted data
    matrix: dict[str, set[str]] = field(default_factory=dict)
    # job id -> ids of actions/github-script steps whose result holds GitHub API data
    api_steps: dict[str, set[str]] = field(default_factory=dict)


def _env_taint(doc: Document, base: JsonPath, env: dict[str, Any], ctx: Context) -> dict[str, bool]:
    return {str(k): value_untrusted(doc, (*base, "env", k), ctx) for k in env}


def taint(wf: Workflow, ctx: Context) -> Taint:
    def build() -> Taint:
        doc = wf.doc
        result = Taint()
        top = _env_taint(doc, (), wf.env, ctx)
        for job in wf.jobs:
            job_env = {**top, **_env_taint(doc, job.path, job.env, ctx)}
            tainted_ids: set[str] = set()
            api_ids: set[str] = set()
            for step in job.steps:
                env = {**job_env, **_env_taint(doc, step.path, step.env, ctx)}
                result.env[id(step)] = {k for k, v in env.items() if v}
                if step.id and (
                    value_untrusted(doc, step.path, ctx)
                    or _outputs_tainted_env(step, result.env[id(step)])
                ):
                    tainted_ids.add(step.id.lower())
                if step.id and returns_api_data(step):
                    api_ids.add(step.id.lower())
            result.steps[job.id] = tainted_ids
            result.api_steps[job.id] = api_ids
            result.matrix[job.id] = _matrix_taint(doc, job, ctx)
        for step in wf.action_steps:
            env = _env_taint(doc, step.path, step.env, ctx)
            result.env[id(step)] = {k for k, v in env.items() if v}
        for job in wf.jobs:
            outputs = job.data.get("outputs")
            if not isinstance(outputs, dict):
                continue
            for name in outputs:
                path = (*job.path, "outputs", name)
                for p, _v in string_leaves(doc.get(path), path):
                    for site in ref_sites(doc, p):
                        if is_untrusted(ctx, site.ref.parts) or _step_output_tainted(
                            site.ref.parts, result.steps.get(job.id, set())
                        ):
                            result.job_outputs.add((job.id, str(name).lower()))
        return result

    return ctx.memo(f"github:taint:{id(wf)}", build)  # type: ignore[no-any-return]


def _matrix_taint(doc: Document, job: Job, ctx: Context) -> set[str]:
    strategy = job.data.get("strategy")
    if not isinstance(strategy, dict) or "matrix" not in strategy:
        return set()
    mpath = (*job.path, "strategy", "matrix")
    matrix = strategy["matrix"]
    if not isinstance(matrix, dict):
        # `matrix: ${{ fromJSON(…) }}`: every key comes from the expression.
        return {"*"} if value_untrusted(doc, mpath, ctx) else set()
    names = {str(k).lower() for k in matrix if value_untrusted(doc, (*mpath, k), ctx)}
    if "include" in names:
        names.add("*")  # included entries may add any key
    return names


def _outputs_tainted_env(step: Step, tainted_env: set[str]) -> bool:
    """The step writes a variable holding untrusted data to ``$GITHUB_OUTPUT``."""
    script = step.script
    if not script or not tainted_env:
        return False
    names = {n.upper() for n in tainted_env}
    return any(
        w.file == "GITHUB_OUTPUT" and writes_tainted(script, w, names)
        for w in env_file_writes(script)
    )


# A github-script that reads the API or the event payload returns data that outsiders wrote
# (titles, bodies, branch names).
_API_CALL_RE = re.compile(r"\bgithub\.(rest|graphql|request|paginate)\b|\bcontext\.payload\b")


def returns_api_data(step: Step) -> bool:
    if not step.uses_action("actions/github-script"):
        return False
    script = step.input("script")
    return isinstance(script, str) and _API_CALL_RE.search(script) is not None


def _step_output_tainted(parts: tuple[str, ...], tainted: set[str]) -> bool:
    return len(parts) >= 3 and parts[0] == "steps" and parts[2] == "outputs" and parts[1] in tainted


def indirect_source(parts: tuple[str, ...], step: Step, wf: Workflow, ctx: Context) -> str | None:
    """Why a reference is derived from untrusted input, or None."""
    t = taint(wf, ctx)
    job: Job | None = step.job
    if job is not None and _step_output_tainted(parts, t.steps.get(job.id, set())):
        return f"step '{parts[1]}' is built from untrusted input"
    needs_output = len(parts) >= 4 and parts[0] == "needs" and parts[2] == "outputs"
    if needs_output and (parts[1], parts[3]) in t.job_outputs:
        return f"job output '{parts[1]}.{parts[3]}' is built from untrusted input"
    matrix_ref = job is not None and len(parts) >= 2 and parts[0] == "matrix"
    if matrix_ref and job is not None:
        keys = t.matrix.get(job.id, set())
        if parts[1] in keys or "*" in keys:
            return f"matrix value '{parts[1]}' is built from untrusted input"
    if len(parts) >= 2 and parts[0] == "env":
        names = {n.lower() for n in t.env.get(id(step), set())}
        if parts[1] in names:
            return f"env '{parts[1]}' is set from untrusted input"
    return None


def tainted_env_names(step: Step, ctx: Context) -> set[str]:
    return taint(build_workflow(step.doc), ctx).env.get(id(step), set())


def condition_sites(wf: Workflow) -> Iterator[tuple[JsonPath, Node, int]]:
    """Every job and step ``if:`` as (path, parsed node, offset of the node's text)."""
    items: list[tuple[JsonPath, Any]] = [((*j.path, "if"), j.condition) for j in wf.jobs]
    items += [((*s.path, "if"), s.condition) for s in wf.all_steps()]
    for path, value in items:
        if isinstance(value, str):
            node, _err, offset = parse_condition(value)
            if node is not None:
                yield path, node, offset


def expression_nodes(wf: Workflow) -> list[tuple[JsonPath, Node, int]]:
    """Every parsed expression of the document, ``${{ }}`` and bare ``if:`` alike."""
    cached = wf.doc.meta.get("_github_expr_nodes")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out: list[tuple[JsonPath, Node, int]] = []
    seen: set[JsonPath] = set()
    for path, node, offset in condition_sites(wf):
        seen.add(path)
        out.append((path, node, offset))
    for loc in all_expressions(wf.doc):
        if loc.path in seen or loc.expr.node is None:
            continue
        out.append((loc.path, loc.expr.node, loc.expr.body_start))
    wf.doc.meta["_github_expr_nodes"] = out
    return out
