"""Which files under templates/ are Helm, and which YAML documents are Prometheus configs."""

from __future__ import annotations

from typing import Any

import pytest

from devops_lint.classify import document_format, template_kind

HELM = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "{{ .Release.Name }}"}\n'


@pytest.mark.parametrize(
    ("path", "text", "in_chart", "expected"),
    [
        ("chart/templates/cm.yaml", "kind: ConfigMap\n", True, "helm"),  # a chart: always Helm
        ("chart/templates/init.tpl", "#!/bin/sh\necho ${X}\n", True, "helm"),
        ("templates/cm.yaml", HELM, False, "helm"),  # the seed's bare templates/ folder
        ("templates/cm.tpl", HELM, False, "helm"),
        ("templates/pipeline.yml", "steps:\n  - script: echo ${{ parameters.x }}\n", False, "yaml"),
        ("templates/user-data.sh.tpl", "#!/bin/bash\necho ${name}\n", False, "other"),
        ("templates/kc.tpl", "server: ${endpoint}\n%{ if x }\n%{ endif }\n", False, "other"),
        ("templates/run.tpl", "#!/bin/sh\necho '{{ .Name }}'\n", False, "other"),  # a script
        ("templates/run.yaml", "#!/usr/bin/env kubectl\nk: '{{ x }}'\n", False, "yaml"),
        ("templates/plain.tpl", "hello\n", False, "other"),
    ],
)
def test_template_kind(path: str, text: str, in_chart: bool, expected: str) -> None:
    assert template_kind(path, text, in_chart) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"global": {}, "scrape_configs": []}, "prometheus-config"),
        ({"scrape_configs": [], "rule_file": []}, "prometheus-config"),  # a typo stays ours
        ({"global": {}, "alerting": {}, "rule_files": [], "storage": {}}, "prometheus-config"),
        (  # a data table that names some configuration sections among its own keys
            {"root": {}, "global": {}, "alerting": {}, "scrape_config": {}, "tls_config": {}},
            "yaml",
        ),
    ],
)
def test_prometheus_config_needs_mostly_its_own_keys(data: Any, expected: str) -> None:
    assert document_format(data) == expected
