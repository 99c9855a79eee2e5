"""Regressions found by linting real-world rule files."""

from __future__ import annotations

import pytest

from devops_lint.prometheus.gotemplate import analyse


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        # Inside `range`/`with` the dot is the query sample, not the alert: `.Labels.x`
        # there does not read the alert's labels (ceph's alert rules list down daemons so).
        ('{{ range query "up == 0" }}{{ .Labels.ceph_daemon }}{{ end }}', set()),
        ('{{ with query "up" }}{{ .Labels.a }}{{ else }}{{ .Labels.b }}{{ end }}', {"b"}),
        ('{{ range query "up" }}{{ if .Labels.a }}{{ .Labels.b }}{{ end }}{{ end }}', set()),
        # The pipeline of `with`/`range` itself still reads the alert's dot.
        ("{{ with .Labels.job }}{{ . }}{{ end }}", {"job"}),
        ('{{ range query "up" }}{{ end }}{{ .Labels.instance }}', {"instance"}),
        # `$labels` is a variable: it means the alert's labels everywhere.
        ('{{ range query "up" }}{{ $labels.pod }}{{ end }}', {"pod"}),
        ("{{ if .Labels.a }}{{ .Labels.b }}{{ end }}", {"a", "b"}),
    ],
)
def test_dot_rebound_by_range_and_with(text: str, labels: set[str]) -> None:
    assert analyse(text).labels == labels


def test_sample_value_inside_range_is_not_the_alert_value() -> None:
    tpl = analyse('{{ range query "up" }}{{ .Value }}{{ end }}')
    assert not tpl.uses_value
    assert not tpl.prints_raw_value
