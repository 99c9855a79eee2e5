"""Scenario tests of cross-file relations beyond the fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.crossfile.checks_scrape import service_shaped
from tests.crossfile.helpers import rows, write

PROMETHEUS_RULE = """
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: kube, namespace: monitoring}
spec:
  groups:
    - name: kube
      rules:
        - alert: PodCrashLooping
          expr: rate(kube_pod_container_status_restarts_total{job="ksm-svc"}[15m]) > 0
          for: 5m
          labels: {severity: warning}
        - alert: NodeLoad
          expr: node_load1 > 8
          for: 5m
          labels: {severity: warning}
"""
SERVICE_MONITOR = """
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: kube-state-metrics, namespace: monitoring}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: kube-state-metrics}}
  endpoints: [{port: http-metrics}]
"""


def test_prometheus_rule_is_checked_against_monitors(tmp_path: Path) -> None:
    """A PrometheusRule runs in the operator's Prometheus: its monitors are the scrape side
    (job values come from Services there, so job names are not compared)."""
    write(tmp_path, {"rules.yaml": PROMETHEUS_RULE, "monitor.yaml": SERVICE_MONITOR})
    got = {r for r in rows(tmp_path) if r[2].startswith("X-007")}
    assert got == {("rules.yaml", 13, "X-007.exporter-missing", "medium", "fail")}


def test_kustomize_generators_define_objects(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "kustomization.yaml": """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            secretGenerator:
              - name: api-secrets
                envs: [secrets.env]
            configMapGenerator:
              - name: api-config
                literals: [LOG_LEVEL=info]
            """,
            "pod.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: api}
            spec:
              containers:
                - name: app
                  image: ghcr.io/acme/api:1.0.0
                  envFrom:
                    - secretRef: {name: api-secrets}
                    - configMapRef: {name: api-config}
                    - configMapRef: {name: missing-config}
            """,
        },
    )
    got = {r for r in rows(tmp_path) if r[2] == "X-009.k8s-ref"}
    assert got == {("pod.yaml", 11, "X-009.k8s-ref", "low", "fail")}


def test_namespaces_must_agree_for_a_definition(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: api, namespace: shop}
            spec:
              serviceAccountName: api
              containers: [{name: app, image: "ghcr.io/acme/api:1.0.0"}]
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: api, namespace: billing}
            """
        },
    )
    assert ("app.yaml", 5, "X-009.k8s-ref", "low", "fail") in rows(tmp_path)


def test_chart_paths_follow_the_working_directory(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "deploy/charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
            ".github/workflows/ci.yml": """
            on: {push: {branches: [main]}}
            permissions: {contents: read}
            jobs:
              deploy:
                runs-on: ubuntu-24.04
                defaults:
                  run:
                    working-directory: deploy
                steps:
                  - run: helm upgrade --install app ./charts/app
                  - run: helm upgrade --install app ./deploy/charts/app
                    working-directory: .
                  - run: helm lint ./charts/app
                    working-directory: ${{ inputs.dir }}
            """,
        },
    )
    got = {r for r in rows(tmp_path) if r[2] == "X-009.workflow-local-path"}
    assert got == {
        (".github/workflows/ci.yml", 14, "X-009.workflow-local-path", "info", "unresolved")
    }


@pytest.mark.parametrize(
    ("host", "shaped"),
    [
        ("app", True),
        ("app.shop", True),
        ("app.shop.svc", True),
        ("app.shop.svc.cluster.local", True),
        ("localhost", False),
        ("10.0.0.1", False),
        ("metrics.example.com", False),
    ],
)
def test_static_target_hosts_that_can_name_a_service(host: str, shaped: bool) -> None:
    assert service_shaped(host) is shaped


def test_unrouted_severity_needs_every_alertmanager_to_drop_it(tmp_path: Path) -> None:
    silent = """
    route: {receiver: blackhole}
    receivers: [{name: blackhole}]
    """
    loud = """
    route: {receiver: slack}
    receivers: [{name: slack, slack_configs: [{api_url_file: /u}]}]
    """
    rules = """
    groups:
      - name: g
        rules:
          - alert: A
            expr: up == 0
            labels: {severity: warning}
    """
    write(tmp_path, {"a/alertmanager.yml": silent, "rules.yml": rules})
    assert ("rules.yml", 6, "X-006.unrouted-severity", "medium", "fail") in rows(tmp_path)
    write(tmp_path, {"b/alertmanager.yml": loud})
    assert not any(r[2] == "X-006.unrouted-severity" for r in rows(tmp_path))


def test_static_target_of_a_service_a_monitor_scrapes(tmp_path: Path) -> None:
    """A ServiceMonitor counts as service discovery even without scrape annotations."""
    write(
        tmp_path,
        {
            "prometheus.yml": """
            global: {scrape_interval: 15s}
            scrape_configs:
              - job_name: api
                static_configs:
                  - targets: ['api.shop:8080', 'localhost:9090']
            """,
            "api.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec:
                  containers:
                    - name: app
                      image: ghcr.io/acme/api:1.0.0
                      ports: [{name: http, containerPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: shop, labels: {app: api}}
            spec:
              selector: {app: api}
              ports: [{name: http, port: 8080}]
            ---
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata: {name: api, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              endpoints: [{port: http}]
            """,
        },
    )
    got = {r for r in rows(tmp_path) if r[2].startswith("X-005")}
    assert got == {("prometheus.yml", 5, "X-005.static-and-sd", "low", "fail")}


def test_suppressions_apply_on_the_line_and_on_the_object(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pods.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: a}
            spec:
              serviceAccountName: a-sa  # devops-lint: ignore[X-009] created by the platform team
              containers: [{name: app, image: "ghcr.io/acme/a:1.0.0"}]
            ---
            apiVersion: v1  # devops-lint: ignore[X-009.k8s-ref] platform-managed accounts
            kind: Pod
            metadata: {name: b}
            spec:
              serviceAccountName: b-sa
              containers: [{name: app, image: "ghcr.io/acme/b:1.0.0"}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: c}
            spec:
              serviceAccountName: c-sa
              containers: [{name: app, image: "ghcr.io/acme/c:1.0.0"}]
            """
        },
    )
    from tests.fixture_support import lint_folder

    result = lint_folder(tmp_path)
    active = {(f.line, f.rule_id) for f in result.active if f.rule_id.startswith("X-")}
    assert active == {(19, "X-009.k8s-ref")}
