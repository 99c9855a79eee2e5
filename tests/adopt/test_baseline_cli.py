"""End to end: adopting devops-lint on a repository that already has findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import commit_all, git, init_repo, lint, rules_of, write

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: tools
spec:
  containers:
    - name: shell
      image: registry.example.com/shell@sha256:{digest}
      securityContext:
        privileged: {privileged}
"""
DIGEST = "3b1c6e1f7e0c5a4e2f0b9d8c7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b"
PRIV = ("K8S-001", "k8s/debug.yaml")


def pod(name: str = "debug", privileged: str = "true") -> str:
    return POD.format(name=name, digest=DIGEST, privileged=privileged)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    init_repo(root)
    write(root, {"k8s/debug.yaml": pod()})
    commit_all(root, "a privileged debug pod")
    return root


def _k8s001(report: dict[str, object]) -> list[tuple[str, str]]:
    return [r for r in rules_of(report) if r[0] == "K8S-001"]  # type: ignore[arg-type]


def test_write_then_rerun_hides_everything(repo: Path) -> None:
    code, report, _ = lint(repo, ".")
    assert code == 1 and PRIV in _k8s001(report)
    code, report, err = lint(repo, "--write-baseline", "baseline.json", ".")
    assert code == 0, err
    data = json.loads((repo / "baseline.json").read_text())
    assert any(e["rule"] == "K8S-001" and e["path"] == "k8s/debug.yaml" for e in data["findings"])
    code, report, err = lint(repo, "--baseline", "baseline.json", ".")
    assert code == 0, err
    assert report["findings"] == []
    assert report["summary"]["hidden_by_baseline"] == len(data["findings"])


def test_lines_above_keep_it_hidden_another_object_does_not(repo: Path) -> None:
    lint(repo, "--write-baseline", "baseline.json", ".")
    write(repo, {"k8s/debug.yaml": "# debugging pod, see runbook\n\n" + pod()})
    code, report, _ = lint(repo, "--baseline", "baseline.json", ".")
    assert code == 0 and report["findings"] == []
    write(repo, {"k8s/debug.yaml": pod(name="debug-2")})
    code, report, _ = lint(repo, "--baseline", "baseline.json", ".")
    assert code == 1
    assert PRIV in _k8s001(report)
    shown = [f for f in report["findings"] if f["rule"] != "X-000.stale-baseline"]
    assert shown and all(f["baseline_state"] == "new" for f in shown)


WORKFLOW = """name: ci
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@{ref}
"""


def test_a_changed_offending_value_is_reported_again(tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/ci.yml": WORKFLOW.format(ref="v3")})
    lint(tmp_path, "--write-baseline", "baseline.json", "--select", "GHA-003", ".")
    _, report, _ = lint(tmp_path, "--baseline", "baseline.json", "--select", "GHA-003", ".")
    assert report["findings"] == []
    write(tmp_path, {".github/workflows/ci.yml": WORKFLOW.format(ref="v4")})
    _, report, _ = lint(tmp_path, "--baseline", "baseline.json", "--select", "GHA-003", ".")
    assert [f["rule"] for f in report["findings"] if f["rule"] != "X-000.stale-baseline"]


def test_a_new_violation_alone_is_reported(repo: Path) -> None:
    lint(repo, "--write-baseline", "baseline.json", ".")
    write(repo, {"k8s/second.yaml": pod(name="second")})
    code, report, _ = lint(repo, "--baseline", "baseline.json", ".")
    assert code == 1
    assert {p for _, p in rules_of(report)} == {"k8s/second.yaml"}


def test_fixed_finding_leaves_a_stale_entry_that_rewriting_drops(repo: Path) -> None:
    lint(repo, "--write-baseline", "baseline.json", ".")
    write(repo, {"k8s/debug.yaml": pod(privileged="false")})
    code, report, _ = lint(repo, "--baseline", "baseline.json", ".")
    stale = [f for f in report["findings"] if f["rule"] == "X-000.stale-baseline"]
    assert code == 0  # stale entries are info
    assert len(stale) == 1 and stale[0]["path"] == "baseline.json"
    line = stale[0]["line"]
    text = (repo / "baseline.json").read_text().splitlines()[line - 1]
    assert '"K8S-001"' in text and "k8s/debug.yaml" in text
    lint(repo, "--write-baseline", "baseline.json", ".")
    assert "K8S-001" not in (repo / "baseline.json").read_text()
    code, report, _ = lint(repo, "--baseline", "baseline.json", ".")
    assert not [f for f in report["findings"] if f["rule"] == "X-000.stale-baseline"]


def test_baseline_from_config_relative_to_the_config(repo: Path) -> None:
    lint(repo, "--write-baseline", ".devops-lint-baseline.json", ".")
    write(repo, {".devops-lint.yaml": "baseline: .devops-lint-baseline.json\n"})
    code, report, err = lint(repo / "k8s", ".")
    assert code == 0, err
    assert report["findings"] == []


def test_entry_follows_a_git_mv(repo: Path) -> None:
    lint(repo, "--write-baseline", "baseline.json", ".")
    commit_all(repo, "baseline")
    git(repo, "mv", "k8s/debug.yaml", "k8s/tools-debug.yaml")
    code, report, _ = lint(repo, "--baseline", "baseline.json", ".")
    assert code == 0, rules_of(report)
    assert report["findings"] == []


def test_new_from_rev_reports_only_what_the_commit_added(repo: Path, tmp_path: Path) -> None:
    write(repo, {"k8s/keep.yaml": pod(name="keep")})
    commit_all(repo, "two pods")
    (repo / "services").mkdir()
    git(repo, "mv", "k8s/keep.yaml", "services/keep.yaml")
    write(repo, {"k8s/new.yaml": pod(name="new")})
    commit_all(repo, "move one pod, add another")
    cache = tmp_path / "cache"
    code, report, err = lint(repo, "--new-from-rev", "HEAD~1", ".", cache=cache)
    assert code == 1, err
    assert {p for _, p in rules_of(report)} == {"k8s/new.yaml"}
    assert report["summary"]["hidden_by_new_only"] > 0
    assert list((cache / "base-scans").glob("*.json")), "the base scan is cached"
    again = lint(repo, "--new-from-rev", "HEAD~1", ".", cache=cache)
    assert again[1]["findings"] == report["findings"]


def test_new_from_merge_base(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, {"k8s/new.yaml": pod(name="new")})
    commit_all(repo, "feature adds a pod")
    code, report, err = lint(repo, "--new-from-merge-base", "main", ".")
    assert code == 1, err
    assert {p for _, p in rules_of(report)} == {"k8s/new.yaml"}


def test_new_from_rev_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path, {"k8s/debug.yaml": pod()})
    code, _, err = lint(tmp_path, "--new-from-rev", "HEAD~1", ".")
    assert code == 2
    assert "not inside a git repository" in err


