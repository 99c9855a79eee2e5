"""QuickValidator against jsonschema: the same errors, in the same order, or a hand-over."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from devops_lint.model import Unresolved
from devops_lint.quickschema import QuickValidator, quick_errors
from devops_lint.rules import load_rules, resource_dir

KEYS = ["a", "b", "securityContext", "readOnlyRootFilesystem", "x"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-3, 3, allow_nan=False),
    st.sampled_from(["", "a", "ab", "abc", "0"]),
    st.builds(Unresolved, st.sampled_from(["${{ x }}", "var.x"])),
)
instances = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)
TYPE_NAMES = ["array", "boolean", "integer", "null", "number", "object", "string"]


def _schemas(inner: Any) -> Any:
    return st.fixed_dictionaries(
        {},
        optional={
            "type": st.one_of(
                st.sampled_from(TYPE_NAMES), st.lists(st.sampled_from(TYPE_NAMES), max_size=2)
            ),
            "required": st.lists(st.sampled_from(KEYS), max_size=3),
            "properties": st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
            "additionalProperties": st.one_of(st.booleans(), inner),
            "items": inner,
            "const": scalars,
            "enum": st.lists(scalars, min_size=1, max_size=3),
            "minimum": st.integers(-2, 2),
            "maximum": st.floats(-2, 2, allow_nan=False),
            "minLength": st.integers(0, 3),
            "maxLength": st.integers(0, 3),
            "pattern": st.sampled_from(["^a", "b$", "[0-9]"]),
            "description": st.just("annotation"),
        },
    )


schemas: st.SearchStrategy[Any] = st.recursive(st.just({}), _schemas, max_leaves=6)


def _reference(schema: Any, instance: Any) -> list[tuple[str, list[Any], str]]:
    errors = Draft202012Validator(schema).iter_errors(instance)
    return [(e.validator, list(e.absolute_path), repr(e.instance)) for e in errors]


def _same_as_jsonschema(schema: Any, instance: Any) -> None:
    found = quick_errors(schema, instance)
    if found is None:  # handed over: the validator then asks jsonschema
        got = list(QuickValidator(schema).iter_errors(instance))
        assert [(e.validator, list(e.absolute_path)) for e in got] == [
            (v, p) for v, p, _ in _reference(schema, instance)
        ]
        return
    assert [(e.validator, list(e.absolute_path), repr(e.instance)) for e in found] == _reference(
        schema, instance
    )


@settings(max_examples=600, deadline=None)
@given(schemas, instances)
def test_generated_schemas_match_jsonschema(schema: Any, instance: Any) -> None:
    _same_as_jsonschema(schema, instance)


@settings(max_examples=300, deadline=None)
@given(instances)
def test_require_rules_match_jsonschema(instance: Any) -> None:
    for rule in load_rules():
        if rule.require is not None:
            _same_as_jsonschema(rule.require, instance)
            _same_as_jsonschema(rule.require, {"securityContext": instance})


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["fail_on", "exclude", "x", "max_file_size"]), instances))
def test_config_schema_matches_jsonschema(instance: Any) -> None:
    schema = json.loads((resource_dir("schemas") / "config.schema.json").read_text())
    _same_as_jsonschema(schema, instance)


def test_unsupported_keywords_are_handed_to_jsonschema() -> None:
    for schema in ({"anyOf": [{"type": "string"}]}, {"$ref": "#/$defs/a"}, {"format": "email"}):
        assert quick_errors(schema, 1) is None
    # An error jsonschema reports through a keyword outside the subset still appears.
    errors = list(QuickValidator({"not": {"type": "integer"}}).iter_errors(1))
    assert [e.validator for e in errors] == ["not"]


def test_rich_errors_are_jsonschemas_own() -> None:
    errors = list(QuickValidator({"type": "object"}, rich=True).iter_errors([]))
    assert errors[0].message == "[] is not of type 'object'"
    assert list(QuickValidator({"type": "object"}, rich=True).iter_errors({})) == []


def test_a_plain_run_never_imports_jsonschema(tmp_path: Path) -> None:
    (tmp_path / ".devops-lint.yaml").write_text("fail_on: low\nexclude: [vendor/]\n")
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec:\n  containers:\n    - name: c\n      image: nginx\n"
    )
    probe = (
        "import sys\nfrom devops_lint.cli import main\n"
        "sys.argv = ['devops-lint', 'pod.yaml']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('jsonschema' in sys.modules, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert "K8S-007" in proc.stdout  # the schema rule ran and reported
    assert proc.stderr.strip().splitlines()[-1] == "False"


# --- Draft 7 validity (workflow and action schemas) -------------------------------------------


def _workflow_parts() -> list[tuple[str, Any]]:
    """Every (part, instance) the workflow schema check validates, over the fixtures."""
    from devops_lint.github.checks_schema import JOB_KEY_RE, _jsonable
    from devops_lint.yamlload import load_plain

    out: list[tuple[str, Any]] = []
    root = Path(__file__).resolve().parents[2]
    files = [*root.glob("fixtures/github/**/*.yml"), *root.glob("examples/github/**/*.yml")]
    for path in sorted(files):
        try:
            data = _jsonable(load_plain(path.read_text(encoding="utf-8")))
        except Exception:  # a fixture that is not YAML: nothing to compare
            continue
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict):
            out.append(("document", data))
            continue
        out.append(("top", data))
        for job_id, job in data["jobs"].items():
            if not JOB_KEY_RE.match(str(job_id)):
                continue
            part = "reusableWorkflowCallJob" if isinstance(job, dict) and "uses" in job else None
            out.append((part or "normalJob", job))
            for step in (job.get("steps") if isinstance(job, dict) else None) or []:
                out.append(("step", step))
    return out


def _same_verdict(part: str, instance: Any) -> bool:
    from devops_lint.github.checks_schema import validator
    from devops_lint.quickschema import draft7_valid

    v = validator("workflow", part)
    quick = draft7_valid(v.schema, instance)
    if quick is not None:
        assert quick == v.full.is_valid(instance), (part, instance)
    return quick is not None


def test_workflow_parts_match_jsonschema() -> None:
    parts = _workflow_parts()
    assert len(parts) > 200
    decided = [_same_verdict(part, instance) for part, instance in parts]
    assert sum(decided) > 0.9 * len(decided)  # the fast path is taken for nearly all


step_values = st.one_of(
    scalars, st.lists(scalars, max_size=2), st.dictionaries(st.sampled_from(KEYS), scalars)
)
step_keys = ["uses", "run", "with", "env", "name", "id", "if", "shell", "timeout-minutes", "x"]


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(step_keys), step_values, max_size=4))
def test_generated_steps_match_jsonschema(step: dict[str, Any]) -> None:
    _same_verdict("step", step)


job_keys = ["runs-on", "steps", "permissions", "needs", "if", "strategy", "uses", "with", "x"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(job_keys), step_values, max_size=4))
def test_generated_jobs_match_jsonschema(job: dict[str, Any]) -> None:
    _same_verdict("normalJob", job)
    _same_verdict("reusableWorkflowCallJob", job)


def test_draft7_references_hide_their_siblings() -> None:
    from devops_lint.quickschema import draft7_valid

    schema = {"definitions": {"s": {"type": "string"}}, "$ref": "#/definitions/s", "minLength": 9}
    assert draft7_valid(schema, "short") is True  # as Draft7Validator: minLength is ignored
    assert draft7_valid(schema, 3) is False
    assert draft7_valid({"$ref": "http://example.com/s"}, 1) is None
