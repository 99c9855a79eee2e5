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
    # Paths are relative to the working directory (the project root), not to examples/.
    assert "examples/helm/shop/templates/deployment.yaml" in by_path
    assert "examples/prometheus/kube-rules.yaml" in by_path


def test_hardened_example_is_clean() -> None:
    _, report = lint_examples()
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [f for f in findings if f["path"] == "examples/kubernetes/hardened.yaml"] == []


def test_examples_sarif_is_valid(tmp_path: Path) -> None:
    import jsonschema

    out = tmp_path / "examples.sarif"
    proc = subprocess.run(
        [sys.executable, "-m", "devops_lint", "examples/", "--format", "sarif", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    log = json.loads(out.read_text())
    schema = json.loads((ROOT / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert results and all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("examples/")
        for r in results
    )
