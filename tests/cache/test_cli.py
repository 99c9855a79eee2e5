"""The command line: results are cached by default, ``--no-cache`` and the variable opt out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .support import ROOT


def _lint(repo: Path, cache: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEVOPS_LINT_")}
    return subprocess.run(
        [sys.executable, "-m", "devops_lint", ".", "--format", "sarif", *args],
        cwd=repo,
        env={**clean, "DEVOPS_LINT_CACHE_DIR": str(cache), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*.json") if "results-" in str(p))


def test_cached_by_default_and_opt_outs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", repo)
    cache = tmp_path / "cache"
    plain = _lint(repo, cache, "--no-cache")
    assert plain.returncode == 1, plain.stderr
    assert _entries(cache) == []
    off = _lint(repo, cache, DEVOPS_LINT_NO_CACHE="1")
    assert _entries(cache) == [] and off.stdout == plain.stdout
    cold = _lint(repo, cache)
    assert any("/runs/" in str(p) for p in _entries(cache))
    warm = _lint(repo, cache)
    assert (cold.returncode, cold.stdout) == (warm.returncode, plain.stdout)
    assert warm.stdout == plain.stdout


def test_a_cache_folder_inside_the_scanned_tree_is_not_used(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", repo)
    inside = repo / ".lint-cache"
    first = _lint(repo, inside)
    second = _lint(repo, inside)
    assert not list(inside.glob("results-*"))  # (parsed rules may be cached there)
    assert first.stdout == second.stdout
