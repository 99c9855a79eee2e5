from __future__ import annotations

import datetime as dt
from pathlib import Path

from devops_lint.config import build_settings
from devops_lint.engine import RunResult, matches, run
from devops_lint.rules import load_rules

POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
spec:
  containers:
    - name: c
      image: nginx
      securityContext:
        privileged: true{comment}
"""


def lint(tmp_path: Path, files: dict[str, str], **overrides: object) -> RunResult:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    settings, _ = build_settings(tmp_path, None, {})
    settings.update(overrides)
    return run(tmp_path, [tmp_path], settings, load_rules(), today=dt.date(2026, 11, 29))


def ids(result: RunResult, active_only: bool = True) -> list[tuple[str, int]]:
    found = result.active if active_only else result.findings
    return [(f.rule_id, f.span.line) for f in found if f.rule_id.startswith(("K8S-001", "X-0"))]


def test_selector_matching() -> None:
    rule = next(r for r in load_rules() if r.id == "K8S-001")
    assert matches("K8S-001", rule)
    assert matches("K8S", rule)
    assert not matches("K8S-00", rule)
    assert not matches("K8S-NET", rule)


def test_finding_and_select_ignore(tmp_path: Path) -> None:
    files = {"pod.yaml": POD.format(comment="")}
    assert ids(lint(tmp_path, files)) == [("K8S-001", 11)]
    assert ids(lint(tmp_path, files, ignore=["K8S-001"])) == []
    assert ids(lint(tmp_path, files, select=["GHA"])) == []


def test_suppression_needs_approval_for_critical(tmp_path: Path) -> None:
    files = {"pod.yaml": POD.format(comment="  # devops-lint: ignore[K8S-001] debug pod")}
    assert ids(lint(tmp_path, files)) == [
        ("K8S-001", 11),
        ("X-000.suppression-without-approval", 11),
    ]


def test_suppression_with_reason_and_approval(tmp_path: Path) -> None:
    comment = "  # devops-lint: ignore[K8S-001] node debugger approved-by:@sec-alice"
    result = lint(tmp_path, {"pod.yaml": POD.format(comment=comment)})
    assert ids(result) == []
    suppressed = [f for f in result.findings if f.suppression]
    assert [f.suppression for f in suppressed] == ["node debugger"]


def test_suppression_on_object_first_line(tmp_path: Path) -> None:
    text = "# devops-lint: ignore[K8S] approved-by:@x node tools\n" + POD.format(comment="")
    # A comment above the object is not its first line: only same-line or header counts.
    assert ids(lint(tmp_path, {"pod.yaml": text})) == [
        ("X-000.unused-suppression", 1),
        ("K8S-001", 12),
    ]
    header = POD.format(comment="").replace(
        "apiVersion: v1", "apiVersion: v1  # devops-lint: ignore[K8S-001] tools approved-by:@x", 1
    )
    assert ids(lint(tmp_path, {"pod.yaml": header})) == []


def test_expired_suppression_reactivates(tmp_path: Path) -> None:
    comment = "  # devops-lint: ignore[K8S-001] temp until:2026-01-01 approved-by:@x"
    assert ids(lint(tmp_path, {"pod.yaml": POD.format(comment=comment)})) == [("K8S-001", 11)]


def test_suppression_without_reason_and_unused(tmp_path: Path) -> None:
    text = POD.format(comment="  # devops-lint: ignore[K8S-001]").replace(
        "name: p", "name: p  # devops-lint: ignore[K8S-001] nothing here"
    )
    assert ids(lint(tmp_path, {"pod.yaml": text})) == [
        ("X-000.unused-suppression", 4),
        ("K8S-001", 11),
        ("X-000.suppression-without-reason", 11),
    ]


def test_annotation_suppression(tmp_path: Path) -> None:
    text = POD.format(comment="").replace(
        "  namespace: shop\n",
        "  namespace: shop\n  annotations:\n"
        '    devops-lint.io/ignore: "K8S-001: debug approved-by:@x"\n',
    )
    assert ids(lint(tmp_path, {"pod.yaml": text})) == []


def test_parse_error_keeps_other_files(tmp_path: Path) -> None:
    result = lint(tmp_path, {"bad.yaml": "a: [1\n", "pod.yaml": POD.format(comment="")})
    assert ids(result) == [("X-000.parse-error", 2), ("K8S-001", 11)]
    assert result.failed("high")


def test_unreadable_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.yaml").write_bytes("a: caf\xe9\n".encode("latin-1"))
    result = lint(tmp_path, {"pod.yaml": POD.format(comment="")})
    got = [(f.path, f.rule_id) for f in result.findings if f.rule_id.startswith("X-0")]
    assert got == [("bin.yaml", "X-000.unreadable"), ("latin1.yaml", "X-000.unreadable")]


def test_huge_file_is_reported_not_parsed(tmp_path: Path) -> None:
    result = lint(tmp_path, {"big.yaml": "a: 1\n" * 100}, max_file_size=50)
    assert [(f.rule_id, f.path) for f in result.findings] == [("X-000.unreadable", "big.yaml")]
