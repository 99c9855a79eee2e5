"""The few git facts baselines and new-only runs need, asked of the ``git`` command.

git runs only when the user asks for a comparison (``--baseline``, ``--new-from-rev``,
``--new-from-merge-base``), with fixed arguments, never a shell, and with the repository's
own hooks, fsmonitor and external diff drivers switched off: a scanned repository cannot make
these commands run its code.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# Settings a repository's own .git/config could use to run a program.
_SAFE = [
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "diff.external=",
    "-c",
    "core.pager=cat",
]
_TIMEOUT = 120


class GitError(Exception):
    """git is missing, the folder is no repository, or a revision does not exist."""


def git(cwd: Path, *args: str, binary: bool = False) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_TERMINAL_PROMPT"] = "0"
    try:
        proc = subprocess.run(
            ["git", *_SAFE, *args],
            cwd=cwd,
            capture_output=True,
            timeout=_TIMEOUT,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {_TIMEOUT} s") from None
    if proc.returncode != 0:
        why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(why[-1] if why else f"git {args[0]} failed")
    return proc.stdout.decode("utf-8", "surrogateescape")


def toplevel(path: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    try:
        return Path(git(folder, "rev-parse", "--show-toplevel").strip())
    except GitError:
        raise GitError(f"{path} is not inside a git repository") from None


def commit_of(top: Path, rev: str) -> str:
    if rev.startswith("-"):
        raise GitError(f"{rev!r} is not a revision")
    try:
        return git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except GitError:
        raise GitError(f"unknown revision {rev!r}") from None


def tree_of(top: Path, commit: str) -> str:
    return git(top, "rev-parse", f"{commit}^{{tree}}").strip()


def merge_base(top: Path, branch: str) -> str:
    commit = commit_of(top, branch)
    return git(top, "merge-base", commit, "HEAD").strip()


def head(top: Path) -> str | None:
    try:
        return commit_of(top, "HEAD")
    except GitError:
        return None  # a repository without commits yet


def renames_since(top: Path, commit: str) -> dict[str, str]:
    """Old path -> new path (relative to ``top``) of files renamed since ``commit``, as git
    detects them between that commit and the working tree (staged or not)."""
    out = git(top, "diff", "--no-ext-diff", "--name-status", "-M", "-z", commit, "--")
    fields = out.split("\0")
    renames: dict[str, str] = {}
    i = 0
    while i < len(fields):
        status = fields[i]
        if status.startswith("R") and i + 2 < len(fields):
            renames[fields[i + 1]] = fields[i + 2]
            i += 3
        elif status.startswith("C") and i + 2 < len(fields):
            i += 3
        else:
            i += 2
    return renames
