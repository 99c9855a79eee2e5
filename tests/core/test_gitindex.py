"""Tracked paths read from .git/index match `git ls-files`; tracked files are never ignored."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from devops_lint.discover import Found, discover
from devops_lint.gitindex import parse_index, tracked

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")

ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True, text=True
    ).stdout


def make(root: Path, *rels: str) -> None:
    for rel in rels:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x: 1\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("build/\n*.gen.yaml\n")
    make(
        tmp_path,
        "a.yaml",
        "deep/er/b.yaml",
        "build/kept.yaml",
        "build/scratch.yaml",
        "x.gen.yaml",
        "y.gen.yaml",
        "naïve name.yaml",
        "k" * 200 + "/" + "k" * 200 + ".yaml",  # padding and v4 prefix compression
    )
    git(tmp_path, "add", ".")
    git(tmp_path, "add", "-f", "build/kept.yaml", "x.gen.yaml")  # committed despite .gitignore
    return tmp_path


@pytest.mark.parametrize("version", ["2", "3", "4"])
def test_index_paths_match_git(repo: Path, version: str) -> None:
    git(repo, "update-index", "--index-version", version)
    git(repo, "update-index", "--assume-unchanged", "a.yaml")  # an extended-flags entry (v3+)
    expected = set(git(repo, "-c", "core.quotepath=false", "ls-files", "-z").split("\0")) - {""}
    found = tracked(repo)
    assert found is not None and set(found.files) == expected
    assert found.holds("deep/er", is_dir=True) and found.holds("deep", is_dir=True)
    assert not found.holds("deep/er/b", is_dir=True)


def test_tracked_files_are_never_ignored(repo: Path) -> None:
    found = sorted(f.path for f in discover(repo, [repo]) if isinstance(f, Found))
    # build/ is ignored, but git tracks build/kept.yaml and x.gen.yaml: they are linted;
    # the untracked build/scratch.yaml and y.gen.yaml are not.
    assert "build/kept.yaml" in found and "x.gen.yaml" in found
    assert "build/scratch.yaml" not in found and "y.gen.yaml" not in found


def test_sha256_repository(tmp_path: Path) -> None:
    try:
        git(tmp_path, "init", "-q", "--object-format=sha256")
    except subprocess.CalledProcessError:
        pytest.skip("this git cannot create SHA-256 repositories")
    make(tmp_path, "a.yaml", "sub/b.yaml")
    git(tmp_path, "add", ".")
    found = tracked(tmp_path)
    assert found is not None and set(found.files) == {"a.yaml", "sub/b.yaml"}


def test_damaged_index_gives_what_it_can(repo: Path) -> None:
    data = (repo / ".git" / "index").read_bytes()
    complete = parse_index(data)
    for cut in range(0, len(data), 7):
        assert parse_index(data[:cut]) <= complete
    assert parse_index(b"DIRC" + (99).to_bytes(4, "big") + data[8:]) == frozenset()
    assert parse_index(b"garbage") == frozenset()


def test_linked_git_folder_is_not_read(tmp_path: Path, repo: Path) -> None:
    other = tmp_path.parent / (tmp_path.name + "-link")
    other.mkdir()
    (other / ".git").symlink_to(repo / ".git")
    assert tracked(other) is None
