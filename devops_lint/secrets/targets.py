"""Secret-scanning targets: one per scanned text file, whatever its format.

`secrets.file` is a project-level kind for every format (``"*"``): the engine runs such kinds
after the format-specific ones, and even when no file of a known format was found, so X-002
can skip values a format rule already reported. Files that no parser reads (`.env`, scripts,
properties …) and files that failed to parse are read here, lazily, one at a time; binary
files and files of 1 MiB or more are skipped silently (they are not infrastructure code).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path

from ..context import Context
from ..discover import _excluded
from ..model import Document, Span, Target
from ..parsing import file_kind, read_text
from ..project import Project
from ..targets import ANY_FORMAT, TargetKind, kind
from .scan import FileScan

MAX_BYTES = 1024 * 1024
LOCK_FILES = frozenset(
    {"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.sum", ".terraform.lock.hcl"}
)
# Findings point at the secret itself; a file has no enclosing object whose first line a
# suppression comment could sit on (line 0 matches no comment).
NO_OBJECT = Span(0, 0, 0, 0)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return MAX_BYTES


@kind([ANY_FORMAT], project=True)
def files(project: Project, ctx: Context) -> Iterator[Target]:
    exclude = list(ctx.settings.get("secret_scan_exclude") or [])
    by_path: dict[str, list[Document]] = {}
    for doc in project.documents:
        by_path.setdefault(doc.path, []).append(doc)
    seen: set[str] = set()
    entries: list[tuple[str, str, Path | None]] = [
        (sf.path, sf.kind, sf.abspath) for sf in project.files
    ]
    listed = {sf.path for sf in project.files}
    entries += [(p, file_kind(p), None) for p in by_path if p not in listed]  # stdin
    for path, kind_of_file, abspath in entries:
        if path in seen or posixpath.basename(path) in LOCK_FILES or _excluded(path, exclude):
            continue
        seen.add(path)
        docs = by_path.get(path, [])
        text = docs[0].text if docs and docs[0].text else None
        if abspath is not None and _size(abspath) >= MAX_BYTES:
            continue
        if text is None:
            if abspath is None:
                continue
            text, problem = read_text(abspath, MAX_BYTES - 1)
            if text is None or problem is not None:
                continue  # binary, unreadable or not UTF-8: not text we can scan
        doc = docs[0] if docs else Document(path=path, format="text", data=None, text=text)
        scan = FileScan(
            path=path,
            kind=kind_of_file,
            text=text,
            doc=doc,
            docs=docs,
            failed=path in project.failed,
        )
        yield Target(
            kind="secrets.file",
            doc=doc,
            path=(),
            data=None,
            locator=path,
            anchor=Span.at(1),
            object_span=NO_OBJECT,
            context={"scan": scan, "file": path},
        )


TARGETS: dict[str, TargetKind] = {"secrets.file": files}
