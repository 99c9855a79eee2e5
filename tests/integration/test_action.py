"""The composite action, the pre-commit hook manifest and the repository's own CI files.

The action's shell steps are run here with bash, the way the runner runs them (inputs in the
environment, outputs appended to ``$GITHUB_OUTPUT``); only the pip install and the upload need
GitHub.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from devops_lint.yamlload import load_plain
from tests.fixture_support import ROOT
from tests.integration.conftest import command, run_cli
from tests.manifests import PRIVILEGED_POD

ACTION = ROOT / "action.yml"
CI = ROOT / ".github" / "workflows" / "ci.yml"
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def _action() -> dict[str, Any]:
    data: dict[str, Any] = load_plain(ACTION.read_text(encoding="utf-8"))
    return data


def _step(name: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = _action()["runs"]["steps"]
    return next(s for s in steps if s.get("name") == name)


def _all_steps(data: Any) -> list[dict[str, Any]]:
    if "runs" in data:
        return list(data["runs"]["steps"])
    return [s for job in data["jobs"].values() for s in job.get("steps", [])]


# ------------------------------------------------------------------------------- shape
def test_action_inputs_and_outputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert set(inputs) >= {"paths", "fail-on", "config", "sarif-file", "upload-sarif", "category"}
    assert inputs["upload-sarif"]["default"] == "true"
    assert inputs["fail-on"]["default"] == "high"
    assert {"sarif-file", "exit-code"} <= set(action["outputs"])


@pytest.mark.parametrize("path", [ACTION, CI], ids=lambda p: p.name)
def test_remote_actions_are_sha_pinned(path: Path) -> None:
    data = load_plain(path.read_text(encoding="utf-8"))
    for step in _all_steps(data):
        uses = step.get("uses")
        if uses and not uses.startswith("./"):
            assert SHA_PIN.match(uses), uses
    text = path.read_text(encoding="utf-8")
    for m in re.finditer(r"uses: (\S+@[0-9a-f]{40})(.*)", text):
        assert re.match(r"\s+# v\d", m.group(2)), f"{m.group(1)}: no `# vX.Y.Z` comment"


@pytest.mark.parametrize("path", [ACTION, CI], ids=lambda p: p.name)
def test_scripts_take_no_expressions(path: Path) -> None:
    data = load_plain(path.read_text(encoding="utf-8"))
    for step in _all_steps(data):
        assert "${{" not in step.get("run", ""), step.get("name")


def test_upload_is_pinned_codeql_v4() -> None:
    uses = _step("Upload SARIF to code scanning")["uses"]
    assert uses.startswith("github/codeql-action/upload-sarif@")
    assert "# v4." in ACTION.read_text(encoding="utf-8")


def test_ci_jobs_follow_the_standard() -> None:
    ci = load_plain(CI.read_text(encoding="utf-8"))
    assert ci["permissions"] == {}
    for name, job in ci["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 120, name
        assert "permissions" in job, name
        assert not job["runs-on"].endswith("-latest"), name
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
    assert any(s.get("uses") == "./" for s in ci["jobs"]["dogfood"]["steps"])


def test_own_ci_files_pass_devops_lint(tmp_path: Path) -> None:
    r = run_cli(
        "--format",
        "json",
        "action.yml",
        ".github/workflows/ci.yml",
        ".github/dependabot.yml",
        cwd=ROOT,
    )
    data = json.loads(r.out)
    active = [
        f"{f['path']}:{f['line']} {f['rule']} {f['message']}"
        for f in data["findings"]
        if not f["suppressed"] and f["severity"] != "info"
    ]
    assert not active, "\n".join(active)
    assert r.code == 0


def test_the_project_passes_its_own_linter() -> None:
    """`devops-lint` in the project root (the README's command) exits 0: test data is excluded
    by the committed .devops-lint.yaml, virtualenvs and caches by default."""
    r = run_cli("--format", "json", cwd=ROOT)
    data = json.loads(r.out)
    active = [
        f"{f['path']}:{f['line']} {f['rule']} {f['message']}"
        for f in data["findings"]
        if not f["suppressed"] and f["severity"] not in ("info", "low")
    ]
    assert r.code == 0 and not active, "\n".join(active[:20])
    assert data["files_scanned"] > 0


def test_hook_manifest_is_valid() -> None:
    pytest.importorskip("pre_commit")
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    hook = hooks["devops-lint"]
    assert hook["language"] == "python"
    # One process per run (one summary); pre-commit batches only past the command-line limit.
    assert hook["pass_filenames"] is True and hook["require_serial"] is True
    assert "--force-exclude" in hook["args"]
    files = re.compile(hook["files"])
    for name in ["a.yaml", "b.yml", "c.json", "main.tf", "prod.tfvars", "t/_helpers.tpl"]:
        assert files.search(name), name
    assert not files.search("README.md")
    assert "devops-lint-sarif" in hooks


# ----------------------------------------------------------------------- the lock file
LOCK = ROOT / "requirements" / "action.lock"
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)(?:\s*;\s*(.+?))?\s*\\?$")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, list[tuple[str, str | None, int]]]:
    """name -> [(version, marker, number of hashes)] from requirements/action.lock."""
    out: dict[str, list[tuple[str, str | None, int]]] = {}
    current: list[Any] | None = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line)
        if m:
            current = [m.group(2), m.group(3), 0]
            out.setdefault(_normal(m.group(1)), []).append(current)  # type: ignore[arg-type]
        elif line.strip().startswith("--hash=sha256:") and current is not None:
            current[2] += 1
        elif line.strip() and not line.lstrip().startswith(("#", "--hash")):
            raise AssertionError(f"unexpected line in the lock: {line!r}")
    return {k: [tuple(v) for v in vs] for k, vs in out.items()}  # type: ignore[misc]


def _pyproject() -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    data: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data


def test_lock_pins_every_runtime_dependency_with_hashes() -> None:
    from packaging.markers import Marker
    from packaging.requirements import Requirement

    locked = _locked()
    assert locked, "empty lock"
    for pins in locked.values():
        for version, _, hashes in pins:
            assert hashes >= 1, version
    project = _pyproject()
    wanted = [Requirement(r) for r in project["project"]["dependencies"]]
    wanted += [Requirement(r) for r in project["build-system"]["requires"]]
    for python in ("3.10", "3.11", "3.12", "3.13"):
        env = {"python_version": python, "python_full_version": python + ".0"}
        for req in wanted:
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            pins = [
                version
                for version, marker, _ in locked.get(_normal(req.name), [])
                if marker is None or Marker(marker).evaluate(env)
            ]
            assert len(pins) == 1, f"{req.name} on Python {python}: locked {pins}"
            assert req.specifier.contains(pins[0], prereleases=True), f"{req} vs {pins[0]}"


def test_install_step_uses_the_lock_only() -> None:
    script = _step("Install devops-lint")["run"]
    assert "--require-hashes" in script and "requirements/action.lock" in script
    assert "--only-binary=:all:" in script
    package = next(line for line in script.splitlines() if '"$ACTION_PATH"' in line)
    assert "--no-deps" in script.split("pip=(", 1)[1].split(")", 1)[0]
    assert "--no-build-isolation" in package and "--no-index" in package


def test_install_step_installs_from_the_lock(tmp_path: Path) -> None:
    """The install step, run for real: wheels by hash from PyPI, then the package."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is needed to run the action's steps")
    output = tmp_path / "output.txt"
    output.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "ACTION_PATH": str(ROOT),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
        "PIP_CONFIG_FILE": os.devnull,  # PyPI only, as on a runner
        "PIP_FIND_LINKS": "",
    }
    proc = subprocess.run(
        [
            bash,
            "--noprofile",
            "--norc",
            "-eo",
            "pipefail",
            "-c",
            _step("Install devops-lint")["run"],
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    installed = output.read_text(encoding="utf-8").split("bin=", 1)[1].strip()
    version = subprocess.run(
        [installed, "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert "devops-lint" in version.stdout
    frozen = subprocess.run(
        [str(Path(installed).parent / "python"), "-m", "pip", "freeze", "--all"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    locked = _locked()
    for line in frozen.splitlines():
        if "==" not in line or line.startswith(("pip==", "devops-lint")):
            continue
        name, version_ = line.split("==", 1)
        assert version_ in [v for v, _, _ in locked.get(_normal(name), [])], line


# ----------------------------------------------------------------- the shell steps, run
@pytest.fixture
def runner(tmp_path: Path) -> Any:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is needed to run the action's steps")
    work = tmp_path / "work"
    (work / "k8s").mkdir(parents=True)
    (work / ".git").mkdir()  # a checkout: paths in reports are relative to it
    (work / "lint.yaml").write_text("select: [K8S-001]\n", encoding="utf-8")
    cmd = command()
    if len(cmd) > 1:  # no console script: wrap `python -m devops_lint`
        wrapper = tmp_path / "devops-lint"
        wrapper.write_text(f'#!/bin/sh\nexec {" ".join(cmd)} "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
        cmd = [str(wrapper)]

    def run(step: str, **inputs: str) -> tuple[int, dict[str, str], str]:
        output = tmp_path / "output.txt"
        output.write_text("", encoding="utf-8")
        env = {
            **os.environ,
            "NO_COLOR": "1",
            "GITHUB_OUTPUT": str(output),
            "RUNNER_TEMP": str(tmp_path),
            "DEVOPS_LINT": cmd[0],
            **inputs,
        }
        proc = subprocess.run(
            [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", _step(step)["run"]],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        outputs = dict(
            line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
        )
        return proc.returncode, outputs, proc.stdout + proc.stderr

    run.work = work  # type: ignore[attr-defined]
    return run


def _lint_inputs(**overrides: str) -> dict[str, str]:
    inputs = {
        "LINT_PATHS": "k8s",
        "LINT_FAIL_ON": "high",
        "LINT_CONFIG": "lint.yaml",
        "LINT_SARIF_FILE": "out.sarif",
        "LINT_UPLOAD": "true",
        "LINT_CATEGORY": "devops-lint",
    }
    inputs.update(overrides)
    return inputs


def test_run_step_writes_sarif_and_records_the_exit_code(runner: Any) -> None:
    (runner.work / "k8s" / "pod.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")
    code, outputs, log = runner("Run devops-lint", **_lint_inputs())
    assert code == 0, log  # the step itself never fails: the upload must still run
    assert outputs == {"exit-code": "1", "sarif-file": "out.sarif", "written": "true"}
    sarif = json.loads((runner.work / "out.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["automationDetails"]["id"] == "devops-lint/"
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["K8S-001"]
    assert "::error" not in log  # annotations only when not uploading

    code, _, _ = runner("Apply fail-on", CODE="1", LINT_FAIL_ON="high")
    assert code == 1


def test_run_step_annotates_without_upload(runner: Any) -> None:
    (runner.work / "k8s" / "pod.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")
    code, _, log = runner("Run devops-lint", **_lint_inputs(LINT_UPLOAD="false"))
    assert code == 0, log
    assert "::error file=k8s/pod.yaml,line=10," in log


def test_fail_on_none_and_several_paths(runner: Any) -> None:
    (runner.work / "k8s" / "pod.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")
    (runner.work / "more").mkdir()
    (runner.work / "more" / "pod.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")
    inputs = _lint_inputs(LINT_PATHS="k8s\n  more/pod.yaml ", LINT_FAIL_ON="none")
    code, outputs, log = runner("Run devops-lint", **inputs)
    assert code == 0, log
    assert outputs["exit-code"] == "0"
    sarif = json.loads((runner.work / "out.sarif").read_text(encoding="utf-8"))
    uris = sorted(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    )
    assert uris == ["k8s/pod.yaml", "more/pod.yaml"]
    code, _, _ = runner("Apply fail-on", CODE="0", LINT_FAIL_ON="none")
    assert code == 0


def test_configuration_error_fails_the_job(runner: Any) -> None:
    (runner.work / "k8s" / "pod.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")
    code, outputs, log = runner("Run devops-lint", **_lint_inputs(LINT_CONFIG="missing.yaml"))
    assert code == 0, log
    assert outputs["exit-code"] == "2" and outputs["written"] == "false"
    code, _, log = runner("Apply fail-on", CODE="2", LINT_FAIL_ON="high")
    assert code == 2 and "could not run" in log


def test_inputs_are_data_not_code(runner: Any) -> None:
    (runner.work / "k8s" / "pod.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")
    marker = runner.work / "pwned"
    inputs = _lint_inputs(LINT_PATHS=f"k8s $(touch {marker})", LINT_CATEGORY=f"x`touch {marker}`")
    runner("Run devops-lint", **inputs)
    assert not marker.exists()


def _git(work: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@example.com"}
    env |= {"GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@example.com"}
    subprocess.run(["git", *args], cwd=work, env=env, check=True, capture_output=True)


def test_new_only_reports_what_the_pull_request_adds(runner: Any) -> None:
    work = runner.work
    shutil.rmtree(work / ".git")
    (work / "k8s" / "pod.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")
    _git(work, "init", "-q", "-b", "main")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "base")
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True, check=True
    ).stdout.strip()
    (work / "k8s" / "new.yaml").write_text(
        PRIVILEGED_POD.replace("name: debug", "name: added"), encoding="utf-8"
    )
    inputs = _lint_inputs(LINT_NEW_ONLY="true", LINT_BASE_SHA=base)
    code, outputs, log = runner("Run devops-lint", **inputs)
    assert code == 0, log
    assert outputs["exit-code"] == "1"
    sarif = json.loads((work / "out.sarif").read_text(encoding="utf-8"))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {"k8s/new.yaml"}
    # A push (no base) is scanned in full.
    code, _, log = runner("Run devops-lint", **_lint_inputs(LINT_NEW_ONLY="true"))
    sarif = json.loads((work / "out.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == 2, log


def test_baseline_input_hides_recorded_findings(runner: Any) -> None:
    work = runner.work
    (work / "k8s" / "pod.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")
    cmd = command()
    subprocess.run(
        [*cmd, "--config", "lint.yaml", "--write-baseline", "baseline.json", "k8s"],
        cwd=work,
        capture_output=True,
        check=True,
    )
    code, outputs, log = runner("Run devops-lint", **_lint_inputs(LINT_BASELINE="baseline.json"))
    assert code == 0, log
    assert outputs["exit-code"] == "0"