def test_unknown_revision_is_a_usage_error(repo: Path) -> None:
    code, _, err = lint(repo, "--new-from-rev", "no-such-branch", ".")
    assert code == 2 and "unknown revision" in err


def test_a_broken_baseline_is_a_usage_error(repo: Path) -> None:
    write(repo, {"baseline.json": "{not json"})
    code, _, err = lint(repo, "--baseline", "baseline.json", ".")
    assert code == 2 and "baseline" in err


def test_text_summary_counts_what_the_baseline_hides(repo: Path) -> None:
    import subprocess
    import sys

    lint(repo, "--write-baseline", "baseline.json", ".")
    write(repo, {"k8s/second.yaml": pod(name="second")})
    proc = subprocess.run(
        [sys.executable, "-m", "devops_lint", "--compact", "--baseline", "baseline.json", "."],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    summary = proc.stdout.strip().splitlines()[-1]
    hidden = len(json.loads((repo / "baseline.json").read_text())["findings"])
    assert f", {hidden} hidden by the baseline" in summary


def test_sarif_carries_the_shared_fingerprint_and_baseline_state(repo: Path) -> None:
    import subprocess
    import sys

    lint(repo, "--write-baseline", "baseline.json", ".")
    write(repo, {"k8s/second.yaml": pod(name="second")})
    _, report, _ = lint(repo, "--baseline", "baseline.json", ".")
    by_json = {(f["rule"], f["line"]): f["fingerprint"] for f in report["findings"]}
    proc = subprocess.run(
        [sys.executable, "-m", "devops_lint", "--format", "sarif", "--baseline", "baseline.json"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    results = json.loads(proc.stdout)["runs"][0]["results"]
    assert results and all(r["baselineState"] == "new" for r in results)
    for r in results:
        where = (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        assert r["partialFingerprints"]["devopsLint/v1"] == by_json[where]


def test_a_file_that_sorts_first_does_not_unhide_namespace_findings(repo: Path) -> None:
    """K8S-NET-001.no-default-deny speaks for the namespace from its first workload; a new
    workload earlier in path order takes over the report, and the baseline still covers it."""
    lint(repo, "--write-baseline", "baseline.json", ".")
    write(repo, {"k8s/aaa.yaml": pod(name="aaa", privileged="false")})
    _, report, _ = lint(repo, "--baseline", "baseline.json", ".")
    rules = {f["rule"] for f in report["findings"]}
    assert "X-000.stale-baseline" not in rules
    assert "K8S-NET-001.no-default-deny" not in rules
    assert {f["path"] for f in report["findings"]} == {"k8s/aaa.yaml"}


def test_baseline_is_never_written_through_a_link(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text("keep", encoding="utf-8")
    (repo / "baseline.json").symlink_to(target)
    code, _, err = lint(repo, "--write-baseline", "baseline.json", ".")
    assert code == 2 and "symbolic link" in err
    assert target.read_text(encoding="utf-8") == "keep"
    assert not [p for p in repo.iterdir() if p.name.startswith(".baseline.json.")]
