"""Kustomize patch files are not objects (standards 0.6 item 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devops_lint.kubernetes.kustomize import _patch_file
from devops_lint.model import Unresolved
from tests.fixture_support import lint_folder


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("patch.yaml", "patch.yaml"),
        ({"path": "./p/deploy.yaml", "target": {"kind": "Deployment"}}, "./p/deploy.yaml"),
        ({"patch": "- op: remove\n  path: /spec/replicas\n"}, None),
        ("apiVersion: apps/v1\nkind: Deployment\n", None),  # inline strategic-merge patch
        (Unresolved("{{ .Values.patch }}"), None),
        (3, None),
    ],
)
def test_patch_file(entry: Any, expected: str | None) -> None:
    assert _patch_file(entry) == expected


def test_patch_files_are_invisible_to_cross_object_rules(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("patches:\n  - path: patch.yaml\n")
    (tmp_path / "patch.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
        "spec:\n  template:\n    metadata: {labels: {app: api}}\n"
        "    spec:\n      containers:\n        - name: api\n"
    )
    assert [f.rule_id for f in lint_folder(tmp_path).findings] == []
