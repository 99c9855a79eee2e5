"""The ``${{ }}`` expression parser: grammar, references and malformed input."""

from __future__ import annotations

import pytest

from devops_lint.github.expressions import (
    ExpressionError,
    find_expressions,
    parse,
    parse_condition,
)
from devops_lint.github.exprtree import (
    Binary,
    Call,
    Context,
    Index,
    Literal,
    Property,
    Unary,
    pattern_covers,
    refs_of,
)


def dotted(text: str) -> list[str]:
    return [r.dotted for r in refs_of(parse(text))]


def test_literals() -> None:
    assert parse("null") == Literal(None, 0, 4)
    assert parse("TRUE") == Literal(True, 0, 4)
    assert parse("false").value is False  # type: ignore[union-attr]
    assert parse("42").value == 42.0  # type: ignore[union-attr]
    assert parse("-1.5e2").value == -150.0  # type: ignore[union-attr]
    assert parse("0xff").value == 255.0  # type: ignore[union-attr]
    assert parse("'it''s'").value == "it's"  # type: ignore[union-attr]


def test_property_access_and_index() -> None:
    node = parse("github.event['pull_request'].head.ref")
    assert isinstance(node, Property) and node.name == "ref"
    assert dotted("github.event['pull_request'].head.ref") == ["github.event.pull_request.head.ref"]
    assert dotted("github.event.commits[0].message") == ["github.event.commits.*.message"]
    assert dotted("github.event.commits.*.author.name") == ["github.event.commits.*.author.name"]
    assert dotted("a.b[*].c") == ["a.b.*.c"]
    assert dotted("steps.build-step.outputs.digest") == ["steps.build-step.outputs.digest"]


def test_names_are_case_insensitive() -> None:
    assert dotted("GitHub.Event.Issue.Title") == ["github.event.issue.title"]
    assert isinstance(parse("toJSON(secrets)"), Call)
    assert parse("toJSON(secrets)").name == "tojson"  # type: ignore[union-attr]


def test_operator_precedence() -> None:
    node = parse("a || b && !c == d")
    assert isinstance(node, Binary) and node.op == "||"
    right = node.right
    assert isinstance(right, Binary) and right.op == "&&"
    assert isinstance(right.right, Binary) and right.right.op == "=="
    assert isinstance(right.right.left, Unary)
    cmp = parse("a < b == c >= d")
    assert isinstance(cmp, Binary) and cmp.op == "=="


def test_function_calls_and_nested_references() -> None:
    node = parse("contains(fromJSON('[\"a\"]'), github.ref) && startsWith(github.head_ref, 'x')")
    assert isinstance(node, Binary)
    assert dotted("format('{0}', github.event.issue.title)") == ["github.event.issue.title"]
    assert dotted("fromJSON(steps.x.outputs.json).field") == ["steps.x.outputs.json"]
    assert dotted("matrix[github.event.inputs.key]") == ["matrix", "github.event.inputs.key"]
    assert refs_of(parse("matrix[github.event.inputs.key]"))[0].dynamic


def test_offsets_point_into_the_text() -> None:
    text = "  github.head_ref  "
    ref = refs_of(parse(text))[0]
    assert text[ref.start : ref.end] == "github.head_ref"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "github.",
        "(github.sha",
        "github.sha)",
        "'unterminated",
        "a ==",
        "nosuch(1)",
        "contains(a,",
        "a[1",
        "!",
        "a $ b",
        "a..b",
        "1 2",
    ],
)
def test_malformed_expressions_raise_expression_error(text: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert 0 <= info.value.offset <= len(text)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ExpressionError):
        parse("(" * 5000 + "a" + ")" * 5000)
    with pytest.raises(ExpressionError):
        parse("!" * 5000 + "a")


def test_find_expressions_in_text() -> None:
    text = "echo ${{ github.event.issue.title }} and ${{ '}}' }} done"
    found = find_expressions(text)
    assert len(found) == 2
    assert text[found[0].start : found[0].end] == "${{ github.event.issue.title }}"
    assert isinstance(found[1].node, Literal) and found[1].node.value == "}}"
    assert [r.dotted for r in found[0].refs] == ["github.event.issue.title"]


def test_find_expressions_unterminated_and_malformed() -> None:
    found = find_expressions("a ${{ github.sha }} b ${{ github.sha")
    assert found[0].error is None
    assert found[1].error is not None and "unterminated" in found[1].error.message
    bad = find_expressions("x ${{ (a }} y")
    assert len(bad) == 1 and bad[0].node is None and bad[0].error is not None
    assert bad[0].error.offset >= bad[0].body_start


def test_conditions_with_and_without_delimiters() -> None:
    node, err, offset = parse_condition("github.event_name == 'push'")
    assert isinstance(node, Binary) and err is None and offset == 0
    node, err, offset = parse_condition("  ${{ github.ref == 'refs/heads/main' }}")
    text = "  ${{ github.ref == 'refs/heads/main' }}"
    assert isinstance(node, Binary) and err is None
    assert isinstance(node.left, Property)
    assert text[offset + node.left.start : offset + node.left.end] == "github.ref"
    node, err, _ = parse_condition("prefix ${{ a }}")
    assert node is None and err is None  # a string with text is always true, not a condition
    node, err, _ = parse_condition("github.ref == 'x")
    assert node is None and err is not None


def test_context_node() -> None:
    assert parse("secrets") == Context("secrets", 0, 7)
    assert isinstance(parse("a[0]"), Index)


def test_pattern_covers_ancestors_and_wildcards() -> None:
    pattern = ("github", "event", "commits", "*", "message")
    assert pattern_covers(pattern, ("github", "event", "commits", "*", "message"))
    assert pattern_covers(pattern, ("github", "event", "commits"))
    assert pattern_covers(pattern, ("github", "event"))
    assert not pattern_covers(pattern, ("github", "event", "number"))
    assert not pattern_covers(pattern, ("github", "event", "commits", "*", "message", "x"))
