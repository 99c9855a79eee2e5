"""Value resolution: tfvars precedence, locals, functions, cycles, unresolved values."""

from __future__ import annotations

import json

from devops_lint.model import UNRESOLVED_KEY, Unresolved
from devops_lint.terraform.resolve import value_references

from .helpers import module

VARS = """
variable "env" {
  default = "dev"
}
variable "region" {}
variable "size" {
  default = "small"
}
variable "tags" {
  default = { Owner = "platform" }
}
"""


def test_default_when_no_tfvars() -> None:
    m = module({"variables.tf": VARS})
    assert m.variable_value("env") == "dev"
    assert isinstance(m.variable_value("region"), Unresolved)
    assert str(m.variable_value("undeclared")) == "var.undeclared"


def test_auto_loaded_tfvars_precedence() -> None:
    m = module(
        {
            "variables.tf": VARS,
            "terraform.tfvars": 'env = "a"\nregion = "eu-west-1"\n',
            "terraform.tfvars.json": '{"env": "b"}',
            "b.auto.tfvars": 'env = "d"\n',
            "a.auto.tfvars.json": '{"env": "c"}',
        }
    )
    # terraform.tfvars < terraform.tfvars.json < *.auto.tfvars(.json) in lexical order.
    assert m.variable_value("env") == "d"
    assert m.variable_value("region") == "eu-west-1"


def test_other_tfvars_must_agree() -> None:
    files = {
        "variables.tf": VARS,
        "prod.tfvars": 'region = "eu-west-1"\nsize = "large"\n',
        "dev.tfvars": 'region = "eu-west-1"\nsize = "tiny"\n',
    }
    m = module(files)
    assert m.variable_value("region") == "eu-west-1"  # every file agrees
    assert isinstance(m.variable_value("size"), Unresolved)  # files disagree
    assert m.variable_value("env") == "dev"  # no file sets it: default
    # An auto-loaded file wins over the -var-file alternatives.
    m2 = module({**files, "terraform.tfvars": 'size = "medium"\n'})
    assert m2.variable_value("size") == "medium"


def resolve_local(hcl: str, name: str) -> object:
    m = module({"main.tf": VARS + hcl})
    return m.resolve_local(name)


def test_locals_and_functions() -> None:
    hcl = """
locals {
  name    = "${var.env}-api"
  merged  = merge(var.tags, { Service = "api" }, { Service = "web" })
  joined  = concat(["a"], ["b", "c"])
  set     = toset(["b", "a", "b"])
  list    = tolist(local.set)
  doc     = jsonencode({ Version = "2012-10-17", Action = ["s3:GetObject"] })
  cond    = var.env == "prod" ? "big" : "small"
  upper   = [for s in local.joined : upper(s) if s != "b"]
  obj     = { for k, v in var.tags : lower(k) => v }
  nested  = local.merged.Service
  number  = 2 * 3 + 1
}
"""
    assert resolve_local(hcl, "name") == "dev-api"
    assert resolve_local(hcl, "merged") == {"Owner": "platform", "Service": "web"}
    assert resolve_local(hcl, "joined") == ["a", "b", "c"]
    assert resolve_local(hcl, "set") == ["a", "b"]
    assert resolve_local(hcl, "list") == ["a", "b"]
    assert json.loads(str(resolve_local(hcl, "doc"))) == {
        "Version": "2012-10-17",
        "Action": ["s3:GetObject"],
    }
    assert resolve_local(hcl, "cond") == "small"
    assert resolve_local(hcl, "upper") == ["A", "C"]
    assert resolve_local(hcl, "obj") == {"owner": "platform"}
    assert resolve_local(hcl, "nested") == "web"
    assert resolve_local(hcl, "number") == 7


def test_partial_results_keep_what_is_known() -> None:
    hcl = """
locals {
  tags   = merge(var.region_tags, { Name = "x" })
  cidrs  = concat(["10.0.0.0/8"], var.extra)
  name   = "${var.region}-x"
  policy = jsonencode({ Resource = aws_s3_bucket.b.arn })
}
"""
    tags = resolve_local(hcl, "tags")
    assert isinstance(tags, dict) and tags["Name"] == "x" and UNRESOLVED_KEY in tags
    cidrs = resolve_local(hcl, "cidrs")
    assert isinstance(cidrs, list) and cidrs[0] == "10.0.0.0/8"
    assert isinstance(cidrs[1], Unresolved)
    assert str(resolve_local(hcl, "name")) == '"${var.region}-x"'
    assert isinstance(resolve_local(hcl, "policy"), Unresolved)


def test_unresolved_values_keep_their_references() -> None:
    m = module(
        {
            "main.tf": 'resource "aws_s3_bucket_policy" "p" {\n  bucket = aws_s3_bucket.b.id\n}\n'
            'data "aws_caller_identity" "me" {}\n'
            "locals {\n  acct = data.aws_caller_identity.me.account_id\n}\n"
        }
    )
    value = m.resources()[0].data["bucket"]
    assert isinstance(value, Unresolved) and str(value) == "aws_s3_bucket.b.id"
    refs = value_references(value)
    assert refs and refs[0].resource_address() == ("resource", "aws_s3_bucket", "b")
    assert str(m.resolve_local("acct")) == "data.aws_caller_identity.me.account_id"


def test_local_cycles_and_self_reference_resolve_to_unresolved() -> None:
    hcl = """
locals {
  a = local.b
  b = "${local.a}-x"
  c = local.c
  d = local.missing
}
"""
    assert isinstance(resolve_local(hcl, "a"), Unresolved)
    assert isinstance(resolve_local(hcl, "c"), Unresolved)
    assert isinstance(resolve_local(hcl, "d"), Unresolved)


def test_unresolved_never_equals_itself_by_text() -> None:
    m = module({"main.tf": VARS})
    assert m.variable_value("region") != m.variable_value("region")


def test_deep_local_chains_are_bounded() -> None:
    chain = "\n".join(f"  l{i} = local.l{i + 1}" for i in range(400))
    m = module({"main.tf": f"locals {{\n{chain}\n  l400 = 1\n}}\n"})
    value = m.resolve_local("l0")
    assert value == 1 or isinstance(value, Unresolved)
