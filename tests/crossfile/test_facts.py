"""The published facts cross-file checks read, and the rule that they read nothing else."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

from devops_lint.config import DEFAULT_SETTINGS
from devops_lint.context import Context
from devops_lint.github.facts import JobNeed, PathRef, job_needs, oidc_trusts, workflow_paths
from devops_lint.model import Document
from devops_lint.project import Project
from devops_lint.terraform.facts import (
    IamRoleTrust,
    TrustCondition,
    WorkloadIdentityProvider,
    cloud_identities,
)
from devops_lint.terraform.parser import parse_file
from tests.github.helpers import workflow_doc

CROSSFILE = Path(__file__).resolve().parents[2] / "devops_lint" / "crossfile"
ARN = "arn:aws:iam::123456789012:role/deploy"
WIP = "projects/1/locations/global/workloadIdentityPools/gh/providers/repo"


def _context(docs: list[Document]) -> Context:
    project = Project(root=Path("/nonexistent"), documents=docs)
    return Context(settings=copy.deepcopy(DEFAULT_SETTINGS), project=project)


def test_crossfile_reads_other_formats_only_through_facts() -> None:
    """Format packages' modules other than ``facts`` stay private."""
    formats = {"github", "terraform", "prometheus", "kubernetes"}
    for module in sorted(CROSSFILE.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and not node.module:
                assert not {a.name for a in node.names} & {
                    "github",
                    "terraform",
                    "prometheus",
                    "kubernetes",
                }
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
                package, _, rest = node.module.partition(".")
                if package in formats:
                    assert rest == "facts", f"{module.name} imports {node.module}"


def test_oidc_trusts_name_the_identity_and_the_subjects() -> None:
    doc = workflow_doc(
        f"""
on:
  push: {{branches: [main]}}
  pull_request: {{}}
jobs:
  aws:
    runs-on: ubuntu-24.04
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with: {{role-to-assume: "{ARN}"}}
  gcp:
    runs-on: ubuntu-24.04
    environment: production
    steps:
      - uses: google-github-actions/auth@v2
        with: {{workload_identity_provider: "{WIP}"}}
  templated:
    runs-on: ubuntu-24.04
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with: {{role-to-assume: "${{{{ vars.ROLE }}}}"}}
"""
    )
    aws, gcp = oidc_trusts(_context([doc]))
    assert (aws.job, aws.cloud, aws.key, aws.pool) == ("aws", "aws", "deploy", None)
    assert aws.path == ("jobs", "aws", "steps", 0, "with", "role-to-assume")
    assert aws.subjects == {"ref:refs/heads/main", "pull_request"}
    assert not aws.open_refs and not aws.unknown
    assert (gcp.cloud, gcp.key, gcp.pool) == ("gcp", "repo", "gh")
    assert gcp.subjects == {"environment:production"}


def test_workflow_paths_and_needs_in_document_order() -> None:
    doc = workflow_doc(
        """
on: push
defaults: {run: {working-directory: app}}
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: ./.github/actions/setup
      - run: helm lint ./chart
  deploy:
    needs: [build, "${{ matrix.x }}", missing]
    uses: ./.github/workflows/deploy.yml
"""
    )
    assert workflow_paths(doc) == [
        PathRef(("defaults", "run", "working-directory"), "app", "directory"),
        PathRef(("jobs", "deploy", "uses"), "./.github/workflows/deploy.yml", "workflow"),
        PathRef(("jobs", "build", "steps", 0, "uses"), "./.github/actions/setup", "action"),
        PathRef(("jobs", "build", "steps", 1, "run"), "helm lint ./chart", "run", "app"),
    ]
    assert job_needs(doc) == [
        JobNeed("deploy", ("jobs", "deploy", "needs", 0), "build"),
        JobNeed("deploy", ("jobs", "deploy", "needs", 2), "missing"),
    ]


def test_cloud_identities_from_terraform() -> None:
    docs = parse_file(
        "main.tf",
        """
resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/x" }
      Condition = {
        StringLike = { "token.actions.githubusercontent.com:sub" = ["repo:o/r:*", var.sub] }
      }
    }]
  })
}

resource "google_iam_workload_identity_pool_provider" "repo" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.gh.id
  workload_identity_pool_provider_id = "repo"
  attribute_condition                = "assertion.repository == 'o/r'"
}
""",
    )
    ctx = _context(docs)
    role, provider = cloud_identities(ctx.project, ctx)
    assert isinstance(role, IamRoleTrust) and role.name == "deploy"
    (statement,) = role.statements
    assert statement.allows and statement.locator == "aws_iam_role.deploy"
    assert statement.condition_span is not None and statement.condition_span.line == 9
    sub = "token.actions.githubusercontent.com:sub"
    assert statement.conditions == (TrustCondition("StringLike", sub, ("repo:o/r:*", None)),)
    assert isinstance(provider, WorkloadIdentityProvider)
    assert (provider.provider_id, provider.pool_id) == ("repo", None)
    assert provider.condition == "assertion.repository == 'o/r'"
    assert provider.condition_path == (*provider.path, "attribute_condition")
