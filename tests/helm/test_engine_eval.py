"""The Go template evaluator: grammar, Go semantics and the Sprig/Helm functions."""

from __future__ import annotations

from typing import Any

import pytest

from devops_lint.helm.engine.evaluate import Evaluator
from devops_lint.helm.engine.parse import TemplateError, parse_template
from devops_lint.helm.engine.rendered import PH_MARK, Limits, RenderLimit
from devops_lint.helm.engine.semver import satisfies


def render(src: str, values: Any = None, limits: Limits | None = None, **dot: Any) -> str:
    parsed = parse_template(src, "t.yaml")
    ev = Evaluator({d.name: d for d in parsed.defines}, limits)
    context = {"Values": values or {}, **dot}
    return ev.render(parsed.nodes, src, context).text


def errors(src: str, values: Any = None) -> list[tuple[int, str]]:
    parsed = parse_template(src, "t.yaml")
    ev = Evaluator({d.name: d for d in parsed.defines})
    return ev.render(parsed.nodes, src, {"Values": values or {}}).errors


def test_trim_markers_and_comments() -> None:
    assert render("a:  {{- 1 -}}  \n b") == "a:1b"
    assert render("x {{/* c */}} y") == "x  y"
    assert render("x\n{{- /* c */ -}}\ny") == "xy"
    assert render("{{ -1 }}") == "-1"


def test_if_else_if_else_and_truthiness() -> None:
    src = "{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}"
    assert render(src, {"a": 1.0}) == "A"
    assert render(src, {"a": 0.0, "b": "x"}) == "B"
    assert render(src, {"a": "", "b": [], "c": {}}) == "C"
    assert render("{{ if .Values.m }}y{{ else }}n{{ end }}", {"m": {}}) == "n"


def test_with_else_and_dot() -> None:
    src = "{{ with .Values.x }}[{{ .y }}]{{ else }}none{{ end }}"
    assert render(src, {"x": {"y": "v"}}) == "[v]"
    assert render(src, {"x": ""}) == "none"


def test_range_lists_maps_sorted_and_variables() -> None:
    src = "{{ range $i, $v := .Values.l }}{{ $i }}={{ $v }};{{ end }}"
    assert render(src, {"l": ["a", "b"]}) == "0=a;1=b;"
    src = "{{ range $k, $v := .Values.m }}{{ $k }}:{{ $v }},{{ end }}"
    assert render(src, {"m": {"b": 2.0, "a": 1.0}}) == "a:1,b:2,"
    assert render("{{ range .Values.l }}{{ . }}{{ else }}empty{{ end }}", {"l": []}) == "empty"
    assert (
        render("{{ range $x := .Values.l }}{{ $x }}{{ $.Values.s }}{{ end }}", {"l": [1], "s": "!"})
        == "1!"
    )


def test_break_continue_and_assignment() -> None:
    src = (
        "{{ $n := 0 }}{{ range .Values.l }}{{ if eq . 2 }}{{ continue }}{{ end }}"
        "{{ if eq . 4 }}{{ break }}{{ end }}{{ $n = add $n . }}{{ end }}{{ $n }}"
    )
    assert render(src, {"l": [1, 2, 3, 4, 5]}) == "4"


def test_define_include_template_block() -> None:
    src = (
        '{{ define "n" }}name-{{ .x }}{{ end }}'
        '{{ include "n" (dict "x" 1) | upper }}|{{ template "n" (dict "x" 2) }}|'
        '{{ block "b" . }}default-block{{ end }}'
    )
    assert render(src) == "NAME-1|name-2|default-block"


def test_tpl_renders_values_as_templates() -> None:
    src = "{{ tpl .Values.t . }}"
    assert render(src, {"t": "{{ .Values.n }}-x", "n": "r"}) == "r-x"


def test_missing_values_print_nothing() -> None:
    assert render("a: {{ .Values.nope }}|{{ .Values.a.b.c }}") == "a: |"


