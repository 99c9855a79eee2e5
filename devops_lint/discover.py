"""Finding the files of a run: folders walked, ignores and excludes applied, links kept inside.

What a walk skips (see docs/ci-integration.md, "What is linted"):

- version-control internals (``.git``, ``.hg``, ``.svn``), always;
- unless ``--no-ignore``: what git ignores (untracked files matching the ``.gitignore`` files
  and ``.git/info/exclude`` of the working tree, gitignore semantics through ``pathspec``; what
  the index tracks is never ignored, see ``gitindex``), tool caches and installed
  dependencies (``DEFAULT_SKIPPED``, and any folder holding ``pyvenv.cfg``, a virtualenv
  whatever its name). ``vendor/`` is not skipped: vendored Terraform modules and Helm charts are
  deployed as they are, so their findings are real; exclude it in the config when it is not;
- the config's ``exclude`` patterns (gitignore semantics, relative to the scan root).

A path named on the command line is linted even when ignored or excluded, like ruff: a pattern
that matches a named folder (or a folder above it) does not apply inside it, and a named file is
read as named. Git itself is never run: its configuration in a scanned repository can name
programs to execute (``core.fsmonitor``), and the working tree is untrusted input.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import safeio
from .classify import file_kind
from .gitindex import Tracked, tracked

VCS_DIRS = frozenset({".git", ".hg", ".svn"})
# Caches and installed dependencies: never the repository's own infrastructure code.
DEFAULT_SKIPPED = frozenset(
    {
        "node_modules",
        ".terraform",
        ".terragrunt-cache",
        "__pycache__",
        ".venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".direnv",
    }
)
ALWAYS_SKIPPED = VCS_DIRS | DEFAULT_SKIPPED  # kept for callers of the former name
# An ignore file larger than this is not a hand-written one; it is read no further.
MAX_IGNORE_FILE = 1024 * 1024


@dataclass(frozen=True)
class Found:
    path: str  # relative to the root, forward slashes
    abspath: Path


@dataclass(frozen=True)
class Unreadable:
    path: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    """A symbolic link not followed (it leaves the root, or loops): reported at info."""

    path: str
    reason: str


Item = Found | Unreadable | Skipped


# ------------------------------------------------------------------------------- patterns
def _backend() -> str | None:
    """RE2 when installed: patterns come from the scanned tree and must not backtrack."""
    import importlib.util

    return "re2" if importlib.util.find_spec("re2") is not None else None


@functools.lru_cache(maxsize=256)
def _spec(lines: tuple[str, ...]) -> Any:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines, backend=_backend())


def _matched(lines: tuple[str, ...], rel: str) -> bool | None:
    """True (ignored), False (re-included by ``!…``) or None (no pattern matches ``rel``).

    ``rel`` is relative to the patterns' base; a folder ends with ``/``.
    """
    if not lines or not rel or rel.startswith("../"):
        return None
    include: bool | None = _spec(lines).check_file(rel).include
    return include


def _excluded(rel: str, patterns: Iterable[str]) -> bool:
    """``rel`` (relative to the patterns' base) matches gitignore-style ``patterns``."""
    return bool(_matched(tuple(patterns), rel))


@dataclass(frozen=True)
class Level:
    """Patterns that apply below ``base``: one ignore file, or the config's excludes."""

    base: Path  # absolute, lexical
    lines: tuple[str, ...]

    def check(self, path: Path, is_dir: bool) -> bool | None:
        rel = _rel(self.base, path)
        if rel is None:
            return None
        return _matched(self.lines, rel + "/" if is_dir else rel)

    def without_matching(self, named: Path) -> Level:
        """These patterns less those matching ``named`` or a folder between it and the base.

        The user named that path, so what excludes it (or its parents) does not apply inside.
        """
        rel = _rel(self.base, named)
        if not rel:
            return self
        parts = rel.split("/")
        prefixes = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
        prefixes.append(rel)
        kept = tuple(
            line
            for line in self.lines
            if not any(_matched((line,), p) is not None for p in prefixes)
        )
        return self if len(kept) == len(self.lines) else Level(self.base, kept)


def _rel(base: Path, path: Path) -> str | None:
    try:
        rel = path.relative_to(base).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel


def _read_ignore_file(path: Path) -> tuple[str, ...]:
    """Lines of an ignore file; a link or an oversized file is not read (git refuses links)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):  # a link is not followed
            return ()
        text = safeio.read_bytes(path, MAX_IGNORE_FILE).decode("utf-8", errors="replace")
    except OSError:
        return ()
    return tuple(line for line in text.splitlines() if line.strip() and not line.startswith("#"))


def git_top(path: Path) -> Path | None:
    """The working tree holding ``path`` (nearest folder with a ``.git`` entry), lexically."""
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


@dataclass
class Rules:
    """Ignore levels (outermost first) and excludes that apply to one folder's entries."""

    levels: tuple[Level, ...]
    excludes: Level
    respect_ignores: bool = True
    in_repository: bool = False  # .gitignore files count only inside a git working tree
    top: Path | None = None  # the working tree's top folder
    tracked: Tracked | None = None  # what git tracks there: never ignored, as in git

    def skips(self, path: Path, is_dir: bool) -> bool:
        if self.excludes.check(path, is_dir):
            return True
        if self.tracked is not None and self.top is not None:
            rel = _rel(self.top, path)
            if rel and self.tracked.holds(rel, is_dir):
                return False
        for level in reversed(self.levels):  # the deepest ignore file decides first
            verdict = level.check(path, is_dir)
            if verdict is not None:
                return verdict
        return False

    def descend(self, folder: Path) -> Rules:
        """The rules inside ``folder``: its own ``.gitignore`` added; a nested repository
        starts afresh, as git does (the outer tree's patterns do not reach into it)."""
        if not self.respect_ignores:
            return self
        if os.path.lexists(folder / ".git"):
            return _repo_rules(folder, self.excludes)
        lines = _read_ignore_file(folder / ".gitignore") if self.in_repository else ()
        if not lines:
            return self
        return replace(self, levels=(*self.levels, Level(folder, lines)))


def _repo_rules(top: Path, excludes: Level) -> Rules:
    return Rules(_repo_levels(top), excludes, True, True, top, tracked(top))


def _repo_levels(top: Path) -> tuple[Level, ...]:
    levels: list[Level] = []
    # info/exclude ranks below every .gitignore; a `.git` file (worktree, submodule) points
    # elsewhere, possibly outside the tree, and is not followed.
    if (top / ".git").is_dir() and not (top / ".git").is_symlink():
        lines = _read_ignore_file(top / ".git" / "info" / "exclude")
        if lines:
            levels.append(Level(top, lines))
    lines = _read_ignore_file(top / ".gitignore")
    if lines:
        levels.append(Level(top, lines))
    return tuple(levels)


def _rules_for(folder: Path, excludes: Level, respect_ignores: bool) -> Rules:
    """The rules for entries of ``folder``: every ignore file from the tree's top down."""
    top = git_top(folder) if respect_ignores else None
    if top is None:
        return Rules((), excludes, respect_ignores)
    rules = _repo_rules(top, excludes)
    rel = _rel(top, folder)
    here = top
    for part in rel.split("/") if rel else []:
        here = here / part
        rules = rules.descend(here)
    return rules


# ---------------------------------------------------------------------------------- links
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


def _is_virtualenv(folder: Path) -> bool:
    return os.path.isfile(folder / "pyvenv.cfg")


# ----------------------------------------------------------------------------------- walk
@dataclass
class _Walk:
    root: Path  # as given (absolute): paths are reported relative to it
    real_root: Path
    excludes: Level
    respect_ignores: bool
    force: frozenset[Path] | None  # given paths read even when ignored; None: all of them
    seen_files: set[Path] = field(default_factory=set)
    walked: list[Path] = field(default_factory=list)  # real folders walked so far
    _folder_rules: dict[Path, Rules] = field(default_factory=dict)

    def rules_for(self, folder: Path) -> Rules:
        """The rules for entries of ``folder`` (cached: many given files share a folder)."""
        rules = self._folder_rules.get(folder)
        if rules is None:
            rules = _rules_for(folder, self.excludes, self.respect_ignores)
            self._folder_rules[folder] = rules
        return rules

    def rel(self, p: Path) -> str:
        return rel_to(self.root, p.absolute())

    def forced(self, p: Path) -> bool:
        return self.force is None or p.absolute() in self.force

    def skipped_dir(self, folder: Path, rules: Rules) -> bool:
        name = folder.name
        if name in VCS_DIRS:
            return True
        if self.respect_ignores and (name in DEFAULT_SKIPPED or _is_virtualenv(folder)):
            return True
        return rules.skips(folder, is_dir=True)

    def file(self, p: Path) -> Iterator[Item]:
        rel = self.rel(p)
        try:
            real = p.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            if not p.is_symlink():
                yield Unreadable(rel, f"cannot resolve path: {exc}")
                return
            if file_kind(rel) == "other":
                # A dangling link to something no format reads (`static/d3 -> ../javascript/d3`).
                return
            if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
                yield Skipped(rel, "symbolic link loop: not followed")
            elif not _inside(_lexical_target(p), self.real_root):
                yield Skipped(rel, "symbolic link leads outside the scanned folder: not followed")
            else:
                yield Unreadable(rel, f"cannot resolve path: {exc}")
            return
        if p.is_symlink() and not _inside(real, self.real_root):
            if file_kind(rel) != "other":
                yield Skipped(rel, "symbolic link leads outside the scanned folder: not followed")
            return
        if real in self.seen_files:
            return
        self.seen_files.add(real)
        yield Found(rel, p)

    def tree(self, start: Path, rules: Rules) -> Iterator[Item]:
        real_start = start.resolve()
        self.walked.append(real_start)
        dir_rules: dict[str, Rules] = {str(start): rules.descend(start)}
        for dirpath, dirnames, filenames, error in _walk(str(start)):
            here = Path(dirpath)
            inner = dir_rules.pop(dirpath)
            if error is not None:
                reason = error.strerror or str(error)
                yield Unreadable(self.rel(here), f"cannot list folder: {reason}")
                continue
            kept = []
            for d in sorted(dirnames):
                sub = here / d
                try:
                    if self.skipped_dir(sub, inner):
                        continue
                    if sub.is_symlink():
                        yield from self.linked_dir(sub, inner)
                        continue
                    dir_rules[str(sub)] = inner.descend(sub)
                except OSError as exc:  # a path past PATH_MAX, a folder gone meanwhile
                    yield Unreadable(self.rel(sub), f"cannot read folder: {exc.strerror or exc}")
                    continue
                kept.append(d)
            dirnames[:] = kept
            for name in sorted(filenames):
                p = here / name
                try:
                    if inner.skips(p, is_dir=False):
                        continue
                    yield from self.file(p)
                except OSError as exc:
                    yield Unreadable(self.rel(p), f"cannot read file: {exc.strerror or exc}")

    def linked_dir(self, link: Path, rules: Rules) -> Iterator[Item]:
        rel = self.rel(link)
        try:
            target = link.resolve(strict=True)
        except (OSError, RuntimeError):
            yield Skipped(rel, "symbolic link loop: not followed")
            return
        if not _inside(target, self.real_root):
            yield Skipped(rel, "symbolic link leads outside the scanned folder: not followed")
            return
        if _inside(link.parent.resolve(), target):
            yield Skipped(rel, "symbolic link to a folder that contains it (a cycle): not followed")
            return
        if any(_inside(target, w) for w in self.walked):
            return  # its files are read where they live
        yield from self.tree(link, rules)


def _walk(top: str) -> Iterator[tuple[str, list[str], list[str], OSError | None]]:
    """``os.walk(top)`` top-down without following links, with a stack instead of recursion
    (Python 3.11's walk recursed once per level: 1,000 nested folders ended the run with a
    RecursionError), and each folder that cannot be listed given with its error instead of
    skipped in silence. Dirnames the caller removes are not walked, as with ``os.walk``.
    """
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            yield folder, [], [], exc
            continue
        dirs: list[str] = []
        files: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # a link to a folder is listed as one, as os.walk does
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry.name)
        yield folder, dirs, files, None
        for name in reversed(dirs):  # depth first, in the caller's order
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                stack.append(path)


