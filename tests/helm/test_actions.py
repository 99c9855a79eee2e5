"""The one scanner of Go template action delimiters (``helm.actions``)."""

from __future__ import annotations

import pytest

from devops_lint.helm import actions
from devops_lint.helm.engine.parse import TemplateError, parse_template
from devops_lint.helm.template_actions import TemplateSyntaxError, tokenize

Found = tuple[str, str, bool, bool]


def _spans(text: str) -> list[Found]:
    """(action text, body text, trim_left, trim_right) of every action."""
    return [
        (text[a.start : a.end], text[a.body_start : a.body_end], a.trim_left, a.trim_right)
        for a in actions.scan(text)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a {{ .x }} b", [("{{ .x }}", " .x ", False, False)]),
        ("{{- .x -}}", [("{{- .x -}}", " .x ", True, True)]),
        # A dash without whitespace beside it is part of the body (a negative number).
        ("{{-3}}", [("{{-3}}", "-3", False, False)]),
        ("{{ 3-}}", [("{{ 3-}}", " 3-", False, False)]),
        ('{{ "}}" }}', [('{{ "}}" }}', ' "}}" ', False, False)]),
        ("{{ `a\n}}` }}", [("{{ `a\n}}` }}", " `a\n}}` ", False, False)]),
        ("{{ '}' }}", [("{{ '}' }}", " '}' ", False, False)]),
        ('{{ "a\\"}}" }}', [('{{ "a\\"}}" }}', ' "a\\"}}" ', False, False)]),
        ("{{/* a }} b */}}", [("{{/* a }} b */}}", "/* a }} b */", False, False)]),
        ("{{- /* c */ -}}x", [("{{- /* c */ -}}", "/* c */", True, True)]),
        (
            "{{ .a }}{{ .b }}",
            [("{{ .a }}", " .a ", False, False), ("{{ .b }}", " .b ", False, False)],
        ),
    ],
)
def test_scan_finds_actions_and_bodies(
    text: str, expected: list[tuple[str, str, bool, bool]]
) -> None:
    assert _spans(text) == expected


@pytest.mark.parametrize(
    ("text", "problem", "offset"),
    [
        ("a {{ .x", actions.UNCLOSED_ACTION, 2),
        ('{{ "a }}', actions.UNTERMINATED_STRING, 3),
        ('{{ "a\n" }}', actions.UNTERMINATED_STRING, 3),
        ("{{ `a }}", actions.UNTERMINATED_RAW, 3),
        ("x {{/* never", actions.UNCLOSED_COMMENT, 2),
        ("{{/* c */ x }}", actions.COMMENT_END, 0),
        ("{{/* c */-}}", actions.COMMENT_END, 0),  # a trim marker needs whitespace before it
    ],
)
def test_scan_names_the_problem_and_where_it_starts(text: str, problem: str, offset: int) -> None:
    with pytest.raises(actions.ScanError) as info:
        list(actions.scan(text))
    assert (info.value.problem, info.value.offset) == (problem, offset)


def test_scan_is_lazy_so_earlier_actions_come_first() -> None:
    found = actions.scan("{{ .a }} {{ .b")
    assert next(found).start == 0
    with pytest.raises(actions.ScanError):
        next(found)


@pytest.mark.parametrize(
    ("text", "engine_message", "loader_message"),
    [
        ("{{ .x", "unclosed action", "unclosed action: missing }}"),
        ('{{ "x }}', "unterminated quoted string", "unterminated quoted string in template action"),
        ("{{ `x }}", "unterminated quoted string", "unterminated raw string in template action"),
        ("{{/* x", "unclosed comment", "unclosed comment in template"),
    ],
)
def test_engine_and_in_place_loader_report_the_same_place(
    text: str, engine_message: str, loader_message: str
) -> None:
    with pytest.raises(TemplateError) as engine:
        parse_template("a: 1\n" + text)
    with pytest.raises(TemplateSyntaxError) as loader:
        tokenize("a: 1\n" + text)
    assert engine.value.message == engine_message
    assert loader.value.message == loader_message
    start = 5 + (text.index('"') if '"' in text else text.index("`") if "`" in text else 0)
    assert engine.value.offset == start
    assert (loader.value.line, loader.value.column) == (2, start - 5 + 1)


def test_an_empty_action_is_refused_before_a_later_broken_one() -> None:
    with pytest.raises(TemplateSyntaxError) as info:
        tokenize("{{ }} {{ .x")
    assert info.value.message == "missing value for command in empty action"