def test_helm_numbers_print_as_go_float64() -> None:
    assert render("{{ .Values.n }} {{ .Values.big }} {{ 1000000 }}", {"n": 3.0, "big": 1e6}) == (
        "3 1e+06 1000000"
    )


@pytest.mark.parametrize(
    ("src", "values", "expected"),
    [
        ('{{ .Values.a | default "d" }}', {}, "d"),
        ('{{ .Values.a | default "d" }}', {"a": "x"}, "x"),
        ("{{ .Values.s | quote }}", {"s": 'a"b'}, '"a\\"b"'),
        ("{{ squote .Values.s }}", {"s": "a"}, "'a'"),
        ('{{ printf "%s-%d-%v-%q" "a" 3 true "q" }}', {}, 'a-3-true-"q"'),
        (
            "{{ .Values.m | toYaml }}",
            {"m": {"b": [1.0, "x"], "a": {"c": True}}},
            "a:\n  c: true\nb:\n- 1\n- x",
        ),
        ("{{ toJson .Values.m }}", {"m": {"b": 1.0, "a": "<"}}, '{"a":"\\u003c","b":1}'),
        ('{{ "a\\nb" | indent 2 }}', {}, "  a\n  b"),
        ('{{ "a" | nindent 2 }}', {}, "\n  a"),
        ('{{ trunc 3 "abcdef" }}|{{ trunc -2 "abcdef" }}', {}, "abc|ef"),
        ('{{ trimSuffix "-" "a-" }}{{ trimPrefix "x" "xb" }}{{ trim " c " }}', {}, "abc"),
        ('{{ dig "a" "b" "def" .Values }}', {"a": {}}, "def"),
        ('{{ dig "a" "b" "def" .Values }}', {"a": {"b": "v"}}, "v"),
        ("{{ ternary 1 2 true }}{{ ternary 1 2 false }}", {}, "12"),
        ('{{ coalesce "" .Values.x "z" }}', {}, "z"),
        ("{{ and 1 0 }}{{ or 0 2 }}{{ not 0 }}", {}, "02true"),
        (
            '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ keys $d | sortAlpha | join "," }}',
            {},
            "a,b",
        ),
        ('{{ merge (dict "a" 1) (dict "a" 2 "b" 3) | toJson }}', {}, '{"a":1,"b":3}'),
        ('{{ mergeOverwrite (dict "a" 1) (dict "a" 2) | toJson }}', {}, '{"a":2}'),
        (
            '{{ hasKey (dict "a" 1) "a" }}{{ pick (dict "a" 1 "b" 2) "b" | toJson }}',
            {},
            'true{"b":2}',
        ),
        ('{{ omit (dict "a" 1 "b" 2) "b" | toJson }}{{ get (dict "a" 1) "z" }}', {}, '{"a":1}'),
        (
            "{{ list 1 2 2 | uniq | toJson }}{{ first (list 3 4) }}{{ last (list 3 4) }}",
            {},
            "[1,2]34",
        ),
        (
            "{{ has 2 (list 1 2) }}{{ without (list 1 2) 1 | toJson }}"
            '{{ compact (list "" "a") | toJson }}',
            {},
            'true[2]["a"]',
        ),
        (
            "{{ add 1 2 }}{{ sub 5 1 }}{{ mul 2 3 }}{{ div 7 2 }}{{ mod 7 2 }}"
            "{{ max 1 9 }}{{ min 1 9 }}",
            {},
            "3463191",
        ),
        ('{{ int "12" }}{{ atoi "7" }}{{ toString 5 }}{{ float64 2 }}', {}, "12752"),
        # cast.ToInt64 reads a leading 0 as octal (int, arithmetic); strconv.Atoi does not.
        ('{{ int "010" }}-{{ add "010" 1 }}-{{ atoi "010" }}-{{ int "08" }}', {}, "8-9-10-0"),
        (
            "{{ kindOf 1 }} {{ kindOf .Values.f }} {{ kindOf .Values.s }} {{ kindOf .Values.m }}"
            " {{ kindOf .Values.l }} {{ kindOf true }} {{ kindOf .Values.n }}",
            {"f": 1.5, "s": "x", "m": {}, "l": [], "n": None},
            "int float64 string map slice bool invalid",
        ),
        (
            '{{ upper "a" }}{{ lower "B" }}{{ title "hi there" }}{{ replace "a" "b" "aa" }}',
            {},
            "AbHi Therebb",
        ),
        (
            '{{ contains "b" "abc" }}{{ hasPrefix "a" "abc" }}{{ hasSuffix "c" "abc" }}',
            {},
            "truetruetrue",
        ),
        (
            '{{ splitList "," "a,b" | toJson }}{{ (split "," "a,b")._1 }}{{ cat "a" nil "b" }}',
            {},
            '["a","b"]ba b',
        ),
        (
            '{{ repeat 3 "x" }}{{ nospace "a b" }}{{ kebabcase "fooBar" }}{{ snakecase "fooBar" }}',
            {},
            "xxxabfoo-barfoo_bar",
        ),
        ('{{ camelcase "foo_bar" }}', {}, "FooBar"),
        ('{{ b64enc "hi" }}{{ b64dec "aGk=" }}', {}, "aGk=hi"),
        ('{{ sha256sum "a" | trunc 8 }}', {}, "ca978112"),
        (
            '{{ regexMatch "^a+$" "aaa" }}{{ regexReplaceAll "a(b)" "xab" "${1}" }}'
            '{{ regexFind "[0-9]+" "a12" }}',
            {},
            "truexb12",
        ),
        (
            '{{ semverCompare ">=1.21-0" "v1.31.0" }}{{ semverCompare "<1.19" "1.31.0" }}',
            {},
            "truefalse",
        ),
        (
            "{{ eq 1 1 2 }}{{ ne 1 2 }}{{ lt 1 2 }}{{ le 2 2 }}{{ gt 1 2 }}{{ ge 2 3 }}",
            {},
            "truetruetruetruefalsefalse",
        ),
        (
            '{{ len .Values.l }}{{ index .Values.l 1 }}{{ index .Values.m "k" }}',
            {"l": [1, 2], "m": {"k": "v"}},
            "22v",
        ),
        ('{{ (fromYaml "a: 1").a }}{{ (fromJson "{\\"b\\": 2}").b }}', {}, "12"),
        ('{{ print "a" 1 2 "b" }}{{ println "x" }}', {}, "a1 2bx\n"),
        ('{{ lookup "v1" "Secret" "ns" "n" | toJson }}', {}, "{}"),
        ("{{ until 3 | toJson }}", {}, "[0,1,2]"),
        ('{{ mustRegexReplaceAllLiteral "@sha.*" "1.0@sha256:ab" "" }}', {}, "1.0"),
        ("{{ list 1 | append 2 | toJson }}", {}, "error"),
    ],
)
def test_functions(src: str, values: dict[str, Any], expected: str) -> None:
    out = render(src, values)
    if expected == "error":  # append takes the list first: a piped list is the element
        assert PH_MARK in out
    else:
        assert out == expected


