"""Pod-bearing kinds from the data table pod_template_kinds.yaml (standards 0.6 item 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_lint.kubernetes.podkinds import parse_table
from tests.fixture_support import lint_folder

CUSTOM = """\
apiVersion: apps.example.com/v1
kind: WebApp
metadata: {name: shop, namespace: shop}
spec:
  podTemplate:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
"""


def _rules_at(folder: Path, rule: str) -> list[int]:
    return sorted(f.span.line for f in lint_folder(folder).findings if f.rule_id == rule)


def test_table_is_extendable_in_config(tmp_path: Path) -> None:
    (tmp_path / "webapp.yaml").write_text(CUSTOM)
    assert _rules_at(tmp_path, "K8S-007") == []
    (tmp_path / ".devops-lint.yaml").write_text(
        "data_extensions:\n"
        "  pod_template_kinds.yaml:\n"
        "    - kind: WebApp\n"
        "      groups: [apps.example.com]\n"
        "      pod_spec: [spec, podTemplate, spec]\n"
    )
    assert _rules_at(tmp_path, "K8S-007") == [8]


@pytest.mark.parametrize(
    "entry",
    [
        {"kind": "A", "groups": ["g"]},  # neither pod_spec nor templates
        {"kind": "A", "groups": ["g"], "pod_spec": ["spec"], "templates": ["spec", "t"]},
        {"kind": "A", "groups": "g", "pod_spec": ["spec"]},
        {"kind": "A", "groups": ["g"], "pod_spec": "spec.template"},
        {"groups": ["g"], "pod_spec": ["spec"]},
        "A",
    ],
)
def test_malformed_entries_are_ignored(entry: Any) -> None:
    assert parse_table([entry]) == {}


def test_argo_template_inherits_workflow_fields_at_their_lines(tmp_path: Path) -> None:
    (tmp_path / "wf.yaml").write_text(
        """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wf, namespace: ci}
spec:
  hostNetwork: true
  templates:
    - name: a
      container: {image: "ghcr.io/acme/a:1.0.0"}
    - name: b
      container: {image: "ghcr.io/acme/b:1.0.0"}
"""
    )
    # One pod per template; the finding on the inherited field is at the workflow's line.
    assert _rules_at(tmp_path, "K8S-002.host-network") == [5]


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
_keys = st.sampled_from(
    [
        "spec",
        "template",
        "templates",
        "workflowSpec",
        "jobTemplate",
        "container",
        "script",
        "containerSet",
        "containers",
        "sidecars",
        "initContainers",
        "image",
        "name",
        "securityContext",
        "volumes",
        "hostNetwork",
        "metadata",
        "labels",
        "workloadRef",
    ]
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=30,
)
_kind = st.sampled_from(
    [
        ("argoproj.io/v1alpha1", "Workflow"),
        ("argoproj.io/v1alpha1", "CronWorkflow"),
        ("argoproj.io/v1alpha1", "Rollout"),
        ("serving.knative.dev/v1", "Service"),
        ("keda.sh/v1alpha1", "ScaledJob"),
        ("apps.openshift.io/v1", "DeploymentConfig"),
        ("monitoring.coreos.com/v1", "Prometheus"),
    ]
)


@settings(max_examples=150, deadline=None)
@given(kind=_kind, spec=_json)
def test_odd_objects_of_every_kind_never_break_targets(kind: tuple[str, str], spec: Any) -> None:
    """Every Kubernetes target kind and the schema-violation pass accept any shape."""
    from devops_lint.context import Context
    from devops_lint.defaults import DEFAULT_SETTINGS
    from devops_lint.kubernetes.targets import TARGETS
    from devops_lint.model import Document
    from devops_lint.project import Project
    from devops_lint.structure import schema_violations

    data = {"apiVersion": kind[0], "kind": kind[1], "metadata": {"name": "x"}, "spec": spec}
    doc = Document("x.yaml", "kubernetes", data)
    project = Project(root=Path("."))
    project.documents.append(doc)
    ctx = Context(settings=dict(DEFAULT_SETTINGS), project=project)
    for name in ("kubernetes.object", "kubernetes.pod", "kubernetes.container"):
        for target in TARGETS[name].fn(doc, ctx):
            assert target.anchor is not None
    list(schema_violations(doc, ctx))
