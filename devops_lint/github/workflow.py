"""The workflow and action model: triggers, jobs and steps read from a located Document.

The model never trusts the document's shape: a ``jobs`` list, a string step or a
non-mapping ``with`` simply yields nothing here (the schema check reports them), so
checks can walk the model without guarding every access.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..model import Document, JsonPath, Span
from .expressions import Embedded, find_expressions

SHA_RE = re.compile(r"^[0-9a-f]{40}$")
_COMMENT_VERSION_RE = re.compile(r"#\s*(?:[\w.-]*@)?v?(\d+(?:\.\d+)*)\b")
_TAG_VERSION_RE = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")

# Events whose runs always check out the default branch (github.ref is its ref).
DEFAULT_BRANCH_EVENTS = frozenset(
    {
        "schedule",
        "issues",
        "issue_comment",
        "workflow_run",
        "discussion",
        "discussion_comment",
        "repository_dispatch",
        "watch",
        "fork",
        "label",
        "milestone",
        "status",
        "check_run",
        "check_suite",
        "page_build",
        "gollum",
        "public",
        "project",
        "project_card",
        "project_column",
        "branch_protection_rule",
    }
)


def lower_keys(value: Any) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in value.items()} if isinstance(value, dict) else {}


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and "${{" in value


# --------------------------------------------------------------------------- uses:


@dataclass(frozen=True)
class ActionRef:
    """A parsed ``uses:`` value."""

    raw: str
    kind: str  # "remote", "local", "docker", "invalid"
    owner: str = ""
    repo: str = ""
    subpath: str = ""  # path inside the repository, without leading "/"
    ref: str | None = None
    version: tuple[int, ...] | None = None  # from the tag, or from the trailing comment
    comment: str | None = None  # trailing ``# …`` comment on the same line

    @property
    def name(self) -> str:
        """``owner/repo[/path]`` in lower case: the action's identity."""
        base = f"{self.owner}/{self.repo}".lower()
        return f"{base}/{self.subpath.lower()}" if self.subpath else base

    @property
    def is_sha(self) -> bool:
        return self.ref is not None and bool(SHA_RE.match(self.ref))

    @property
    def is_reusable_workflow(self) -> bool:
        return self.subpath.lower().startswith(".github/workflows/")


def parse_uses(raw: str, comment: str | None = None) -> ActionRef:
    text = raw.strip()
    if text.startswith("./") or text.startswith("../") or text == ".":
        return ActionRef(raw, "local", subpath=text)
    if text.lower().startswith("docker://"):
        return ActionRef(raw, "docker", subpath=text[len("docker://") :])
    name, at, ref = text.partition("@")
    parts = name.split("/")
    if len(parts) < 2 or not parts[0] or not parts[1] or "${{" in text:
        return ActionRef(raw, "invalid")
    version = _version_from(ref if at else None, comment)
    return ActionRef(
        raw,
        "remote",
        owner=parts[0],
        repo=parts[1],
        subpath="/".join(parts[2:]),
        ref=ref if at else None,
        version=version,
        comment=comment,
    )


def _version_from(ref: str | None, comment: str | None) -> tuple[int, ...] | None:
    if ref is not None and SHA_RE.match(ref):
        if comment:
            m = _COMMENT_VERSION_RE.search(comment)
            if m:
                return tuple(int(p) for p in m.group(1).split("."))
        return None
    if ref:
        m = _TAG_VERSION_RE.match(ref)
        if m:
            return tuple(int(p) for p in m.groups() if p is not None)
    return None


def trailing_comment(doc: Document, span: Span) -> str | None:
    """The ``# …`` comment that follows a single-line value on its line."""
    lines = source_lines(doc)
    if not 0 < span.end_line <= len(lines):
        return None
    rest = lines[span.end_line - 1][span.end_column - 1 :]
    pos = rest.find("#")
    return rest[pos:] if pos != -1 else None


