"""Any template text gives documents or one located parse error, never another exception."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from devops_lint.helm.loader import documents_from_template
from devops_lint.helm.values import ChartValues
from devops_lint.model import ParseError, Span

VALUES = {
    "a": {"b": "x", "list": [1, {"k": "v"}], "map": {"k": 1, "n": None}},
    "n": 3,
    "s": "",
}
CHART = ChartValues(Path("."), VALUES, {"name": "c", "appVersion": "1"})

_LINES = st.sampled_from(
    [
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  name: {{ .Values.a.b }}-x",
        "  labels:",
        '    {{- include "l" . | nindent 4 }}',
        "    app: web",
        "spec:",
        "  {{- if .Values.n }}",
        "  {{- else }}",
        "  {{- end }}",
        "  {{- with .Values.a }}",
        "  securityContext:",
        "    {{- toYaml .map | nindent 4 }}",
        "    {{- toYaml .Values.a.list | nindent 4 }}",
        "  containers:",
        "    - name: {{ .Values.a.b | quote }}",
        "      image: {{ .Values.missing | default .Chart.Name }}",
        "      resources: {{- toYaml .Values.a.map | nindent 8 }}",
        "    {{- range .Values.a.list }}",
        "    - {{ . }}",
        "---",
        "{{/* c }} */}}",
        "  replicas: {{ .Values.n | int }}",
        "  key: {{ if .Values.n }}a{{ else }}b{{ end }}",
        "{{ .Values.a.b }}: v",
        "  - [{{ .Values.n }}, {{ .Values.s }}]",
        "  script: |",
        "    echo {{ .Values.a.b }}",
        "  bad: [",
        "{{",
        "}}",
        "\t",
        "  x: 'it''s {{ .Values.a.b }}'",
    ]
)


# Line breaks as YAML counts them: a lone CR (old Mac files) and NEL, LS, PS end a line too.
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINES, max_size=25).map("\n".join) | st.text(max_size=120))
@example("\r[")  # line 3 of a text without LF: the CR is YAML's line break
def test_never_raises_anything_but_a_located_parse_error(text: str) -> None:
    n_lines = len(_YAML_BREAK.split(text))
    try:
        docs = documents_from_template("templates/t.yaml", text, CHART, ".")
    except ParseError as exc:
        assert 1 <= exc.line <= n_lines + 1
        return
    for doc in docs:
        assert isinstance(doc.data, dict)
        for span in (*doc.spans.values(), *doc.key_spans.values()):
            assert isinstance(span, Span)
            assert 1 <= span.line <= span.end_line <= n_lines + 1