def test_capabilities_objects_and_methods() -> None:
    from devops_lint.helm.engine.chart import capabilities

    src = (
        '{{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.APIVersions.Has "apps/v1" }}'
        ' {{ .Capabilities.APIVersions.Has "nope/v9" }}'
    )
    assert render(src, Capabilities=capabilities()) == "v1.36.0 true false"


def test_unknown_function_is_a_placeholder_and_the_rest_renders() -> None:
    out = render("a: {{ nosuch .Values.x }}\nb: {{ 2 }}")
    assert out.startswith("a: " + PH_MARK)
    assert out.endswith("\nb: 2")


def test_unknown_values_propagate_but_default_keeps_known() -> None:
    assert PH_MARK in render("{{ nosuch | upper }}")
    assert render('{{ default (nosuch) "x" }}') == "x"


def test_required_and_fail_are_recorded_at_the_action() -> None:
    src = 'a: 1\n{{ required "need b" .Values.b }}\n{{ if .Values.c }}{{ fail "no c" }}{{ end }}'
    assert errors(src) == [(5, "need b")]
    assert [m for _, m in errors(src, {"b": "x", "c": True})] == ["no c"]
    assert errors(src, {"b": "x"}) == []


def test_syntax_errors_are_located() -> None:
    with pytest.raises(TemplateError) as err:
        parse_template("a\n{{ if .x }}\nb")
    assert err.value.offset == 2
    with pytest.raises(TemplateError):
        parse_template("{{ end }}")
    with pytest.raises(TemplateError):
        parse_template("{{ .x ")


