"""IAM policy documents on their own: checked unattached, reported once when attached."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.crossfile.helpers import write
from tests.fixture_support import lint_folder

DOCUMENT = """
data "aws_iam_policy_document" "shared" {
  statement {
    actions = [
      "iam:PassRole",
      "s3:*",
    ]
    resources = ["*"]
  }
}
"""

ATTACHED_TWICE = """
resource "aws_iam_policy" "a" {
  name   = "a"
  policy = data.aws_iam_policy_document.shared.json
}

resource "aws_iam_role_policy" "b" {
  name   = "b"
  role   = "ci"
  policy = data.aws_iam_policy_document.shared.json
}
"""


def _iam(root: Path) -> Counter[tuple[int, str]]:
    return Counter(
        (f.line, f.rule_id)
        for f in lint_folder(root).findings
        if f.rule_id.startswith(("TF-AWS-006", "TF-AWS-007"))
    )


def test_unattached_document_is_checked_at_each_entry(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": DOCUMENT})
    assert _iam(tmp_path) == {(4, "TF-AWS-007.escalation"): 1, (5, "TF-AWS-007.action-star"): 1}


def test_attached_document_is_reported_once_per_location(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": DOCUMENT + ATTACHED_TWICE})
    assert _iam(tmp_path) == {(4, "TF-AWS-007.escalation"): 1, (5, "TF-AWS-007.action-star"): 1}