def discover(
    root: Path,
    paths: Iterable[Path],
    excludes: Iterable[str] = (),
    *,
    respect_ignores: bool = True,
    force: Iterable[Path] | None = None,
    exclude_base: Path | None = None,
) -> Iterator[Item]:
    """Each file below ``paths`` once, in path order; symlinks never lead out of ``root``.

    ``excludes`` are gitignore-style patterns relative to ``exclude_base`` (default ``root``).
    Paths in ``force`` (default: every path given) are read even when ignored or excluded;
    any other given file, e.g. a neighbour read for context, is checked like a walked one.
    """
    root = root.absolute()
    walk = _Walk(
        root=root,
        real_root=root.resolve(),
        excludes=Level((exclude_base or root).absolute(), tuple(excludes)),
        respect_ignores=respect_ignores,
        force=None if force is None else frozenset(p.absolute() for p in force),
    )
    for start in paths:
        start = start.absolute()
        if start.is_file() or (start.is_symlink() and not start.is_dir()):
            if not walk.forced(start):
                rules = walk.rules_for(start.parent)
                if rules.skips(start, is_dir=False) or any(
                    walk.skipped_dir(parent, rules) for parent in _between(root, start.parent)
                ):
                    continue
            yield from walk.file(start)
            continue
        if not start.is_dir():
            continue
        if start.is_symlink() and not _inside(start.resolve(), walk.real_root):
            yield Skipped(
                walk.rel(start), "symbolic link leads outside the scanned folder: not followed"
            )
            continue
        rules = walk.rules_for(start.parent)
        if walk.forced(start):
            rules = replace(
                rules,
                levels=tuple(level.without_matching(start) for level in rules.levels),
                excludes=rules.excludes.without_matching(start),
            )
        elif walk.skipped_dir(start, rules):
            continue
        yield from walk.tree(start, rules)


def walk_options(settings: dict[str, Any]) -> dict[str, Any]:
    """``discover`` keyword arguments from a run's settings (excludes, ignores, their base)."""
    return {
        "excludes": settings["exclude"],
        "respect_ignores": not settings.get("no_ignore", False),
        "exclude_base": settings.get("exclude_base"),
    }


def _between(root: Path, folder: Path) -> list[Path]:
    """Folders from below ``root`` down to ``folder`` (none when it is not below ``root``)."""
    rel = _rel(root, folder)
    if not rel:
        return []
    out = []
    here = root
    for part in rel.split("/"):
        here = here / part
        out.append(here)
    return out
