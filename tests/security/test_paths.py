"""Files the scanned tree points at through symlinks are read only inside the tree."""

from __future__ import annotations

import json
from pathlib import Path

from tests.security.support import run_cli

TEMPLATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
"""
VALUES = 'image: "registry.example/s3cr3t-image:latest"\n'


def _chart(repo: Path) -> Path:
    chart = repo / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    (chart / "templates" / "deployment.yaml").write_text(TEMPLATE)
    return chart


def test_chart_values_symlinked_out_of_the_repository_are_not_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    chart = _chart(repo)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "values.yaml").write_text(VALUES)
    (chart / "values.yaml").symlink_to(Path("..", "..", "outside", "values.yaml"))
    proc = run_cli("console-script", repo, "--format", "json", "--fail-on", "critical", ".")
    assert proc.returncode == 0, proc.stderr
    assert "s3cr3t" not in proc.stdout + proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    # The template is still linted, as a chart without values.
    assert any(f["path"].endswith("chart/templates/deployment.yaml") for f in findings)


def test_chart_values_symlinked_inside_the_repository_are_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    chart = _chart(repo)
    (repo / "shared").mkdir()
    (repo / "shared" / "values.yaml").write_text(VALUES)
    (chart / "values.yaml").symlink_to(Path("..", "shared", "values.yaml"))
    proc = run_cli("console-script", repo, "--format", "json", "--fail-on", "critical", ".")
    assert proc.returncode == 0, proc.stderr
    messages = [f["message"] for f in json.loads(proc.stdout)["findings"]]
    assert any("s3cr3t-image:latest uses the tag latest" in m for m in messages)


def test_chart_values_schema_symlinked_out_of_the_chart_is_not_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    chart = _chart(repo)
    (chart / "values.yaml").write_text("replicas: 2\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "schema.json").write_text('{"title": "s3cr3t-token-in-a-schema", "type": 5}')
    (chart / "values.schema.json").symlink_to(outside / "schema.json")
    proc = run_cli("console-script", repo, "--format", "json", "--fail-on", "critical", ".")
    assert proc.returncode == 0, proc.stderr
    assert "s3cr3t" not in proc.stdout + proc.stderr
    messages = [f["message"] for f in json.loads(proc.stdout)["findings"]]
    assert any("links outside the chart; not read" in m for m in messages)
