"""IAM controls TF-AWS-006 … TF-AWS-009: policy forms, locations and helpers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devops_lint.context import load_data_table
from devops_lint.terraform.checks_aws_iam import write_actions
from devops_lint.terraform.checks_aws_trust import sub_scope

from .aws_support import lint, outcomes


def _table() -> dict[str, dict[str, bool]]:
    raw = load_data_table("aws_iam_actions.yaml")
    table: dict[str, dict[str, bool]] = {}
    for service, entry in raw["services"].items():
        names = {str(n).lower(): True for n in entry.get("resource_level", [])}
        names.update({str(n).lower(): False for n in entry.get("no_resource_level", [])})
        table[service] = names
    return table


@pytest.mark.parametrize(
    ("value", "operator", "scope"),
    [
        ("repo:acme/shop:environment:production", "StringEquals", "ok"),
        ("repo:acme/shop:ref:refs/heads/main", "StringLike", "ok"),
        ("repo:acme/shop:environment:prod-*", "StringLike", "ok"),
        ("repo:acme/shop:*", "StringLike", "any-ref"),
        ("repo:acme/*", "StringLike", "wild-owner"),
        ("repo:*", "StringLike", "wild-owner"),
        ("repo:*/shop:environment:production", "StringLike", "wild-owner"),
        ("*", "StringLike", "wild-owner"),
        ("repo:acme/*", "StringEquals", "ok"),  # no wildcard semantics
        ("repo:acme/shop:*", "ForAnyValue:StringLike", "any-ref"),
    ],
)
def test_sub_scope(value: str, operator: str, scope: str) -> None:
    assert sub_scope(value, operator) == scope


def test_write_actions_use_the_table() -> None:
    table = _table()
    assert write_actions("s3:PutObject", table) == ["putobject"]
    assert write_actions("S3:putobject", table) == ["putobject"]
    assert "putobject" in write_actions("s3:Put*", table)
    assert write_actions("s3:GetObject", table) == []  # read, and absent
    assert write_actions("s3:Get*", table) == []
    assert write_actions("cloudwatch:PutMetricData", table) == []  # no resource-level support
    assert write_actions("unknownservice:DeleteEverything", table) == []
    assert write_actions("s3:*", table) == []  # action-star's business


def test_table_lists_no_read_action_as_write() -> None:
    for service, names in _table().items():
        for name, resource_level in names.items():
            assert isinstance(resource_level, bool), (service, name)


POLICY_DOC = """\
data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "a" {
  name   = "a"
  policy = data.aws_iam_policy_document.admin.json
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json

  inline_policy {
    name   = "admin"
    policy = data.aws_iam_policy_document.admin.json
  }
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
"""


def test_shared_document_reported_once_where_written(tmp_path: Path) -> None:
    found = outcomes(lint(tmp_path, {"main.tf": POLICY_DOC}), ("TF-AWS-006", "TF-AWS-008"))
    assert found == {("main.tf", 3, "TF-AWS-006.star-star", "fail", "critical")}


def test_source_policy_documents_are_followed(tmp_path: Path) -> None:
    text = POLICY_DOC.replace(
        'resource "aws_iam_policy" "a" {',
        'data "aws_iam_policy_document" "combined" {\n'
        "  source_policy_documents = [data.aws_iam_policy_document.admin.json]\n"
        "}\n\n"
        'resource "aws_iam_policy" "a" {',
    ).replace(
        "  policy = data.aws_iam_policy_document.admin.json\n}",
        "  policy = data.aws_iam_policy_document.combined.json\n}",
        1,
    )
    found = outcomes(lint(tmp_path, {"main.tf": text}), ("TF-AWS-006",))
    assert {(f[1], f[2]) for f in found} == {(3, "TF-AWS-006.star-star")}


# A policy written as a quoted JSON string (json.dumps quoting is valid HCL quoting here).
JSON_STRING = json.dumps(
    json.dumps({"Statement": {"Effect": "Allow", "Action": "sts:*", "Resource": "*"}})
)


def test_local_and_json_string_policies(tmp_path: Path) -> None:
    text = """\
locals {
  wide = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ec2:*"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_policy" "local" {
  name   = "local"
  policy = local.wide
}

resource "aws_iam_policy" "string" {
  name   = "string"
  policy = JSON_STRING
}
""".replace("JSON_STRING", JSON_STRING)
    found = outcomes(lint(tmp_path, {"main.tf": text}), ("TF-AWS-007",))
    assert {(f[1], f[2]) for f in found} == {
        (6, "TF-AWS-007.action-star"),
        (19, "TF-AWS-007.sensitive-service-star"),
    }


def test_trust_policy_is_not_an_identity_policy(tmp_path: Path) -> None:
    text = """\
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:*"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}
"""
    assert not outcomes(lint(tmp_path, {"main.tf": text}))


def test_user_and_access_key_findings(tmp_path: Path) -> None:
    text = """\
resource "aws_iam_access_key" "ci" {
  user = "ci"
}

resource "aws_iam_user_policy" "ci" {
  user   = "ci"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}
"""
    found = outcomes(lint(tmp_path, {"main.tf": text}), ("TF-AWS-009",))
    assert found == {
        ("main.tf", 1, "TF-AWS-009.access-key", "fail", "high"),
        ("main.tf", 5, "TF-AWS-009.user-policy", "fail", "medium"),
    }


def test_managed_policy_arn_with_partition_interpolation(tmp_path: Path) -> None:
    text = """\
data "aws_partition" "current" {}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = "r"
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role_policy_attachment" "read" {
  role       = "r"
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}
"""
    found = outcomes(lint(tmp_path, {"main.tf": text}), ("TF-AWS-006",))
    assert found == {("main.tf", 5, "TF-AWS-006.managed-admin", "fail", "high")}
