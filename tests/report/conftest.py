"""Helpers shared by the reporter tests: lint a folder, validate a SARIF log."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from devops_lint.config import build_settings
from devops_lint.engine import RunResult, run
from tests.fixture_support import ROOT, all_rules

SARIF_SCHEMA = ROOT / "schemas" / "sarif-schema-2.1.0.json"


@functools.cache
def _sarif_validator() -> Any:
    from jsonschema import Draft4Validator

    return Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


def assert_valid_sarif(log: dict[str, Any]) -> None:
    errors = sorted(_sarif_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]
    )


def lint(folder: Path, **settings: Any) -> RunResult:
    """Lint with K8S-001 (and the input checks) only, so other rules cannot shift results."""
    conf, _ = build_settings(folder, None, {})
    conf["select"] = ["K8S-001"]
    conf.update(settings)
    return run(folder, [folder], conf, all_rules())


@pytest.fixture
def write(tmp_path: Path) -> Any:
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
