"""The JSON report matches ``schemas/report.schema.json`` on every fixture folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devops_lint.model import Finding, Span
from devops_lint.report import json as json_report
from tests.fixture_support import ROOT, fixture_folders, lint_folder

SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))


def test_schema_is_valid() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("folder", fixture_folders(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_folder_report_matches_schema(folder: Path) -> None:
    from jsonschema import Draft202012Validator

    data = json.loads(json_report.render(lint_folder(folder)))
    errors = list(Draft202012Validator(SCHEMA).iter_errors(data))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_schema_names_every_field_the_reporter_writes() -> None:
    props = SCHEMA["$defs"]["finding"]["properties"]
    sample = json_report.finding_dict(
        Finding(
            rule_id="K8S-001",
            controls=["K8S-001"],
            severity="critical",
            path="a.yaml",
            span=Span(1, 1, 1, 2),
            message="m",
        )
    )
    assert set(sample) == set(props) == set(SCHEMA["$defs"]["finding"]["required"])
