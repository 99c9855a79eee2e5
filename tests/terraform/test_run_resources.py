"""``aws_net_common.run_resources``: every instance of a type in the run, built once per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.context import Context
from devops_lint.project import Project, SourceFile
from devops_lint.terraform import aws_net_common
from devops_lint.terraform.aws_net_common import run_resources

from .helpers import docs

FILES = {
    f"modules/m{i}/main.tf": (
        f'resource "aws_cloudtrail" "t{i}" {{\n  name = "t{i}"\n}}\n'
        f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b{i}"\n}}\n'
    )
    for i in range(3)
}


def _context() -> Context:
    project = Project(root=Path("/nonexistent"))
    project.documents = docs(FILES)
    project.files = [SourceFile(p, Path("/nonexistent") / p, "terraform") for p in FILES]
    return Context(settings={}, project=project)


def test_every_module_contributes() -> None:
    trails = run_resources(_context(), "aws_cloudtrail")
    assert sorted(r.address for r in trails) == [
        "aws_cloudtrail.t0",
        "aws_cloudtrail.t1",
        "aws_cloudtrail.t2",
    ]
    assert run_resources(_context(), "aws_instance") == []


def test_modules_are_walked_once_per_type(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _context()
    walks: list[str] = []
    real = aws_net_common.modules_of

    def counting(project: Project, context: Context) -> object:
        walks.append("walk")
        return real(project, context)

    monkeypatch.setattr(aws_net_common, "modules_of", counting)
    first = run_resources(ctx, "aws_cloudtrail")
    for _ in range(5):
        assert run_resources(ctx, "aws_cloudtrail") is first
    assert len(walks) == 1
    assert [r.type for r in run_resources(ctx, "aws_s3_bucket")] == ["aws_s3_bucket"] * 3
    assert len(walks) == 2
