from __future__ import annotations

import pytest

from devops_lint.prometheus.gotemplate import analyse


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        "Error rate is {{ $value | humanizePercentage }} for {{ $labels.instance }}",
        '{{ printf "%.2f" $value }}',
        "{{ if gt $value 1.0 }}high{{ else if lt $value 0.5 }}low{{ else }}mid{{ end }}",
        "{{- $value -}}",
        "{{/* a comment with }} inside? no */}}",
        '{{ $x := index $labels "pod" }}{{ $x }}',
        '{{ range $i, $v := query "up" }}{{ $v | value }}{{ end }}',
        "{{ with $labels.job }}{{ . }}{{ end }}",
        '{{ "}}" }}',
        "{{ .Labels.instance }} {{ .ExternalLabels.cluster }} {{ .Value }}",
        "{{ $externalURL }}/graph",
    ],
)
def test_valid_templates(text: str) -> None:
    assert analyse(text).errors == []


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("{{ $value | humanise }}", "humanise"),
        ("{{ $value", "unclosed action"),
        ("value }}", "'}}'"),
        ("{{ if $value }}x", "unclosed"),
        ("x{{ end }}", "unexpected {{ end }}"),
        ("{{ else }}", "else"),
        ("{{ $nope }}", "undefined variable"),
        ("{{ }}", "missing value"),
        ("{{ $value | }}", "missing command"),
        ("{{ (humanize $value }}", "unclosed '('"),
        ('{{ "abc }}', "unclosed action"),
    ],
)
def test_invalid_templates(text: str, needle: str) -> None:
    errors = analyse(text).errors
    assert errors, text
    assert any(needle in e for e in errors), errors


def test_references() -> None:
    t = analyse('{{ $labels.pod }} {{ index $labels "namespace" }} {{ .Labels.node }}')
    assert t.labels == {"pod", "namespace", "node"}
    t = analyse('{{ $externalLabels.cluster }} {{ index .ExternalLabels "region" }}')
    assert t.external_labels == {"cluster", "region"}


def test_value_printing() -> None:
    assert analyse("{{ $value }}").prints_raw_value
    assert analyse("{{ .Value }}").prints_raw_value
    assert not analyse("{{ $value | humanize }}").prints_raw_value
    assert not analyse('{{ printf "%.1f" $value }}').prints_raw_value
    assert not analyse("{{ if gt $value 1.0 }}x{{ end }}").prints_raw_value
    assert analyse("{{ if gt $value 1.0 }}x{{ end }}").uses_value
    assert not analyse("{{ $v := $value }}").prints_raw_value
