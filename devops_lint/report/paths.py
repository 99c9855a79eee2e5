"""One rule for the paths a report shows.

Findings carry paths relative to the scan root. Reports show them as people and tools expect:

- for people and scripts (text, JSON): relative to the current working directory when it
  contains the file, else absolute (``display_paths``) — `devops-lint infra/` prints
  ``infra/k8s/pod.yaml``, which an editor or a second command can open from where it ran;
- for code hosts (SARIF, GitHub annotations): relative to the repository checkout (the
  nearest folder holding ``.git``; outside a repository the working directory), links resolved
  (``PathMapper``). GitHub resolves a SARIF ``artifactLocation.uri`` and an annotation's
  ``file=`` against the repository root, whatever folder the linter ran in; SARIF also names
  that root as ``%SRCROOT%`` in ``originalUriBaseIds``. A file outside the base is given by its
  absolute path.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath


def git_root(path: Path) -> Path | None:
    """The repository checkout that holds ``path`` (nearest folder with ``.git``), if any."""
    real = path.resolve()
    for candidate in (real, *real.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def source_root(scan_root: Path) -> Path:
    """The base of code-host paths: the repository checkout, else the working directory."""
    return git_root(scan_root) or Path.cwd().resolve()


def _clean(path: str) -> str:
    return str(PurePosixPath(path)) if path else "."


def display_paths(scan_root: Path, cwd: Path | None = None) -> Callable[[str], str]:
    """Maps finding paths to what text and JSON reports show (see the module doc)."""
    root = scan_root.absolute()
    here = (cwd or Path.cwd()).absolute()
    cache: dict[str, str] = {}

    def show(path: str) -> str:
        shown = cache.get(path)
        if shown is None:
            full = Path(os.path.normpath(root / _clean(path)))
            try:
                shown = full.relative_to(here).as_posix()
            except ValueError:
                shown = full.as_posix()
            cache[path] = shown
        return shown

    return show


class PathMapper:
    """Maps finding paths (relative to the scan root) to paths relative to a source root."""

    def __init__(self, scan_root: Path, base: Path | None = None) -> None:
        self.scan_root = scan_root.resolve()
        self.base = (base if base is not None else source_root(scan_root)).resolve()
        self._cache: dict[tuple[str, bool], str] = {}

    def __call__(self, path: str, follow: bool = True) -> str:
        """The path relative to the base, or absolute (``/…``) when outside it.

        A link names its target's file, unless ``follow`` is false (a finding about the link).
        """
        key = (path, follow)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._map(path, follow)
        return cached

    def _map(self, path: str, follow: bool) -> str:
        clean = _clean(path)
        try:
            full = self.scan_root / clean
            real = full.resolve() if follow else full.parent.resolve() / full.name
            return real.relative_to(self.base).as_posix()
        except (OSError, RuntimeError, ValueError):
            pass
        lexical = Path(os.path.normpath(self.scan_root / clean))
        try:
            return lexical.relative_to(self.base).as_posix()
        except ValueError:
            return lexical.as_posix()
