"""Fingerprints survive edits around a finding and change with the finding (docs/baseline.md)."""

from __future__ import annotations

from pathlib import Path

from devops_lint.fingerprint import fingerprints, logical_key
from devops_lint.model import Document, Finding, Span

from .helpers import prints_of, write

POD = """apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: tools
spec:
  containers:
    - name: shell
      image: registry.example.com/shell:1.0
      securityContext:
        privileged: {privileged}
"""
CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: tools
data:
  mode: fast
"""


def _k8s(tmp_path: Path, text: str) -> dict[tuple[str, str], list[str]]:
    write(tmp_path, {"k8s/app.yaml": text})
    return prints_of(tmp_path, "K8S-001")


def test_kubernetes_lines_above_reformatting_and_document_order_keep_fingerprints(
    tmp_path: Path,
) -> None:
    pod = POD.format(privileged="true")
    before = _k8s(tmp_path / "a", pod)
    assert before, "the privileged container must be reported"
    moved = "# a comment\n# another\n\n" + CONFIGMAP + "---\n" + pod
    assert _k8s(tmp_path / "b", moved) == before
    flow = pod.replace(
        "      securityContext:\n        privileged: true\n",
        "      securityContext: {privileged: true}\n",
    )
    assert _k8s(tmp_path / "c", flow) == before


def test_kubernetes_changed_value_or_object_changes_the_fingerprint(tmp_path: Path) -> None:
    before = _k8s(tmp_path / "a", POD.format(privileged="true"))
    renamed = POD.format(privileged="true").replace("name: debug", "name: debug-2")
    assert _k8s(tmp_path / "b", renamed) != before
    other_container = POD.format(privileged="true").replace("name: shell", "name: sh")
    assert _k8s(tmp_path / "c", other_container) != before


TF = """resource "aws_db_instance" "orders" {{
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  storage_encrypted   = {encrypted}
  skip_final_snapshot = true
}}
"""


def test_terraform_fingerprint_follows_resource_address_not_lines(tmp_path: Path) -> None:
    write(tmp_path / "a", {"main.tf": TF.format(encrypted="false")})
    write(
        tmp_path / "b",
        {"main.tf": "# header\n\nlocals {\n  x = 1\n}\n\n" + TF.format(encrypted="false")},
    )
    write(
        tmp_path / "c", {"main.tf": TF.format(encrypted="false").replace('"orders"', '"billing"')}
    )
    a = prints_of(tmp_path / "a", "TF-AWS-020")
    assert a
    assert prints_of(tmp_path / "b", "TF-AWS-020") == a
    assert prints_of(tmp_path / "c", "TF-AWS-020") != a


WORKFLOW = """name: ci
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v4
"""


def test_workflow_fingerprint_follows_job_and_step(tmp_path: Path) -> None:
    write(tmp_path / "a", {".github/workflows/ci.yml": WORKFLOW})
    shifted = WORKFLOW.replace("jobs:\n", "env:\n  A: b\njobs:\n")
    write(tmp_path / "b", {".github/workflows/ci.yml": shifted})
    other = WORKFLOW.replace("@v4", "@v3")
    write(tmp_path / "c", {".github/workflows/ci.yml": other})
    a = prints_of(tmp_path / "a", "GHA-003")
    assert a, "an action pinned by tag is reported"
    assert prints_of(tmp_path / "b", "GHA-003") == a
    assert prints_of(tmp_path / "c", "GHA-003") != a


RULES = """groups:
  - name: app
    rules:
      - alert: HighErrors
        expr: rate(http_errors_total[5m]) > 1
"""


def test_rule_file_fingerprint_follows_group_and_rule(tmp_path: Path) -> None:
    write(tmp_path / "a", {"rules/app.rules.yml": RULES})
    write(tmp_path / "b", {"rules/app.rules.yml": "# owners: sre\n" + RULES})
    write(tmp_path / "c", {"rules/app.rules.yml": RULES.replace("HighErrors", "ManyErrors")})
    a = prints_of(tmp_path / "a", "PROM")
    assert a
    assert prints_of(tmp_path / "b", "PROM") == a
    assert prints_of(tmp_path / "c", "PROM") != a


def _finding(rule: str, path: str, line: int, logical: str, message: str = "m") -> Finding:
    return Finding(rule, [], "high", path, Span.at(line), message, logical=logical)


def test_recipe_is_pinned() -> None:
    """Baselines written by one version are read by the next: these values never change
    without a new recipe version (fingerprint.RECIPE)."""
    doc = Document("k8s/app.yaml", "kubernetes", {"spec": {"a": {"privileged": True}}})
    key = logical_key("Pod/ns/name:spec.a", ("spec", "a"), ("spec", "a", "privileged"), doc)
    assert key == "Pod/ns/name:spec.a|.privileged||True"
    found = [
        _finding("K8S-001", "k8s/app.yaml", 12, key),
        _finding("K8S-001", "k8s/app.yaml", 30, key),
        _finding("X-000.parse-error", "a.yaml", 3, "", "expected ':' at line 3, column 7"),
    ]
    assert fingerprints(found) == ["2719104ba27d0ec9:1", "2719104ba27d0ec9:2", "6e2fa0b3bf9a096b:1"]


def test_input_findings_ignore_positions_in_their_message() -> None:
    a = _finding("X-000.parse-error", "a.yaml", 3, "", "expected ':' at line 3, column 7")
    b = _finding("X-000.parse-error", "a.yaml", 9, "", "expected ':' at line 9, column 7")
    assert fingerprints([a]) == fingerprints([b])


def test_namespace_finding_keeps_its_fingerprint_when_another_workload_reports_it(
    tmp_path: Path,
) -> None:
    """K8S-NET-001.no-default-deny is reported once per namespace, by its first workload in
    path order: a new workload that sorts first takes over the report, not the identity."""
    write(tmp_path / "a", {"k8s/web.yaml": POD.format(privileged="false")})
    before = prints_of(tmp_path / "a", "K8S-NET-001.no-default-deny")
    assert [p for (_, path), p in before.items() if path == "k8s/web.yaml"]
    write(
        tmp_path / "b",
        {
            "k8s/web.yaml": POD.format(privileged="false"),
            "k8s/aaa.yaml": POD.format(privileged="false").replace("name: debug", "name: aaa"),
        },
    )
    after = prints_of(tmp_path / "b", "K8S-NET-001.no-default-deny")
    assert list(after) == [("K8S-NET-001.no-default-deny", "k8s/aaa.yaml")]
    assert sorted(after.values()) == sorted(before.values())
