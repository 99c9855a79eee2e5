"""Regressions found by linting real-world and deliberately odd manifests."""

from __future__ import annotations

from pathlib import Path

from devops_lint.config import build_settings
from devops_lint.engine import run
from devops_lint.model import Finding
from devops_lint.rules import load_rules


def _lint(tmp_path: Path, text: str, prefix: str) -> list[Finding]:
    (tmp_path / "manifest.yaml").write_text(text, encoding="utf-8")
    settings, _ = build_settings(tmp_path, None, {})
    rules = [r for r in load_rules() if r.id.startswith(prefix) or r.id.startswith("X-000")]
    return run(tmp_path, [tmp_path], settings, rules).findings


POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
spec:
  containers:
    - name: a
      image: ghcr.io/acme/app:1.0
  volumes:
    - name: empty
      hostPath:
    - name: null-source
      hostPath: null
    - name: real
      hostPath: {path: /srv/data}
"""


def test_null_host_path_is_no_host_path(tmp_path: Path) -> None:
    # `hostPath:` with no value decodes to a volume without a hostPath source.
    found = _lint(tmp_path, POD, "K8S-003")
    assert [(f.rule_id, f.line) for f in found] == [("K8S-003.hostpath", 16)]
