"""A scanned repository's config and rule files cannot make devops-lint run its code.

Each attack is a custom rule whose ``check:`` names code to import (a standard-library
function, a module that runs on import, a module file of the repository); devops-lint must
refuse the rule file (exit 2, naming the file and the line of ``check:``) before importing
anything, and no canary file may appear.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.security.support import RUNNERS, canaries, copy_evil_repo, run_cli

ATTACKS = {
    "os-system": "os:system",
    "subprocess-run": "subprocess:run",
    "builtins-exec": "builtins:exec",
    # Importing venv.__main__ turns the scanned folder into a virtualenv and runs its
    # interpreter, which executes a .pth file the repository ships, then exits 0.
    "venv-main": "venv.__main__:main",
    # Importing unittest.__main__ runs test discovery: the repository's test_*.py import.
    "unittest-main": "unittest.__main__:main",
    # A module file of the repository (importable under `python -m`, cwd on sys.path).
    "repo-module": "evilcheck:run",
    # Even the package's own modules: only functions that shipped rules use are checks.
    "package-private": "devops_lint.__main__:main",
}


def _plant_pth(repo: Path) -> None:
    """The .pth the virtualenv's interpreter would execute (venv.__main__ attack)."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    site = repo / "lib" / version / "site-packages"
    site.mkdir(parents=True)
    (site / "evil.pth").write_text("import pathlib; pathlib.Path('CANARY-venv').write_text('x')\n")


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("policy", sorted(ATTACKS))
def test_custom_rule_cannot_choose_code(tmp_path: Path, policy: str, runner: str) -> None:
    repo = copy_evil_repo(tmp_path)
    (repo / ".devops-lint.yaml").write_text(f"rule_paths: [policies/{policy}]\n")
    _plant_pth(repo)
    # unittest's main discovers tests only when given no arguments; venv's needs a folder.
    args = () if policy == "unittest-main" else (".",)
    proc = run_cli(runner, repo, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    # Paths inside the working directory are shown relative to it.
    assert proc.stderr.startswith(
        f"devops-lint: policies/{policy}/EVIL-001.yaml:6: field check: "
        f"'{ATTACKS[policy]}' is not a check of devops-lint; a custom rule may only use "
        "`require:` or name a check that the shipped rules use"
    )
    assert proc.stdout == ""
    assert canaries(repo) == []


@pytest.mark.parametrize("runner", RUNNERS)
def test_shipped_check_by_name_and_data_rules_still_work(tmp_path: Path, runner: str) -> None:
    """The allowed forms: a JSON Schema rule, and a shipped check named with new params."""
    repo = copy_evil_repo(tmp_path)
    policies = repo / "mine"
    policies.mkdir()
    (policies / "ACME-001.yaml").write_text(
        "id: ACME-001\ncontrols: [ACME-001]\ntitle: Containers name a team label\n"
        "severity: medium\ntarget: kubernetes.pod\n"
        "require: {required: [serviceAccountName]}\n"
        "message: pod of {kind} {name} names no service account\n"
        "why: Every pod runs under a service account chosen on purpose.\n"
        "fix: Set spec.serviceAccountName.\nreferences: []\n"
    )
    (policies / "ACME-002.yaml").write_text(
        "id: ACME-002\ncontrols: [ACME-002]\ntitle: Containers set an ephemeral storage limit\n"
        "severity: low\ntarget: kubernetes.container\n"
        "check: devops_lint.kubernetes.checks_resources:require_resource\n"
        "params: {section: limits, resource: ephemeral-storage}\n"
        "message: container '{name}' sets no ephemeral-storage limit\n"
        "why: Without it one container can fill the node's disk.\n"
        "fix: Set resources.limits.ephemeral-storage.\nreferences: []\n"
    )
    (repo / ".devops-lint.yaml").write_text("rule_paths: [mine]\nselect: [ACME]\nfail_on: low\n")
    proc = run_cli(runner, repo, "--format", "json", "deploy.yaml")
    assert proc.returncode == 1, proc.stderr
    found = [
        (f["path"], f["line"], f["rule"], f["message"]) for f in json.loads(proc.stdout)["findings"]
    ]
    assert found == [
        ("deploy.yaml", 7, "ACME-001", "pod of Pod web names no service account"),
        ("deploy.yaml", 9, "ACME-002", "container 'app' sets no ephemeral-storage limit"),
    ]
    assert canaries(repo) == []


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("where", ["relative", "absolute", "symlink"])
def test_rule_paths_outside_the_repository(tmp_path: Path, where: str, runner: str) -> None:
    """Rules from elsewhere on the machine do not load, and their text is never echoed."""
    repo = copy_evil_repo(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    # Not YAML: a parser's message would quote it.
    (outside / "TOKEN.yaml").write_text("aws_secret: [s3cr3t-T0KEN-value\n")
    name = {"relative": "../outside", "absolute": str(outside), "symlink": "linked"}[where]
    if where == "symlink":
        (repo / "linked").symlink_to(outside, target_is_directory=True)
    (repo / ".devops-lint.yaml").write_text(f"rule_paths: ['{name}']\n")
    proc = run_cli(runner, repo, ".")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith(
        f"devops-lint: .devops-lint.yaml: key 'rule_paths': '{name}' is outside the "
        f"repository root {repo}"
    )
    assert "T0KEN" not in proc.stdout + proc.stderr
    assert canaries(repo) == []


@pytest.mark.parametrize("target", ["file", "folder"])
def test_rule_file_symlinked_out_of_its_folder(tmp_path: Path, target: str) -> None:
    """A link inside the rule folder does not make the linter read (and quote) a file
    elsewhere: a YAML scalar would otherwise be echoed in the schema error."""
    repo = copy_evil_repo(tmp_path)
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / "credentials.yaml").write_text("aws_secret_access_key = s3cr3t-T0KEN-value\n")
    mine = repo / "mine"
    mine.mkdir()
    if target == "file":
        (mine / "ACME-001.yaml").symlink_to(outside / "credentials.yaml")
    else:
        (mine / "linked").symlink_to(outside, target_is_directory=True)
    (repo / ".devops-lint.yaml").write_text("rule_paths: [mine]\n")
    proc = run_cli("console-script", repo, ".")
    assert "T0KEN" not in proc.stdout + proc.stderr
    if target == "file":
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert proc.stderr.startswith(
            "devops-lint: mine/ACME-001.yaml: rule file resolves outside its folder mine"
        )
    else:  # the walk does not enter a linked folder at all: nothing read, the run goes on
        assert proc.returncode == 1, proc.stderr
