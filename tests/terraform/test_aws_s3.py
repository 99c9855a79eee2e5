"""S3 controls TF-AWS-010 … TF-AWS-014: buckets joined with their v4+ split resources."""

from __future__ import annotations

from pathlib import Path

import pytest

from .aws_support import lint, outcomes

BACKUP_BUCKET = 'resource "aws_s3_bucket" "backup" {\n  bucket = "your-backup-bucket"\n}\n'

# Everything a data/backup bucket needs, each in its own resource; {link} names the bucket.
COMPANIONS = """
resource "aws_s3_bucket_public_access_block" "backup" {{
  bucket                  = {link}
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "backup" {{
  bucket = {link}
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.backup.arn
    }}
  }}
}}

resource "aws_s3_bucket_versioning" "backup" {{
  bucket = {link}
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_lifecycle_configuration" "backup" {{
  bucket = {link}
  rule {{
    id     = "retention"
    status = "Enabled"
    filter {{}}
    expiration {{
      days = 30
    }}
    abort_incomplete_multipart_upload {{
      days_after_initiation = 7
    }}
  }}
}}

resource "aws_s3_bucket_object_lock_configuration" "backup" {{
  bucket = {link}
  rule {{
    default_retention {{
      mode = "GOVERNANCE"
      years = 1
    }}
  }}
}}

resource "aws_s3_bucket_policy" "backup" {{
  bucket = {link}
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::your-backup-bucket", "arn:aws:s3:::your-backup-bucket/*"]
      Condition = {{ Bool = {{ "aws:SecureTransport" = false }} }}
    }}]
  }})
}}
"""
LOCKED_BUCKET = BACKUP_BUCKET.replace("\n}", "\n  object_lock_enabled = true\n}")


def test_b3_backup_bucket(tmp_path: Path) -> None:
    found = outcomes(lint(tmp_path, {"backup.tf": BACKUP_BUCKET}), ("TF-AWS-012", "TF-AWS-014"))
    assert found == {
        ("backup.tf", 1, "TF-AWS-012.no-kms", "fail", "medium"),
        ("backup.tf", 1, "TF-AWS-014.versioning", "fail", "medium"),
        ("backup.tf", 1, "TF-AWS-014.lifecycle", "fail", "low"),
        ("backup.tf", 1, "TF-AWS-014.object-lock", "fail", "low"),
    }


def test_b3_lifecycle_rule_passes_lifecycle(tmp_path: Path) -> None:
    lifecycle = COMPANIONS.split('resource "aws_s3_bucket_lifecycle_configuration"')[1]
    lifecycle = (
        'resource "aws_s3_bucket_lifecycle_configuration"' + lifecycle.split("\nresource")[0]
    )
    text = BACKUP_BUCKET + lifecycle.format(link="aws_s3_bucket.backup.id").replace("{{", "{")
    found = {f[2] for f in outcomes(lint(tmp_path, {"backup.tf": text}), ("TF-AWS-014",))}
    assert found == {"TF-AWS-014.versioning", "TF-AWS-014.object-lock"}


@pytest.mark.parametrize(
    "link",
    [
        "aws_s3_bucket.backup.id",
        "aws_s3_bucket.backup.bucket",
        "aws_s3_bucket.backup.arn",
        '"your-backup-bucket"',
    ],
)
def test_split_resources_protect_the_bucket(tmp_path: Path, link: str) -> None:
    companions = COMPANIONS.format(link=link)
    found = outcomes(lint(tmp_path, {"main.tf": LOCKED_BUCKET, "s3.tf": companions}))
    assert found == set()


def test_split_resources_in_tf_json(tmp_path: Path) -> None:
    versioning = """{
  "resource": {
    "aws_s3_bucket_versioning": {
      "backup": {
        "bucket": "${aws_s3_bucket.backup.id}",
        "versioning_configuration": {"status": "Enabled"}
      }
    }
  }
}
"""
    found = outcomes(lint(tmp_path, {"main.tf": BACKUP_BUCKET, "v.tf.json": versioning}))
    assert "TF-AWS-014.versioning" not in {f[2] for f in found}
    assert "TF-AWS-014.lifecycle" in {f[2] for f in found}


def test_companions_of_another_bucket_do_not_count(tmp_path: Path) -> None:
    other = 'resource "aws_s3_bucket" "other" {\n  bucket = "acme-data-other"\n}\n'
    companions = COMPANIONS.format(link="aws_s3_bucket.other.id")
    found = outcomes(lint(tmp_path, {"main.tf": LOCKED_BUCKET + other, "s3.tf": companions}))
    about_backup = {f[2] for f in found if f[1] == 1}
    assert about_backup == {
        "TF-AWS-010.missing",
        "TF-AWS-012.no-kms",
        "TF-AWS-013",
        "TF-AWS-014.versioning",
        "TF-AWS-014.lifecycle",
        "TF-AWS-014.object-lock",
    }
    assert not {f for f in found if f[1] != 1}


def test_unprotected_plain_bucket(tmp_path: Path) -> None:
    text = 'resource "aws_s3_bucket" "site" {\n  bucket = "acme-site"\n}\n'
    found = outcomes(lint(tmp_path, {"main.tf": text}))
    assert found == {
        ("main.tf", 1, "TF-AWS-010.missing", "fail", "medium"),
        ("main.tf", 1, "TF-AWS-012.sse-s3", "fail", "low"),
        ("main.tf", 1, "TF-AWS-013", "fail", "medium"),
    }


def test_data_bucket_regex_is_configurable(tmp_path: Path) -> None:
    text = 'resource "aws_s3_bucket" "site" {\n  bucket = "acme-site"\n}\n'
    found = outcomes(lint(tmp_path, {"main.tf": text}, data_bucket_regex="(?i)site"))
    assert {f[2] for f in found if f[2].startswith("TF-AWS-012")} == {"TF-AWS-012.no-kms"}


def test_unresolved_policy_flag_stays_unresolved(tmp_path: Path) -> None:
    text = BACKUP_BUCKET + COMPANIONS.format(link="aws_s3_bucket.backup.id").replace(
        "restrict_public_buckets = true", "restrict_public_buckets = var.restrict"
    )
    found = outcomes(lint(tmp_path, {"main.tf": text}), ("TF-AWS-010",))
    assert found == {("main.tf", 10, "TF-AWS-010.flag-false", "unresolved", "info")}


def test_shared_tag_maps_do_not_make_the_class_unknown(tmp_path: Path) -> None:
    text = """\
resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
  tags   = merge(var.common_tags, { Name = "assets" })
}

resource "aws_s3_bucket" "tagged" {
  bucket = "acme-reports"
  tags   = merge(var.common_tags, { Purpose = var.purpose })
}
"""
    found = outcomes(lint(tmp_path, {"main.tf": text}), ("TF-AWS-012",))
    assert found == {
        ("main.tf", 1, "TF-AWS-012.sse-s3", "fail", "low"),
        ("main.tf", 6, "TF-AWS-012.no-kms", "unresolved", "info"),
    }


def test_aws_managed_key_through_a_data_alias(tmp_path: Path) -> None:
    text = """\
data "aws_kms_alias" "s3" {
  name = "alias/aws/s3"
}

resource "aws_s3_bucket" "exports" {
  bucket = "acme-exports"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "exports" {
  bucket = aws_s3_bucket.exports.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = data.aws_kms_alias.s3.target_key_arn
    }
  }
}
"""
    found = outcomes(lint(tmp_path, {"main.tf": text}), ("TF-AWS-012",))
    assert found == {("main.tf", 13, "TF-AWS-012.no-kms", "fail", "medium")}
