"""Rendering any template gives documents or one located parse error, never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_lint.helm.engine.render import render_file
from devops_lint.model import ParseError

_PIECES = st.sampled_from(
    [
        "apiVersion: v1\n",
        "kind: Pod\n",
        "metadata:\n",
        "  name: {{ .Values.a.b }}-x\n",
        "  labels:\n",
        '    {{- include "l" . | nindent 4 }}\n',
        '{{- define "l" }}app: {{ . | toString | trunc 5 }}{{ end }}',
        "spec:\n",
        "  {{- if .Values.n }}\n",
        "  {{- else if .Values.s }}\n",
        "  {{- else }}\n",
        "  {{- end }}\n",
        "  {{- with .Values.a }}\n",
        "  {{- range $k, $v := .Values.a }}\n",
        "  {{ $k }}: {{ $v | toJson }}\n",
        "    {{- toYaml .map | nindent 4 }}\n",
        '  x: {{ tpl "{{ .Values.n }}" . }}\n',
        "  y: {{ nosuch .Values | b64enc }}\n",
        '  z: {{ required "need" .Values.missing }}\n',
        '  {{ fail "stop" }}\n',
        "  {{ break }}{{ continue }}\n",
        "  {{ $x := 1 }}{{ $x = add $x 1 }}{{ $x }}\n",
        "  - {{ (index .Values.a.list 9) }}\n",
        '  {{ template "l" (dict "k" (list 1 2)) }}\n',
        "{{ /* c */ }}",
        "{{",
        "}}",
        "{{- ",
        " -}}",
        '"',
        "`",
        "(",
        ")",
        "|",
        ":",
        "- ",
        "\n",
        "  ",
        "\t",
        "\ue000",
    ]
)


@pytest.fixture(scope="module")
def chart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (root / "values.yaml").write_text(
        "a:\n  b: x\n  list: [1, {k: v}]\n  map: {k: 1, n: null}\nn: 3\ns: ''\n"
    )
    (root / "templates").mkdir()
    return root


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=30))
def test_rendering_never_raises(chart: Path, pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        out = render_file(chart, "templates/t.yaml", text, ".", {})
    except ParseError as exc:
        assert exc.line >= 1 and exc.column >= 1
        return
    for doc in out.documents:
        for span in doc.spans.values():
            assert 1 <= span.line <= text.count("\n") + 1
    for span, message in out.errors:
        assert span.line >= 1 and message
