"""Workflow findings do not depend on the working directory or on which folder of the
repository is scanned: ``uses: ./…`` and ``.github/dependabot.yml`` are found at the
repository root (git root, else the scanned folder), and nothing outside it is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.conftest import run_in_process

WORKFLOW = """name: ci
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - uses: ./.github/actions/setup
      - run: make
"""
ACTION = """name: setup
description: shared setup
runs:
  using: composite
  steps:
    - run: echo setup
      shell: bash
"""
DEPENDABOT = """version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
"""
WATCHED = ("GHA-024", "X-009.workflow-local-path")


def make_repo(root: Path, *, git: bool = True, action: bool = True) -> Path:
    files = {".github/workflows/ci.yml": WORKFLOW, ".github/dependabot.yml": DEPENDABOT}
    if action:
        files[".github/actions/setup/action.yml"] = ACTION
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    if git:
        (root / ".git").mkdir()
    return root


def lint(cwd: Path, *paths: str) -> list[tuple[str, str]]:
    # In this process, from ``cwd``: what is read depends on the working directory and the
    # paths given, which the in-process run takes as the command does.
    done = run_in_process(*paths, "--format", "json", cwd=cwd, env={"DEVOPS_LINT_NO_CACHE": "1"})
    assert done.code in (0, 1), done.err
    report = json.loads(done.out)
    return sorted(
        (f["rule"], f["path"].rsplit("/", 1)[-1])
        for f in report["findings"]
        if f["rule"] in WATCHED
    )


@pytest.mark.parametrize(
    ("where", "scanned"),
    [
        ("elsewhere", "repo"),  # the repository by absolute path from another folder
        ("elsewhere", "repo/.github"),
        ("elsewhere", "repo/.github/workflows"),
        ("elsewhere", "repo/.github/workflows/ci.yml"),
        ("repo", ".github"),
        ("repo/.github", "."),
        ("repo/.github/workflows", "ci.yml"),
    ],
)
def test_same_findings_from_any_folder(tmp_path: Path, where: str, scanned: str) -> None:
    make_repo(tmp_path / "repo")
    (tmp_path / "elsewhere").mkdir()
    cwd = tmp_path / where
    target = str(tmp_path / scanned) if where == "elsewhere" else scanned
    assert lint(cwd, target) == []


def test_missing_local_action_is_still_reported_when_scanning_github_alone(
    tmp_path: Path,
) -> None:
    make_repo(tmp_path / "repo", action=False)
    assert lint(tmp_path / "repo", ".github") == [("X-009.workflow-local-path", "ci.yml")]


def test_nothing_above_the_scanned_folder_is_read_without_a_git_root(tmp_path: Path) -> None:
    # No .git: the scanned folder is the repository root, and the dependabot.yml beside
    # it (outside the scan) is not the scanned workflows' configuration.
    make_repo(tmp_path / "repo", git=False)
    found = lint(tmp_path / "repo" / ".github" / "workflows", ".")
    assert ("GHA-024", "ci.yml") in found


def test_a_config_linked_from_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    outside = tmp_path / "outside.yml"
    outside.write_text(DEPENDABOT)
    (repo / ".github" / "dependabot.yml").unlink()
    (repo / ".github" / "dependabot.yml").symlink_to(outside)
    found = lint(tmp_path / "repo" / ".github" / "workflows", "ci.yml")
    assert ("GHA-024", "ci.yml") in found