def test_bounds_stop_hostile_templates() -> None:
    bomb = '{{ define "a" }}{{ include "a" . }}{{ end }}{{ include "a" . }}'
    with pytest.raises(RenderLimit):
        render(bomb)
    growth = '{{ $s := "xxxxxxxxxx" }}{{ range until 100000 }}{{ $s }}{{ $s }}{{ end }}'
    with pytest.raises(RenderLimit):
        render(growth, limits=Limits(max_output=100_000))
    with pytest.raises(RenderLimit):
        render("{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}")


@pytest.mark.parametrize(
    ("constraint", "version", "ok"),
    [
        (">=1.19-0", "v1.36.0", True),
        ("<1.19-0", "1.36.0", False),
        ("~1.2.0", "1.2.9", True),
        ("~1.2.0", "1.3.0", False),
        ("^1.2", "1.9.0", True),
        ("^0.2.3", "0.3.0", False),
        (">= 1.2, < 2", "1.5.0", True),
        ("1.2.x", "1.2.7", True),
        ("<1.0 || >=3", "3.1.0", True),
        (">=1.20.0", "1.21.0-beta.1", False),
    ],
)
def test_semver_constraints(constraint: str, version: str, ok: bool) -> None:
    assert satisfies(constraint, version) is ok


def test_a_space_separates_arguments_from_field_chains() -> None:
    # `.Chart.Name .Values.x` is two arguments, `$d.a` and `(pipe).a` are chains.
    src = '{{ default .Chart.Name .Values.nameOverride }}|{{ $d := dict "a" 1 }}{{ $d.a }}'
    assert render(src, {"nameOverride": ""}, Chart={"Name": "shop"}) == "shop|1"
    assert render('{{ (dict "a" (dict "b" 2)).a.b }}') == "2"


def test_printf_of_a_missing_value_prints_as_go_does() -> None:
    assert render('{{ printf "%s:5432" .Values.host }}') == "%!s(<nil>):5432"


def test_typed_parameters_refuse_missing_values() -> None:
    # Go stops on nil for a string parameter; the action is unknown, not b64("<nil>").
    assert PH_MARK in render("{{ .Values.password | b64enc }}")


@pytest.mark.parametrize(
    "src",
    [
        "{{ $l := list 1 }}{{ range until 64 }}{{ $l = list $l $l }}{{ end }}{{ toJson $l }}",
        "{{ $l := list 1 }}{{ range until 64 }}{{ $l = list $l $l }}{{ end }}{{ $l }}",
        "{{ $x := 2 }}{{ range until 200 }}{{ $x = mul $x $x }}{{ end }}{{ $x }}",
        '{{ indent 999999999 "x" }}{{ printf "%0999999999d" 1 }}',
    ],
)
def test_hostile_values_stay_small(src: str) -> None:
    import time

    start = time.process_time()
    try:
        out = render(src)
    except RenderLimit:
        out = ""
    assert len(out) < 200_000
    assert time.process_time() - start < 5
