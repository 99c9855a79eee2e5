"""The rule scaffold (tools/new_rule.py) proves "add a rule in three files" end to end.

Every run happens in a temporary copy of the parts of the project a rule touches (package,
rules, schemas, the fixture and docs tests), never in the checkout: the scaffolded rule
names a control outside the catalog and must not leak into the real tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.new_rule import FAIL_NAME, ScaffoldError, plan

ROOT = Path(__file__).resolve().parents[2]
COPIED_FILES = (
    "pyproject.toml",
    "README.md",
    "tools/__init__.py",
    "tools/gen_docs.py",
    "tools/new_rule.py",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/fixture_support.py",
    "tests/test_fixtures.py",
    "tests/test_docs.py",
)
COPIED_DIRS = ("devops_lint", "rules", "schemas")


def _project_copy(dest: Path) -> Path:
    for name in COPIED_DIRS:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("_rules*"))
    for name in COPIED_FILES:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    (dest / "fixtures").mkdir()
    return dest


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The copy comes first on the path, so `devops_lint` and its rules/ are the copy's.
    env = {**os.environ, "PYTHONPATH": str(root), "DEVOPS_LINT_CACHE_DIR": str(root / ".cache")}
    return subprocess.run(
        [sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _project_copy(tmp_path)


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for top in ("rules", "fixtures", "devops_lint")
        for p in (root / top).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_check_rule_scaffold_creates_three_pieces_and_its_fixture_test_passes(
    project: Path,
) -> None:
    before = _snapshot(project)
    done = _run(project, "-m", "tools.new_rule", "K8S-099.example")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    after = _snapshot(project)
    changed = sorted(k for k in after if before.get(k) != after[k])
    assert changed == [
        "devops_lint/kubernetes/checks_workloads.py",
        "fixtures/kubernetes/K8S-099.example/fail.yaml",
        "fixtures/kubernetes/K8S-099.example/pass.yaml",
        "rules/kubernetes/K8S-099.example.yaml",
    ]
    # The check module only grew: the stub is appended, nothing existing is rewritten.
    module = "devops_lint/kubernetes/checks_workloads.py"
    assert after[module].startswith(before[module].rstrip("\n"))
    assert (
        '@check("K8S-099.example", target="kubernetes.container")\n'
        "def example(target: Target, rule: Rule, ctx: Context)"
    ) in after[module]
    rule = after["rules/kubernetes/K8S-099.example.yaml"]
    assert "check:" not in rule  # bound to its check by its ID
    fail = after["fixtures/kubernetes/K8S-099.example/fail.yaml"]
    assert f"- name: {FAIL_NAME}  # expect: K8S-099.example" in fail
    assert "expect:" not in after["fixtures/kubernetes/K8S-099.example/pass.yaml"]
    # The README's generated table lists controls, not rules: regenerating it after adding a
    # rule changes nothing, so adding a rule is the three pieces above.
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert _run(project, "tools/gen_docs.py").returncode == 0
    assert (project / "README.md").read_text(encoding="utf-8") == readme


@pytest.mark.parametrize("module", ["checks_support", "checks_brand_new"])
def test_stub_in_a_module_lacking_its_imports_is_lint_and_type_clean(
    project: Path, module: str
) -> None:
    """checks_support imports none of Iterator/Rule at run time; checks_brand_new is new."""
    done = _run(project, "-m", "tools.new_rule", "K8S-097.stub", "--module", module)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    path = f"devops_lint/kubernetes/{module}.py"
    for tool in (["ruff", "check", path], ["ruff", "format", "--check", path], ["mypy", path]):
        checked = _run(project, "-m", *tool)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_scaffolded_docs_are_rejected_until_written(project: Path) -> None:
    rule = project / "rules/kubernetes/K8S-099.example.yaml"
    assert _run(project, "-m", "tools.new_rule", "K8S-099.example", "--no-test").returncode == 0
    docs = "tests/test_docs.py::test_rule_docs_are_complete[K8S-099.example]"
    rejected = _run(project, "-m", "pytest", docs, "-q", "-p", "no:randomly")
    assert rejected.returncode == 1, rejected.stdout + rejected.stderr
    assert "why: say what the risk is" in rejected.stdout
    text = rule.read_text(encoding="utf-8")
    text = text.replace('"TODO: the risk."', '"Eight words or more say what the risk is."')
    text = text.replace('"TODO: the fix."', '"Rename the container to something else."')
    text = text.replace("references: []", 'references: ["CIS-K8S 5.0"]')
    rule.write_text(text, encoding="utf-8")
    accepted = _run(project, "-m", "pytest", docs, "-q", "-p", "no:randomly")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_schema_rule_scaffold_is_data_only(project: Path) -> None:
    before = _snapshot(project)
    done = _run(project, "-m", "tools.new_rule", "GHA-099.data-only", "--schema")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    after = _snapshot(project)
    changed = sorted(k for k in after if before.get(k) != after[k])
    assert changed == [
        "fixtures/github/GHA-099.data-only/.github/workflows/fail.yml",
        "fixtures/github/GHA-099.data-only/.github/workflows/pass.yml",
        "rules/github/GHA-099.data-only.yaml",
    ]
    assert "require:" in after["rules/github/GHA-099.data-only.yaml"]
    assert "check:" not in after["rules/github/GHA-099.data-only.yaml"]


def test_a_broken_check_fails_the_scaffolded_fixture_test(project: Path) -> None:
    """The fixture test the scaffold runs can fail: a check that finds nothing is caught."""
    done = _run(project, "-m", "tools.new_rule", "K8S-098.silent", "--no-test")
    assert done.returncode == 0, done.stdout + done.stderr
    module = project / "devops_lint/kubernetes/checks_workloads.py"
    text = module.read_text(encoding="utf-8")
    head, _, stub = text.rpartition("def silent(")
    module.write_text(head + "def silent(" + stub.replace(FAIL_NAME, "never-matches"))
    node = "tests/test_fixtures.py::test_fixture_folder[kubernetes/K8S-098.silent]"
    failed = _run(project, "-m", "pytest", node, "-q", "-p", "no:randomly")
    assert failed.returncode == 1
    assert "missing (expected, not reported)" in failed.stdout


def test_refusals(project: Path) -> None:
    with pytest.raises(ScaffoldError, match="not a rule ID"):
        plan("k8s-99", schema=False, module=None)
    with pytest.raises(ScaffoldError, match="no scaffold for TF rules"):
        plan("TF-GEN-099.x", schema=False, module=None)
    with pytest.raises(ScaffoldError, match="checks_<concern>"):
        plan("K8S-099.x", schema=False, module="../../evil")
    assert _run(project, "-m", "tools.new_rule", "K8S-099.example", "--no-test").returncode == 0
    again = _run(project, "-m", "tools.new_rule", "K8S-099.example")
    assert again.returncode == 2 and "exists already" in again.stderr
