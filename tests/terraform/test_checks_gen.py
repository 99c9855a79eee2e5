"""Helpers of the TF-GEN checks."""

from __future__ import annotations

import pytest

from devops_lint.terraform.checks_gen_versions import classify_source, has_upper_bound
from devops_lint.terraform.gen_common import secret_source

from .helpers import module


@pytest.mark.parametrize(
    ("constraint", "bounded"),
    [
        ("~> 1.9", True),
        (">= 1.5, < 2.0", True),
        ("1.9.5", True),
        ("= 1.9.5", True),
        (">= 1.5", False),
        ("> 1.0, != 1.3.0", False),
    ],
)
def test_upper_bound(constraint: str, bounded: bool) -> None:
    assert has_upper_bound(constraint) is bounded


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("./modules/vpc", "local"),
        ("../shared", "local"),
        ("terraform-aws-modules/vpc/aws", "registry"),
        ("app.terraform.io/acme/rds/aws//modules/x", "registry"),
        ("git::https://github.com/acme/m.git//vpc?ref=v1", "git"),
        ("github.com/acme/m//vpc", "git"),
        ("git@github.com:acme/m.git", "git"),
        ("https://example.com/m.zip", "http"),
    ],
)
def test_classify_source(source: str, kind: str) -> None:
    assert classify_source(source) == kind


def test_secret_source() -> None:
    m = module(
        {
            "main.tf": """
variable "with_default" {
  default = "s3cr3t"
}
variable "empty_default" {
  default = ""
}
variable "no_default" {}
locals {
  lit = "abc"
}
resource "x" "y" {
  a = "literal"
  b = var.with_default
  c = var.empty_default
  d = var.no_default
  e = local.lit
  f = random_password.p.result
  g = "${var.no_default}-x"
  h = ""
  i = jsonencode({ username = "app", password = "hunter2" })
  j = jsonencode({ username = "app", password = random_password.p.result })
  k = jsonencode({ username = var.no_default, password = "hunter2" })
}
"""
        }
    )
    body = m.resource_blocks[0][0].body
    got = {k: secret_source(m, a.expr) is not None for k, a in body.attributes.items()}
    assert got == {
        "a": True,
        "b": True,
        "c": False,
        "d": False,
        "e": True,
        "f": False,
        "g": False,
        "h": False,
        "i": True,
        "j": False,
        "k": True,
    }
