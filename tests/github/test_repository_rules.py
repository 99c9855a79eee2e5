"""Repository-level rules (GHA-020.no-sast, GHA-020.no-deps-scan, GHA-024) need a scan root
per case, so their passing cases live here rather than in fixture folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.github.helpers import lint_files, rows

WORKFLOW = """name: ci
on:
  pull_request:
  push:
    branches: [main]
permissions: {}
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - run: make
"""
DEPENDABOT = """version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
"""


def gha024(result_rows: set[tuple[str, int, str, str]]) -> bool:
    return any(r[2] == "GHA-024" for r in result_rows)


@pytest.mark.parametrize("name", [".github/dependabot.yml", ".github/dependabot.yaml"])
def test_dependabot_config_passes(tmp_path: Path, name: str) -> None:
    result = lint_files(tmp_path, {".github/workflows/ci.yml": WORKFLOW, name: DEPENDABOT})
    assert not gha024(rows(result))


def test_dependabot_without_actions_ecosystem_fails(tmp_path: Path) -> None:
    npm_only = DEPENDABOT.replace("github-actions", "npm")
    result = lint_files(
        tmp_path, {".github/workflows/ci.yml": WORKFLOW, ".github/dependabot.yml": npm_only}
    )
    assert (".github/workflows/ci.yml", 1, "GHA-024", "low") in rows(result)


@pytest.mark.parametrize(
    "name",
    ["renovate.json", ".github/renovate.json5", ".renovaterc", ".gitlab/renovate.json"],
)
def test_renovate_config_passes(tmp_path: Path, name: str) -> None:
    config = '{"extends": ["config:recommended"]}\n'
    result = lint_files(tmp_path, {".github/workflows/ci.yml": WORKFLOW, name: config})
    assert not gha024(rows(result))


def test_renovate_in_package_json_passes(tmp_path: Path) -> None:
    pkg = '{"name": "x", "renovate": {"extends": ["config:recommended"]}}\n'
    result = lint_files(tmp_path, {".github/workflows/ci.yml": WORKFLOW, "package.json": pkg})
    assert not gha024(rows(result))


def test_renovate_with_actions_manager_disabled_fails(tmp_path: Path) -> None:
    config = '{"github-actions": {"enabled": false}}\n'
    result = lint_files(tmp_path, {".github/workflows/ci.yml": WORKFLOW, "renovate.json": config})
    assert gha024(rows(result))


def test_no_workflow_no_repository_findings(tmp_path: Path) -> None:
    result = lint_files(tmp_path, {"README.md": "hello\n"})
    assert not rows(result)


def test_repository_findings_go_to_first_workflow_in_path_order(tmp_path: Path) -> None:
    result = lint_files(
        tmp_path, {".github/workflows/b.yml": WORKFLOW, ".github/workflows/a.yml": WORKFLOW}
    )
    found = rows(result)
    assert (".github/workflows/a.yml", 1, "GHA-024", "low") in found
    assert (".github/workflows/a.yml", 1, "GHA-020.no-sast", "medium") in found
    assert (".github/workflows/a.yml", 1, "GHA-020.no-deps-scan", "low") in found
    assert not any(r[0].endswith("b.yml") and r[2] == "GHA-024" for r in found)


def test_sast_and_deps_scanning_pass(tmp_path: Path) -> None:
    scanning = WORKFLOW.replace(
        "      - run: make\n",
        "      - uses: github/codeql-action/init@v4\n"
        "      - uses: github/codeql-action/analyze@v4\n"
        "      - run: trivy fs .\n",
    )
    result = lint_files(tmp_path, {".github/workflows/ci.yml": scanning})
    ids = {r[2] for r in rows(result)}
    assert "GHA-020.no-sast" not in ids and "GHA-020.no-deps-scan" not in ids


def test_sast_only_on_other_branches_fails(tmp_path: Path) -> None:
    scanning = WORKFLOW.replace("branches: [main]", "branches: [develop]").replace(
        "      - run: make\n", "      - run: semgrep ci\n"
    )
    result = lint_files(tmp_path, {".github/workflows/ci.yml": scanning})
    assert (".github/workflows/ci.yml", 1, "GHA-020.no-sast", "medium") in rows(result)


def test_scanning_the_github_directory_itself_finds_dependabot(tmp_path: Path) -> None:
    root = tmp_path / ".github"
    result = lint_files(root, {"workflows/ci.yml": WORKFLOW, "dependabot.yml": DEPENDABOT})
    assert not gha024(rows(result))


def test_reusable_codeql_workflow_counts_as_sast(tmp_path: Path) -> None:
    caller = WORKFLOW.replace(
        "  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: make\n",
        "  codeql:\n    uses: org/security/.github/workflows/codeql.yml@"
        "0123456789abcdef0123456789abcdef01234567\n",
    )
    result = lint_files(tmp_path, {".github/workflows/ci.yml": caller})
    assert "GHA-020.no-sast" not in {r[2] for r in rows(result)}
