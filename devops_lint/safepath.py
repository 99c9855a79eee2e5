"""Paths a scanned repository names: found from the repository root and kept inside it.

The scanned tree is untrusted (``docs/security.md``): its configuration may name files to
read (rule folders, Helm values files, a metrics metadata file), and any of those may be a
symlink. Each is resolved, symlinks included, and must stay inside the repository root, so a
repository cannot make the linter read ``~/.aws/credentials`` or a rule folder elsewhere on
the machine and echo what it found into a report.
"""

from __future__ import annotations

import os
from pathlib import Path


class OutsideRoot(ValueError):
    """A path that resolves outside the repository root (or cannot be resolved)."""


def repository_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``.git``; else ``start`` itself.

    ``start`` may be a file: its folder is where the search begins.
    """
    here = start.absolute()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return here


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path`` resolves (after every symlink) to ``root`` or below it."""
    try:
        real = path.resolve(strict=False)
        base = root.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop cannot be inside anything
        return False
    return real == base or base in real.parents


def resolve_inside(name: str, base: Path, root: Path) -> Path:
    """``name`` (relative to ``base``) as an absolute path, if it stays inside ``root``.

    The returned path is not resolved, so messages keep the name the configuration used,
    but every symlink along it has been followed to check where it leads.
    """
    candidate = Path(name)
    if not candidate.is_absolute():
        candidate = base.absolute() / candidate
    if not is_inside(candidate, root):
        raise OutsideRoot(f"{name!r} resolves outside the repository root {root}")
    return candidate
