"""TF-AWS-018 … TF-AWS-022: IMDS, EBS, databases and backups."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terraform.aws_net_support import lint, outcomes

DB = """resource "aws_db_instance" "db" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  storage_encrypted       = true
  kms_key_id              = "arn:aws:kms:eu-west-1:111122223333:key/abc"
  deletion_protection     = true
  backup_retention_period = %s
}
"""


@pytest.mark.parametrize(
    ("days", "minimum", "fails"),
    [(7, None, False), (6, None, True), (10, 14, True), (14, 14, False)],
)
def test_backup_retention_minimum(
    tmp_path: Path, days: int, minimum: int | None, fails: bool
) -> None:
    overrides = {} if minimum is None else {"min_backup_retention_days": minimum}
    found = outcomes(lint(tmp_path, {"main.tf": DB % days}, **overrides))
    assert found == ({("main.tf", 8, "TF-AWS-022.retention", "fail")} if fails else set())


@pytest.mark.parametrize(
    ("resources", "covered"),
    [
        ('["*"]', True),
        ('["arn:aws:rds:*:*:db:*"]', True),
        ('["arn:aws:rds:eu-west-1:111122223333:db:orders"]', True),
        ('["arn:aws:rds:*:*:db:other"]', False),
        ('["arn:aws:rds:*:*:cluster:*"]', False),
        ('["arn:aws:dynamodb:*:*:table/*"]', False),
        ("[aws_db_instance.db.arn]", True),
        ("var.backup_arns", None),
    ],
)
def test_backup_selection_covers(tmp_path: Path, resources: str, covered: bool | None) -> None:
    selection = (
        'resource "aws_backup_selection" "s" {\n  name = "s"\n  plan_id = "p"\n'
        f'  iam_role_arn = "arn:aws:iam::1:role/b"\n  resources = {resources}\n}}\n'
    )
    found = outcomes(lint(tmp_path, {"main.tf": DB % 1, "backup.tf": selection}))
    if covered:
        assert found == set()
    else:
        outcome = "fail" if covered is False else "unresolved"
        assert found == {("main.tf", 8, "TF-AWS-022.retention", outcome)}


def test_imds_disabled_endpoint_from_variable_is_unresolved(tmp_path: Path) -> None:
    text = """resource "aws_instance" "i" {
  ami           = "ami-1"
  instance_type = "t3.micro"

  root_block_device {
    encrypted = true
  }

  metadata_options {
    http_endpoint = var.endpoint
    http_tokens   = "optional"
  }
}
"""
    assert outcomes(lint(tmp_path, {"main.tf": text})) == {
        ("main.tf", 11, "TF-AWS-018.tokens-optional", "unresolved")
    }


def test_encryption_by_default_from_variable_makes_volumes_unresolved(tmp_path: Path) -> None:
    files = {
        "account/main.tf": (
            'resource "aws_ebs_encryption_by_default" "e" {\n  enabled = var.on\n}\n'
        ),
        "app/main.tf": (
            'resource "aws_ebs_volume" "v" {\n  availability_zone = "a"\n  size = 1\n}\n'
        ),
    }
    assert outcomes(lint(tmp_path, files)) == {
        ("app/main.tf", 1, "TF-AWS-019.volume", "unresolved")
    }


def test_cluster_instances_and_severities(tmp_path: Path) -> None:
    text = """resource "aws_rds_cluster_instance" "i" {
  identifier          = "i"
  cluster_identifier  = "c"
  instance_class      = "db.r6g.large"
  engine              = "aurora-postgresql"
  publicly_accessible = true
}

resource "aws_rds_cluster" "c" {
  cluster_identifier      = "c"
  engine                  = "aurora-postgresql"
  storage_encrypted       = true
  backup_retention_period = 7
  deletion_protection     = true
}
"""
    found = {(f.line, f.rule_id, f.severity) for f in lint(tmp_path, {"main.tf": text})}
    assert found == {
        (6, "TF-AWS-021", "critical"),
        (9, "TF-AWS-020.no-cmk", "low"),
    }


def test_hostile_shapes_do_not_crash(tmp_path: Path) -> None:
    text = """resource "aws_instance" "odd" {
  metadata_options = "x"
  root_block_device = [1, { encrypted = "maybe" }]
}

resource "aws_launch_template" "odd" {
  block_device_mappings = [{ ebs = "x" }]
  metadata_options {
    http_tokens                 = 5
    http_put_response_hop_limit = "two"
  }
}

resource "aws_db_instance" "odd" {
  storage_encrypted       = [true]
  backup_retention_period = "a week"
  kms_key_id              = 3
}

resource "aws_backup_selection" "odd" {
  resources = "arn"
  selection_tag = 4
}

resource "aws_dynamodb_table" "odd" {
  point_in_time_recovery = true
}
"""
    found = lint(tmp_path, {"main.tf": text})
    assert not [f for f in found if f.rule_id.startswith("X-000")]
