"""The bundled examples: the README's first command must show real findings in every format."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lint_examples(*args: str) -> tuple[int, dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-m", "devops_lint", "examples/", "--format", "json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, json.loads(proc.stdout)


def test_examples_fail_with_findings_in_every_domain() -> None:
    code, report = lint_examples()
    assert code == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    rules = {f["rule"] for f in findings}
    for prefix in ("K8S-0", "K8S-NET-", "K8S-RBAC-", "GHA-", "PROM-", "TF-AWS-", "TF-GEN-"):
        assert any(r.startswith(prefix) for r in rules), f"no {prefix} finding in examples/"
    assert "X-000.internal-error" not in rules
    by_path = {f["path"] for f in findings}
    assert "helm/shop/templates/deployment.yaml" in by_path
    assert "prometheus/kube-rules.yaml" in by_path


def test_hardened_example_is_clean() -> None:
    _, report = lint_examples()
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [f for f in findings if f["path"] == "kubernetes/hardened.yaml"] == []
