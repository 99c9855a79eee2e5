"""Bad input never raises out of the cross-file checks: documents of every format they
read, with arbitrary shapes and placeholders, give findings, never internal errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_lint.config import build_settings
from devops_lint.engine import Engine
from devops_lint.model import Document, Unresolved
from tests.fixture_support import all_rules

KEYS = [
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "labels",
    "annotations",
    "spec",
    "template",
    "selector",
    "matchLabels",
    "containers",
    "ports",
    "containerPort",
    "port",
    "targetPort",
    "protocol",
    "endPort",
    "podSelector",
    "ingress",
    "rules",
    "http",
    "paths",
    "backend",
    "service",
    "number",
    "scaleTargetRef",
    "endpoints",
    "podMetricsEndpoints",
    "namespaceSelector",
    "serviceAccountName",
    "env",
    "valueFrom",
    "secretKeyRef",
    "optional",
    "volumes",
    "secret",
    "secretName",
    "configMap",
    "envFrom",
    "imagePullSecrets",
    "target",
    "route",
    "routes",
    "receiver",
    "receivers",
    "matchers",
    "match",
    "match_re",
    "continue",
    "groups",
    "expr",
    "alert",
    "record",
    "severity",
    "rule_files",
    "scrape_configs",
    "job_name",
    "static_configs",
    "targets",
    "relabel_configs",
    "kubernetes_sd_configs",
    "role",
    "names",
    "source_labels",
    "action",
    "regex",
    "replacement",
    "target_label",
    "metrics_path",
    "jobs",
    "steps",
    "needs",
    "run",
    "uses",
    "with",
    "working-directory",
    "defaults",
    "environment",
    "role-to-assume",
    "on",
    "runs-on",
    "prometheus.io/scrape",
    "prometheus.io/port",
    "prometheus.io/path",
    "<unresolved>",
]
KINDS = [
    "Deployment",
    "Pod",
    "CronJob",
    "Service",
    "NetworkPolicy",
    "Ingress",
    "HorizontalPodAutoscaler",
    "ServiceMonitor",
    "PodMonitor",
    "Secret",
    "ExternalSecret",
    "SealedSecret",
    "AlertmanagerConfig",
    "PrometheusRule",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.sampled_from(["true", "3000", "http", "./chart", "app", "", "*", "/metrics", 'a="b"']),
    st.text(max_size=12),
    st.builds(Unresolved, st.sampled_from(["{{ .Values.x }}", "${{ inputs.x }}"])),
)
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=6),
    ),
    max_leaves=40,
)
documents = st.tuples(
    st.sampled_from(
        ["kubernetes", "prometheus-config", "prometheus-rules", "alertmanager", "workflow"]
    ),
    st.sampled_from(KINDS),
    st.dictionaries(st.sampled_from(KEYS), trees, max_size=8),
)

RULES = [r for r in all_rules() if r.target.startswith("crossfile.") or r.id.startswith("X-000")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents, min_size=1, max_size=5))
def test_arbitrary_documents_never_raise(docs: list[Any]) -> None:
    root = Path("/nonexistent-devops-lint-root")
    cfg, _ = build_settings(root, None, {})
    engine = Engine(root, cfg, RULES)
    for i, (fmt, kind, data) in enumerate(docs):
        if fmt == "kubernetes":
            data = {"apiVersion": "v1", "kind": kind, **data}
        engine.project.documents.append(Document(path=f"f{i}.yaml", format=fmt, data=data))
    engine.evaluate()
    errors = [f.message for f in engine.findings if f.rule_id == "X-000.internal-error"]
    assert not errors, errors


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="assertion.subref=!&|()[]'\" ,inctrueflsSW", max_size=60))
def test_cel_evaluator_never_raises(condition: str) -> None:
    from devops_lint.crossfile.cel import evaluate

    assert evaluate(condition, {"assertion.sub": "repo:a/b:pull_request"}) in (True, False, None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="helm upgrade install ./-\\\n;&|.'\"cart", max_size=80))
def test_helm_command_scan_never_raises(script: str) -> None:
    from devops_lint.crossfile.checks_refs import helm_charts

    for start, end, path in helm_charts(script):
        assert 0 <= start < end <= len(script)
        assert path.startswith(".")
