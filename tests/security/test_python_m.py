"""``python -m devops_lint`` imports nothing from the working directory or the scanned tree.

``python -m`` puts the working directory first on ``sys.path``; the scanned repository is
usually the working directory. The evil repository ships ``hcl2.py``, ``jsonschema.py`` and
``ruamel/``, each writing a canary when imported, beside files that need those parsers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.security.support import ROOT, canaries, copy_evil_repo, run_cli


def test_python_m_from_the_scanned_root(tmp_path: Path) -> None:
    repo = copy_evil_repo(tmp_path)
    proc = run_cli("python-m", repo, "--format", "json", "--fail-on", "medium", ".")
    assert canaries(repo) == []
    assert proc.returncode == 1, proc.stderr
    found = {(f["path"], f["rule"]) for f in json.loads(proc.stdout)["findings"]}
    # The Terraform and Kubernetes files were parsed by the real parsers.
    assert ("main.tf", "TF-AWS-010.missing") in found
    assert ("deploy.yaml", "K8S-016.memory-limit") in found


def test_python_m_with_the_scanned_tree_as_argument(tmp_path: Path) -> None:
    """From a parent folder: the tree is not on sys.path either."""
    repo = copy_evil_repo(tmp_path)
    proc = run_cli("python-m", tmp_path, "--fail-on", "critical", "repo")
    assert proc.returncode == 0, proc.stderr
    assert canaries(repo) == []


def test_a_checkout_still_runs_with_python_m(tmp_path: Path) -> None:
    """A developer in a checkout (the package found through the working directory)."""
    target = tmp_path / "pod.yaml"
    target.write_text((ROOT / "fixtures" / "security" / "evil-repo" / "deploy.yaml").read_text())
    proc = subprocess.run(
        [sys.executable, "-I", "-m", "devops_lint", "--fail-on", "critical", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # -I: no site-packages .pth either, so the package can only come from the checkout.
    assert "No module named" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr


def test_sanitize_sys_path(tmp_path: Path) -> None:
    from devops_lint.__main__ import sanitize_sys_path

    repo, home, lib = tmp_path / "repo", tmp_path / "home", tmp_path / "lib"
    for folder in (repo, home, lib):
        folder.mkdir()
    path = ["", str(repo), str(lib), str(repo / ".." / "repo")]
    assert sanitize_sys_path(path, str(repo), str(home)) == [str(lib)]
    # The package itself found in the working directory (a checkout): kept.
    assert sanitize_sys_path(path, str(home), str(home)) == path
