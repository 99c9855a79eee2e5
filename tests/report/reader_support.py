"""A small fixed repository and its reports, shared by the golden tests of the reports people
read (Markdown job summary, JUnit, GitLab Code Quality).

``DEVOPS_LINT_UPDATE_GOLDEN=1`` rewrites the golden files instead of comparing with them.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.integration.conftest import run_in_process

GOLDEN = Path(__file__).resolve().parent / "golden"
# Few rules, so that unrelated rule changes do not churn the goldens.
SELECT = "K8S-001,K8S-002,K8S-008,GHA-001"

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
        runAsNonRoot: true
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  hostNetwork: true  # devops-lint: ignore[K8S-002] node debugging pod, OPS-12 until:2099-06-30
  containers:
    - name: shell
      image: busybox:1.36
      securityContext:
        runAsNonRoot: true
"""
CLEAN_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
spec:
  containers:
    - name: api
      image: nginx:1.27
      securityContext:
        runAsNonRoot: true
"""
WORKFLOW = """\
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - run: make test
"""
# Markup in a file name and in a value must stay inert in every report.
HOSTILE_NAME = "<img src=x onerror=alert(1)>|x.yaml"


def make_repo(root: Path) -> Path:
    (root / "k8s").mkdir(parents=True)
    (root / "k8s" / "pods.yaml").write_text(POD, encoding="utf-8")
    (root / "k8s" / "api.yaml").write_text(CLEAN_POD, encoding="utf-8")
    (root / "k8s" / HOSTILE_NAME).write_text(
        POD.replace("name: app", 'name: "<script>alert(2)</script>|`x`"'), encoding="utf-8"
    )
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW, encoding="utf-8")
    return root


def lint(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``devops-lint --select SELECT ARGS .`` in ``root``, run in-process (the reports' content
    is under test here; tests/integration runs the installed command)."""
    argv = ["--select", SELECT, *args, "."]
    done = run_in_process(*argv, cwd=root)
    return subprocess.CompletedProcess(argv, done.code, done.out, done.err)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DEVOPS_LINT_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs (DEVOPS_LINT_UPDATE_GOLDEN=1 rewrites it after review)"
    )
