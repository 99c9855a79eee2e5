"""fix.locate.at_finding: the finding's document and the value written on its line."""

from __future__ import annotations

from typing import Any

from devops_lint.fix.edits import Source
from devops_lint.fix.locate import at_finding
from devops_lint.fix.registry import FixContext
from devops_lint.model import Finding, JsonPath, Span

WORKFLOW = """\
jobs:
  build:
    steps:
      - uses: actions/checkout@v4
      - run: make
"""


def _ctx(text: str, line: int, path: str = "w.yml") -> FixContext:
    finding = Finding("R-1", [], "high", path, Span(line, 1, line, 1), "m")
    return FixContext(finding, Source(text), {})


def _step(p: JsonPath, v: Any) -> bool:
    return isinstance(v, dict) and len(p) == 4 and p[2] == "steps"


def test_the_innermost_accepted_value_on_the_finding_line() -> None:
    found = at_finding(_ctx(WORKFLOW, 5), _step)
    assert found is not None
    doc, path = found
    assert path == ("jobs", "build", "steps", 1)
    assert doc.get(path) == {"run": "make"}


def test_nothing_when_no_value_on_the_line_is_accepted() -> None:
    assert at_finding(_ctx(WORKFLOW, 1), _step) is None


def test_nothing_when_the_file_has_no_document() -> None:
    assert at_finding(_ctx("", 1), _step) is None