# --------------------------------------------------------------------------- positions


def source_lines(doc: Document) -> list[str]:
    cached = doc.meta.get("_lines")
    if cached is None:
        cached = doc.text.split("\n")
        doc.meta["_lines"] = cached
    return cached


# Locating a piece scans the value up to it, so a string with 100,000 ``${{ }}`` took
# minutes: past its first LOCATE_EXACTLY expressions, a piece of it is reported at the
# value (every expression is still analysed).
LOCATE_EXACTLY = 256


def locate(doc: Document, path: JsonPath, start: int, end: int) -> Span:
    """Where characters ``start:end`` (end exclusive) of the string at ``path`` are written.

    The piece is looked up in the source text of the value (so quoting, escapes and
    block scalars need no model of their own); a piece that the source splits or
    escapes falls back to line arithmetic for block scalars, else to the value.
    """
    value = doc.get(path)
    vspan = doc.spans.get(tuple(path))
    if not isinstance(value, str) or vspan is None:
        return doc.span(path)
    cutoff = doc.meta.get("_github_locate_cutoff", {}).get(tuple(path))
    if cutoff is not None and start >= cutoff:
        return vspan  # see LOCATE_EXACTLY
    end = max(end, start + 1)  # a position (e.g. of an error) covers one character
    lines = source_lines(doc)
    if vspan.line <= len(lines):
        # Search a longer probe (the rest of the value's line) first: short pieces such as
        # one quote character also occur in the source's quoting.
        line_end = value.find("\n", start)
        line_end = len(value) if line_end == -1 else line_end
        for probe in (value[start : max(end, min(line_end, start + 60))], value[start:end]):
            found = _find_in_source(value, probe, start, vspan, lines)
            if found is not None:
                line_no, col = found
                return Span(line_no, col, line_no, col + max(0, end - start - 1))
    first = lines[vspan.line - 1][vspan.column - 1 :] if vspan.line <= len(lines) else ""
    if first[:1] in ("|", ">"):
        # Block scalar: value line k is source line (header + 1 + k) at the block indent.
        k = value.count("\n", 0, start)
        line_start = value.rfind("\n", 0, start) + 1
        src = vspan.line + 1 + k
        if src <= len(lines):
            body = lines[src - 1]
            indent = len(body) - len(body.lstrip(" "))
            col = indent + (start - line_start) + 1
            return Span(src, col, src, col + max(0, end - start - 1))
    return vspan


def _find_in_source(
    value: str, piece: str, start: int, vspan: Span, lines: list[str]
) -> tuple[int, int] | None:
    """(line, column) of the occurrence of ``piece`` that is the one at ``start`` in ``value``."""
    if not piece:
        return None
    nth = 0
    i = value.find(piece)
    while -1 < i < start:
        nth += 1
        i = value.find(piece, i + 1)
    line_no = vspan.line
    col0 = vspan.column - 1
    last = min(vspan.end_line, len(lines))
    while line_no <= last:
        text = lines[line_no - 1]
        pos = text.find(piece, col0)
        while pos != -1:
            if nth == 0:
                return line_no, pos + 1
            nth -= 1
            pos = text.find(piece, pos + 1)
        line_no += 1
        col0 = 0
    return None


def locator_of(path: JsonPath) -> str:
    """The object locator (standards 0.4) of the job or step holding ``path``."""
    if len(path) >= 2 and path[0] == "jobs":
        base = f"jobs.{path[1]}"
        if len(path) >= 4 and path[2] == "steps" and isinstance(path[3], int):
            return f"{base}.steps[{path[3]}]"
        return base
    if len(path) >= 3 and path[0] == "runs" and path[1] == "steps" and isinstance(path[2], int):
        return f"runs.steps[{path[2]}]"
    return ".".join(str(p) for p in path[:1]) or "workflow"


# --------------------------------------------------------------------------- model


