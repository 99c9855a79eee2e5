"""--compliance, --list-frameworks, --fail-on-compliance on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.report.reader_support import CLEAN_POD, lint, make_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("cli"))


def test_list_frameworks(repo: Path) -> None:
    proc = lint(repo, "--list-frameworks")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("standard") and "160/160" in lines[0]
    assert any(line.startswith("pss-restricted") and "18/18" in line for line in lines)


def test_unknown_framework_is_a_usage_error(repo: Path) -> None:
    proc = lint(repo, "--compliance", "pci-dss")
    assert proc.returncode == 2 and "unknown framework 'pci-dss'" in proc.stderr


def test_fail_on_compliance_needs_a_framework(repo: Path) -> None:
    proc = lint(repo, "--fail-on-compliance")
    assert proc.returncode == 2 and "needs --compliance" in proc.stderr


def test_exit_status_unchanged_without_fail_on_compliance(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(CLEAN_POD)
    clean = lint(tmp_path, "--fail-on", "none", "--compliance", "pss-baseline")
    assert clean.returncode == 0
    (tmp_path / "pod.yaml").write_text(
        CLEAN_POD.replace("runAsNonRoot: true", "runAsNonRoot: true\n        privileged: true")
    )
    failing = lint(tmp_path, "--fail-on", "none", "--compliance", "pss-baseline")
    assert failing.returncode == 0  # the requirement fails, but only findings set the status
    assert "Privileged Containers" in failing.stdout
    strict = lint(
        tmp_path, "--fail-on", "none", "--compliance", "pss-baseline", "--fail-on-compliance"
    )
    assert strict.returncode == 1


def test_fail_on_compliance_passes_a_compliant_scan(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(CLEAN_POD)
    proc = lint(tmp_path, "--compliance", "pss-baseline", "--fail-on-compliance")
    assert proc.returncode == 0, proc.stdout


def test_json_section_and_text_section(repo: Path) -> None:
    data = json.loads(lint(repo, "--compliance", "cis-k8s", "--format", "json").stdout)
    (section,) = data["compliance"]
    assert section["framework"] == "cis-k8s" and section["requirements_total"] == 35
    by_id = {r["id"]: r for r in section["requirements"]}
    assert by_id["5.2.2"]["outcome"] == "fail" and by_id["5.3.1"]["outcome"] == "not_covered"
    text = lint(repo, "--compliance", "cis-k8s").stdout
    assert "Compliance: CIS Kubernetes Benchmark" in text
    assert "cis-k8s: " in text and "(33/35 covered)" in text


@pytest.mark.parametrize(
    ("name", "start"),
    [("r.html", "<!DOCTYPE html>"), ("r.md", "## devops-lint"), ("r.xml", "<?xml")],
)
def test_output_format_inferred_from_extension(repo: Path, name: str, start: str) -> None:
    proc = lint(repo, "-o", name)
    assert proc.returncode == 1, proc.stderr
    assert (repo / name).read_text(encoding="utf-8").startswith(start)


def test_json_compliance_section_matches_the_report_schema(repo: Path) -> None:
    from jsonschema import Draft202012Validator

    from tests.fixture_support import ROOT

    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    data = json.loads(
        lint(
            repo, "--compliance", "standard", "--compliance", "pss-baseline", "--format", "json"
        ).stdout
    )
    errors = list(Draft202012Validator(schema).iter_errors(data))
    assert not errors, [e.message for e in errors[:5]]
    std = data["compliance"][0]
    assert std["requirements_total"] == 160
    controls = {c["id"]: c for c in std["controls"]}
    assert controls["K8S-002"]["exceptions"] == [
        {
            "source": "suppression",
            "reason": "node debugging pod, OPS-12",
            "until": "2099-06-30",
            "count": 2,
        }
    ]


def test_baselined_findings_make_exceptions(tmp_path: Path) -> None:
    make_repo(tmp_path)
    written = lint(tmp_path, "--write-baseline", "baseline.json")
    assert (tmp_path / "baseline.json").is_file(), written.stderr
    proc = lint(
        tmp_path, "--baseline", "baseline.json", "--compliance", "pss-baseline", "--format", "json"
    )
    assert proc.returncode == 0, proc.stderr
    (section,) = json.loads(proc.stdout)["compliance"]
    outcomes = {r["id"]: r["outcome"] for r in section["requirements"]}
    assert outcomes["Privileged Containers"] == "exception"
    controls = {c["id"]: c for c in section["controls"]}
    assert {
        "source": "baseline",
        "reason": "recorded in the baseline",
        "until": None,
        "count": 2,
    } in controls["K8S-001"]["exceptions"]
