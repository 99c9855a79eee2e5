from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from devops_lint.helm.loader import parse_file
from devops_lint.model import Document

Lint = Callable[..., list[Document]]


@pytest.fixture
def chart(tmp_path: Path) -> Callable[..., Path]:
    """Write a chart: files given as {relative path: text}."""

    def make(files: dict[str, str]) -> Path:
        for rel, text in files.items():
            p = tmp_path / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        return tmp_path

    return make


@pytest.fixture
def lint(tmp_path: Path) -> Lint:
    """Parse a template of the chart in tmp_path as the linter would."""

    def run(text: str, values_files: list[str] | None = None) -> list[Document]:
        settings = {"scan_root": str(tmp_path), "helm_values_files": values_files or []}
        return parse_file("templates/t.yaml", text, ".", settings)

    return run
