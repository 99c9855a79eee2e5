"""The terraform.* target kinds."""

from __future__ import annotations

from pathlib import Path

from devops_lint.context import Context
from devops_lint.model import Target
from devops_lint.project import Project, SourceFile
from devops_lint.terraform.targets import TARGETS

from .helpers import docs

FILES = {
    "live/main.tf": """
terraform {
  required_version = "~> 1.9"
  backend "s3" {
    bucket  = "state"
    encrypt = true
  }
}
provider "aws" {
  region = "eu-west-1"
}
variable "allowed_cidrs" {
  default = ["10.0.0.0/8"]
}
resource "aws_eks_cluster" "main" {
  name    = "main"
  version = "1.28"
  vpc_config {
    public_access_cidrs = var.allowed_cidrs
  }
}
data "aws_iam_policy_document" "d" {}
module "net" {
  source = "../modules/net"
}
output "name" {
  value = aws_eks_cluster.main.name
}
""",
    "live/terraform.tfvars": 'allowed_cidrs = ["10.1.0.0/16"]\n',
    "modules/net/main.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
}


def targets(kind: str) -> list[Target]:
    project = Project(root=Path("/nonexistent"))
    project.documents = docs(FILES)
    project.files = [SourceFile(p, Path("/nonexistent") / p, "terraform") for p in FILES]
    ctx = Context(settings={}, project=project)
    return list(TARGETS[kind].project_targets(project, ctx))


def test_resource_targets() -> None:
    ts = targets("terraform.resource")
    assert [t.locator for t in ts] == ["aws_eks_cluster.main", "aws_vpc.v"]
    eks = ts[0]
    assert eks.path == ("resource", "aws_eks_cluster", "main")
    assert eks.data["version"] == "1.28"
    assert eks.data["vpc_config"][0]["public_access_cidrs"] == ["10.1.0.0/16"]  # from tfvars
    assert eks.anchor is not None and eks.anchor.line == 15
    assert eks.context["type"] == "aws_eks_cluster" and eks.context["address"] == eks.locator
    assert eks.doc.span((*eks.path, "version")).line == 17
    assert eks.doc.span((*eks.path, "vpc_config", 0, "public_access_cidrs")).line == 19


def test_other_kinds() -> None:
    assert [t.locator for t in targets("terraform.provider")] == ["provider.aws"]
    assert [t.locator for t in targets("terraform.variable")] == ["var.allowed_cidrs"]
    assert [t.locator for t in targets("terraform.output")] == ["output.name"]
    assert [t.locator for t in targets("terraform.module_call")] == ["module.net"]
    assert [t.locator for t in targets("terraform.data_source")] == [
        "data.aws_iam_policy_document.d"
    ]
    backend = targets("terraform.backend")[0]
    assert backend.path == ("terraform", 0, "backend", "s3")
    assert backend.data == {"bucket": "state", "encrypt": True}
    assert targets("terraform.terraform_block")[0].data["required_version"] == "~> 1.9"
    modules = {t.data["dir"]: t.data["root"] for t in targets("terraform.module")}
    assert modules == {"live": True, "modules/net": False}
    assert [t.doc.path for t in targets("terraform.tfvars")] == ["live/terraform.tfvars"]
    files = targets("terraform.files")
    assert len(files) == 1 and "live/main.tf" in files[0].data
