"""End to end: the ``devops-lint`` command line, the installed command in a subprocess where
the process is the subject (exit statuses, standard input, the output file, start-up)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from devops_lint import __version__
from tests.integration.conftest import SCHEMAS, Completed, run_cli, run_in_process

PRIVILEGED = """\
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  containers:
    - name: app
      image: busybox
      securityContext:
        privileged: true
"""
SAFE = PRIVILEGED.replace("privileged: true", "privileged: false")
FINDING = "pod.yaml:11:21: critical K8S-001 container 'app' runs privileged"
DUPLICATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: strict
  mode: permissive
"""
K8S = ("--select", "K8S-001")


@functools.cache
def _report_validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMAS / "report.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def report(out: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(out)
    errors = list(_report_validator().iter_errors(data))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return data


@pytest.fixture
def in_process(tmp_path: Path) -> Any:
    """The same command line run in this process (tests/integration/conftest.py), in
    ``tmp_path`` unless told otherwise: for the tests of what a run reports (selection,
    suppressions, bad input, formats, given files), which are not about the process. Exit
    statuses, standard input, the output file and start-up go through the installed command."""

    def _run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> Completed:
        return run_in_process(*args, cwd=cwd or tmp_path, stdin=stdin)

    return _run


def rules_of(data: dict[str, Any], suppressed: bool = False) -> list[tuple[str, str, int]]:
    return [
        (f["rule"], f["path"], f["line"]) for f in data["findings"] if f["suppressed"] == suppressed
    ]


# ---------------------------------------------------------------------------- exit codes
def test_exit_0_when_clean(cli: Any, write: Any) -> None:
    write("pod.yaml", SAFE)
    r = cli(*K8S, "pod.yaml")
    assert r.code == 0, r.err
    assert r.out.strip() == "0 findings in 1 file"


