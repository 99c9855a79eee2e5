"""The workflow and action model: triggers, jobs and steps read from a located Document.

The model never trusts the document's shape: a ``jobs`` list, a string step or a
non-mapping ``with`` simply yields nothing here (the schema check reports them), so
checks can walk the model without guarding every access.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..model import Document, JsonPath, Span, mapping_or_empty
from .expressions import find_expressions
from .positions import trailing_comment
from .uses import ActionRef, parse_uses

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
        return mapping_or_empty(self.data.get("with"))

    @property
    def env(self) -> dict[str, Any]:
        return mapping_or_empty(self.data.get("env"))

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
        return mapping_or_empty(self.data.get("env"))

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
        return mapping_or_empty(self.data.get("env"))

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


def _uses_at(doc: Document, path: JsonPath, body: dict[str, Any]) -> ActionRef | None:
    """The ``uses:`` of the step or job at ``path``, with its trailing version comment."""
    uses = body.get("uses")
    if not isinstance(uses, str):
        return None
    span = doc.spans.get((*path, "uses"))
    return parse_uses(uses, trailing_comment(doc, span) if span is not None else None)


def _steps(doc: Document, base: JsonPath, value: Any, job: Job | None) -> list[Step]:
    if not isinstance(value, list):
        return []
    out: list[Step] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            continue
        path = (*base, i)
        out.append(Step(doc, path, item, i, job, _uses_at(doc, path, item)))
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
                job = Job(doc, str(job_id), path, body, uses=_uses_at(doc, path, body))
                job.steps = _steps(doc, (*path, "steps"), body.get("steps"), job)
                wf.jobs.append(job)
    doc.meta["_github_model"] = wf
    return wf


def job_containers(job: Job) -> Iterator[tuple[JsonPath, dict[str, Any], str]]:
    """The job's ``container`` and ``services`` written as mappings: (path, mapping, locator)."""
    container = job.data.get("container")
    if isinstance(container, dict):
        yield (*job.path, "container"), container, job.locator
    services = job.data.get("services")
    if isinstance(services, dict):
        for name, svc in services.items():
            if isinstance(svc, dict):
                yield (*job.path, "services", name), svc, f"{job.locator}.services.{name}"


def env_sites(wf: Workflow) -> Iterator[tuple[JsonPath, dict[str, Any], str]]:
    """Every ``env`` mapping of the document: (path, mapping, locator)."""
    if wf.env:
        yield ("env",), wf.env, ""
    for job in wf.jobs:
        if job.env:
            yield (*job.path, "env"), job.env, job.locator
        for path, spec, locator in job_containers(job):
            if isinstance(spec.get("env"), dict):
                yield (*path, "env"), spec["env"], locator
    for step in wf.all_steps():
        if step.env:
            yield (*step.path, "env"), step.env, step.locator
