"""Which shard owns a file: charts and Terraform directories stay whole, hashes are stable."""

from __future__ import annotations

import subprocess
import sys

from devops_lint.model import Document
from devops_lint.project import Project, SourceFile
from devops_lint.shards.units import owner, shard_of, unit_of


def _project(paths: dict[str, str], plans: tuple[str, ...] = ()) -> Project:
    from pathlib import Path

    project = Project(root=Path("."))
    project.files = [SourceFile(p, Path(p), kind) for p, kind in paths.items()]
    project.documents = [Document(p, "terraform-plan", {}, index=0, text="{}") for p in plans]
    return project


def test_a_chart_is_one_unit() -> None:
    unit = unit_of(
        _project(
            {
                "charts/web/Chart.yaml": "yaml",
                "charts/web/values.yaml": "yaml",
                "charts/web/templates/deploy.yaml": "helm",
                "charts/web/templates/_helpers.tpl": "other",
                "charts/other.yaml": "yaml",
            }
        )
    )
    assert {
        unit("charts/web/values.yaml"),
        unit("charts/web/templates/deploy.yaml"),
        unit("charts/web/templates/_helpers.tpl"),
    } == {"chart:charts/web"}
    assert unit("charts/other.yaml") == "file:charts/other.yaml"


def test_a_terraform_directory_is_one_unit_and_plans_join_all_terraform() -> None:
    files = {
        "infra/main.tf": "terraform",
        "infra/prod.tfvars": "tfvars",
        "infra/terraform.tfstate": "json",
        "infra/net/main.tf": "terraform",
        "k8s/app.yaml": "yaml",
    }
    unit = unit_of(_project(files))
    assert unit("infra/main.tf") == unit("infra/terraform.tfstate") == "terraform:infra"
    assert unit("infra/net/main.tf") == "terraform:infra/net"
    with_plan = unit_of(_project({**files, "plan.json": "json"}, plans=("plan.json",)))
    assert {with_plan(p) for p in ("infra/main.tf", "infra/net/main.tf", "plan.json")} == {
        "terraform+plans"
    }
    assert with_plan("k8s/app.yaml") == "file:k8s/app.yaml"


def test_every_path_has_exactly_one_owner() -> None:
    project = _project({f"k8s/app{i}.yaml": "yaml" for i in range(200)})
    for count in (1, 2, 3, 7):
        owns = [owner(project, i, count) for i in range(count)]
        for i in range(200):
            assert sum(o(f"k8s/app{i}.yaml") for o in owns) == 1
    # Spread over the shards, not piled in one.
    three = [owner(project, i, 3) for i in range(3)]
    counts = [sum(o(f"k8s/app{i}.yaml") for i in range(200)) for o in three]
    assert min(counts) > 40


def test_the_partition_is_the_same_in_every_process() -> None:
    # Python's str hash changes with PYTHONHASHSEED; shards run in other processes.
    code = "from devops_lint.shards.units import shard_of; print(shard_of('file:a/b.yaml', 7))"
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        )
        assert int(out.stdout) == shard_of("file:a/b.yaml", 7)
