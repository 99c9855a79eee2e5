"""Resolving simple references from chart values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devops_lint.helm.values import ChartValues, go_float, merge, yaml_lines
from devops_lint.yamlload import load_plain

VALUES: dict[str, Any] = {
    "a": {"b": "text", "n": 3, "flag": False, "big": 1000000, "zero": 0},
    "s": "yes",
    "empty": "",
    "m": {"k": "v"},
}


def chart(values: dict[str, Any] | None = VALUES) -> ChartValues:
    return ChartValues(Path("."), values, {"name": "c", "appVersion": "1.2.3"})


@pytest.mark.parametrize(
    ("body", "text", "value"),
    [
        (".Values.a.b", "text", "text"),
        (".Values.a.n", "3", 3),
        (".Values.a.flag", "false", False),
        (".Values.s", "yes", True),  # printed, then read as YAML 1.1 like helm's output
        (".Values.s | quote", '"yes"', "yes"),
        ("quote .Values.a.n", '"3"', "3"),
        (".Values.a.big", "1e+06", 1e6),  # helm holds numbers as float64
        (".Values.missing | default 5", "5", 5),
        ('.Values.empty | default "x"', "x", "x"),
        (".Values.a.zero | default 7", "7", 7),  # Sprig's default replaces any empty value
        ('default "d" .Values.missing', "d", "d"),
        (".Values.a.b | default .Chart.AppVersion", "text", "text"),
        (".Values.missing | default .Chart.AppVersion", "1.2.3", "1.2.3"),
        (".Values.a.n | int | quote", '"3"', "3"),
        ('"literal"', "literal", "literal"),
        (".Chart.Name", "c", "c"),
        ("$.Values.a.b", "text", "text"),
        (".Values.a.b | b64enc", "dGV4dA==", "dGV4dA=="),
        ("b64enc .Values.a.b | quote", '"dGV4dA=="', "dGV4dA=="),
    ],
)
def test_simple_references_resolve(body: str, text: str, value: Any) -> None:
    r = chart().evaluate(body, ())
    assert r is not None
    assert (r.text, r.value) == (text, value)


@pytest.mark.parametrize(
    "body",
    [
        ".Values.missing",
        ".Values.m",  # a map prints as Go's map[...] text
        ".Release.Name",
        '.Release.Namespace | default "x"',
        'include "x" .',
        ".Values.a.b | upper",
        "$var",
        "(.Values.a.b)",
        ".Values.a.b | default",
    ],
)
def test_everything_else_is_unresolved(body: str) -> None:
    assert chart().evaluate(body, ()) is None


def test_relative_references_follow_with_blocks() -> None:
    assert chart().evaluate(".b", ("Values", "a")).value == "text"  # type: ignore[union-attr]
    assert chart().evaluate(".b", None) is None  # inside range: which item is unknown


def test_no_values_file_leaves_values_unresolved_but_defaults_apply() -> None:
    c = chart(None)
    assert c.evaluate(".Values.a.b", ()) is None
    assert c.evaluate(".Values.a.b | default 2", ()).value == 2  # type: ignore[union-attr]


def test_merge_like_helm_f() -> None:
    base = {"a": {"x": 1, "y": 2}, "l": [1, 2], "gone": 1}
    over = {"a": {"y": 3}, "l": [9], "gone": None}
    assert merge(base, over) == {"a": {"x": 1, "y": 3}, "l": [9]}


def test_yaml_lines_round_trip() -> None:
    value = {"a": [{"b": 1, "c": [True, None]}, "s: x"], "e": {}, "f": 1.5, "on": "no"}
    assert load_plain("\n".join(yaml_lines(value))) == value


def test_go_float() -> None:
    assert [go_float(x) for x in (3.0, 0.5, 123456.0, 1234567.0, 1e-05)] == [
        "3",
        "0.5",
        "123456",
        "1.234567e+06",
        "1e-05",
    ]
