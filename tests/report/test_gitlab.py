"""GitLab Code Quality: golden output, GitLab's documented schema, stable fingerprints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.report.reader_support import POD, assert_golden, lint, make_repo

ROOT = Path(__file__).resolve().parents[2]


def _validate(data: Any) -> None:
    schema = json.loads((ROOT / "schemas" / "gitlab-codequality.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(data))
    assert not errors, [e.message for e in errors[:5]]


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


def test_golden_and_valid(repo: Path) -> None:
    proc = lint(repo, "--format", "gitlab")
    assert proc.returncode == 1, proc.stderr
    _validate(json.loads(proc.stdout))
    assert_golden("gitlab.json", proc.stdout)


def test_fingerprints_survive_edits_above_and_match_json(repo: Path) -> None:
    before = json.loads(lint(repo, "--format", "gitlab").stdout)
    (repo / "k8s" / "pods.yaml").write_text("# a new comment\n\n" + POD, encoding="utf-8")
    after = json.loads(lint(repo, "--format", "gitlab").stdout)
    key = {i["location"]["path"]: i for i in before if i["check_name"] == "K8S-001"}
    moved = {i["location"]["path"]: i for i in after if i["check_name"] == "K8S-001"}
    assert moved["k8s/pods.yaml"]["location"]["lines"]["begin"] == 13
    assert moved["k8s/pods.yaml"]["fingerprint"] == key["k8s/pods.yaml"]["fingerprint"]
    report = json.loads(lint(repo, "--format", "json").stdout)
    assert {f["fingerprint"] for f in report["findings"] if not f["suppressed"]} == {
        i["fingerprint"] for i in after
    }
    assert len({i["fingerprint"] for i in after}) == len(after)


def test_suppressed_findings_are_left_out(repo: Path) -> None:
    issues = json.loads(lint(repo, "--format", "gitlab").stdout)
    assert not any(i["check_name"].startswith("K8S-002") for i in issues)


def test_schema_rejects_what_gitlab_rejects() -> None:
    with pytest.raises(AssertionError):
        _validate(
            [
                {
                    "description": "d",
                    "check_name": "c",
                    "fingerprint": "f",
                    "severity": "high",
                    "location": {"path": "a", "lines": {"begin": 1}},
                }
            ]
        )
    with pytest.raises(AssertionError):
        _validate(
            [
                {
                    "description": "d",
                    "check_name": "c",
                    "fingerprint": "f",
                    "severity": "major",
                    "location": {"path": "/abs", "lines": {"begin": 1}},
                }
            ]
        )
