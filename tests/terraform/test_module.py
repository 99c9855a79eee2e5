"""Module view: instances, dynamic blocks, joins, policies, targets."""

from __future__ import annotations

from devops_lint.model import Unresolved
from devops_lint.terraform.module import build_modules
from devops_lint.terraform.policy import Policy, resource_policy

from .helpers import docs, module

S3 = """
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}
resource "aws_s3_bucket_public_access_block" "logs" {
  bucket              = aws_s3_bucket.logs.id
  block_public_policy = true
}
resource "aws_s3_bucket_versioning" "data" {
  bucket = "acme-data"
}
resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.bucket
  policy = data.aws_iam_policy_document.logs.json
}
"""


def test_joins() -> None:
    m = module({"s3.tf": S3})
    logs, data = m.resources_of_type("aws_s3_bucket")
    pab = m.referencing(logs, "aws_s3_bucket_public_access_block")
    assert [r.address for r in pab] == ["aws_s3_bucket_public_access_block.logs"]
    assert m.referencing(data, "aws_s3_bucket_public_access_block") == []
    # Same literal bucket name joins too.
    assert [r.address for r in m.referencing(data, "aws_s3_bucket_versioning")] == [
        "aws_s3_bucket_versioning.data"
    ]
    assert [r.address for r in m.referencing(logs, "aws_s3_bucket_policy")] == [
        "aws_s3_bucket_policy.logs"
    ]


def test_count_for_each_and_dynamic_blocks() -> None:
    m = module(
        {
            "main.tf": """
variable "ports" {
  default = [22, 443]
}
resource "aws_instance" "web" {
  count = 2
  name  = "web-${count.index}"
}
resource "aws_s3_bucket" "b" {
  for_each = toset(["a", "b"])
  bucket   = "acme-${each.key}"
}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  dynamic "egress" {
    for_each = var.unknown
    iterator = rule
    content {
      to_port = rule.value.port
    }
  }
}
resource "aws_instance" "maybe" {
  count = var.enabled ? 1 : 0
}
"""
        }
    )
    assert [r.address for r in m.resources_of_type("aws_instance")] == [
        "aws_instance.web[0]",
        "aws_instance.web[1]",
        "aws_instance.maybe",
    ]
    assert m.resources_of_type("aws_instance")[1].data["name"] == "web-1"
    assert [r.data["bucket"] for r in m.resources_of_type("aws_s3_bucket")] == [
        "acme-a",
        "acme-b",
    ]
    sg = m.resources_of_type("aws_security_group")[0]
    assert [b["from_port"] for b in sg.data["ingress"]] == [22, 443]
    assert len(sg.data["egress"]) == 1
    assert isinstance(sg.data["egress"][0]["to_port"], Unresolved)
    path = (*sg.path, "ingress", 1, "cidr_blocks")
    assert sg.doc.span(path).line == 18


def test_policy_normalisation_from_every_form() -> None:
    m = module(
        {
            "iam.tf": """
data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.logs.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpc"
      values   = ["vpc-1"]
    }
  }
}
resource "aws_iam_policy" "encoded" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Deny", NotAction = ["s3:*"], Resource = aws_s3_bucket.x.arn },
    ]
  })
}
resource "aws_iam_policy" "heredoc" {
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "${aws_iam_role.r.arn}"}
      ]
    }
  EOT
}
resource "aws_iam_policy" "document" {
  policy = data.aws_iam_policy_document.logs.json
}
resource "aws_iam_policy" "templated" {
  policy = templatefile("p.json.tpl", {})
}
"""
        }
    )
    by_name = {r.name: r for r in m.resources_of_type("aws_iam_policy")}
    enc = resource_policy(by_name["encoded"], "policy")
    assert isinstance(enc, Policy)
    assert enc.statements[0].actions == ["*"] and enc.statements[0].allows
    assert enc.statements[1].not_actions == ["s3:*"]
    assert isinstance(enc.statements[1].resources and enc.statements[1].resources[0], Unresolved)
    assert enc.statements[0].span is not None and enc.statements[0].span.line == 22
    here = resource_policy(by_name["heredoc"], "policy")
    assert isinstance(here, Policy)
    assert here.statements[0].actions == ["iam:PassRole"]
    assert isinstance(here.statements[0].resources and here.statements[0].resources[0], Unresolved)
    doc = resource_policy(by_name["document"], "policy")
    assert isinstance(doc, Policy)
    st = doc.statements[0]
    assert st.actions == ["s3:GetObject"] and st.principals == {"AWS": ["*"]}
    assert st.conditions[0].operator == "StringEquals" and st.conditions[0].values == ["vpc-1"]
    assert isinstance(resource_policy(by_name["templated"], "policy"), Unresolved)


def test_root_modules_and_callers() -> None:
    mods = build_modules(
        docs(
            {
                "live/main.tf": 'provider "aws" {}\n'
                'module "net" {\n  source = "../modules/net"\n}\n',
                "modules/net/main.tf": 'provider "aws" {}\nresource "aws_vpc" "v" {}\n',
                "envs/prod/terraform.tfvars": 'x = "1"\n',
                "envs/prod/main.tf": 'variable "x" {}\n',
                "vars/terraform.tfvars": 'x = "1"\n',
                "lib/main.tf": 'resource "aws_vpc" "v" {}\n',
            }
        )
    )
    assert mods["live"].is_root
    assert not mods["modules/net"].is_root  # used as a local source
    assert mods["envs/prod"].is_root  # has tfvars
    assert not mods["lib"].is_root
    assert not mods["vars"].is_root  # variable files alone are not a module


def test_provider_default_tags_reach_resources_through_callers() -> None:
    mods = build_modules(
        docs(
            {
                "root/main.tf": 'provider "aws" {\n  default_tags {\n'
                '    tags = { Owner = "p" }\n  }\n}\n'
                'module "c" {\n  source = "../child"\n}\n',
                "child/main.tf": 'resource "aws_s3_bucket" "b" {}\n',
            }
        )
    )
    child = mods["child"]
    provider = child.provider_of(child.resources()[0])
    assert provider is not None and provider.data["default_tags"][0]["tags"] == {"Owner": "p"}


def test_resource_paths_and_spans() -> None:
    m = module({"main.tf": 'resource "a" "b" {\n  x = 1\n  blk {\n    y = 2\n  }\n}\n'})
    r = m.resources()[0]
    assert r.path_of("blk", 0, "y") == ("resource", "a", "b", "blk", 0, "y")
    assert r.span_of("blk", 0, "y").line == 4
    assert r.span_of("missing").line == 1  # the resource header
    assert r.expr("blk", 0, "y") is not None and r.expr("blk", "y") is not None
