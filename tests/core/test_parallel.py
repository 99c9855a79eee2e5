"""Worker processes change speed, never results."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint import engine, parsing
from devops_lint.config import build_settings
from devops_lint.engine import scheduler
from devops_lint.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]


def findings(root: Path, jobs: int) -> list[tuple[str, int, int, str, str, str]]:
    settings, _ = build_settings(root, None, {})
    result = engine.run(root, [root], settings, load_rules(), jobs=jobs)
    return [
        (f.path, f.span.line, f.span.column, f.rule_id, f.severity, f.message)
        for f in result.findings
    ]


@pytest.mark.parametrize("tree", ["examples", "fixtures/seed/examples"])
def test_parallel_parse_and_evaluation_give_the_same_findings(
    tree: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = ROOT / tree
    serial = findings(root, 1)
    monkeypatch.setattr(scheduler, "PARALLEL_MIN_DOCUMENTS", 1)
    monkeypatch.setattr(parsing, "PARALLEL_MIN_BYTES", 1)
    parallel = findings(root, 2)
    assert serial
    assert parallel == serial
