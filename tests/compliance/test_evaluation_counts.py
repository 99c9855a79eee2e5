"""The engine counts what each rule evaluated, on the serial and the forked path alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.config import build_settings
from devops_lint.engine import RunResult, run, scheduler
from devops_lint.rules import load_rules

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(jobs: int) -> RunResult:
    settings, _ = build_settings(EXAMPLES, None, {"fail_on": None, "strict_unresolved": None})
    return run(EXAMPLES, [EXAMPLES], settings, load_rules(), jobs=jobs)


def test_counts_survive_forked_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _run(1)
    assert serial.evaluated
    assert serial.evaluated[("K8S-001", "kubernetes/shop.yaml")] >= 1
    monkeypatch.setattr(scheduler, "PARALLEL_MIN_DOCUMENTS", 0)
    forked = _run(2)
    assert forked.evaluated == serial.evaluated


def test_report_only_limits_counts_to_the_reported_files() -> None:
    settings, _ = build_settings(EXAMPLES, None, {"fail_on": None, "strict_unresolved": None})
    only = {"kubernetes/shop.yaml"}
    result = run(EXAMPLES, [EXAMPLES], settings, load_rules(), report_only=only)
    assert result.evaluated
    assert {path for _, path in result.evaluated} == only
