"""The repository a scanned workflow belongs to, whatever folder was scanned and wherever
the linter runs.

GitHub reads workflows at ``<repository>/.github/workflows/``, resolves ``uses: ./…``
against the repository root and reads ``.github/dependabot.yml`` there. The root of a
scanned workflow or action is:

- the parent of the ``.github`` folder on its path, when that folder is inside the scan;
- else, when the scan itself is ``.github/`` or a folder inside it, the git root: the
  nearest ancestor of the scan root that holds ``.git``;
- else the scan root.

Files are read only inside that root: a path that leaves it (``..``, a symlink pointing
out of it, a special file) is never opened.
"""

from __future__ import annotations

import functools
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import safeio

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project

MAX_CONFIG_BYTES = 1_000_000  # an update-tool config is a few kilobytes


@dataclass(frozen=True)
class RepositoryView:
    """Where a document's repository is, and the run's files seen from it."""

    root: Path  # absolute
    doc_path: str  # the document's path relative to ``root``
    moved: bool  # ``root`` differs from the scan root
    paths: frozenset[str]  # discovered files inside ``root``, relative to it


@functools.lru_cache(maxsize=64)
def git_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder or a worktree file)."""
    for folder in (start, *start.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return None


def _absolute(path: Path) -> Path:
    return Path(os.path.normpath(path.absolute()))


def _inside_github(folder: Path) -> bool:
    return ".github" in folder.parts


def repository_of(project: Project, doc_path: str) -> tuple[Path, str]:
    """(absolute repository root, ``doc_path`` relative to it) for a file of the run."""
    scan_root = _absolute(project.root)
    parts = doc_path.split("/")
    if ".github" in parts[:-1]:
        i = len(parts) - 2 - parts[-2::-1].index(".github")
        root = _absolute(scan_root.joinpath(*parts[:i])) if i else scan_root
        return root, "/".join(parts[i:])
    if _inside_github(scan_root):
        found = git_root(scan_root)
        if found is not None:
            where = _absolute(scan_root / doc_path)
            return found, Path(os.path.relpath(where, found)).as_posix()
    return scan_root, doc_path


def repository_view(ctx: Context, doc_path: str) -> RepositoryView:
    project = ctx.project
    root, in_repo = repository_of(project, doc_path)
    scan_root = _absolute(project.root)
    # The file set depends on the root only: built once per root and run (a run of many
    # workflows in one repository otherwise re-derives it per workflow, each file's
    # relative path included).
    paths = ctx.memo(f"github.repository_paths:{root}", lambda: _paths_in(project, scan_root, root))
    return RepositoryView(root, in_repo, root != scan_root, paths)


def _paths_in(project: Project, scan_root: Path, root: Path) -> frozenset[str]:
    """The run's discovered files inside ``root``, relative to it."""
    if root == scan_root:
        return frozenset(f.path for f in project.files)
    paths: set[str] = set()
    for f in project.files:
        rel = posixpath.normpath(os.path.relpath(_absolute(scan_root / f.path), root))
        if not (rel == ".." or rel.startswith("../")):
            paths.add(Path(rel).as_posix())
    return frozenset(paths)


def read_in_repository(root: Path, rel: str) -> str | None:
    """The text of ``root/rel`` when it is a regular file inside ``root``, else None."""
    if rel.startswith("/") or rel == ".." or rel.startswith("../"):
        return None
    try:
        base = root.resolve(strict=True)
        real = (root / rel).resolve(strict=True)
        if not real.is_relative_to(base) or not real.is_file():
            return None
        if real.stat().st_size > MAX_CONFIG_BYTES:
            return None
        return safeio.read_text(real, MAX_CONFIG_BYTES, errors="replace")
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop
        return None


def workflow_repositories(project: Project) -> list[Path]:
    """The repository roots of the run's workflows and actions, in path order."""
    out: list[Path] = []
    for doc in sorted(project.of_format("workflow", "action"), key=lambda d: d.path):
        root, _ = repository_of(project, doc.path)
        if root not in out:
            out.append(root)
    return out
