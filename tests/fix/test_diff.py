"""``--diff``: prints a patch that ``git apply`` accepts and that gives the fixed tree."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.fix.support import Case, cases, copy, lint, tree

CASES = cases()
GIT = shutil.which("git")


def _git(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=stdin.encode() if stdin is not None else None,
        capture_output=True,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )


def _diff(case: Case, root: Path) -> tuple[int, str]:
    args = ["--diff", "--select", ",".join(case.select), "-q"]
    if case.unsafe:
        args.append("--unsafe-fixes")
    code, out, _ = lint(root, *args)
    return code, out


@pytest.mark.skipif(GIT is None, reason="needs git")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_diff_applies_with_git_apply(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    copy(case.before, repo / "src")
    assert _git(repo, "init", "-q").returncode == 0
    monkeypatch.chdir(repo)
    code, patch = _diff(case, Path("src"))
    assert code == 1 and patch.startswith("diff --git a/src/")
    assert tree(repo / "src") == tree(case.before), "--diff writes nothing"
    checked = _git(repo, "apply", "--check", "-", stdin=patch)
    assert checked.returncode == 0, checked.stderr
    assert _git(repo, "apply", "-", stdin=patch).returncode == 0
    assert tree(repo / "src") == tree(case.after)


def test_diff_of_a_clean_tree_is_empty(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "tf-kms")
    work = copy(case.after, tmp_path / "work")
    code, patch = _diff(case, work)
    assert (code, patch) == (0, "")


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_diff_keeps_crlf_and_a_missing_final_newline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "tf").mkdir(parents=True)
    text = 'resource "aws_kms_key" "k" {\r\n  description = "k"\r\n}'
    (repo / "tf" / "kms.tf").write_bytes(text.encode())
    assert _git(repo, "init", "-q").returncode == 0
    monkeypatch.chdir(repo)
    code, out, _ = lint(Path("tf"), "--diff", "--select", "TF-AWS-024", "-q")
    assert code == 1
    assert _git(repo, "apply", "-", stdin=out).returncode == 0
    assert (repo / "tf" / "kms.tf").read_bytes() == (
        b'resource "aws_kms_key" "k" {\r\n  description = "k"\r\n'
        b"\r\n  enable_key_rotation = true\r\n}"
    )
