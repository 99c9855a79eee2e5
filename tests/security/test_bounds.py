"""Unit tests of the pre-scans and the RE2 engine behind the hostile-input guarantees."""

from __future__ import annotations

import time

import pytest

from devops_lint import bounds, saferegex
from devops_lint.crossfile.cel import evaluate
from devops_lint.github.expressions import MAX_EXPRESSIONS_PER_STRING, find_expressions
from devops_lint.prometheus import promql
from devops_lint.prometheus.re2 import compile_anchored
from devops_lint.yamlload import load_documents


def test_json_brackets_inside_strings_do_not_count() -> None:
    text = '{"a": "' + "[" * 1000 + '\\"' + "{" * 1000 + '", "b": [1]}'
    assert bounds.json_too_deep(text) is None


def test_json_too_deep_is_located_at_the_crossing_bracket() -> None:
    text = '{\n  "a": ' + "[" * 500 + "]" * 500 + "}"
    found = bounds.json_too_deep(text)
    assert found is not None
    assert (found.line, found.column) == (2, 8 + 399)


def test_brackets_in_a_block_scalar_are_not_nesting() -> None:
    # The cheap bound cannot rule this out; the exact event scan then accepts it.
    text = "script: |\n  " + "[" * 1000 + "\n"
    assert bounds.yaml_too_deep(text) is None
    docs, _ = load_documents(text, "t.yaml")
    assert docs[0].data["script"].startswith("[[[")


def test_promql_matchers_strings_and_comments_are_not_operators() -> None:
    expr = 'up{job=~"a|b", x!="-+-"} # ' + "+" * 1000 + "\n" + ' * on() group_left "(((("'
    assert bounds.promql_too_complex(expr) is None


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ("(" * 129 + "up" + ")" * 129, "nested deeper than 128"),
        (" + ".join(["up"] * 502), "more than 500 operators"),
        (" and ".join(["up"] * 502), "more than 500 operators"),
    ],
)
def test_promql_beyond_the_bounds_is_a_parse_error(expr: str, reason: str) -> None:
    parsed = promql.parse(expr)
    assert parsed.ast is None
    assert parsed.error is not None and reason in parsed.error


def test_promql_within_the_bounds_parses() -> None:
    assert promql.parse("(" * 100 + "up" + ")" * 100).ast is not None
    assert promql.parse(" + ".join(["up"] * 400)).ast is not None


def test_re2_runs_catastrophic_patterns_in_linear_time() -> None:
    start = time.perf_counter()
    assert not saferegex.search("^(a+)+$", "a" * 100_000 + "b")
    rx = compile_anchored("(a+)+")
    assert rx is not None and rx.match("a" * 100_000 + "b") is None
    assert time.perf_counter() - start < 1.0


def test_re2_syntax_is_what_prometheus_reads() -> None:
    rx = compile_anchored("[[:alpha:]]+\\z")
    assert rx is not None and rx.match("abc") is not None
    assert compile_anchored("(a)\\1") is None  # back-references: Prometheus refuses them too
    assert compile_anchored("a(?=b)") is None
    assert saferegex.error_of("(a)\\1") is not None
    dotall = compile_anchored("a.b")
    assert dotall is not None and dotall.match("a\nb") is not None


def test_an_invalid_pattern_matches_nothing() -> None:
    assert not saferegex.search("(", "(")


def test_expressions_past_the_bound_are_reported_not_skipped() -> None:
    text = " ".join(["${{ github.sha }}"] * (MAX_EXPRESSIONS_PER_STRING + 5))
    found = find_expressions(text)
    assert len(found) == MAX_EXPRESSIONS_PER_STRING + 1
    assert found[-1].error is not None
    assert "not analysed" in found[-1].error.message


@pytest.mark.parametrize("chain", [".a" * 2000, "[0]" * 2000, "['a']" * 2000])
def test_long_access_chains_are_errors_not_recursion(chain: str) -> None:
    (e,) = find_expressions("${{ github" + chain + " }}")
    assert e.error is not None and "nested too deeply" in e.error.message


def test_cel_matches_from_the_scanned_tree_runs_on_re2() -> None:
    start = time.perf_counter()
    # 2**40 steps for a backtracking engine.
    assert evaluate('assertion.sub.matches("^(a|a)*b$")', {"assertion.sub": "a" * 40}) is False
    assert evaluate('assertion.sub.matches("^repo:o/r:")', {"assertion.sub": "repo:o/r:x"})
    assert time.perf_counter() - start < 1.0
