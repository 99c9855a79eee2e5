"""Helpers shared by the cross-file checks: the missing-side rule, file lookups, paths."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import FILE_START, Document, Result

if TYPE_CHECKING:
    from ..context import Context


def first_doc(docs: Iterable[Document]) -> Document | None:
    """The first document in path order (then document order inside the file)."""
    return min(docs, key=lambda d: (d.path, d.index), default=None)


def missing_side(doc: Document, first: Document | None, missing: str) -> list[Result]:
    """The single ``info`` finding of section 9's preamble, emitted by the first file only.

    Reported at line 1 of the first file, in path order, of the side that is present
    (standards 0.6 item 9); every other target of the control stays silent.
    """
    if first is None or first is not doc:
        return []
    return [
        Result(
            doc=doc,
            span=FILE_START,
            severity="info",
            message=f"{missing}: the relation cannot be checked in this scan",
        )
    ]


class Files:
    """Every discovered path of the run, and the directories that hold them."""

    def __init__(self, root: Path, paths: Iterable[str]) -> None:
        self.root = root
        self.paths = set(paths)
        self.dirs: set[str] = {"."}
        for p in self.paths:
            d = posixpath.dirname(p)
            while d and d not in self.dirs:
                self.dirs.add(d)
                d = posixpath.dirname(d)

    def is_file(self, rel: str) -> bool:
        """A discovered file, or one on disk that the scan did not include."""
        return rel in self.paths or self._on_disk(rel, Path.is_file)

    def is_dir(self, rel: str) -> bool:
        return rel in self.dirs or self._on_disk(rel, Path.is_dir)

    def _on_disk(self, rel: str, test: Callable[[Path], bool]) -> bool:
        """``test`` on ``rel`` below the root: never outside it, false on any disk error."""
        try:
            return _inside(self.root, rel) and test(self.root / rel)
        except OSError:
            return False

    def dir_has(self, rel: str, suffixes: tuple[str, ...]) -> bool:
        """Directory ``rel`` directly holds a file ending with one of ``suffixes``
        (discovered, or on disk when the scan did not include it)."""
        base = "" if rel == "." else rel
        if any(posixpath.dirname(p) == base and p.endswith(suffixes) for p in self.paths):
            return True
        if not _inside(self.root, rel):
            return False
        try:
            return any(p.name.endswith(suffixes) for p in (self.root / rel).iterdir())
        except OSError:
            return False


def _inside(root: Path, rel: str) -> bool:
    return not (rel.startswith("/") or rel == ".." or rel.startswith("../"))


def files(ctx: Context) -> Files:
    def build() -> Files:
        project = ctx.project
        return Files(Path(project.root), (f.path for f in project.files))

    result: Files = ctx.memo("crossfile.files", build)
    return result


def join(base: str, rel: str) -> str:
    """``rel`` resolved against directory ``base`` (both relative to the scan root)."""
    joined = posixpath.normpath(posixpath.join(base or ".", rel))
    return "." if joined in ("", ".") else joined


def unresolved_message(unresolved: bool, message: str) -> str | None:
    """The message of an ``unresolved`` outcome (None keeps the rule's failure message)."""
    return message if unresolved else None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
