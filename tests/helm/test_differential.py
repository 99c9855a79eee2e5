"""The renderer against real Helm: every chart of fixtures/helm/charts renders to the same objects.

Helm comes from the ``helm-python-sdk`` wheel (Helm's own Go engine as a library, no
binary); without it these tests are skipped. Objects are compared after YAML parsing,
ignoring document order and comments; NOTES.txt is not a manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devops_lint.helm.engine.render import render_file
from devops_lint.yamlload import load_documents
from tests.fixture_support import FIXTURES

helm_python = pytest.importorskip(
    "helm_python", reason="helm-python-sdk (Helm's engine) is not installed: pip install it"
)

CHARTS = FIXTURES / "helm" / "charts"


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, default=str)


def helm_objects(chart: Path) -> list[str]:
    rendered: dict[str, str] = helm_python.Chart.load(str(chart)).render()
    out: list[str] = []
    for name, text in rendered.items():
        if name.endswith("NOTES.txt"):
            continue
        docs, _ = load_documents(text, name, "yaml")
        out.extend(_canonical(d.data) for d in docs if isinstance(d.data, dict))
    return sorted(out)


def our_objects(chart: Path) -> list[str]:
    root = chart.parent
    out: list[str] = []
    for chart_yaml in sorted(chart.rglob("Chart.yaml")):  # the chart and its subcharts
        chart_root = chart_yaml.parent.relative_to(root).as_posix()
        for template in sorted((chart_yaml.parent / "templates").rglob("*")):
            if not template.is_file() or template.name.startswith("_"):
                continue
            if template.name == "NOTES.txt":
                continue
            path = template.relative_to(root).as_posix()
            result = render_file(root, path, template.read_text(), chart_root, {})
            out.extend(_canonical(d.data) for d in result.documents if isinstance(d.data, dict))
    return sorted(out)


@pytest.mark.parametrize("chart", sorted(p for p in CHARTS.iterdir() if p.is_dir()), ids=str)
def test_rendering_matches_helm(chart: Path) -> None:
    expected = helm_objects(chart)
    assert expected, "helm rendered nothing: the chart is not a useful test"
    assert our_objects(chart) == expected


# Rule fixtures that helm itself refuses to render, and why (the linter reports these
# as located findings instead: an unresolved value, a render error, a schema violation).
HELM_REFUSES = {
    "kubernetes/K8S-020/chart": "b64enc of a value the chart does not set",
    "helm/X-000.render-error/fail-chart": "required value missing",
    "helm/X-000.helm-values-schema/fail-chart": "values break values.schema.json",
}


def _fixture_charts() -> list[Path]:
    return sorted(
        p.parent
        for p in FIXTURES.rglob("Chart.yaml")
        if (p.parent / "values.yaml").is_file()
        and not (p.parent.parent / ".." / "Chart.yaml").is_file()  # subcharts: with parents
        and CHARTS not in p.parents
    )


@pytest.mark.parametrize(
    "chart", _fixture_charts(), ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_every_chart_fixture_renders_as_helm_does(chart: Path) -> None:
    name = chart.relative_to(FIXTURES).as_posix()
    if name in HELM_REFUSES:
        with pytest.raises(Exception):  # noqa: B017 - the SDK's error classes vary
            helm_objects(chart)
        return
    assert our_objects(chart) == helm_objects(chart)


def test_required_fails_where_helm_fails(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (tmp_path / "values.yaml").write_text("host: ''\n")
    template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
    template += '  name: {{ required "need host" .Values.host }}\n'
    (tmp_path / "templates/cm.yaml").write_text(template)
    with pytest.raises(Exception, match="need host"):
        helm_python.Chart.load(str(tmp_path)).render()
    path = f"{tmp_path.name}/templates/cm.yaml"
    result = render_file(tmp_path.parent, path, template, tmp_path.name, {})
    assert [(span.line, message) for span, message in result.errors] == [(4, "need host")]
