"""The pre-commit hook, through the real pre-commit client.

``pre-commit try-repo`` clones a repository, installs the hook's package into a virtualenv of
its own (dependencies from PyPI; nothing from GitHub) and runs it on the given files. The
repository it clones is a snapshot of this checkout, uncommitted files included, so the test
checks the hook definition and package as they are on disk.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
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


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    if shutil.which("git") is None:
        pytest.fail("git is needed by pre-commit")
    base = tmp_path_factory.mktemp("precommit")
    env = _git_env(base / "pre-commit-home")
    snapshot = _snapshot(base / "devops-lint", env)
    work = base / "work"
    (work / "k8s").mkdir(parents=True)
    (work / ".devops-lint.yaml").write_text("select: [K8S-001]\n", encoding="utf-8")
    (work / "k8s" / "fail.yaml").write_text(PRIVILEGED, encoding="utf-8")
    safe = PRIVILEGED.replace("privileged: true", "privileged: false")
    (work / "k8s" / "pass.yaml").write_text(safe, encoding="utf-8")
    (work / "README.md").write_text("not linted\n", encoding="utf-8")
    _git("init", "-q", cwd=work, env=env)
    _git("add", "-A", cwd=work, env=env)
    return snapshot, work, env


def _try_repo(setup: tuple[Path, Path, dict[str, str]], *files: str) -> tuple[int, str]:
    snapshot, work, env = setup
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(snapshot),
            "devops-lint",
            "--verbose",
            "--files",
            *files,
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_failing_and_passing_files(setup: tuple[Path, Path, dict[str, str]]) -> None:
    code, out = _try_repo(setup, "k8s/fail.yaml", "README.md")
    assert code == 1, out
    assert "devops-lint" in out and "Failed" in out
    assert "k8s/fail.yaml:11:21: critical K8S-001 container 'app' runs privileged" in out

    # The passing file shares a folder with the failing one, which is linted beside it
    # but not reported.
    code, out = _try_repo(setup, "k8s/pass.yaml")
    assert code == 0, out
    assert "Passed" in out
    assert "K8S-001" not in out
