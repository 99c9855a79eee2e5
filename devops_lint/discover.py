"""Finding the files of a run: folders walked, excludes applied, links kept inside the root."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .classify import file_kind

ALWAYS_SKIPPED = frozenset({".git", "node_modules", ".terraform", ".hg", ".svn", "__pycache__"})


@dataclass(frozen=True)
class Found:
    path: str  # relative to the root, forward slashes
    abspath: Path


@dataclass(frozen=True)
class Unreadable:
    path: str
    reason: str


def _excluded(rel: str, patterns: Iterable[str]) -> bool:
    parts = rel.split("/")
    for pat in patterns:
        pat = pat.rstrip("/")
        if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(rel, pat + "/*"):
            return True
        if "/" not in pat and any(fnmatch.fnmatch(p, pat) for p in parts):
            return True
    return False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _lexical_target(link: Path) -> Path:
    """Where a (possibly dangling) link points, without following further links."""
    try:
        target = Path(os.readlink(link))
    except OSError:
        return link
    return Path(os.path.normpath(link.parent.resolve() / target))


def rel_to(root: Path, path: Path) -> str:
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(os.path.relpath(path, root))
    return rel.as_posix()


def discover(
    root: Path, paths: Iterable[Path], excludes: Iterable[str] = ()
) -> Iterator[Found | Unreadable]:
    """Each file below ``paths`` once, in path order; symlinks never lead out of ``root``."""
    real_root = root.resolve()
    excludes = list(excludes)
    seen: set[Path] = set()

    def emit(p: Path) -> Iterator[Found | Unreadable]:
        rel = rel_to(root, p.absolute())
        if _excluded(rel, excludes):
            return
        try:
            real = p.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            if p.is_symlink() and (
                not _inside(_lexical_target(p), real_root) or file_kind(rel) == "other"
            ):
                # A dangling link out of the tree (`-> /usr/share/…`), or to something no
                # format reads (`static/d3 -> ../javascript/d3`): there is nothing to check.
                return
            yield Unreadable(rel, f"cannot resolve path: {exc}")
            return
        if p.is_symlink() and not _inside(real, real_root):
            return  # a link out of the scanned tree is not ours to read
        if real in seen:
            return
        seen.add(real)
        yield Found(rel, p)

    for start in paths:
        if start.is_file() or (start.is_symlink() and not start.is_dir()):
            yield from emit(start)
            continue
        for dirpath, dirnames, filenames in os.walk(start, onerror=None, followlinks=False):
            here = Path(dirpath)
            kept = []
            for d in sorted(dirnames):
                if d in ALWAYS_SKIPPED:
                    continue
                sub = here / d
                if _excluded(rel_to(root, sub.absolute()), excludes):
                    continue
                if sub.is_symlink():
                    try:
                        target = sub.resolve(strict=True)
                    except (OSError, RuntimeError):
                        continue
                    if not _inside(target, real_root):
                        continue
                    # Walk a link inside the root only when its target is not walked anyway.
                    if _inside(target, start.resolve()):
                        continue
                    yield from discover(root, [sub], excludes)
                    continue
                kept.append(d)
            dirnames[:] = kept
            for name in sorted(filenames):
                yield from emit(here / name)
