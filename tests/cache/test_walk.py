"""``file_stats``: sorted, filtered, never entering linked folders, never failing."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

import pytest

from devops_lint.cache.walk import file_stats


def _names(found: Iterable[tuple[Path, os.stat_result]], folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p, _ in found]


def test_sorted_filtered_and_pruned(tmp_path: Path) -> None:
    for rel in ["b/2.json", "b/1.tmp", "a.json", "skip/x.json", "c.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    all_files = _names(file_stats(tmp_path), tmp_path)
    assert all_files == ["a.json", "c.txt", "b/1.tmp", "b/2.json", "skip/x.json"]
    found = file_stats(tmp_path, lambda n: n.endswith(".json"), skip_dirs=frozenset({"skip"}))
    kept = _names(found, tmp_path)
    assert kept == ["a.json", "b/2.json"]


def test_sizes_come_from_stat(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"12345")
    [(path, st)] = list(file_stats(tmp_path))
    assert path == tmp_path / "f" and st.st_size == 5


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_links(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"x" * 10)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "dir-link").symlink_to(outside, target_is_directory=True)
    (tree / "file-link").symlink_to(outside / "secret")
    (tree / "dangling").symlink_to(tmp_path / "nowhere")
    # A linked folder is never entered; a dangling link cannot be stat'ed through: skipped.
    assert _names(file_stats(tree), tree) == ["file-link"]
    [(_, followed)] = list(file_stats(tree))
    assert followed.st_size == 10
    own = {p.name: st for p, st in file_stats(tree, follow_file_links=False)}
    assert sorted(own) == ["dangling", "file-link"]
    assert stat.S_ISLNK(own["file-link"].st_mode)
