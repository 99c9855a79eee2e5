"""The pre-commit hooks, through the real pre-commit client.

A snapshot of this checkout (uncommitted files included) is committed in a repository of its
own, which a project's ``.pre-commit-config.yaml`` names with ``rev:`` as users do. pre-commit
clones it and installs the hook's package into a virtualenv of its own (dependencies from PyPI;
nothing from GitHub) once per session (``pre-commit install-hooks`` into a shared
``PRE_COMMIT_HOME``); every test then runs ``pre-commit run`` against that environment.
(``pre-commit try-repo`` would install a fresh environment for every call.)
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixture_support import ROOT

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed"
)

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
SKIP_DIRS = {".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".venv"}


def _git_env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(home),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "NO_COLOR": "1",
    }


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _project_files(env: dict[str, str]) -> list[Path]:
    if (ROOT / ".git").exists():
        out = _git(
            "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT, env=env
        )
        return [ROOT / p for p in out.split("\0") if p and (ROOT / p).is_file()]
    files = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        files += [Path(dirpath, f) for f in filenames]
    return files


def _snapshot(dest: Path, env: dict[str, str]) -> Path:
    """This checkout as committed in a fresh repository (what `rev:` would name)."""
    for src in _project_files(env):
        rel = src.relative_to(ROOT)
        if rel.parts[0] in SKIP_DIRS or rel.parts[0] in ("fixtures", "bench"):
            continue  # not needed to build the package; keeps the copy small
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target, follow_symlinks=False)
    _git("init", "-q", cwd=dest, env=env)
    _git("add", "-A", cwd=dest, env=env)
    _git("commit", "-q", "-m", "snapshot", cwd=dest, env=env)
    return dest


SAFE = PRIVILEGED.replace("privileged: true", "privileged: false")
CHART = {
    "chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
    "chart/values.yaml": "image: busybox\n",
    "chart/templates/_helpers.tpl": (
        '{{- define "shop.securityContext" -}}\nprivileged: false\n{{- end }}\n'
    ),
    "chart/templates/pod.yaml": (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n"
        "    - name: app\n      image: {{ .Values.image }}\n      securityContext:\n"
        '        {{- include "shop.securityContext" . | nindent 8 }}\n'
    ),
}


@dataclass
class Hooks:
    snapshot: Path
    rev: str
    env: dict[str, str]
    base: Path

    def project(self, name: str, files: dict[str, str]) -> Path:
        """A git repository using the hooks, holding ``files`` (staged)."""
        work = self.base / name
        work.mkdir()
        config = (
            f"repos:\n  - repo: {self.snapshot.as_posix()}\n    rev: {self.rev}\n    hooks:\n"
            "      - id: devops-lint\n      - id: devops-lint-sarif\n"
        )
        for rel, text in {".pre-commit-config.yaml": config, **files}.items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (work / rel).write_text(text, encoding="utf-8")
        _git("init", "-q", cwd=work, env=self.env)
        _git("add", "-A", cwd=work, env=self.env)
        return work

    def run(self, work: Path, *args: str) -> tuple[int, str]:
        proc = subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--verbose", "--color", "never", *args],
            cwd=work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Hooks:
    """The hook environment, installed once for every test of the session."""
    if shutil.which("git") is None:
        pytest.fail("git is needed by pre-commit")
    base = tmp_path_factory.mktemp("precommit")
    env = _git_env(base / "pre-commit-home")
    snapshot = _snapshot(base / "devops-lint", env)
    rev = _git("rev-parse", "HEAD", cwd=snapshot, env=env).strip()
    found = Hooks(snapshot, rev, env, base)
    warm = found.project("warm-up", {"README.md": "x\n"})
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install-hooks"],
        cwd=warm,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return found


@pytest.fixture(scope="session")
def shop(hooks: Hooks) -> Path:
    return hooks.project(
        "shop",
        {
            ".devops-lint.yaml": "select: [K8S-001]\nexclude: [/testdata/]\n",
            "k8s/fail.yaml": PRIVILEGED,
            "k8s/pass.yaml": SAFE,
            "testdata/fail.yaml": PRIVILEGED,
            "README.md": "not linted\n",
            **CHART,
        },
    )


def test_failing_and_passing_files(hooks: Hooks, shop: Path) -> None:
    code, out = hooks.run(shop, "devops-lint", "--files", "k8s/fail.yaml", "README.md")
    assert code == 1, out
    assert "devops-lint" in out and "Failed" in out
    assert "k8s/fail.yaml:11:21: critical K8S-001 container 'app' runs privileged" in out

    # The passing file shares a folder with the failing one, which is linted beside it
    # but not reported.
    code, out = hooks.run(shop, "devops-lint", "--files", "k8s/pass.yaml")
    assert code == 0, out
    assert "Passed" in out
    assert "K8S-001" not in out


def test_one_summary_per_run(hooks: Hooks, shop: Path) -> None:
    code, out = hooks.run(shop, "devops-lint", "--all-files")
    assert code == 1, out
    summaries = [line for line in out.splitlines() if re.search(r"findings? .*in \d+ files?", line)]
    assert len(summaries) == 1, out


def test_excluded_and_ignored_files_are_not_linted_by_the_hook(hooks: Hooks, shop: Path) -> None:
    # The configuration excludes testdata/: a staged file there is skipped (--force-exclude).
    code, out = hooks.run(shop, "devops-lint", "--files", "testdata/fail.yaml")
    assert code == 0, out
    assert "K8S-001" not in out


def test_helm_partials_are_linted_with_their_chart(hooks: Hooks, shop: Path) -> None:
    helpers = shop / "chart" / "templates" / "_helpers.tpl"
    safe = helpers.read_text(encoding="utf-8")
    helpers.write_text(safe.replace("privileged: false", "privileged: true"), encoding="utf-8")
    try:
        code, out = hooks.run(shop, "devops-lint", "--files", "chart/templates/_helpers.tpl")
    finally:
        helpers.write_text(safe, encoding="utf-8")
    assert code == 1, out
    assert "chart/templates/pod.yaml:10:9: critical K8S-001" in out


def test_sarif_hook_exits_like_the_text_hook(hooks: Hooks, shop: Path) -> None:
    code, out = hooks.run(shop, "devops-lint-sarif", "--hook-stage", "manual")
    assert code == 1 and "Failed" in out, out
    log = json.loads((shop / "devops-lint.sarif").read_text(encoding="utf-8"))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"k8s/fail.yaml"}

    # A virtualenv and installed packages in the working tree are not the project's code:
    # the whole-repository hook skips them as the staged-files hook never sees them.
    clean = hooks.project(
        "clean",
        {
            ".devops-lint.yaml": "select: [K8S-001]\n",
            ".gitignore": ".venv/\nnode_modules/\n",
            "k8s/pass.yaml": SAFE,
            ".venv/lib/python3/site-packages/pkg/pod.yaml": PRIVILEGED,
            "node_modules/chart/pod.yaml": PRIVILEGED,
        },
    )
    code, out = hooks.run(clean, "devops-lint-sarif", "--hook-stage", "manual")
    assert code == 0 and "Passed" in out, out
    assert json.loads((clean / "devops-lint.sarif").read_text(encoding="utf-8"))["runs"]
