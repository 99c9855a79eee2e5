"""The TF-AWS checks never fail on odd but parseable input (no X-000.internal-error)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .aws_support import lint

TYPES = [
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_policy_attachment",
    "aws_s3_bucket",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_server_side_encryption_configuration",
]
ARGS = [
    "bucket",
    "policy",
    "assume_role_policy",
    "version",
    "subnet_ids",
    "enabled_cluster_log_types",
    "acl",
    "users",
    "policy_arn",
    "managed_policy_arns",
    "block_public_acls",
    "tags",
]
BLOCKS = ["vpc_config", "encryption_config", "remote_access", "rule", "grant", "inline_policy"]
VALUES = st.sampled_from(
    [
        "true",
        "false",
        "null",
        '"*"',
        '"0.0.0.0/0"',
        '"1.2"',
        '""',
        "[]",
        '["*"]',
        "[var.x, 1]",
        "{}",
        "{ a = 1 }",
        "var.x",
        "aws_s3_bucket.b0.id",
        "aws_subnet.s.id",
        'jsonencode({ Statement = "x" })',
        'jsonencode({ Statement = [{ Effect = "Allow", Action = var.x, Resource = ["*"] }] })',
        'jsonencode({ Statement = [{ Principal = { AWS = ["*", 3] }, Condition = "c" }] })',
        '"{\\"Statement\\": 5}"',
        "42",
        "local.nope",
        "data.aws_iam_policy_document.d.json",
    ]
)


@st.composite
def resources(draw: st.DrawFn) -> str:
    out = []
    for i in range(draw(st.integers(1, 4))):
        type_ = draw(st.sampled_from(TYPES))
        body = [f"  {a} = {draw(VALUES)}" for a in draw(st.sets(st.sampled_from(ARGS)))]
        for b in draw(st.lists(st.sampled_from(BLOCKS), max_size=2)):
            inner = [f"    {a} = {draw(VALUES)}" for a in draw(st.sets(st.sampled_from(ARGS)))]
            body.append(f"  {b} {{\n" + "\n".join(inner) + "\n  }")
        out.append(f'resource "{type_}" "b{i}" {{\n' + "\n".join(body) + "\n}\n")
    return "\n".join(out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resources())
def test_checks_never_raise(text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        found = lint(Path(d), {"main.tf": text})
    assert not [f for f in found if f.rule_id == "X-000.internal-error"], text
