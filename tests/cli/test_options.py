"""#13 items 2, 3, 4, 6, 7: --quiet, file counts, -o format, --fail-on none, --list-rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_cli import FINDING, PRIVILEGED, SAFE

K8S = ("--select", "K8S-001")
# A Helm template whose K8S-001 finding is unresolved (info).
TEMPLATED = PRIVILEGED.replace("privileged: true", "privileged: {{ .Values.privileged }}")
INFO = (
    "templates/pod.yaml:11:21: info K8S-001 unresolved: securityContext.privileged cannot be"
    " checked: templated value '{{ .Values.privileged }}'"
)


# ------------------------------------------------------------------------- 2. --quiet
def test_quiet_prints_findings_only(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    r = cli(*K8S, "--quiet", "--compact", "pod.yaml")
    assert r.code == 1
    assert r.out == FINDING + "\n"  # no summary line
    assert cli(*K8S, "--quiet", "--compact", "-").out == ""  # nothing: nothing at all


def test_quiet_with_output_file_prints_no_summary(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    r = cli(*K8S, "--quiet", "-o", "out.sarif", "pod.yaml")
    assert r.code == 1 and r.out == "" and r.err == ""


def test_summary_counts_every_severity_including_info(cli: Any, write: Any) -> None:
    write("a.yaml", PRIVILEGED)
    write("b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")  # K8S-023: low
    data = json.loads(cli("--format", "json", ".").out)
    counts: dict[str, int] = {}
    for f in data["findings"]:
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    summary = cli(".").out.splitlines()[-1]
    total = sum(counts.values())
    assert summary.startswith(f"{total} findings (")
    for severity, n in counts.items():
        assert f"{n} {severity}" in summary


def test_quiet_still_prints_info_findings_and_counts_them(cli: Any, write: Any) -> None:
    write("templates/pod.yaml", TEMPLATED)
    assert cli(*K8S, "--compact", "--quiet", ".").out == INFO + "\n"
    assert cli(*K8S, "--compact", ".").out == INFO + "\n\n1 finding (1 info) in 1 file\n"


# --------------------------------------------------------------------- 3. file counts
def test_standard_input_counts_as_one_file(cli: Any) -> None:
    r = cli(*K8S, "-", stdin=PRIVILEGED)
    assert r.out.splitlines()[-1] == "1 finding (1 critical) in 1 file"
    assert cli(*K8S, "-", stdin=SAFE).out.strip() == "0 findings in 1 file"


def test_given_files_are_counted_not_their_folder(cli: Any, write: Any) -> None:
    for name in ("a", "b", "c", "d"):
        write(f"k8s/{name}.yaml", SAFE.replace("name: debug", f"name: {name}"))
    assert cli(*K8S, "k8s/a.yaml").out.strip() == "0 findings in 1 file"
    assert cli(*K8S, "k8s/a.yaml", "k8s/b.yaml").out.strip() == "0 findings in 2 files"
    assert cli(*K8S, "k8s").out.strip() == "0 findings in 4 files"


# ------------------------------------------------------------------- 4. -o infers format
@pytest.mark.parametrize(("name", "kind"), [("report.sarif", "sarif"), ("report.json", "json")])
def test_output_extension_picks_the_format(
    cli: Any, write: Any, tmp_path: Path, name: str, kind: str
) -> None:
    write("pod.yaml", PRIVILEGED)
    assert cli(*K8S, "-o", name, ".").code == 1
    data = json.loads((tmp_path / name).read_text(encoding="utf-8"))
    assert ("runs" in data) if kind == "sarif" else ("findings" in data)


def test_format_option_beats_the_extension(cli: Any, write: Any, tmp_path: Path) -> None:
    write("pod.yaml", PRIVILEGED)
    cli(*K8S, "--format", "text", "-o", "report.json", ".")
    text = (tmp_path / "report.json").read_text(encoding="utf-8")
    assert text.startswith("pod.yaml:11:21: critical K8S-001")
    cli(*K8S, "-o", "report.txt", ".")
    assert (tmp_path / "report.txt").read_text(encoding="utf-8").startswith("pod.yaml:11:21:")


# --------------------------------------------------------------------- 6. --fail-on none
def test_fail_on_none_reports_but_never_fails(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    r = cli(*K8S, "--fail-on", "none", ".")
    assert r.code == 0, r.err
    assert r.out.splitlines()[0] == FINDING
    write(".devops-lint.yaml", "fail_on: none\n")
    assert cli(*K8S, ".").code == 0
    assert cli(*K8S, "--fail-on", "critical", ".").code == 1


def test_action_passes_fail_on_none_to_the_linter() -> None:
    from tests.fixture_support import ROOT

    action = (ROOT / "action.yml").read_text(encoding="utf-8")
    assert 'args=(--fail-on "$LINT_FAIL_ON")' in action
    assert "fail_on=critical" not in action


# ------------------------------------------------------------------- 7. --list-rules
def test_list_rules_honours_select_and_ignore(cli: Any, tmp_path: Path) -> None:
    ids = [line.split()[0] for line in cli("--list-rules", "--select", "K8S-NET").out.splitlines()]
    assert ids and all(i.startswith("K8S-NET-") for i in ids)
    fewer = cli("--list-rules", "--select", "K8S-NET", "--ignore", "K8S-NET-001").out
    assert not any(line.startswith("K8S-NET-001") for line in fewer.splitlines())
    assert len(fewer.splitlines()) < len(ids)


def test_list_rules_as_json_and_markdown(cli: Any) -> None:
    data = json.loads(cli("--list-rules", "--select", "K8S-001", "--format", "json").out)
    assert [r["id"] for r in data] == ["K8S-001"]
    md = cli("--list-rules", "--select", "K8S-001", "--format", "markdown").out.splitlines()
    assert md[0] == "| Rule | Severity | Title |"
    assert md[2].startswith("| `K8S-001` | critical | ")
    controls = cli("--list-controls", "--format", "markdown").out.splitlines()
    assert controls[0].startswith("| Control |") and len(controls) > 100


def test_markdown_scan_is_the_job_summary(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    r = cli("--format", "markdown", ".")
    assert r.code == 1 and r.out.startswith("## devops-lint: ")
