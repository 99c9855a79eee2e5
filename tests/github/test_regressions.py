"""Regressions found by linting real-world workflows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.github.helpers import lint_files, rows

HEAD = "name: ci\npermissions: {}\n"
JOB = """jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - run: make
"""


def schema_rows(tmp_path: Path, text: str) -> set[tuple[str, int, str, str]]:
    result = lint_files(tmp_path, {".github/workflows/ci.yml": text})
    return rows(result, "X-000.schema-violation")


@pytest.mark.parametrize(
    "on",
    [
        # GitHub's workflow parser reads every event filter as a string or a sequence.
        "on:\n  push:\n    tags: 'v*'\n",
        "on:\n  push:\n    branches: main\n    paths-ignore: docs/**\n",
        "on:\n  pull_request:\n    branches-ignore: gh-pages\n    paths: src/**\n",
        "on:\n  workflow_run:\n    workflows: build\n    types: completed\n    branches: main\n",
    ],
)
def test_event_filters_may_be_a_single_string(tmp_path: Path, on: str) -> None:
    assert schema_rows(tmp_path, HEAD + on + JOB) == set()


def test_strategy_without_matrix_is_valid(tmp_path: Path) -> None:
    text = (
        HEAD
        + "on: push\n"
        + JOB.replace("    steps:", "    strategy:\n      fail-fast: false\n    steps:")
    )
    assert schema_rows(tmp_path, text) == set()


def test_event_filters_still_reject_wrong_types(tmp_path: Path) -> None:
    text = HEAD + "on:\n  push:\n    branches: {main: 1}\n" + JOB
    assert {r[1] for r in schema_rows(tmp_path, text)} == {5}
