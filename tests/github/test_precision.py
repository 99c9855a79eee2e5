"""Workflow scripts read as the shell reads them (no false alarms, exact messages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.github.taint import env_file_writes
from tests.github.helpers import lint_files

CONTINUED = """name: ci
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - run: |
          echo start
          pip install \\
            black==24.8.0 \\
            ruff
"""


def test_continued_command_is_quoted_whole_at_its_first_line(tmp_path: Path) -> None:
    result = lint_files(tmp_path, {".github/workflows/ci.yml": CONTINUED})
    found = [f for f in result.findings if f.rule_id == "GHA-023.unpinned-install"]
    assert [(f.line, f.message) for f in found] == [
        (
            11,
            "`pip install black==24.8.0 ruff` installs packages without a lockfile or pinned"
            " version",
        )
    ]


SAST_WORKFLOW = """name: lint
on:
  pull_request:
  push:
    branches: [main]
permissions: {}
jobs:
  sast:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - %s
"""


@pytest.mark.parametrize(
    "step",
    [
        "uses: zizmorcore/zizmor-action@e673c3917a1aef3c65c972347ed84ccd013ecda4 # v0.2.0",
        "run: semgrep scan --config auto --error",
        "run: uvx zizmor --format sarif . > zizmor.sarif",
        "run: pip install bandit==1.8.6 && bandit -r src",
    ],
)
def test_sast_tools_count_as_static_analysis(tmp_path: Path, step: str) -> None:
    result = lint_files(tmp_path, {".github/workflows/lint.yml": SAST_WORKFLOW % step})
    assert not [f for f in result.findings if f.rule_id == "GHA-020.no-sast"]


def test_installing_a_sast_tool_is_not_running_it(tmp_path: Path) -> None:
    text = SAST_WORKFLOW % "run: pip install zizmor ruff"
    result = lint_files(tmp_path, {".github/workflows/lint.yml": text})
    assert [f.rule_id for f in result.findings if f.rule_id == "GHA-020.no-sast"] == [
        "GHA-020.no-sast"
    ]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('echo "A=$X" >> "$GITHUB_ENV"', [("GITHUB_ENV", 'echo "A=$X" >> "$GITHUB_ENV"')]),
        ("echo $P | tee -a $GITHUB_PATH", [("GITHUB_PATH", "echo $P | tee -a $GITHUB_PATH")]),
        (
            '{\n  echo "A<<EOF"\n  echo "$X"\n} >> "$GITHUB_OUTPUT"',
            [("GITHUB_OUTPUT", '{\n  echo "A<<EOF"\n  echo "$X"\n} >> "$GITHUB_OUTPUT"')],
        ),
        (
            "cat >> $GITHUB_ENV <<EOF\nA=$X\nEOF\necho done",
            [("GITHUB_ENV", "cat >> $GITHUB_ENV <<EOF\nA=$X\nEOF")],
        ),
        # A group closed without an opening line, a here-document without its end: the
        # written text is the redirect's own line.
        ("} >> $GITHUB_ENV", [("GITHUB_ENV", "} >> $GITHUB_ENV")]),
        ("cat >> $GITHUB_ENV <<EOF\nA=1", [("GITHUB_ENV", "cat >> $GITHUB_ENV <<EOF")]),
        ('echo "$GITHUB_ENV"', []),
    ],
)
def test_env_file_writes(script: str, expected: list[tuple[str, str]]) -> None:
    got = [(w.file, script[w.start : w.end]) for w in env_file_writes(script)]
    assert got == expected
