"""Job names and intervals of operator-generated scrape jobs (PROM-014, X-007)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crossfile.helpers import write
from tests.fixture_support import lint_folder

RULE = """
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: r, namespace: monitoring}
spec:
  groups:
    - name: g
      rules:
        - alert: Errors
          expr: rate(errors_total{job="%s"}[1m]) > 1
          for: 5m
"""

SERVICE_MONITOR = """
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: mon, namespace: shop}
spec:
  %s
  selector:
    matchLabels: {app: api}
  endpoints:
    - port: http
      interval: 15s
      %s
---
apiVersion: v1
kind: Service
metadata:
  name: api-svc
  namespace: shop
  labels: {app: api, team: payments}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80}]
"""


def _prom014(root: Path) -> set[tuple[str, str]]:
    return {
        (f.rule_id, f.severity)
        for f in lint_folder(root).findings
        if f.rule_id.startswith("PROM-014")
    }


@pytest.mark.parametrize(
    ("job_label", "relabel", "job", "given"),
    [
        ("", "", "api-svc", True),  # the Service's name
        ("jobLabel: team", "", "payments", True),  # the Service's `team` label
        ("jobLabel: missing", "", "api-svc", True),  # label absent: the Service's name
        ("", "relabelings: [{targetLabel: job, replacement: custom}]", "custom", True),
        ("", "relabelings: [{targetLabel: job, replacement: custom}]", "api-svc", False),
        ("", "", "serviceMonitor/shop/mon/0", False),  # the job_name is not the job label
    ],
)
def test_service_monitor_job_label(
    tmp_path: Path, job_label: str, relabel: str, job: str, given: bool
) -> None:
    write(tmp_path, {"mon.yaml": SERVICE_MONITOR % (job_label, relabel), "rule.yaml": RULE % job})
    # 1m over a 15s monitor is 4x (no finding); over the assumed 1m it is below 2x (medium).
    assert _prom014(tmp_path) == (set() if given else {("PROM-014.below-2x", "medium")})


def test_pod_monitor_job_is_namespace_slash_name(tmp_path: Path) -> None:
    pod_monitor = """
    apiVersion: monitoring.coreos.com/v1
    kind: PodMonitor
    metadata: {name: worker, namespace: shop}
    spec:
      selector: {matchLabels: {app: worker}}
      podMetricsEndpoints: [{port: metrics, interval: 10s}]
    """
    write(tmp_path, {"mon.yaml": pod_monitor, "rule.yaml": RULE % "shop/worker"})
    assert _prom014(tmp_path) == set()


def test_prometheus_object_interval_is_not_assumed(tmp_path: Path) -> None:
    prometheus = """
    apiVersion: monitoring.coreos.com/v1
    kind: Prometheus
    metadata: {name: k8s, namespace: monitoring}
    spec: {scrapeInterval: 45s}
    """
    write(tmp_path, {"prom.yaml": prometheus, "rule.yaml": RULE % "anything"})
    # 1m is below 2x 45s, and the interval is given by the Prometheus object: high.
    assert _prom014(tmp_path) == {("PROM-014.below-2x", "high")}


ODD_MONITORS = [
    "spec: []",
    "spec: {endpoints: 3, selector: x}",
    "spec: {jobLabel: [a], selector: {matchLabels: {app: [1]}}, endpoints: [{interval: 5}]}",
    "spec: {namespaceSelector: {matchNames: 7}, selector: {}, endpoints: [null, {path: 3}]}",
    "spec: {endpoints: [{relabelings: [{targetLabel: job, sourceLabels: 1}, 5]}]}",
    "spec: {jobName: 5, staticConfigs: [{targets: [1, null]}], scrapeInterval: [1]}",
]


@pytest.mark.parametrize("spec", ODD_MONITORS)
@pytest.mark.parametrize("kind", ["ServiceMonitor", "PodMonitor", "ScrapeConfig", "Prometheus"])
def test_odd_operator_objects_never_break_a_run(tmp_path: Path, kind: str, spec: str) -> None:
    from tests.crossfile.helpers import internal_errors

    obj = f"apiVersion: monitoring.coreos.com/v1\nkind: {kind}\nmetadata: {{name: m}}\n{spec}\n"
    write(tmp_path, {"mon.yaml": obj, "rule.yaml": RULE % "x"})
    assert internal_errors(tmp_path) == []
