"""Writing a small repository into a temporary folder and linting it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.fixture_support import lint_folder


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def rows(root: Path, prefix: str = "X-") -> set[tuple[str, int, str, str, str]]:
    """(path, line, rule, severity, outcome) of the findings whose rule starts with prefix."""
    result = lint_folder(root)
    return {
        (f.path, f.line, f.rule_id, f.severity, f.outcome)
        for f in result.findings
        if f.rule_id.startswith(prefix) and not f.rule_id.startswith("X-000")
    }


def internal_errors(root: Path) -> list[str]:
    result = lint_folder(root)
    return [f.message for f in result.findings if f.rule_id == "X-000.internal-error"]
