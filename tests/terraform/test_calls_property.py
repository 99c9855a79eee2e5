"""Property: a call passing a module its own defaults reports at least what the module
evaluated alone with those defaults reports (resolved findings, by rule and line)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_lint.config import build_settings
from devops_lint.engine import run
from tests.fixture_support import all_rules

# (variable type, values, resource using var.v) — each value decides a finding or not.
TEMPLATES: list[tuple[str, list[object], str]] = [
    (
        "string",
        ["optional", "required"],
        'resource "aws_launch_template" "t{i}" {{\n  name = "t{i}"\n'
        "  metadata_options {{\n    http_tokens = var.v{i}\n  }}\n}}\n",
    ),
    (
        "string",
        ["0.0.0.0/0", "10.0.0.0/8"],
        'resource "aws_security_group" "s{i}" {{\n  name = "s{i}"\n  ingress {{\n'
        '    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n'
        "    cidr_blocks = [var.v{i}]\n  }}\n}}\n",
    ),
    (
        "bool",
        [True, False],
        'resource "aws_ebs_volume" "e{i}" {{\n  availability_zone = "eu-west-1a"\n'
        "  size = 10\n  encrypted = var.v{i}\n}}\n",
    ),
    (
        "bool",
        [True, False],
        'resource "aws_vpc" "n{i}" {{\n  cidr_block = "10.0.0.0/16"\n}}\n'
        'resource "aws_flow_log" "n{i}" {{\n  count = var.v{i} ? 1 : 0\n'
        '  vpc_id = aws_vpc.n{i}.id\n  traffic_type = "ALL"\n'
        '  log_destination = "arn:aws:s3:::logs"\n}}\n',
    ),
    (
        "bool",
        [True, False],
        'resource "aws_eks_cluster" "k{i}" {{\n  name = "k{i}"\n'
        '  role_arn = "arn:aws:iam::1:role/r"\n'
        "  vpc_config {{\n    subnet_ids = []\n    endpoint_public_access = var.v{i}\n  }}\n}}\n",
    ),
]

RULES = [r for r in all_rules() if r.target.startswith("terraform.")]


def _child(choices: list[tuple[int, int]]) -> str:
    parts: list[str] = []
    for i, (t, v) in enumerate(choices):
        type_, values, body = TEMPLATES[t]
        parts.append(
            f'variable "v{i}" {{\n  type    = {type_}\n  default = {json.dumps(values[v])}\n}}\n'
        )
        parts.append(body.format(i=i))
    return "".join(parts)


def _resolved(root: Path) -> set[tuple[str, str, int]]:
    settings_, _ = build_settings(root, None, {})
    result = run(root, [root], settings_, RULES)
    return {
        (f.rule_id, f.path, f.line)
        for f in result.findings
        if f.outcome == "fail" and f.path.startswith("child/")
    }


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(TEMPLATES) - 1), st.integers(0, 1)), min_size=1, max_size=4
    )
)
def test_calls_with_the_defaults_report_no_less(choices: list[tuple[int, int]]) -> None:
    child = _child(choices)
    args = "".join(
        f"  v{i} = {json.dumps(TEMPLATES[t][1][v])}\n" for i, (t, v) in enumerate(choices)
    )
    with tempfile.TemporaryDirectory() as tmp:
        alone = Path(tmp) / "alone"
        (alone / "child").mkdir(parents=True)
        (alone / "child/main.tf").write_text(child, encoding="utf-8")
        called = Path(tmp) / "called"
        (called / "child").mkdir(parents=True)
        (called / "child/main.tf").write_text(child, encoding="utf-8")
        (called / "main.tf").write_text(
            f'module "c" {{\n  source = "./child"\n{args}}}\n', encoding="utf-8"
        )
        assert _resolved(alone) <= _resolved(called)
