from __future__ import annotations

import os
from pathlib import Path

from devops_lint.classify import document_format, file_kind
from devops_lint.discover import Found, discover


def paths(root: Path, excludes: list[str] | None = None) -> list[str]:
    return [f.path for f in discover(root, [root], excludes or []) if isinstance(f, Found)]


def test_skips_vcs_and_vendored_folders(tmp_path: Path) -> None:
    for rel in ["a.yaml", ".git/x.yaml", "node_modules/m/y.yaml", ".terraform/z.tf", "sub/b.tf"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x: 1\n")
    assert paths(tmp_path) == ["a.yaml", "sub/b.tf"]


def test_excludes_by_glob_and_folder_name(tmp_path: Path) -> None:
    for rel in ["keep.yaml", "gen/out.yaml", "deep/gen/x.yaml", "skip-me.yaml"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x: 1\n")
    assert paths(tmp_path, ["gen", "skip-*.yaml"]) == ["keep.yaml"]


def test_symlinks_never_lead_out_of_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("x: 1\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.yaml").write_text("x: 1\n")
    os.symlink(outside, root / "linkdir")
    os.symlink(outside / "secret.yaml", root / "link.yaml")
    os.symlink(root / "a.yaml", root / "inside.yaml")
    assert paths(root) == ["a.yaml"]  # the inside link names a file already yielded


def test_each_file_once_when_paths_overlap(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: 1\n")
    found = [f for f in discover(tmp_path, [tmp_path, tmp_path / "a.yaml"]) if isinstance(f, Found)]
    assert [f.path for f in found] == ["a.yaml"]


def test_file_kinds_by_path() -> None:
    assert file_kind("infra/main.tf") == "terraform"
    assert file_kind("infra/main.tf.json") == "terraform"
    assert file_kind("infra/prod.tfvars") == "tfvars"
    assert file_kind(".github/workflows/ci.yml") == "workflow"
    assert file_kind("sub/.github/workflows/ci.yaml") == "workflow"
    assert file_kind("actions/setup/action.yml") == "action"
    assert file_kind(".github/dependabot.yml") == "dependabot"
    assert file_kind("chart/templates/deploy.yaml") == "helm"
    assert file_kind("chart/templates/_helpers.tpl") == "other"
    assert file_kind("chart/templates/NOTES.txt") == "other"
    assert file_kind("k8s/app.yaml") == "yaml"
    assert file_kind("package-lock.json") == "other"
    assert file_kind("README.md") == "other"


def test_document_formats_by_content() -> None:
    assert document_format({"on": "push", "jobs": {"a": {"runs-on": "x"}}}) == "workflow"
    assert document_format({"scrape_configs": []}) == "prometheus-config"
    assert document_format({"global": {}, "rule_files": []}) == "prometheus-config"
    assert document_format({"groups": [{"name": "g", "rules": []}]}) == "prometheus-rules"
    assert document_format({"route": {}, "receivers": []}) == "alertmanager"
    assert document_format({"apiVersion": "v1", "kind": "Pod"}) == "kubernetes"
    assert document_format({"apiVersion": 1, "kind": "Pod"}) == "yaml"
    assert document_format(["a"]) == "yaml"