@dataclass
class Step:
    doc: Document
    path: JsonPath
    data: dict[str, Any]
    index: int
    job: Job | None
    uses: ActionRef | None = None

    @property
    def locator(self) -> str:
        if self.job is not None:
            return f"jobs.{self.job.id}.steps[{self.index}]"
        return f"runs.steps[{self.index}]"

    @property
    def run(self) -> str | None:
        return as_str(self.data.get("run"))

    @property
    def script(self) -> str | None:
        """``run`` with each backslash-newline continuation blanked to two spaces.

        A command continued over several lines reads as one line, and every character
        keeps its offset in ``run``, so a match still locates in the file.
        """
        run = self.run
        return run.replace("\\\n", "  ") if run is not None else None

    @property
    def with_(self) -> dict[str, Any]:
        w = self.data.get("with")
        return w if isinstance(w, dict) else {}

    @property
    def env(self) -> dict[str, Any]:
        e = self.data.get("env")
        return e if isinstance(e, dict) else {}

    @property
    def id(self) -> str | None:
        return as_str(self.data.get("id"))

    @property
    def condition(self) -> Any:
        return self.data.get("if")

    def action(self) -> str:
        """The remote action's ``owner/repo[/path]`` (lower case), or ""."""
        return self.uses.name if self.uses is not None and self.uses.kind == "remote" else ""

    def uses_action(self, *names: str) -> bool:
        name = self.action()
        return bool(name) and any(name == n or name.startswith(n + "/") for n in names)

    def input(self, key: str) -> Any:
        return self.with_.get(key)


@dataclass
class Job:
    doc: Document
    id: str
    path: JsonPath
    data: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    uses: ActionRef | None = None  # reusable workflow call

    @property
    def locator(self) -> str:
        return f"jobs.{self.id}"

    @property
    def key_span(self) -> Span:
        return self.doc.key_span(self.path)

    @property
    def needs(self) -> list[str]:
        n = self.data.get("needs")
        if isinstance(n, str):
            return [n]
        if isinstance(n, list):
            return [x for x in n if isinstance(x, str)]
        return []

    @property
    def condition(self) -> Any:
        return self.data.get("if")

    @property
    def env(self) -> dict[str, Any]:
        e = self.data.get("env")
        return e if isinstance(e, dict) else {}

    @property
    def environment(self) -> Any:
        """The environment name (str, possibly an expression) or None."""
        env = self.data.get("environment")
        if isinstance(env, dict):
            return env.get("name")
        return env

    def runner_labels(self) -> list[tuple[JsonPath, str | None]]:
        """Every runner label with where it is written; None for one that cannot be known.

        ``${{ matrix.X }}`` is expanded from the job's literal ``strategy.matrix`` (the
        values and ``include`` entries), pointing at each matrix value.
        """
        base: JsonPath = (*self.path, "runs-on")
        r = self.data.get("runs-on")
        items: list[tuple[JsonPath, Any]] = []
        if isinstance(r, list):
            items = [((*base, i), v) for i, v in enumerate(r)]
        elif isinstance(r, dict):
            for key in ("labels", "group"):
                v = r.get(key)
                if isinstance(v, list):
                    items += [((*base, key, i), x) for i, x in enumerate(v)]
                elif v is not None:
                    items.append(((*base, key), v))
        elif r is not None:
            items = [(base, r)]
        out: list[tuple[JsonPath, str | None]] = []
        for path, value in items:
            if not isinstance(value, str):
                continue
            if "${{" not in value:
                out.append((path, value))
                continue
            out.extend(self._matrix_values(path, value))
        return out

    def _matrix_values(self, path: JsonPath, value: str) -> list[tuple[JsonPath, str | None]]:
        found = find_expressions(value.strip())
        whole = len(found) == 1 and found[0].start == 0 and found[0].end == len(value.strip())
        refs = found[0].refs if whole and found[0].node is not None else ()
        matrix = self.data.get("strategy")
        matrix = matrix.get("matrix") if isinstance(matrix, dict) else None
        if len(refs) != 1 or len(refs[0].parts) < 2 or refs[0].parts[0] != "matrix":
            return [(path, None)]
        if not isinstance(matrix, dict) or "*" in refs[0].parts:
            return [(path, None)]
        # ``matrix.platform.runner``: each value of ``platform`` (a mapping) at key ``runner``.
        name, rest = refs[0].parts[1], refs[0].parts[2:]
        mpath: JsonPath = (*self.path, "strategy", "matrix")
        out: list[tuple[JsonPath, str | None]] = []
        for key, values in matrix.items():
            if str(key).lower() != name:
                continue
            if not isinstance(values, list):
                return [(path, None)]
            for i, v in enumerate(values):
                out.append(_matrix_leaf((*mpath, key, i), v, rest))
        include = matrix.get("include")
        if isinstance(include, list):
            for i, entry in enumerate(include):
                if isinstance(entry, dict):
                    for key, v in entry.items():
                        if str(key).lower() == name:
                            out.append(_matrix_leaf((*mpath, "include", i, key), v, rest))
        return out or [(path, None)]


