"""Plans in JSON (``terraform show -json``) checked with the Terraform rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devops_lint.classify import document_format
from devops_lint.config import build_settings
from devops_lint.engine import RunResult, run
from devops_lint.model import Document
from devops_lint.terraform.plan import plan_modules
from tests.fixture_support import all_rules

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures/terraform"


def change(address: str, after: Any, unknown: Any = None, actions: Any = None) -> dict[str, Any]:
    type_, name = address.split(".")[-2:]
    return {
        "address": address,
        "mode": "managed",
        "type": type_,
        "name": name,
        "change": {
            "actions": actions or ["create"],
            "before": None,
            "after": after,
            "after_unknown": unknown or {},
        },
    }


def plan(*changes: dict[str, Any], configuration: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "format_version": "1.2",
        "planned_values": {"root_module": {}},
        "resource_changes": list(changes),
    }
    if configuration is not None:
        out["configuration"] = configuration
    return out


def lint(root: Path, data: dict[str, Any], prefix: str) -> RunResult:
    (root / "plan.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    settings, _ = build_settings(root, None, {})
    rules = [r for r in all_rules() if r.id.startswith(prefix)]
    return run(root, [root], settings, rules)


def test_plan_shape_is_recognised() -> None:
    assert document_format({"format_version": "1.2", "planned_values": {}}) == "terraform-plan"
    assert document_format({"format_version": "1.2", "resource_changes": []}) == "terraform-plan"
    assert document_format({"format_version": "1.2"}) == "yaml"


def test_planned_value_reported_in_the_plan_file(tmp_path: Path) -> None:
    lt = change(
        "aws_launch_template.web",
        {"name": "web", "metadata_options": [{"http_tokens": "optional"}]},
    )
    result = lint(tmp_path, plan(lt), "TF-AWS-018")
    (f,) = [x for x in result.findings if x.rule_id == "TF-AWS-018.tokens-optional"]
    assert f.path == "plan.json" and f.outcome == "fail"
    line = (tmp_path / "plan.json").read_text().splitlines()[f.line - 1]
    assert '"http_tokens": "optional"' in line
    assert f.message.endswith("(planned aws_launch_template.web)")


@pytest.mark.parametrize("with_refs", [True, False])
def test_unknown_ids_keep_the_configuration_references(tmp_path: Path, with_refs: bool) -> None:
    vpc = change("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}, {"id": True})
    log = change("aws_flow_log.main", {"traffic_type": "ALL"}, {"vpc_id": True})
    expressions = (
        {"vpc_id": {"references": ["aws_vpc.main.id", "aws_vpc.main"]}} if with_refs else {}
    )
    config = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_flow_log.main",
                    "mode": "managed",
                    "type": "aws_flow_log",
                    "name": "main",
                    "expressions": expressions,
                }
            ]
        }
    }
    result = lint(tmp_path, plan(vpc, log, configuration=config), "TF-AWS-017")
    outcomes = [f.outcome for f in result.findings if f.rule_id == "TF-AWS-017"]
    # Joined through the recorded reference: the VPC has its flow log. Without it the
    # unknown vpc_id may be any VPC: unresolved, never a false alarm.
    assert outcomes == ([] if with_refs else ["unresolved"])


def test_deleted_resources_and_nulls(tmp_path: Path) -> None:
    gone = change("aws_launch_template.old", None, actions=["delete"])
    nulls = change(
        "aws_launch_template.web",
        {"name": "web", "metadata_options": [{"http_tokens": "required"}], "description": None},
    )
    doc = Document("plan.json", "terraform-plan", plan(gone, nulls))
    (m,) = plan_modules(doc, None)
    (r,) = m.resources()
    assert r.address == "aws_launch_template.web"
    assert "description" not in r.data
    assert r.data["metadata_options"] == [{"http_tokens": "required"}]


def test_planned_values_when_there_are_no_resource_changes() -> None:
    data = {
        "format_version": "1.0",
        "planned_values": {
            "root_module": {
                "child_modules": [
                    {
                        "address": "module.a",
                        "resources": [
                            {
                                "address": "module.a.aws_s3_bucket.b[0]",
                                "mode": "managed",
                                "type": "aws_s3_bucket",
                                "name": "b",
                                "index": 0,
                                "values": {"bucket": "acme"},
                            }
                        ],
                    }
                ]
            }
        },
    }
    (m,) = plan_modules(Document("plan.json", "terraform-plan", data), None)
    (r,) = m.resources()
    assert (r.address, r.data) == ("aws_s3_bucket.b[0]", {"bucket": "acme"})


@pytest.mark.parametrize(
    "data",
    [
        {"format_version": "1", "resource_changes": "x"},
        {"format_version": "1", "resource_changes": [1, None, {"change": 3}]},
        {"format_version": "1", "resource_changes": [{"mode": "managed", "type": 1, "change": {}}]},
        {"format_version": "1", "resource_changes": [change("a.b", {"x": [[{"y": 1}]]}, True)]},
        {"format_version": "1", "planned_values": {"root_module": {"child_modules": [None, 5]}}},
        {"format_version": "1", "planned_values": [], "configuration": {"root_module": 7}},
    ],
)
def test_malformed_plans_do_not_break(data: dict[str, Any]) -> None:
    for m in plan_modules(Document("plan.json", "terraform-plan", data), None):
        for r in m.resources():
            assert isinstance(r.data, dict)


def test_plan_with_configuration_points_at_the_source(tmp_path: Path) -> None:
    src = FIXTURES / "TF-AWS-018/plan-with-config"
    for name in ("main.tf", "plan.json"):
        (tmp_path / name).write_text((src / name).read_text())
    settings, _ = build_settings(tmp_path, None, {})
    rules = [r for r in all_rules() if r.id.startswith("TF-AWS-018")]
    result = run(tmp_path, [tmp_path], settings, rules)
    got = sorted((f.path, f.line, f.outcome) for f in result.findings)
    assert got == [("main.tf", 10, "fail"), ("main.tf", 10, "unresolved")]
