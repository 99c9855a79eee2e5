"""Pod-bearing kinds from the data table pod_template_kinds.yaml (standards 0.6 item 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
