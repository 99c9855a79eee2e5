"""Property-based tests: no input makes the expression parser or the workflow adapter raise."""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_lint.context import Context
from devops_lint.defaults import DEFAULT_SETTINGS
from devops_lint.github.expressions import ExpressionError, find_expressions, parse
from devops_lint.github.exprtree import refs_of
from devops_lint.github.targets import TARGETS
from devops_lint.model import Document, ParseError
from devops_lint.project import Project
from devops_lint.rules import load_rules
from devops_lint.yamlload import load_documents

SEED = (Path(__file__).parent / "data" / "seed" / "github" / "workflows" / "deploy.yml").read_text()
RULES = [r for r in load_rules() if r.target.startswith("github.")]

TOKENS = [
    "github",
    ".",
    "event",
    "issue",
    "title",
    "[",
    "]",
    "(",
    ")",
    "'a'",
    "''",
    "*",
    "!",
    "==",
    "!=",
    "&&",
    "||",
    "<",
    ">=",
    "contains",
    "toJSON",
    ",",
    "1",
    "0x1f",
    "-2.5e3",
    "null",
    "true",
    "secrets",
    "${{",
    "}}",
    " ",
    "'",
    "fromJSON",
    "x-y",
    "[*]",
]


@given(st.text(max_size=200))
def test_parse_raises_only_expression_errors(text: str) -> None:
    try:
        node = parse(text)
    except ExpressionError as exc:
        assert 0 <= exc.offset <= len(text)
    else:
        refs_of(node)


@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_parse_token_soup(text: str) -> None:
    with contextlib.suppress(ExpressionError):
        refs_of(parse(text))


@given(st.text(max_size=300) | st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_find_expressions_never_raises(text: str) -> None:
    for e in find_expressions(text):
        assert 0 <= e.start <= e.end <= len(text)
        assert (e.node is None) != (e.error is None)


KEYS = [
    "on",
    "jobs",
    "steps",
    "uses",
    "run",
    "with",
    "env",
    "if",
    "needs",
    "permissions",
    "runs-on",
    "environment",
    "outputs",
    "container",
    "services",
    "image",
    "credentials",
    "password",
    "secrets",
    "timeout-minutes",
    "concurrency",
    "strategy",
    "matrix",
    "push",
    "pull_request",
    "pull_request_target",
    "workflow_run",
    "branches",
    "id",
    "name",
    "runs",
    "cache",
    "cache-from",
    "ref",
    "persist-credentials",
    "continue-on-error",
    "script",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 500),
    st.sampled_from(
        [
            "actions/checkout@v4",
            "docker/build-push-action@v4",
            "github/codeql-action/analyze@v2",
            "./local",
            "docker://alpine",
            "o/r/.github/workflows/x.yml@main",
            "${{ github.event.issue.title }}",
            "${{ github.event_name == 'pull_request' }}",
            "${{ unterminated",
            "helm upgrade --install x ./c",
            "curl https://x | bash",
            "write-all",
            "write",
            "ubuntu-latest",
            "self-hosted",
            "production",
            "inherit",
            "type=gha",
        ]
    ),
    st.text(max_size=20),
)
TREES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=6)
    ),
    max_leaves=40,
)


def _context(docs: list[Document]) -> Context:
    project = Project(root=Path("."), documents=docs)
    return Context(settings=copy.deepcopy(DEFAULT_SETTINGS), project=project)


def _run_all(doc: Document) -> None:
    ctx = _context([doc])
    for rule in RULES:
        kind = TARGETS[rule.target]
        if doc.format not in kind.formats:
            continue
        targets = kind.project_targets(ctx.project, ctx) if kind.project else kind.fn(doc, ctx)
        for target in targets:
            if rule.applies(target):  # as the engine does
                list(rule.check_fn(target, rule, ctx))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(TREES, st.sampled_from(["workflow", "action"]))
def test_adapter_and_checks_never_raise_on_random_shapes(data: Any, fmt: str) -> None:
    doc = Document(path=".github/workflows/x.yml", format=fmt, data=data, text="")
    _run_all(doc)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_adapter_and_checks_never_raise_on_mutated_seed(data: st.DataObject) -> None:
    lines = SEED.split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "dup", "trunc", "insert"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "trunc":
            lines[i] = lines[i][: data.draw(st.integers(0, max(0, len(lines[i]))))]
        else:
            lines.insert(i, data.draw(st.sampled_from(["  x: ${{", "- ", "    - run: |", "  ]"])))
        if not lines:
            lines = [""]
    text = "\n".join(lines)
    try:
        docs, _ = load_documents(text, "deploy.yml")
    except ParseError:
        return
    for doc in docs:
        doc.format = "workflow"
        _run_all(doc)