def test_exit_1_on_findings(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    r = cli(*K8S, "pod.yaml")
    assert r.code == 1, r.err
    assert r.out.splitlines()[0] == FINDING
    assert r.out.splitlines()[-1] == "1 finding (1 critical) in 1 file"


def test_fail_on_sets_the_threshold(cli: Any, write: Any) -> None:
    write("cm.yaml", DUPLICATE)  # X-000.duplicate-key is high
    assert cli(*K8S, "cm.yaml").code == 1
    assert cli(*K8S, "--fail-on", "critical", "cm.yaml").code == 0
    write(".devops-lint.yaml", "fail_on: critical\n")
    assert cli(*K8S, ".").code == 0
    assert cli(*K8S, "--fail-on", "high", ".").code == 1  # the option beats the file


def test_exit_2_on_usage_errors(cli: Any) -> None:
    r = cli("missing.yaml")
    assert r.code == 2
    assert "missing.yaml: no such file or directory" in r.err
    assert cli("--format", "yaml", ".").code == 2
    assert cli("--fail-on", "severe", ".").code == 2


@pytest.mark.parametrize("name", [".devops-lint.yaml", "custom.yaml"])
def test_unknown_config_key_is_exit_2_naming_file_and_key(cli: Any, write: Any, name: str) -> None:
    write("pod.yaml", PRIVILEGED)
    write(name, "fail_on: high\nfail_onn: medium\n")
    args = ("--config", name, ".") if name == "custom.yaml" else (".",)
    r = cli(*args)
    assert r.code == 2
    assert name in r.err and "'fail_onn'" in r.err
    assert "Traceback" not in r.err and r.out == ""


def test_wrong_config_type_is_exit_2(cli: Any, write: Any) -> None:
    write(".devops-lint.yaml", "select: K8S-001\n")
    r = cli(".")
    assert r.code == 2
    assert ".devops-lint.yaml" in r.err and "select" in r.err


# ------------------------------------------------------------------------ select/ignore
def test_select_and_ignore(in_process: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    write("cm.yaml", DUPLICATE)

    def ids(*args: str) -> set[str]:
        return {
            f["rule"] for f in report(in_process("--format", "json", *args, ".").out)["findings"]
        }

    assert ids("--select", "K8S-001") == {"K8S-001", "X-000.duplicate-key"}
    # Ignoring everything selected leaves nothing to check: a usage error, not a green run.
    assert in_process("--select", "K8S-001", "--ignore", "K8S-001", ".").code == 2
    assert ids("--select", "K8S-001", "--ignore", "X-000") == {"K8S-001"}
    assert ids("--select", "K8S-002") == {"X-000.duplicate-key"}
    assert ids("--select", "K8S-002,K8S-001", "--ignore", "X-000.duplicate-key") == {"K8S-001"}
    assert "K8S-001" not in ids("--ignore", "K8S")  # a prefix of the control ID


# ------------------------------------------------------------------------- suppressions
def _suppressed_pod(comment: str) -> str:
    return PRIVILEGED.replace("privileged: true", f"privileged: true  {comment}")


def test_suppression_with_reason_and_approval(in_process: Any, write: Any) -> None:
    write("pod.yaml", _suppressed_pod("# devops-lint: ignore[K8S-001] debug pod approved-by:@sec"))
    r = in_process(*K8S, "--format", "json", ".")
    assert r.code == 0, r.out
    data = report(r.out)
    assert rules_of(data) == []
    [f] = data["findings"]
    assert f["suppressed"] is True and f["suppression_reason"] == "debug pod"
    assert data["summary"]["suppressed"] == 1 and data["summary"]["total"] == 0
    text = in_process(*K8S, ".")
    assert text.out.strip() == "0 findings in 1 file, 1 suppressed"


def test_suppression_by_control_id(in_process: Any, write: Any) -> None:
    write("pod.yaml", _suppressed_pod("# devops-lint: ignore[K8S-001] lab only approved-by:@sec"))
    assert in_process(*K8S, ".").code == 0


def test_suppression_without_reason(in_process: Any, write: Any) -> None:
    write("pod.yaml", _suppressed_pod("# devops-lint: ignore[K8S-001]"))
    r = in_process(*K8S, "--format", "json", ".")
    assert r.code == 1
    assert rules_of(report(r.out)) == [
        ("K8S-001", "pod.yaml", 11),
        ("X-000.suppression-without-reason", "pod.yaml", 11),
    ]


def test_unused_suppression(in_process: Any, write: Any) -> None:
    write(
        "pod.yaml", SAFE.replace("name: debug", "name: debug  # devops-lint: ignore[K8S-001] old")
    )
    r = in_process(*K8S, "--format", "json", ".")
    assert r.code == 0  # low
    assert rules_of(report(r.out)) == [("X-000.unused-suppression", "pod.yaml", 4)]


def test_critical_suppression_needs_approval(in_process: Any, write: Any) -> None:
    write("pod.yaml", _suppressed_pod("# devops-lint: ignore[K8S-001] debug pod"))
    r = in_process(*K8S, "--format", "json", ".")
    assert r.code == 1
    assert rules_of(report(r.out)) == [
        ("K8S-001", "pod.yaml", 11),
        ("X-000.suppression-without-approval", "pod.yaml", 11),
    ]


def test_expired_suppression_reactivates(in_process: Any, write: Any) -> None:
    comment = "# devops-lint: ignore[K8S-001] debug approved-by:@sec until:2000-01-01"
    write("pod.yaml", _suppressed_pod(comment))
    r = in_process(*K8S, "--format", "json", ".")
    assert r.code == 1
    assert rules_of(report(r.out)) == [("K8S-001", "pod.yaml", 11)]


# ---------------------------------------------------------------------------- bad input
def test_parse_error_in_one_file_others_still_reported(in_process: Any, write: Any) -> None:
    write("broken.yaml", "apiVersion: v1\nkind: Pod\nspec: [unclosed\n")
    write("pod.yaml", PRIVILEGED)
    r = in_process(*K8S, "--format", "json", ".")
    assert r.code == 1
    data = report(r.out)
    assert rules_of(data) == [("K8S-001", "pod.yaml", 11)]
    # A parse error is listed once, in parse_errors.
    assert [(p["rule"], p["path"], p["line"]) for p in data["parse_errors"]] == [
        ("X-000.parse-error", "broken.yaml", 4)
    ]
    assert data["files_scanned"] == 2


def test_binary_and_non_utf8_files(in_process: Any, write: Any) -> None:
    write("blob.yaml", b"\x00\x01\x02\x03binary")
    write(
        "latin.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: José}\n".encode("latin-1")
    )
    write("pod.yaml", PRIVILEGED)
    r = in_process(*K8S, "--format", "json", ".")
    assert r.code == 1, r.err
    data = report(r.out)
    assert rules_of(data) == [
        ("X-000.unreadable", "blob.yaml", 1),
        ("X-000.unreadable", "latin.yaml", 3),
        ("K8S-001", "pod.yaml", 11),
    ]
    messages = {f["path"]: f["message"] for f in data["findings"]}
    assert "binary" in messages["blob.yaml"] and "UTF-8" in messages["latin.yaml"]


def test_stdin_with_filename(cli: Any) -> None:
    r = cli(*K8S, "--stdin-filename", "k8s/pod.yaml", "-", stdin=PRIVILEGED)
    assert r.code == 1, r.err
    assert r.out.splitlines()[0] == "k8s/" + FINDING
    r = cli(*K8S, "-", stdin=SAFE)
    assert r.code == 0


def test_json_report_matches_its_schema(in_process: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    write("cm.yaml", DUPLICATE)
    write("ok.yaml", _suppressed_pod("# devops-lint: ignore[K8S-001] lab approved-by:@sec"))
    data = report(in_process("--format", "json", ".").out)  # every rule, not just K8S-001
    assert data["tool"] == {"name": "devops-lint", "version": __version__}
    assert data["summary"]["total"] == len(rules_of(data))
    assert report(in_process("--format", "json", *K8S, "-", stdin=SAFE).out)["findings"] == []


# ------------------------------------------------------------------------------ formats
def test_sarif_output_file(cli: Any, write: Any, tmp_path: Path) -> None:
    from tests.report.conftest import assert_valid_sarif

    write("pod.yaml", PRIVILEGED)
    r = cli(*K8S, "--format", "sarif", "--sarif-category", "k8s", "-o", "results.sarif", ".")
    assert r.code == 1
    assert r.out == ""
    assert "1 finding (1 critical) in 1 file" in r.err
    log = json.loads((tmp_path / "results.sarif").read_text(encoding="utf-8"))
    assert_valid_sarif(log)
    run = log["runs"][0]
    assert run["automationDetails"]["id"] == "k8s/"
    [res] = run["results"]
    assert res["ruleId"] == "K8S-001"
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pod.yaml"
    # No repository: the working directory is %SRCROOT%, the one absolute path in the log.
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert str(tmp_path) not in json.dumps(run["results"])


def test_github_annotations(in_process: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    r = in_process(*K8S, "--format", "github", ".")
    assert r.code == 1
    first = r.out.splitlines()[0]
    assert first.startswith("::error file=pod.yaml,line=11,col=21,")
    assert ",title=K8S-001::container 'app' runs privileged" in first


# --------------------------------------------------------------------- given files only
def test_given_files_are_checked_with_their_folder_but_reported_alone(
    in_process: Any, write: Any
) -> None:
    write("k8s/pod.yaml", PRIVILEGED)
    write("k8s/other.yaml", PRIVILEGED.replace("name: debug", "name: other"))
    write("elsewhere/third.yaml", PRIVILEGED)
    data = report(in_process(*K8S, "--format", "json", "k8s/pod.yaml").out)
    assert rules_of(data) == [("K8S-001", "k8s/pod.yaml", 11)]


def test_given_workflow_sees_repository_configuration(in_process: Any, write: Any) -> None:
    workflow = (
        "name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-24.04\n"
        "    timeout-minutes: 5\n    steps:\n      - run: echo hi\n"
    )
    write(".github/workflows/ci.yml", workflow)
    without = report(
        in_process("--format", "json", "--select", "GHA-024", ".github/workflows/ci.yml").out
    )
    write(
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n"
        "    schedule: {interval: weekly}\n",
    )
    with_config = report(
        in_process("--format", "json", "--select", "GHA-024", ".github/workflows/ci.yml").out
    )
    if not any(f["rule"] == "GHA-024" for f in without["findings"]):
        pytest.skip("GHA-024 not reported without an update configuration")
    assert not any(f["rule"] == "GHA-024" for f in with_config["findings"])


# ------------------------------------------------------------------------------ start-up
def test_version_does_not_import_the_parsers(tmp_path: Path) -> None:
    r = run_cli("--version", cwd=tmp_path, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert r.code == 0
    assert r.out.strip() == f"devops-lint, version {__version__}"
    imported = {line.split("|")[-1].strip() for line in r.err.splitlines() if "|" in line}
    assert "devops_lint.cli" in imported  # the profile is really there
    heavy = {"ruamel", "hcl2", "lark", "promql_parser", "jsonschema", "sarif_om"}
    ours = {"devops_lint.engine", "devops_lint.yamlload", "devops_lint.terraform"}
    loaded = {m for m in imported if m.split(".")[0] in heavy or m in ours}
    assert not loaded, sorted(loaded)


def test_folders_given_beside_files_are_reported_in_full(in_process: Any, write: Any) -> None:
    write("k8s/pod.yaml", PRIVILEGED)
    write("more/pod.yaml", PRIVILEGED)
    write("more/other.yaml", PRIVILEGED)
    data = report(in_process(*K8S, "--format", "json", "k8s", "more/pod.yaml").out)
    assert rules_of(data) == [("K8S-001", "k8s/pod.yaml", 11), ("K8S-001", "more/pod.yaml", 11)]


def test_changed_chart_values_report_the_templates(in_process: Any, write: Any) -> None:
    write("chart/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n")
    write("chart/values.yaml", "privileged: true\n")
    template = PRIVILEGED.replace("privileged: true", "privileged: {{ .Values.privileged }}")
    write("chart/templates/pod.yaml", template)
    data = report(in_process(*K8S, "--format", "json", "chart/values.yaml").out)
    assert rules_of(data) == [("K8S-001", "chart/templates/pod.yaml", 11)]


def test_changed_tfvars_report_the_module(in_process: Any, write: Any) -> None:
    from tests.fixture_support import all_rules

    if not any(r.id == "TF-GEN-009.world-tfvars" for r in all_rules()):
        pytest.skip("TF-GEN-009 rules not present")
    variables = 'variable "ssh_ingress_cidrs" {\n  type = list(string)\n}\n'
    write("mod/variables.tf", variables)
    write("mod/terraform.tfvars", 'ssh_ingress_cidrs = ["0.0.0.0/0"]\n')
    write("other/variables.tf", variables)
    sel = ("--format", "json", "--select", "TF-GEN-009")
    changed_tfvars = report(in_process(*sel, "mod/terraform.tfvars").out)
    assert rules_of(changed_tfvars) == [
        ("TF-GEN-009.world-tfvars", "mod/terraform.tfvars", 1),
        ("TF-GEN-009.no-validation", "mod/variables.tf", 1),
    ]
    # A changed .tf file is linted with the module's tfvars but reported alone.
    changed_tf = report(in_process(*sel, "mod/variables.tf").out)
    assert rules_of(changed_tf) == [("TF-GEN-009.no-validation", "mod/variables.tf", 1)]
