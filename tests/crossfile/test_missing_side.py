"""Section 9 preamble: when one side of a relation is absent from the scan, a control
reports one info finding at line 1 of the first file of the present side, nothing else."""

from __future__ import annotations

from pathlib import Path

from tests.crossfile.helpers import rows, write

RULES = """
groups:
  - name: app.rules
    rules:
      - alert: PodCrashLooping
        expr: rate(kube_pod_container_status_restarts_total[15m]) > 0
        for: 5m
        labels:
          severity: critical
"""
CONFIG = """
global:
  scrape_interval: 15s
rule_files: [alert_rules.yml, other_rules.yml]
scrape_configs:
  - job_name: application
    static_configs:
      - targets: ['app:3000']
  - job_name: pods
    kubernetes_sd_configs: [{role: pod}]
"""
POD = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "3000"
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/app:1.0.0
          ports: [{{containerPort: 3000}}]
"""


def test_rule_files_without_any_config(tmp_path: Path) -> None:
    write(tmp_path, {"b/alert_rules.yml": RULES, "a/more_rules.yml": RULES})
    got = rows(tmp_path)
    assert got == {
        ("a/more_rules.yml", 1, "X-003.orphan", "info", "fail"),
        ("a/more_rules.yml", 1, "X-006.no-alertmanager-config", "info", "fail"),
        ("a/more_rules.yml", 1, "X-007.exporter-missing", "info", "fail"),
    }


def test_config_without_any_rule_file(tmp_path: Path) -> None:
    write(tmp_path, {"prometheus.yml": CONFIG})
    got = {r for r in rows(tmp_path) if r[2].startswith("X-003")}
    assert got == {("prometheus.yml", 1, "X-003.missing", "info", "fail")}


def test_annotated_pods_without_scrape_side(tmp_path: Path) -> None:
    write(tmp_path, {"k8s/b.yaml": POD.format(name="b"), "k8s/a.yaml": POD.format(name="a")})
    got = {r for r in rows(tmp_path) if r[2].startswith("X-004")}
    assert got == {("k8s/a.yaml", 1, "X-004.no-scrape-job", "info", "fail")}


def test_static_targets_and_sd_without_kubernetes(tmp_path: Path) -> None:
    write(tmp_path, {"prometheus.yml": CONFIG, "alert_rules.yml": RULES, "other_rules.yml": RULES})
    got = {r for r in rows(tmp_path) if r[2].startswith("X-005")}
    assert got == {("prometheus.yml", 1, "X-005.static-and-sd", "info", "fail")}


def test_services_without_pods(tmp_path: Path) -> None:
    service = """
    apiVersion: v1
    kind: Service
    metadata: {{name: {name}}}
    spec:
      selector: {{app: {name}}}
      ports: [{{port: 80, targetPort: 3000}}]
    """
    write(tmp_path, {"b.yaml": service.format(name="b"), "a.yaml": service.format(name="a")})
    got = {r for r in rows(tmp_path) if r[2].startswith("X-008")}
    assert got == {("a.yaml", 1, "X-008.service-target-port", "info", "fail")}


def test_role_consumers_without_terraform(tmp_path: Path) -> None:
    workflow = """
    on: {push: {branches: [main]}}
    permissions: {contents: read}
    jobs:
      deploy:
        runs-on: ubuntu-24.04
        environment: production
        permissions: {id-token: write}
        steps:
          - uses: aws-actions/configure-aws-credentials@7474bc4690e29a8392af63c5b98e7449536d5c3a
            with:
              role-to-assume: arn:aws:iam::123456789012:role/deploy
              aws-region: eu-west-1
    """
    write(tmp_path, {".github/workflows/deploy.yml": workflow})
    got = {r for r in rows(tmp_path) if r[2].startswith("X-010")}
    assert got == {(".github/workflows/deploy.yml", 1, "X-010.subject-mismatch", "info", "fail")}


def test_alertmanager_without_rules_still_checks_itself(tmp_path: Path) -> None:
    """The Alertmanager file's own rules need no alert rules; only routing does."""
    write(
        tmp_path,
        {
            "alertmanager.yml": """
            route:
              receiver: default
              routes:
                - receiver: missing
            receivers:
              - name: default
            """
        },
    )
    got = {r for r in rows(tmp_path) if r[2].startswith("X-006")}
    assert got == {("alertmanager.yml", 4, "X-006.undefined-receiver", "high", "fail")}
