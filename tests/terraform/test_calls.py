"""Module calls: binding, instances, memoisation, outputs, chains, cycles, installed modules."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from devops_lint.config import build_settings
from devops_lint.engine import RunResult, run
from devops_lint.model import Finding
from devops_lint.terraform.calls import ModuleGraph
from devops_lint.terraform.module import build_modules
from devops_lint.terraform.vartypes import apply_defaults
from tests.fixture_support import all_rules

from .helpers import docs

NODE = """
variable "name" {
  type    = string
  default = "node"
}

variable "http_tokens" {
  type    = string
  default = "required"
}

resource "aws_launch_template" "this" {
  name = var.name

  metadata_options {
    http_tokens = var.http_tokens
  }
}
"""


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def lint(root: Path, only: str | None = None) -> RunResult:
    settings, _ = build_settings(root, None, {})
    rules = [r for r in all_rules() if only is None or r.id.startswith(only)]
    return run(root, [root], settings, rules)


def found(result: RunResult, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule]


LEGACY = 'module "legacy" {\n  source      = "./node"\n  http_tokens = "optional"\n}\n'


def test_insecure_argument_reported_at_child_line_naming_the_call(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": LEGACY
            + 'module "ok" {\n  source = "./node"\n  http_tokens = "required"\n}\n',
            "node/main.tf": NODE,
        },
    )
    result = lint(tmp_path, "TF-AWS-018")
    (f,) = found(result, "TF-AWS-018.tokens-optional")
    assert (f.path, f.line) == ("node/main.tf", 16)
    assert f.message.endswith("(in module.legacy)")
    related = {(p, s.line, label) for p, s, label in f.related}
    assert ("main.tf", 3, "module.legacy: argument http_tokens") in related
    assert ("main.tf", 1, "module.legacy") in related


def test_secure_calls_and_overridden_default_give_nothing(tmp_path: Path) -> None:
    child = NODE.replace('default = "required"', 'default = "optional"')
    write(
        tmp_path,
        {
            "main.tf": 'module "a" {\n  source      = "./node"\n  http_tokens = "required"\n}\n',
            "node/main.tf": child,
        },
    )
    assert found(lint(tmp_path, "TF-AWS-018"), "TF-AWS-018.tokens-optional") == []
    # The same child evaluated alone (nothing calls it) deploys its default.
    (tmp_path / "main.tf").unlink()
    assert len(found(lint(tmp_path, "TF-AWS-018"), "TF-AWS-018.tokens-optional")) == 1


def test_nested_chain_and_argument_traced_to_the_root(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "eks" {\n  source = "./cluster"\n  imds_v1 = true\n}\n',
            "cluster/main.tf": 'variable "imds_v1" {\n  default = false\n}\n'
            'module "node_group" {\n  source   = "../node"\n  for_each = toset(["default"])\n'
            '  http_tokens = var.imds_v1 ? "optional" : "required"\n}\n',
            "node/main.tf": NODE,
        },
    )
    (f,) = found(lint(tmp_path, "TF-AWS-018"), "TF-AWS-018.tokens-optional")
    assert f.path == "node/main.tf"
    assert f.message.endswith('(in module.eks.module.node_group["default"])')
    related = {(p, s.line, label) for p, s, label in f.related}
    assert (
        "cluster/main.tf",
        7,
        'module.eks.module.node_group["default"]: argument http_tokens',
    ) in related
    assert ("main.tf", 3, "module.eks: argument imds_v1") in related


def test_one_location_from_several_calls_is_reported_once(tmp_path: Path) -> None:
    calls = "".join(
        f'module "m{i}" {{\n  source      = "./node"\n  name        = "n{i}"\n'
        f'  http_tokens = "optional"\n}}\n'
        for i in range(3)
    )
    write(tmp_path, {"main.tf": calls, "node/main.tf": NODE})
    (f,) = found(lint(tmp_path, "TF-AWS-018"), "TF-AWS-018.tokens-optional")
    assert f.message.endswith("(in module.m0, module.m1, module.m2)")
    args = sorted(s.line for p, s, label in f.related if "argument" in label)
    assert args == [4, 9, 14]


@pytest.mark.parametrize(
    ("where", "line"),
    [("node/main.tf", 16), ("main.tf", 3)],
    ids=["child-line", "caller-argument"],
)
def test_suppression_on_child_line_or_caller_argument(
    tmp_path: Path, where: str, line: int
) -> None:
    files = {
        "main.tf": LEGACY,
        "node/main.tf": NODE,
    }
    lines = files[where].split("\n")
    lines[line - 1] += "  # devops-lint: ignore[TF-AWS-018] legacy AMI needs IMDSv1"
    files[where] = "\n".join(lines)
    write(tmp_path, files)
    result = lint(tmp_path, "TF-AWS-018")
    (f,) = found(result, "TF-AWS-018.tokens-optional")
    assert f.suppression == "legacy AMI needs IMDSv1"
    assert not found(result, "X-000.unused-suppression")


def test_memoised_by_directory_and_inputs() -> None:
    calls = "".join(
        f'module "m{i}" {{\n  source = "./node"\n  http_tokens = "required"\n}}\n'
        for i in range(50)
    )
    calls += 'module "other" {\n  source = "./node"\n  http_tokens = "optional"\n}\n'
    modules = build_modules(docs({"main.tf": calls, "node/main.tf": NODE}))
    graph = ModuleGraph(modules, None)
    evaluated = graph.evaluated()
    instances = [m for m in evaluated if m.dir == "node"]
    assert len(instances) == 2  # 50 equal calls share one instance
    assert sorted(len(m.entries) for m in instances) == [1, 50]


def test_count_zero_through_caller_removes_the_resource() -> None:
    child = (
        'variable "enable" {\n  default = true\n}\n'
        'resource "aws_flow_log" "this" {\n  count = var.enable ? 1 : 0\n'
        '  traffic_type = "ALL"\n}\n'
    )
    root = (
        'module "off" {\n  source = "./vpc"\n  enable = false\n}\n'
        'module "on" {\n  source = "./vpc"\n}\n'
    )
    graph = ModuleGraph(build_modules(docs({"main.tf": root, "vpc/main.tf": child})), None)
    by_call = {
        m.entries[0].call.name: len(m.resources()) for m in graph.evaluated() if m.dir == "vpc"
    }
    assert by_call == {"off": 0, "on": 1}


def test_outputs_resolve_in_the_caller_per_instance() -> None:
    child = (
        'variable "n" {\n  default = 1\n}\n'
        'output "double" {\n  value = var.n * 2\n}\n'
        'output "arn" {\n  value = aws_s3_bucket.b.arn\n}\n'
    )
    root = (
        'module "one" {\n  source = "./c"\n  n = 5\n}\n'
        'module "many" {\n  source = "./c"\n  count = 2\n  n = count.index\n}\n'
        'module "each" {\n  source = "./c"\n  for_each = { a = 3 }\n  n = each.value\n}\n'
        "locals {\n  one = module.one.double\n  many = module.many[1].double\n"
        '  each = module.each["a"].double\n  arn = module.one.arn\n}\n'
    )
    modules = build_modules(docs({"main.tf": root, "c/main.tf": child}))
    ModuleGraph(modules, None)
    m = modules["."]
    assert m.resolve_local("one") == 10
    assert m.resolve_local("many") == 2
    assert m.resolve_local("each") == 6
    arn = m.resolve_local("arn")
    assert str(arn) == "module.one.arn"  # unknown, shown as the caller wrote it


def test_optional_defaults_nested_in_collections() -> None:
    mod = build_modules(
        docs(
            {
                "main.tf": 'variable "groups" {\n  type = map(object({\n'
                "    size = optional(number, 2)\n    tags = optional(map(string))\n"
                "    disk = optional(object({ encrypted = optional(bool, true) }), {})\n"
                "  }))\n  default = { a = {}, b = { size = 5, disk = { encrypted = false } } }\n}\n"
            }
        )
    )["."]
    assert mod.variable_value("groups") == {
        "a": {"size": 2, "tags": None, "disk": {"encrypted": True}},
        "b": {"size": 5, "tags": None, "disk": {"encrypted": False}},
    }
    assert apply_defaults(None, {"x": 1}, lambda e: None) == {"x": 1}


def test_cycles_terminate_and_are_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
            "b/main.tf": 'module "a" {\n  source = "../a"\n}\n'
            'resource "aws_launch_template" "t" {\n  name = "t"\n}\n',
            "c/main.tf": 'module "me" {\n  source = "./"\n}\n',
        },
    )
    result = lint(tmp_path)
    cycles = sorted((f.path, f.line) for f in found(result, "X-000.module-cycle"))
    assert cycles == [("b/main.tf", 1), ("c/main.tf", 1)]
    # The modules of the cycle are still evaluated (from the call that does not close it).
    assert found(result, "TF-AWS-018.tokens-optional")


REGISTRY_CALL = 'module "node" {\n  source = "acme/node/aws"\n  http_tokens = "optional"\n}\n'
MANIFEST = {
    "Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {
            "Key": "node",
            "Source": "registry.terraform.io/acme/node/aws",
            "Dir": ".terraform/modules/node",
        },
    ]
}


def test_installed_modules_through_modules_json(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "live/main.tf": REGISTRY_CALL,
            "live/.terraform/modules/modules.json": json.dumps(MANIFEST),
            "live/.terraform/modules/node/main.tf": NODE,
        },
    )
    (f,) = found(lint(tmp_path, "TF-AWS-018"), "TF-AWS-018.tokens-optional")
    assert f.path == "live/.terraform/modules/node/main.tf"
    assert f.message.endswith("(in live: module.node)")
    # Without .terraform nothing is downloaded and nothing is reported.
    os.rename(tmp_path / "live/.terraform", tmp_path / "live/terraform-cache")
    assert found(lint(tmp_path, "TF-AWS-018"), "TF-AWS-018.tokens-optional") == []


@pytest.mark.parametrize("escape", ["dir", "symlink"])
def test_manifest_cannot_read_outside_the_repository(tmp_path: Path, escape: str) -> None:
    repo = tmp_path / "repo"
    outside = tmp_path / "outside"
    write(outside, {"main.tf": NODE})
    manifest = {"Modules": [{"Key": "node", "Source": "x", "Dir": "../../../outside"}]}
    files = {
        "main.tf": REGISTRY_CALL,
        ".git/HEAD": "ref: refs/heads/main\n",
    }
    if escape == "dir":
        files[".terraform/modules/modules.json"] = json.dumps(manifest)
    else:
        files[".terraform/modules/modules.json"] = json.dumps(MANIFEST)
    write(repo, files)
    if escape == "symlink":
        (repo / ".terraform/modules/node").symlink_to(outside, target_is_directory=True)
    assert found(lint(repo, "TF-AWS-018"), "TF-AWS-018.tokens-optional") == []


def test_sarif_names_the_call_and_the_argument(tmp_path: Path) -> None:
    from devops_lint.report.sarif import build

    write(tmp_path, {"main.tf": LEGACY, "node/main.tf": NODE})
    log = build(lint(tmp_path, "TF-AWS-018"), base=tmp_path, warn=lambda _: None)
    (res,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "TF-AWS-018.tokens-optional"]
    related = {
        (
            loc["physicalLocation"]["artifactLocation"]["uri"],
            loc["physicalLocation"]["region"]["startLine"],
            loc["message"]["text"],
        )
        for loc in res["relatedLocations"]
    }
    assert related == {
        ("main.tf", 3, "module.legacy: argument http_tokens"),
        ("main.tf", 1, "module.legacy"),
    }


@pytest.mark.parametrize("imds_v1", [True, False])
def test_a_called_directory_evaluated_alone_adds_no_instance_or_chain(imds_v1: bool) -> None:
    from devops_lint.terraform.calls import chain_label

    files = {
        "main.tf": 'module "eks" {\n  source = "./cluster"\n'
        f"  imds_v1 = {str(imds_v1).lower()}\n}}\n",
        "cluster/main.tf": 'variable "imds_v1" {\n  default = false\n}\n'
        'module "node_group" {\n  source = "../node"\n'
        '  http_tokens = var.imds_v1 ? "optional" : "required"\n}\n',
        "node/main.tf": NODE,
    }
    modules = build_modules(docs(files))
    graph = ModuleGraph(modules, None)
    # A run-wide lookup reads the called directory's own view (its defaults) first.
    modules["cluster"].module_value("node_group")
    nodes = [m for m in graph.evaluated() if m.dir == "node"]
    assert len(nodes) == 1
    assert nodes[0].variable_value("http_tokens") == ("optional" if imds_v1 else "required")
    assert [chain_label(c) for c in graph.chains(nodes[0])] == ["module.eks.module.node_group"]


def test_chains_from_other_roots_name_their_directory(tmp_path: Path) -> None:
    call = 'module "eks" {\n  source      = "../../node"\n  http_tokens = "optional"\n}\n'
    write(tmp_path, {"examples/a/main.tf": call, "examples/b/main.tf": call, "node/main.tf": NODE})
    (f,) = found(lint(tmp_path, "TF-AWS-018"), "TF-AWS-018.tokens-optional")
    assert f.message.endswith("(in examples/a: module.eks, examples/b: module.eks)")


def test_same_place_and_outcome_with_other_values_is_one_finding(tmp_path: Path) -> None:
    child = (
        'variable "hops" {\n  default = 1\n}\n'
        'resource "aws_launch_template" "t" {\n  name = "t"\n  metadata_options {\n'
        '    http_tokens                 = "required"\n'
        "    http_put_response_hop_limit = var.hops\n  }\n}\n"
    )
    calls = "".join(f'module "m{n}" {{\n  source = "./node"\n  hops   = {n}\n}}\n' for n in (2, 3))
    write(tmp_path, {"main.tf": calls, "node/main.tf": child})
    (f,) = found(lint(tmp_path, "TF-AWS-018"), "TF-AWS-018.hop-limit")
    assert (f.path, f.line) == ("node/main.tf", 8)
    assert f.message.endswith("(in module.m2, module.m3)")
    assert sorted(s.line for _, s, label in f.related if "argument" in label) == [3, 7]


def test_a_callers_suppression_never_hides_another_callers_value(tmp_path: Path) -> None:
    ignore = "  # devops-lint: ignore[TF-AWS-018] vendor AMI needs IMDSv1"
    calls = (
        f'module "vendor" {{\n  source      = "./node"\n  http_tokens = "optional"{ignore}\n}}\n'
        'module "web" {\n  source      = "./node"\n  http_tokens = "optional"\n}\n'
    )
    write(tmp_path, {"main.tf": calls, "node/main.tf": NODE})
    result = lint(tmp_path, "TF-AWS-018")
    by_state = {
        f.suppression is not None: f.message for f in found(result, "TF-AWS-018.tokens-optional")
    }
    assert by_state[True].endswith("(in module.vendor)")
    assert by_state[False].endswith("(in module.web)")
    assert not found(result, "X-000.unused-suppression")


def test_count_instances_inside_a_called_module_stay_apart(tmp_path: Path) -> None:
    child = NODE.replace(
        'resource "aws_launch_template" "this" {\n',
        'resource "aws_launch_template" "this" {\n  count = 2\n',
    )
    write(tmp_path, {"main.tf": LEGACY, "node/main.tf": child})
    findings = found(lint(tmp_path, "TF-AWS-018"), "TF-AWS-018.tokens-optional")
    assert sorted(f.locator for f in findings) == [
        "aws_launch_template.this[0]",
        "aws_launch_template.this[1]",
    ]
