"""Paths as code hosts expect them: relative to the repository checkout, links resolved.

GitHub resolves a relative SARIF ``artifactLocation.uri`` and an annotation's ``file=`` against
the root of the repository, and ignores ``originalUriBaseIds``. Findings carry paths relative to
the scan root, which is a subfolder when the linter is run on one (``devops-lint infra/``), so
reporters re-base them on the enclosing repository. Outside a repository the scan root stays the
base. Absolute paths never appear in a report.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath


def source_root(scan_root: Path) -> Path:
    """The repository checkout that holds ``scan_root`` (nearest ``.git``), else the scan root."""
    real = scan_root.resolve()
    for candidate in (real, *real.parents):
        if (candidate / ".git").exists():
            return candidate
    return real


class PathMapper:
    """Maps finding paths (relative to the scan root) to paths relative to a source root."""

    def __init__(self, scan_root: Path, base: Path | None = None) -> None:
        self.scan_root = scan_root.resolve()
        self.base = (base if base is not None else source_root(scan_root)).resolve()
        self._cache: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        cached = self._cache.get(path)
        if cached is None:
            cached = self._cache[path] = self._map(path)
        return cached

    def _map(self, path: str) -> str:
        clean = str(PurePosixPath(path)) if path else "."
        try:
            real = (self.scan_root / clean).resolve()  # a link names its target's file
            rel = real.relative_to(self.base).as_posix()
        except (OSError, RuntimeError, ValueError):
            rel = _lexical(self.scan_root / clean, self.base)
        if rel.startswith("../") or rel == ".." or os.path.isabs(rel):
            return clean.lstrip("/")  # outside the base: the scan-root path is all we can say
        return rel


def _lexical(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # different drives on Windows
        return path.name
