"""TF-AWS-023 … TF-AWS-027: trails, keys, log groups, registries, listeners."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.terraform.aws_net_support import lint, outcomes

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"

GROUP = """resource "aws_cloudwatch_log_group" "g" {
  name              = %s
  retention_in_days = %s
  kms_key_id        = "arn:aws:kms:eu-west-1:111122223333:key/abc"
}
"""


@pytest.mark.parametrize(
    ("name", "days", "expected"),
    [
        ('"/app/a"', 0, None),
        ('"/app/a"', 1, "fail"),
        ('"/app/a"', 89, "fail"),
        ('"/app/a"', 90, None),
        ('"/aws/eks/prod/cluster"', 90, "fail"),
        ('"/aws/eks/prod/cluster"', 365, None),
        ('"/aws/eks/${var.c}/cluster"', 364, "fail"),
        ('"/app/${var.c}"', 180, None),
        ("var.name", 180, "unresolved"),
        ("var.name", 30, "fail"),
        ("var.name", 400, None),
    ],
)
def test_log_retention(tmp_path: Path, name: str, days: int, expected: str | None) -> None:
    found = outcomes(lint(tmp_path, {"main.tf": GROUP % (name, days)}))
    want = set() if expected is None else {("main.tf", 3, "TF-AWS-025.retention", expected)}
    assert found == want


def test_log_retention_settings(tmp_path: Path) -> None:
    text = GROUP % ('"/app/a"', 30)
    assert outcomes(lint(tmp_path, {"main.tf": text}, min_log_retention_days=30)) == set()


def test_seed_gives_exactly_appendix_b_row(tmp_path: Path) -> None:
    """The seed's eks.tf (copied into the fixtures) gives only TF-AWS-025's row."""
    shutil.copy(FIXTURES / "TF-AWS-025" / "seed" / "eks.tf", tmp_path / "eks.tf")
    found = lint(tmp_path, {})
    mine = {(f.path, f.line, f.rule_id, f.outcome, f.severity) for f in found}
    mine = {m for m in mine if m[2].startswith(("TF-AWS-01", "TF-AWS-02"))}
    mine = {m for m in mine if m[2] >= "TF-AWS-015"}
    assert mine == {("eks.tf", 14, "TF-AWS-025.eks-log-group-undeclared", "fail", "low")}


def test_eks_log_group_matched_by_resolved_names(tmp_path: Path) -> None:
    files = {
        "main.tf": """variable "cluster_name" {
  default = "prod"
}

resource "aws_cloudwatch_log_group" "eks" {
  name              = "/aws/eks/${var.cluster_name}/cluster"
  retention_in_days = 365
  kms_key_id        = "arn:aws:kms:eu-west-1:111122223333:key/abc"
}

resource "aws_eks_cluster" "c" {
  name     = var.cluster_name
  role_arn = "arn:aws:iam::1:role/eks"

  vpc_config {
    subnet_ids = ["subnet-1"]
  }

  enabled_cluster_log_types = ["audit"]
}
"""
    }
    assert outcomes(lint(tmp_path, files), "TF-AWS-025") == set()


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("ELBSecurityPolicy-TLS13-1-2-2021-06", None),
        ("ELBSecurityPolicy-TLS13-1-3-2021-06", None),
        ("ELBSecurityPolicy-TLS-1-2-Ext-2018-06", None),
        ("ELBSecurityPolicy-FS-1-2-Res-2020-10", None),
        ("ELBSecurityPolicy-TLS13-1-0-2021-06", "fail"),
        ("ELBSecurityPolicy-TLS13-1-1-2021-06", "fail"),
        ("ELBSecurityPolicy-TLS-1-1-2017-01", "fail"),
        ("ELBSecurityPolicy-2016-08", "fail"),
        ("elbsecuritypolicy-tls13-1-2-2021-06", "fail"),
    ],
)
def test_tls_policy_regex(tmp_path: Path, policy: str, expected: str | None) -> None:
    text = f"""resource "aws_lb_listener" "l" {{
  load_balancer_arn = "arn:lb"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "{policy}"

  default_action {{
    type             = "forward"
    target_group_arn = "arn:tg"
  }}
}}
"""
    found = outcomes(lint(tmp_path, {"main.tf": text}))
    want = set() if expected is None else {("main.tf", 5, "TF-AWS-027.weak-policy", expected)}
    assert found == want


def test_listener_protocol_default_depends_on_the_load_balancer(tmp_path: Path) -> None:
    text = """resource "aws_lb" "gw" {
  load_balancer_type = "gateway"
}

resource "aws_lb_listener" "gw" {
  load_balancer_arn = aws_lb.gw.arn

  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}

resource "aws_lb_listener" "unknown" {
  load_balancer_arn = var.lb_arn

  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}
"""
    assert outcomes(lint(tmp_path, {"main.tf": text})) == {
        ("main.tf", 18, "TF-AWS-027.http-forward", "unresolved")
    }


def test_kms_key_policy_in_a_local(tmp_path: Path) -> None:
    text = """locals {
  key_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key" "k" {
  enable_key_rotation = true
  policy              = local.key_policy
}
"""
    found = {(f.line, f.rule_id, f.severity) for f in lint(tmp_path, {"main.tf": text})}
    assert found == {(5, "TF-AWS-024.wildcard-principal", "critical")}


def test_hostile_shapes_do_not_crash(tmp_path: Path) -> None:
    text = """resource "aws_cloudtrail" "odd" {
  enable_logging = "sometimes"
  kms_key_id     = 0
}

resource "aws_kms_key" "odd" {
  customer_master_key_spec = 3
  policy                   = "not json"
}

resource "aws_cloudwatch_log_group" "odd" {
  retention_in_days = "forever"
  name              = ["x"]
}

resource "aws_ecr_repository" "odd" {
  image_tag_mutability = true
  image_scanning_configuration = "x"
}

resource "aws_lb_listener" "odd" {
  protocol       = 443
  default_action = [1, { type = ["x"], redirect = "y" }]
}

resource "aws_eks_cluster" "odd" {
  name                      = 5
  enabled_cluster_log_types = "all"
}
"""
    found = lint(tmp_path, {"main.tf": text})
    assert not [f for f in found if f.rule_id.startswith("X-000")]


def test_heredoc_policy_points_at_the_public_principal(tmp_path: Path) -> None:
    text = """resource "aws_kms_key" "k" {
  enable_key_rotation = true
  policy              = <<EOF
{
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "kms:*"},
    {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
    {"Effect": "Allow",
     "Principal": "*", "Action": "kms:Decrypt"}
  ]
}
EOF
}
"""
    found = {(f.line, f.span.column, f.rule_id) for f in lint(tmp_path, {"main.tf": text})}
    assert found == {(9, 6, "TF-AWS-024.wildcard-principal")}