def _matrix_leaf(path: JsonPath, value: Any, rest: tuple[str, ...]) -> tuple[JsonPath, str | None]:
    """The literal string at ``rest`` inside one matrix value, with where it is written."""
    for part in rest:
        if not isinstance(value, dict):
            return path, None
        key = next((k for k in value if str(k).lower() == part), None)
        if key is None:
            return path, None
        path, value = (*path, key), value[key]
    ok = isinstance(value, str) and "${{" not in value
    return path, value if ok else None


@dataclass
class Workflow:
    """A workflow file, or a composite/Docker action (``kind == "action"``)."""

    doc: Document
    kind: str  # "workflow" or "action"
    triggers: dict[str, Any] = field(default_factory=dict)  # event -> its filter mapping
    jobs: list[Job] = field(default_factory=list)
    action_steps: list[Step] = field(default_factory=list)  # composite action runs.steps
    _by_path: dict[JsonPath, Step] | None = field(default=None, repr=False)

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data if isinstance(self.doc.data, dict) else {}

    @property
    def env(self) -> dict[str, Any]:
        e = self.data.get("env")
        return e if isinstance(e, dict) else {}

    def all_steps(self) -> list[Step]:
        return [s for j in self.jobs for s in j.steps] + self.action_steps

    def step_at(self, path: JsonPath) -> Step | None:
        if self._by_path is None:
            self._by_path = {s.path: s for s in self.all_steps()}
        return self._by_path.get(tuple(path))

    def job(self, job_id: str) -> Job | None:
        for j in self.jobs:
            if j.id == job_id:
                return j
        return None

    def has_trigger(self, *events: str) -> bool:
        return any(e in self.triggers for e in events)


def parse_triggers(value: Any) -> dict[str, Any]:
    """``on:`` in any of its forms, as ``{event: filter-mapping}``."""
    if isinstance(value, str):
        return {value.strip(): {}}
    if isinstance(value, list):
        return {v.strip(): {} for v in value if isinstance(v, str)}
    if isinstance(value, dict):
        return {str(k): (v if isinstance(v, dict) else {}) for k, v in value.items()}
    return {}


def _steps(doc: Document, base: JsonPath, value: Any, job: Job | None) -> list[Step]:
    if not isinstance(value, list):
        return []
    out: list[Step] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            continue
        path = (*base, i)
        step = Step(doc, path, item, i, job)
        uses = item.get("uses")
        if isinstance(uses, str):
            span = doc.spans.get((*path, "uses"))
            comment = trailing_comment(doc, span) if span is not None else None
            step.uses = parse_uses(uses, comment)
        out.append(step)
    return out


