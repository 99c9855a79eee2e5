"""Running the linter on small generated repositories."""

from __future__ import annotations

from pathlib import Path

from devops_lint.engine import RunResult
from devops_lint.model import Document
from devops_lint.yamlload import load_documents
from tests.fixture_support import lint_folder


def lint_files(root: Path, files: dict[str, str]) -> RunResult:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return lint_folder(root)


def rows(result: RunResult, prefix: str = "GHA-") -> set[tuple[str, int, str, str]]:
    return {
        (f.path, f.line, f.rule_id, f.severity)
        for f in result.findings
        if f.rule_id.startswith(prefix) and f.suppression is None
    }


def workflow_doc(text: str, path: str = ".github/workflows/ci.yml") -> Document:
    docs, _ = load_documents(text, path)
    doc = docs[0]
    doc.format = "workflow"
    return doc
