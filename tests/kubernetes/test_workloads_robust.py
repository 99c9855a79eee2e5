"""Arbitrary manifests never make a K8S-015…K8S-028 check fail with an internal error."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_lint.defaults import DEFAULT_SETTINGS
from devops_lint.engine import Engine
from devops_lint.model import UNRESOLVED_KEY, Document, Unresolved
from devops_lint.rules import load_rules

WORKLOAD_CONTROLS = {f"K8S-{n:03d}" for n in range(15, 29)}
RULES = [
    r for r in load_rules() if r.controls[0] in WORKLOAD_CONTROLS or r.id == "X-000.internal-error"
]
KEYS = [
    "resources",
    "requests",
    "limits",
    "cpu",
    "memory",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "httpGet",
    "tcpSocket",
    "grpc",
    "port",
    "ports",
    "containerPort",
    "name",
    "timeoutSeconds",
    "periodSeconds",
    "env",
    "value",
    "valueFrom",
    "secretKeyRef",
    "envFrom",
    "secretRef",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "replicas",
    "strategy",
    "type",
    "rollingUpdate",
    "maxUnavailable",
    "minAvailable",
    "selector",
    "matchLabels",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "labels",
    "metadata",
    "namespace",
    "topologySpreadConstraints",
    "affinity",
    "podAntiAffinity",
    "containers",
    "initContainers",
    "template",
    "spec",
    "data",
    "stringData",
    "binaryData",
    "scaleTargetRef",
    "kind",
    "minReplicas",
    "DB_PASSWORD",
    "pod-security.kubernetes.io/enforce",
    UNRESOLVED_KEY,
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(
        [
            "",
            "1",
            "500m",
            "1Gi",
            "100%",
            "0%",
            "http",
            "default",
            "Recreate",
            "restricted",
            "baseline",
            "s3cret",
            "postgres://u:p@h/db",
        ]
    ),
    st.builds(Unresolved, st.just("{{ .Values.x }}")),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=25,
)
KINDS = [
    "Deployment",
    "StatefulSet",
    "Pod",
    "CronJob",
    "ConfigMap",
    "Secret",
    "Namespace",
    "PodDisruptionBudget",
    "ServiceAccount",
    "HorizontalPodAutoscaler",
    "Widget",
]
API_VERSIONS = ["v1", "apps/v1", "batch/v1beta1", "policy/v1", "autoscaling/v2", "acme.io/v1"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(KINDS),
            st.sampled_from(API_VERSIONS),
            st.dictionaries(st.sampled_from(KEYS), values, max_size=6),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_no_internal_errors(objects: list[tuple[str, str, dict[str, Any]]]) -> None:
    engine = Engine(Path("."), copy.deepcopy(DEFAULT_SETTINGS), RULES)
    for i, (kind, api_version, body) in enumerate(objects):
        data = {"apiVersion": api_version, "kind": kind, **body}
        engine.project.documents.append(Document(f"f{i}.yaml", "kubernetes", data))
    engine.evaluate()
    errors = [f.message for f in engine.findings if f.rule_id == "X-000.internal-error"]
    assert not errors


containers = st.lists(st.dictionaries(st.sampled_from(KEYS), values, max_size=8), max_size=2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    replicas=values,
    strategy=values,
    labels=values,
    pod=st.dictionaries(st.sampled_from(KEYS), values, max_size=5),
    app=containers,
    init=containers,
    pdb=st.dictionaries(st.sampled_from(KEYS), values, max_size=4),
)
def test_no_internal_errors_on_shaped_workloads(
    replicas: Any,
    strategy: Any,
    labels: Any,
    pod: dict[str, Any],
    app: list[Any],
    init: list[Any],
    pdb: dict[str, Any],
) -> None:
    workload = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "production", "labels": labels},
        "spec": {
            "replicas": replicas,
            "strategy": strategy,
            "template": {
                "metadata": {"labels": labels},
                "spec": {**pod, "containers": app, "initContainers": init},
            },
        },
    }
    budget = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "spec": pdb}
    engine = Engine(Path("."), copy.deepcopy(DEFAULT_SETTINGS), RULES)
    engine.project.documents.append(Document("w.yaml", "kubernetes", workload))
    engine.project.documents.append(Document("p.yaml", "kubernetes", budget))
    engine.evaluate()
    errors = [f.message for f in engine.findings if f.rule_id == "X-000.internal-error"]
    assert not errors
