"""The placeholder transform: tokenizing actions and keeping every position."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_lint.helm.placeholder_chars import PH_CHARS, PH_RADIX, read, spell
from devops_lint.helm.template import IncludeSite, Inlined, transform
from devops_lint.helm.template_actions import TemplateSyntaxError, parse_include, tokenize


def test_tokenize_trim_markers_and_bodies() -> None:
    actions = tokenize("a: {{- .Values.x -}}\nb: {{ .Values.y }}\n")
    assert [a.body for a in actions] == [".Values.x", ".Values.y"]
    assert [a.kind for a in actions] == ["output", "output"]
    assert actions[0].start == 3 and actions[0].end == 20


def test_tokenize_negative_number_is_not_a_trim_marker() -> None:
    (action,) = tokenize("{{-3}}")
    assert action.body == "-3"


def test_tokenize_strings_containing_closing_delimiters() -> None:
    text = 'x: {{ printf "}}%s" `raw }}` .Values.a }} y'
    (action,) = tokenize(text)
    assert action.body == 'printf "}}%s" `raw }}` .Values.a'
    assert text[action.end :] == " y"


def test_tokenize_comments_and_control_flow() -> None:
    text = "{{/* a }} comment */}}\n{{- if .Values.a }}\n{{ else }}\n{{- end -}}\n{{ $x := 1 }}"
    kinds = [(a.kind, a.keyword) for a in tokenize(text)]
    assert kinds == [
        ("comment", ""),
        ("open", "if"),
        ("else", "else"),
        ("end", "end"),
        ("silent", ""),
    ]


def test_tokenize_trimmed_comment() -> None:
    (action,) = tokenize("{{- /* note */ -}}")
    assert action.kind == "comment"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: {{ .Values.x\nc: 2\n", 2),
        ('a: {{ "unterminated }}\n', 1),
        ("a: 1\n{{/* never closed\n", 2),
        ("{{ end }}\n", 1),
        ("x: 1\n{{ if .Values.a }}\ny: 2\n", 2),
    ],
)
def test_syntax_errors_are_located(text: str, line: int) -> None:
    with pytest.raises(TemplateSyntaxError) as info:
        transform(text)
    assert info.value.line == line


def test_control_lines_are_blanked_and_values_keep_columns() -> None:
    text = "a:\n  {{- if .Values.x }}\n  b: {{ .Values.y }}\n  {{- end }}\n"
    out = transform(text).text.split("\n")
    assert out[1].strip() == "" and out[3].strip() == ""
    assert len(out[1]) == len(text.split("\n")[1])
    assert out[2].startswith("  b: ") and len(out[2]) == len("  b: {{ .Values.y }}")
    assert PH_CHARS.fullmatch(out[2][5])


def test_parse_include_forms() -> None:
    assert parse_include("toYaml .Values.a | nindent 8").ref == ".Values.a"
    spec = parse_include(".Values.a | toYaml | indent 4")
    assert (spec.ref, spec.indent, spec.newline) == (".Values.a", 4, False)
    assert parse_include('include "x.labels" . | nindent 4').ref is None
    assert parse_include("toYaml (.Values.a) | nindent 4").ref is None


def test_define_bodies_are_not_output() -> None:
    text = '{{- define "x" }}\nkey: value\n{{- end }}\na: 1\n'
    out = transform(text).text.split("\n")
    assert out[1].strip() == "" and out[3] == "a: 1"


# Template-ish text: YAML fragments mixed with actions of every kind.
_PIECES = st.sampled_from(
    [
        "a: ",
        "  ",
        "- ",
        "key: value",
        "\n",
        "\n  ",
        "{{ .Values.x }}",
        "{{- .Values.y | quote -}}",
        '{{ "}}" }}',
        "{{/* c */}}",
        "{{- if .Values.z }}",
        "{{- else }}",
        "{{- end }}",
        "{{- range .Values.l }}",
        "{{- with .Values.w }}",
        "{{- toYaml . | nindent 4 }}",
        '{{ include "t" (dict "a" 1) }}',
        "{{ $v := 1 }}",
        "x",
        "#",
        ":",
        '"',
        "}}",
        "{{",
        "é",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join) | st.text(max_size=80))
def test_transform_keeps_lines_and_positions(text: str) -> None:
    try:
        tr = transform(text)
        actions = tokenize(text)
    except TemplateSyntaxError:
        return
    out_lines = tr.text.split("\n")
    in_lines = text.split("\n")
    assert len(out_lines) == len(in_lines)
    assert tr.identity or tr.markers  # only include markers change a line's text
    inside: set[int] = set()
    for a in actions:
        inside.update(range(a.start, a.end))
    offset = 0
    for n, (src, out) in enumerate(zip(in_lines, out_lines, strict=True)):
        if out.strip() and len(out) == len(src) and (n + 1) not in tr.synthetic:
            for col, ch in enumerate(src):
                if offset + col not in inside:
                    assert out[col] == ch, (n, col)
        elif not out.strip():
            pass  # blanked: control flow, comments or an include without a place
        offset += len(src) + 1
    for n in range(1, len(out_lines) + 1):
        assert tr.template_line(n) == n


def _render(site: IncludeSite) -> Inlined | None:
    if site.spec.ref == ".":
        return None  # unknown: becomes a marker
    return Inlined(
        {"a": 1, "b": [2, 3]}, lambda v: ["a: 1", "b:", "- 2", "- 3"], lambda v: "{a: 1}"
    )


_INCLUDES = st.sampled_from(
    [
        "{{- toYaml .Values.x | nindent 2 }}",
        "{{ toYaml .Values.x | indent 4 }}",
        "{{- toYaml . | nindent 2 }}",
        "key: {{- toYaml .Values.x | nindent 4 }}",
        "key: |",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | _INCLUDES, max_size=40).map("".join))
def test_inlining_keeps_every_other_line_at_its_template_line(text: str) -> None:
    try:
        tr = transform(text, _render)
    except TemplateSyntaxError:
        return
    src = text.split("\n")
    out = tr.text.split("\n")
    touched: set[int] = set()
    for a in tokenize(text):
        first, last = text.count("\n", 0, a.start) + 1, text.count("\n", 0, a.end) + 1
        touched.update(range(first, last + 1))
    plain = set(range(1, len(src) + 1)) - touched
    for n, line in enumerate(out, 1):
        t = tr.template_line(n)
        assert 1 <= t <= len(src)
        if n in tr.synthetic:
            continue
        if t in plain:
            assert line == src[t - 1]


@given(st.integers(min_value=0, max_value=PH_RADIX**2 - 1))
def test_both_placeholder_spellings_read_back(index: int) -> None:
    """The loader's and the engine's placeholders share one alphabet (``placeholder_chars``)."""
    from devops_lint.helm.engine.rendered import PH_MARK, placeholder_index, placeholder_text
    from devops_lint.helm.template import placeholder
    from devops_lint.helm.template import placeholder_index as action_index

    engine = placeholder_text(index)
    assert engine[0] == PH_MARK and len(engine) == 3
    assert all(PH_CHARS.fullmatch(c) for c in engine)
    assert placeholder_index(engine) == index == read(spell(index, 2))
    loader = placeholder(index, 9, 2)
    assert len(loader) == 9 and loader[:2] == engine[1:] and action_index(loader, 2) == index
