"""The project view: every document and file of one run, for cross-file rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .model import Document


@dataclass
class SourceFile:
    path: str  # relative to the scan root, forward slashes
    abspath: Path
    kind: str  # classification (see classify.py); "other" for files no parser reads


@dataclass
class Project:
    root: Path
    files: list[SourceFile] = field(default_factory=list)  # every discovered file
    documents: list[Document] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # paths that produced a parse error
    # When linting only some files (pre-commit), findings are kept for these paths only.
    report_only: set[str] | None = None

    def of_format(self, *formats: str) -> Iterator[Document]:
        for doc in self.documents:
            if doc.format in formats:
                yield doc

    def file(self, path: str) -> SourceFile | None:
        for f in self.files:
            if f.path == path:
                return f
        return None
