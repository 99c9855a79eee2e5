"""Structural validity: SchemaStore schemas and expression syntax (X-000 findings).

The vendored schemas (``schemas/vendor/``, Apache-2.0, see LICENSE.schemastore) are
compiled once per process.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import Result, Target
from ..quickschema import draft7_valid
from ..registry import check
from ..rules import resource_dir
from .expressions import parse_condition
from .positions import all_expressions, locate
from .workflow import build_workflow, locator_of

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

    from ..context import Context
    from ..rules import Rule

SCHEMAS = {"workflow": "github-workflows.json", "action": "github-actions.json"}
MAX_FINDINGS = 20  # per document: one broken key must not drown the report


JOB_KEY_RE = re.compile(r"^[_a-zA-Z][a-zA-Z0-9_-]*$")


@functools.cache
def _schema(fmt: str) -> dict[str, Any]:
    path = resource_dir("schemas") / "vendor" / SCHEMAS[fmt]
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if fmt == "workflow":
        _accept_what_github_accepts(schema)
    return schema


def _accept_what_github_accepts(schema: dict[str, Any]) -> None:
    """Loosen the SchemaStore schema where GitHub's own workflow parser is laxer.

    GitHub reads every event filter (`branches`, `tags`, `paths` and their `-ignore`
    forms, `workflow_run.workflows`) as a string or a sequence of strings, and a
    `strategy` without `matrix` is valid: reporting those would flag working workflows.
    """
    defs = schema["definitions"]
    one = {"type": "string", "minLength": 1}
    defs["globs"] = {"oneOf": [one, defs["globs"]]}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                if "matrix" in props and "fail-fast" in props:
                    node["required"] = [r for r in node.get("required", []) if r != "matrix"]
                workflows = props.get("workflows")
                if "types" in props and isinstance(workflows, dict):
                    props["workflows"] = {"oneOf": [one, workflows]}
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


class PartValidator:
    """One part's schema; jsonschema is loaded only for a part an instance may violate."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema

    @functools.cached_property
    def full(self) -> Any:
        from jsonschema import Draft7Validator

        return Draft7Validator(self.schema)


@functools.cache
def validator(fmt: str, part: str = "document") -> PartValidator:
    """The schema of the whole file, or (workflows) of one part of it.

    A workflow is validated in parts: the top level with jobs left open, each job against
    the one branch of the schema's ``oneOf`` it can be (``uses`` present: a reusable
    workflow call, else a normal job) with its steps left open, and each step against the
    step definition. The verdicts are the schema's; steps, which repeat across files
    (checkout, setup, ``npm ci``), are validated once per distinct content.
    """
    schema = _schema(fmt)
    defs = schema.get("definitions", {})
    if part == "document":
        return PartValidator(schema)
    if part == "top":
        top = copy.deepcopy(schema)
        jobs = top["properties"]["jobs"]
        jobs["patternProperties"] = {k: {} for k in jobs.get("patternProperties", {})}
        return PartValidator(top)
    if part == "normalJob":
        job = copy.deepcopy(defs["normalJob"])
        job["properties"]["steps"] = {"type": "array", "minItems": 1}
        return PartValidator({"definitions": defs, **job})
    return PartValidator({"definitions": defs, "$ref": f"#/definitions/{part}"})


Problem = tuple[tuple[Any, ...], bool, str]  # (path, at the key?, reason)
_STEP_CACHE: dict[str, list[Problem]] = {}
STEP_CACHE_SIZE = 20_000


def _problems(v: PartValidator, instance: Any) -> list[Problem]:
    # Most documents are valid: proving it without jsonschema is several times faster.
    if draft7_valid(v.schema, instance) is True:
        return []
    out: list[Problem] = []
    for error in v.full.iter_errors(instance):
        err = _pick(error)
        path = tuple(err.absolute_path)
        extra = _extra_keys(err)
        if extra:
            out.append(((*path, extra[0]), True, f"unexpected key {extra[0]!r}"))
        else:
            out.append((path, False, _message(err)))
    return out