def build_workflow(doc: Document) -> Workflow:
    cached = doc.meta.get("_github_model")
    if isinstance(cached, Workflow):
        return cached
    data = doc.data if isinstance(doc.data, dict) else {}
    if doc.format == "action":
        wf = Workflow(doc, "action")
        runs = data.get("runs")
        if isinstance(runs, dict):
            wf.action_steps = _steps(doc, ("runs", "steps"), runs.get("steps"), None)
    else:
        on = data["on"] if "on" in data else data.get(True)
        wf = Workflow(doc, "workflow", triggers=parse_triggers(on))
        jobs = data.get("jobs")
        if isinstance(jobs, dict):
            for job_id, body in jobs.items():
                if not isinstance(body, dict):
                    continue
                path: JsonPath = ("jobs", str(job_id))
                job = Job(doc, str(job_id), path, body)
                job.steps = _steps(doc, (*path, "steps"), body.get("steps"), job)
                uses = body.get("uses")
                if isinstance(uses, str):
                    span = doc.spans.get((*path, "uses"))
                    comment = trailing_comment(doc, span) if span is not None else None
                    job.uses = parse_uses(uses, comment)
                wf.jobs.append(job)
    doc.meta["_github_model"] = wf
    return wf


def env_sites(wf: Workflow) -> Iterator[tuple[JsonPath, dict[str, Any], str]]:
    """Every ``env`` mapping of the document: (path, mapping, locator)."""
    if wf.env:
        yield ("env",), wf.env, ""
    for job in wf.jobs:
        if job.env:
            yield (*job.path, "env"), job.env, job.locator
        container = job.data.get("container")
        if isinstance(container, dict) and isinstance(container.get("env"), dict):
            yield (*job.path, "container", "env"), container["env"], job.locator
        services = job.data.get("services")
        if isinstance(services, dict):
            for name, svc in services.items():
                if isinstance(svc, dict) and isinstance(svc.get("env"), dict):
                    path = (*job.path, "services", name, "env")
                    yield path, svc["env"], f"{job.locator}.services.{name}"
    for step in wf.all_steps():
        if step.env:
            yield (*step.path, "env"), step.env, step.locator


# --------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Located:
    """An expression found in a document value, with where it is written."""

    path: JsonPath
    expr: Embedded
    span: Span


def expressions_at(doc: Document, path: JsonPath) -> list[Located]:
    """The ``${{ }}`` expressions of the string at ``path``, located in the file."""
    cache: dict[JsonPath, list[Located]] = doc.meta.setdefault("_github_exprs", {})
    key = tuple(path)
    found = cache.get(key)
    if found is None:
        value = doc.get(key)
        found = []
        if isinstance(value, str) and "${{" in value:
            expressions = find_expressions(value)
            if len(expressions) > LOCATE_EXACTLY:
                cutoffs = doc.meta.setdefault("_github_locate_cutoff", {})
                cutoffs[key] = expressions[LOCATE_EXACTLY].start
            for e in expressions:
                found.append(Located(key, e, locate(doc, key, e.start, e.end)))
        cache[key] = found
    return found


def string_leaves(value: Any, path: JsonPath, depth: int = 0) -> list[tuple[JsonPath, str]]:
    """Every string inside ``value`` with its path (mapping keys excluded)."""
    if isinstance(value, str):
        return [(path, value)]
    if depth > 50:
        return []
    out: list[tuple[JsonPath, str]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(string_leaves(v, (*path, k), depth + 1))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(string_leaves(v, (*path, i), depth + 1))
    return out


def all_expressions(doc: Document, base: JsonPath = ()) -> list[Located]:
    """Every ``${{ }}`` expression under ``base`` in the document (memoised per document)."""
    cache: dict[JsonPath, list[Located]] = doc.meta.setdefault("_github_all_exprs", {})
    key = tuple(base)
    found = cache.get(key)
    if found is None:
        found = []
        for path, value in string_leaves(doc.get(key), key):
            if "${{" in value:
                found.extend(expressions_at(doc, path))
        cache[key] = found
    return found
