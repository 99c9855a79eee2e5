"""The Action appends the Markdown job summary to $GITHUB_STEP_SUMMARY by default."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from devops_lint.yamlload import load_plain
from tests.fixture_support import ROOT
from tests.integration.conftest import command
from tests.report.reader_support import POD

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _run_step(tmp_path: Path, **inputs: str) -> tuple[int, str]:
    action: dict[str, Any] = load_plain((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("name") == "Run devops-lint")
    binary = command()
    if len(binary) != 1:
        pytest.skip("the devops-lint console script is not installed")
    (tmp_path / "pods.yaml").write_text(POD, encoding="utf-8")
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    env = {
        **os.environ,
        "DEVOPS_LINT": binary[0],
        "LINT_PATHS": ".",
        "LINT_FAIL_ON": "high",
        "LINT_CONFIG": "",
        "LINT_SARIF_FILE": "devops-lint.sarif",
        "LINT_UPLOAD": "true",
        "LINT_CATEGORY": "devops-lint",
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
        "GITHUB_STEP_SUMMARY": str(summary),
        **inputs,
    }
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc.returncode, summary.read_text(encoding="utf-8")


def test_summary_is_appended_with_compliance(tmp_path: Path) -> None:
    code, summary = _run_step(
        tmp_path, LINT_SUMMARY="true", LINT_COMPLIANCE="pss-baseline  cis-k8s"
    )
    assert code == 0
    assert summary.startswith("# earlier step\n## devops-lint: ")
    assert "### Compliance: Kubernetes Pod Security Standards — Baseline" in summary
    assert "### Compliance: CIS Kubernetes Benchmark" in summary


def test_summary_can_be_turned_off(tmp_path: Path) -> None:
    code, summary = _run_step(tmp_path, LINT_SUMMARY="false", LINT_COMPLIANCE="")
    assert code == 0 and summary == "# earlier step\n"
