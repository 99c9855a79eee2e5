"""The workflow model: uses references, triggers, positions, and bad input."""

from __future__ import annotations

from devops_lint.github.positions import expressions_at, locate
from devops_lint.github.uses import parse_uses
from devops_lint.github.workflow import build_workflow
from devops_lint.model import Span
from tests.github.helpers import workflow_doc

SHA = "08c6903cd8c0fde910a37f88322edcfb5dd907a8"


def test_parse_uses_forms() -> None:
    ref = parse_uses(f"actions/checkout@{SHA}", "# v5.0.1")
    assert (ref.kind, ref.owner, ref.repo, ref.subpath) == ("remote", "actions", "checkout", "")
    assert ref.is_sha and ref.version == (5, 0, 1)
    assert parse_uses(f"actions/checkout@{SHA}").version is None  # no comment: unknown
    sub = parse_uses("github/codeql-action/analyze@v3")
    assert sub.name == "github/codeql-action/analyze" and sub.version == (3,)
    wf = parse_uses("org/repo/.github/workflows/build.yml@main")
    assert wf.is_reusable_workflow and wf.version is None
    assert parse_uses("./.github/actions/setup").kind == "local"
    assert parse_uses("docker://alpine:3.20").kind == "docker"
    assert parse_uses("actions/checkout").ref is None
    assert parse_uses("nonsense").kind == "invalid"
    assert parse_uses("actions/cache@v4.2.1").version == (4, 2, 1)


def test_model_of_a_workflow() -> None:
    doc = workflow_doc(
        f"""on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-24.04
    needs: [a, b]
    steps:
      - uses: actions/checkout@{SHA} # v5.0.0
      - run: make
  call:
    uses: org/repo/.github/workflows/x.yml@v1
"""
    )
    wf = build_workflow(doc)
    assert set(wf.triggers) == {"push", "pull_request"}
    build = wf.job("build")
    assert build is not None and build.needs == ["a", "b"]
    assert build.steps[0].uses is not None and build.steps[0].uses.version == (5, 0, 0)
    assert build.steps[1].run == "make"
    assert build.steps[1].locator == "jobs.build.steps[1]"
    assert build.key_span.line == 3
    call = wf.job("call")
    assert call is not None and call.uses is not None and call.uses.is_reusable_workflow


def test_on_key_stays_a_string() -> None:
    doc = workflow_doc("on: push\njobs: {}\n")
    assert "on" in doc.data
    assert build_workflow(doc).triggers == {"push": {}}


def test_bad_shapes_yield_an_empty_model() -> None:
    doc = workflow_doc("on: push\njobs:\n  - build\n")
    assert build_workflow(doc).jobs == []
    doc = workflow_doc("on: push\njobs:\n  a:\n    steps:\n      - make\n      - 3\n")
    job = build_workflow(doc).job("a")
    assert job is not None and job.steps == []
    doc = workflow_doc("just a string\n")
    assert build_workflow(doc).jobs == []


def test_expression_positions_in_plain_quoted_and_block_scalars() -> None:
    text = """on: push
jobs:
  a:
    steps:
      - run: echo ${{ github.head_ref }}
      - run: "echo \\"${{ github.head_ref }}\\""
      - run: |
          echo one
            echo "${{ github.event.issue.title }}" ${{ github.event.issue.title }}
      - run: >-
          folded
          ${{ github.sha }}
"""
    doc = workflow_doc(text)
    lines = text.split("\n")

    def where(path: tuple[str | int, ...], n: int = 0) -> Span:
        return expressions_at(doc, path)[n].span

    s = where(("jobs", "a", "steps", 0, "run"))
    assert (s.line, lines[s.line - 1][s.column - 1 : s.end_column]) == (
        5,
        "${{ github.head_ref }}",
    )
    s = where(("jobs", "a", "steps", 1, "run"))
    assert s.line == 6 and lines[5][s.column - 1 :].startswith("${{ github.head_ref }}")
    first = where(("jobs", "a", "steps", 2, "run"), 0)
    second = where(("jobs", "a", "steps", 2, "run"), 1)
    assert first.line == second.line == 9
    assert lines[8][first.column - 1 :].startswith('${{ github.event.issue.title }}"')
    assert second.column > first.column
    s = where(("jobs", "a", "steps", 3, "run"))
    assert s.line == 12


def test_locate_falls_back_for_escaped_text() -> None:
    text = 'on: push\njobs:\n  a:\n    steps:\n      - run: "a\\tb ${{ x }}"\n'
    doc = workflow_doc(text)
    path = ("jobs", "a", "steps", 0, "run")
    value = doc.get(path)
    start = value.index("${{")
    span = locate(doc, path, start, start + 8)
    assert span.line == 5