def _step_problems(step: Any) -> list[Problem]:
    try:
        key = json.dumps(step, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return _problems(validator("workflow", "step"), step)
    found = _STEP_CACHE.get(key)
    if found is None:
        found = _problems(validator("workflow", "step"), step)
        if len(_STEP_CACHE) >= STEP_CACHE_SIZE:
            _STEP_CACHE.clear()
        _STEP_CACHE[key] = found
    return found


def problems(fmt: str, data: Any) -> Iterator[Problem]:
    """Every schema problem of a workflow or action document."""
    if fmt != "workflow" or not isinstance(data, dict) or not isinstance(data.get("jobs"), dict):
        yield from _problems(validator(fmt), data)
        return
    yield from _problems(validator(fmt, "top"), data)
    for job_id, job in data["jobs"].items():
        if not JOB_KEY_RE.match(job_id):
            continue  # reported by the top-level check
        base = ("jobs", job_id)
        if isinstance(job, dict) and "uses" in job:
            for path, key, reason in _problems(validator(fmt, "reusableWorkflowCallJob"), job):
                yield (*base, *path), key, reason
            continue
        for path, key, reason in _problems(validator(fmt, "normalJob"), job):
            yield (*base, *path), key, reason
        steps = job.get("steps") if isinstance(job, dict) else None
        if isinstance(steps, list):
            for i, step in enumerate(steps):
                for path, key, reason in _step_problems(step):
                    yield (*base, "steps", i, *path), key, reason


def _pick(error: ValidationError) -> ValidationError:
    """For ``oneOf``/``anyOf`` failures, the deepest error of the closest alternative.

    The closest alternative is the one with the fewest errors (ties: the deepest), which
    for a job is the normal-job branch rather than the reusable-workflow-call branch.
    """
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for e in error.context:
            key = e.relative_schema_path[0] if e.relative_schema_path else 0
            branches.setdefault(key, []).append(e)
        best = min(
            branches.values(),
            key=lambda es: (len(es), -max(len(e.absolute_path) for e in es)),
        )
        return _pick(max(best, key=lambda e: len(e.absolute_path)))
    return error


def _extra_keys(error: ValidationError) -> list[str]:
    """Keys an ``additionalProperties: false`` error is about."""
    inst = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator != "additionalProperties" or not isinstance(inst, dict):
        return []
    props = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    out = []
    for key in inst:
        if key in props:
            continue
        if any(re.search(p, key) for p in patterns):
            continue
        out.append(key)
    return out


def _message(error: ValidationError) -> str:
    text = error.message
    if len(text) > 200:
        text = text[:197] + "..."
    return text


@check("X-000.schema-violation", target="github.document")
def schema_violation(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    fmt = target.doc.format
    if fmt not in SCHEMAS:
        return
    data = _jsonable(target.doc.data)
    seen: set[tuple[Any, ...]] = set()
    for path, key, reason in problems(fmt, data):
        if path in seen:
            continue
        seen.add(path)
        if len(seen) > MAX_FINDINGS:
            return
        where = ".".join(str(p) for p in path) or "document"
        yield Result(
            path=path, key=key, locator=locator_of(path), args={"where": where, "reason": reason}
        )


def _jsonable(value: Any, depth: int = 0) -> Any:
    """The document as JSON Schema sees it (non-string keys, e.g. ``true:``, as text)."""
    if depth > 200:
        return None
    if isinstance(value, dict):
        return {
            (k if isinstance(k, str) else str(k).lower()): _jsonable(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_jsonable(v, depth + 1) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


@check("X-000.invalid-expression", target="github.document")
def invalid_expression(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    doc = target.doc
    for loc in all_expressions(doc):
        err = loc.expr.error
        if err is not None:
            span = locate(doc, loc.path, err.offset, err.offset)
            yield Result(span=span, locator=locator_of(loc.path), args={"reason": err.message})
    wf = build_workflow(doc)
    conditions = [((*j.path, "if"), j.condition) for j in wf.jobs]
    conditions += [((*s.path, "if"), s.condition) for s in wf.all_steps()]
    for path, value in conditions:
        if isinstance(value, str) and "${{" not in value:
            _node, error, offset = parse_condition(value)
            if error is not None:
                span = locate(doc, path, offset + error.offset, offset + error.offset)
                yield Result(span=span, locator=locator_of(path), args={"reason": error.message})
