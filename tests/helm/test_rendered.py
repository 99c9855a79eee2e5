"""Charts with Chart.yaml and values.yaml are rendered, and findings point at template lines."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

import devops_lint.helm.loader as loader
from devops_lint.engine import RunResult
from devops_lint.helm.engine.render import render_file
from devops_lint.model import ParseError, Unresolved
from tests.fixture_support import FIXTURES, lint_folder

CHART = "apiVersion: v2\nname: shop\nversion: 1.0.0\nappVersion: '2.1'\n"

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
  namespace: shop
spec:
  template:
    spec:
      containers:
        {{- range .Values.containers }}
        - name: {{ .name }}
          image: "registry.example.com/{{ .name }}:1.0"
          securityContext:
            privileged: {{ .privileged }}
        {{- end }}
        - name: sidecar
          image: registry.example.com/sidecar:1.0
          securityContext:
            {{- include "shop.securityContext" . | nindent 12 }}
"""

HELPERS = """{{- define "shop.fullname" -}}
{{ .Release.Name }}-{{ .Chart.Name }}
{{- end }}
{{- define "shop.securityContext" -}}
privileged: true
runAsNonRoot: true
{{- end }}
"""

VALUES = """containers:
  - name: api
    privileged: false
  - name: worker
    privileged: true
"""


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _findings(result: RunResult, rule: str) -> list[tuple[str, int]]:
    return sorted((f.path, f.span.line) for f in result.findings if f.rule_id == rule)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return _write(
        tmp_path,
        {
            "Chart.yaml": CHART,
            "values.yaml": VALUES,
            "templates/deployment.yaml": DEPLOYMENT,
            "templates/_helpers.tpl": HELPERS,
        },
    )


def test_findings_in_a_range_point_inside_the_body_and_includes_at_the_include(
    shop: Path,
) -> None:
    result = lint_folder(shop)
    # worker (the range's second item) at the body's line; the sidecar's privileged: true
    # comes from the helper and is reported at the include.
    assert _findings(result, "K8S-001") == [
        ("templates/deployment.yaml", 14),
        ("templates/deployment.yaml", 19),
    ]
    names = {f.message for f in result.findings if f.rule_id == "K8S-001"}
    assert any("'worker'" in m for m in names) and not any("'api'" in m for m in names)


def test_rendered_values_replace_placeholders(shop: Path) -> None:
    text = (shop / "templates/deployment.yaml").read_text()
    out = render_file(shop, "templates/deployment.yaml", text, ".", {})
    (doc,) = out.documents
    assert doc.data["metadata"]["name"] == "release-name-shop"
    containers = doc.data["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["api", "worker", "sidecar"]
    assert containers[2]["securityContext"] == {"privileged": True, "runAsNonRoot": True}
    assert doc.span(("spec", "template", "spec", "containers", 1, "name")).line == 11
    assert doc.span(("metadata", "name")).line == 4


def test_value_sets_render_again_and_report_shared_findings_once(shop: Path) -> None:
    _write(
        shop,
        {
            "prod.yaml": "containers:\n  - name: api\n    privileged: true\n",
            ".devops-lint.yaml": "helm_values_files: [prod.yaml]\n",
        },
    )
    old = Path.cwd()
    os.chdir(shop)  # values files are named relative to the working directory
    try:
        result = lint_folder(shop)
    finally:
        os.chdir(old)
    privileged = [f for f in result.findings if f.rule_id == "K8S-001"]
    # line 14: worker under the defaults and api under prod.yaml; line 19 under both.
    assert sorted({(f.span.line, f.message) for f in privileged}) == sorted(
        (f.span.line, f.message) for f in privileged
    )
    assert {f.span.line for f in privileged} == {14, 19}
    assert any("'api'" in f.message for f in privileged)
    # Each finding names the value sets whose rendering gives it.
    by_container = {(f.span.line, f.message.split("'")[1]): f.message for f in privileged}
    assert by_container[(19, "sidecar")].endswith("(values: values.yaml, prod.yaml)")
    assert by_container[(14, "api")].endswith("(values: prod.yaml)")
    assert by_container[(14, "worker")].endswith("(values: values.yaml)")


def test_a_branch_no_value_set_renders_is_not_linted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _write(
        tmp_path,
        {
            "Chart.yaml": CHART,
            "values.yaml": "debug: false\n",
            "templates/pod.yaml": (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n"
                "  containers:\n    - name: app\n      image: registry.example.com/a:1\n"
                "      {{- if .Values.debug }}\n      securityContext:\n"
                "        privileged: true\n      {{- end }}\n"
            ),
        },
    )
    assert _findings(lint_folder(root), "K8S-001") == []
    monkeypatch.setattr(loader, "renders", lambda *_: False)  # the in-place view
    assert _findings(lint_folder(root), "K8S-001") == [("templates/pod.yaml", 12)]


def test_subchart_values_are_scoped_with_globals(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "Chart.yaml": CHART + "dependencies:\n  - name: db\n    condition: db.enabled\n",
            "values.yaml": (
                "global:\n  registry: reg.example.com\ndb:\n  enabled: true\n  tag: '15'\n"
            ),
            "charts/db/Chart.yaml": "apiVersion: v2\nname: db\nversion: 0.1.0\n",
            "charts/db/values.yaml": "tag: '14'\nport: 5432\n",
            "charts/db/templates/cm.yaml": (
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n  namespace: shop\n"
                'data:\n  image: "{{ .Values.global.registry }}/db:{{ .Values.tag }}"\n'
                "  port: {{ .Values.port | quote }}\n"
            ),
        },
    )
    path = "charts/db/templates/cm.yaml"
    out = render_file(root, path, (root / path).read_text(), "charts/db", {})
    (doc,) = out.documents
    assert doc.data["data"] == {"image": "reg.example.com/db:15", "port": "5432"}
    (root / "values.yaml").write_text("db:\n  enabled: false\n")
    loader_out = render_file(root, path, (root / path).read_text(), "charts/db", {})
    assert loader_out.documents == []  # a disabled dependency renders nothing


def test_files_are_read_inside_the_chart_only(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("TOP-SECRET")
    chart = tmp_path / "chart"
    _write(
        chart,
        {
            "Chart.yaml": CHART,
            "values.yaml": "",
            "files/app.conf": "listen 80",
            "templates/cm.yaml": (
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: shop\ndata:\n"
                '  a: {{ .Files.Get "files/app.conf" | quote }}\n'
                '  b: {{ .Files.Get "../secret.txt" | quote }}\n'
                '  c: {{ .Files.Get "files/link" | quote }}\n'
                '  d: {{ (.Files.Glob "files/*").AsConfig | quote }}\n'
            ),
        },
    )
    (chart / "files/link").symlink_to(outside)
    text = (chart / "templates/cm.yaml").read_text()
    (doc,) = render_file(tmp_path, "chart/templates/cm.yaml", text, "chart", {}).documents
    assert doc.data["data"] == {"a": "listen 80", "b": "", "c": "", "d": "app.conf: listen 80"}


def test_template_syntax_errors_stay_parse_errors(tmp_path: Path) -> None:
    _write(tmp_path, {"Chart.yaml": CHART, "values.yaml": ""})
    with pytest.raises(ParseError) as err:
        render_file(tmp_path, "templates/x.yaml", "a: 1\nb: {{ if }}\n", ".", {})
    assert err.value.line == 2


# The failures of the in-place view on valid charts (issue: rendered charts), each a fixture.
ISSUE_FIXTURES = [
    ("helm/X-000.parse-error", "X-000.parse-error", "pass-rendered/templates/with-blocks.yaml"),
    ("helm/X-000.parse-error", "X-000.parse-error", "pass-rendered/templates/if-else-fail.yaml"),
    ("helm/X-000.render-error", "X-000.parse-error", "fail-chart/templates/configmap.yaml"),
    ("helm/PROM-007", "PROM-007.schema", "chart/templates/pass-rules.yaml"),
]


@pytest.mark.parametrize(("folder", "rule", "path"), ISSUE_FIXTURES)
def test_issue_failures_are_gone_when_rendered(
    folder: str, rule: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = lint_folder(FIXTURES / folder)
    assert not [f for f in rendered.findings if f.rule_id == rule and f.path == path]
    monkeypatch.setattr(loader, "renders", lambda *_: False)  # the in-place view
    in_place = lint_folder(FIXTURES / folder)
    assert [f for f in in_place.findings if f.rule_id == rule and f.path == path]


def test_dig_default_resolves() -> None:
    result = lint_folder(FIXTURES / "helm/PROM-009")
    found = {(f.span.line, f.outcome) for f in result.findings if f.rule_id.startswith("PROM-009")}
    assert found == {(19, "fail")}


def test_tpl_over_toyaml_renders_the_values() -> None:
    root = FIXTURES / "helm/X-000.parse-error"
    path = "pass-rendered/templates/tpl-toyaml.yaml"
    (doc,) = render_file(root, path, (root / path).read_text(), "pass-rendered", {}).documents
    assert doc.data["metadata"]["annotations"] == {"greeting": "hello from release-name"}
    assert doc.key_span(("metadata", "annotations", "greeting")).line == 8


def _chart_templates() -> list[tuple[Path, str, str]]:
    out: list[tuple[Path, str, str]] = []
    for chart_yaml in sorted(FIXTURES.rglob("Chart.yaml")):
        chart = chart_yaml.parent
        if not (chart / "values.yaml").is_file():
            continue
        for tpl in sorted((chart / "templates").rglob("*")):
            if tpl.is_file() and not tpl.name.startswith("_"):
                rel_chart = chart.relative_to(FIXTURES).as_posix()
                out.append(
                    (FIXTURES, f"{rel_chart}/{tpl.relative_to(chart).as_posix()}", rel_chart)
                )
    return out


@pytest.mark.parametrize(("root", "path", "chart"), _chart_templates(), ids=lambda v: str(v))
def test_rendering_never_raises_on_chart_fixtures(root: Path, path: str, chart: str) -> None:
    text = (root / path).read_text(errors="replace")
    with contextlib.suppress(ParseError):  # a located parse error is an answer, not a crash
        render_file(root, path, text, chart, {})


def test_release_namespace_is_default_unless_configured(shop: Path) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
    text += "  namespace: {{ .Release.Namespace }}\n"
    (default,) = render_file(shop, "templates/cm.yaml", text, ".", {}).documents
    assert default.data["metadata"]["namespace"] == "default"
    settings = {"helm_release_namespace": "shop"}
    (configured,) = render_file(shop, "templates/cm.yaml", text, ".", settings).documents
    assert configured.data["metadata"]["namespace"] == "shop"


def test_dependencies_missing_from_charts_are_named(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "Chart.yaml": CHART + "dependencies:\n  - name: grafana\n    version: 1.0.0\n",
            "values.yaml": "",
            "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        },
    )
    text = (root / "templates/cm.yaml").read_text()
    (doc,) = render_file(root, "templates/cm.yaml", text, ".", {}).documents
    assert doc.meta["helm_missing_dependencies"] == ["grafana"]


def test_a_chart_whose_values_cannot_be_read_is_linted_in_place(tmp_path: Path) -> None:
    from devops_lint.helm.engine.render import renders

    _write(tmp_path, {"Chart.yaml": CHART, "values.yaml": "a: [unclosed\n"})
    assert not renders(tmp_path, ".")
    (tmp_path / "values.yaml").write_text("a: 1\n")
    assert renders(tmp_path, ".")


def test_unknown_blocks_keep_their_layout(tmp_path: Path) -> None:
    # Helpers of a dependency chart that is not in the scan: the include is unknown, but
    # the document still parses and the rest of it is linted.
    template = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
        '  labels: {{- include "common.labels" . | nindent 4 }}\n'
        "data:\n"
        '  config: |- {{- include "common.config" . | nindent 4 }}\n'
        "  plain: text\n"
    )
    _write(tmp_path, {"Chart.yaml": CHART, "values.yaml": "", "templates/cm.yaml": template})
    (doc,) = render_file(tmp_path, "templates/cm.yaml", template, ".", {}).documents
    labels = doc.data["metadata"]["labels"]
    assert isinstance(labels, Unresolved) and "common.labels" in labels
    assert isinstance(doc.data["data"]["config"], Unresolved)
    assert doc.data["data"]["plain"] == "text"
    assert doc.span(("data", "plain")).line == 8


DEPENDENCY = "dependencies:\n  - name: prometheus-node-exporter\n    version: 4.0.0\n"

RULES = """apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: node
  namespace: monitoring
spec:
  groups:
    - name: node
      rules:
        - alert: NodeDown
          expr: node_load1 > 100
          for: 5m
          labels:
            severity: warning
"""

MONITOR = """apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: app
  namespace: monitoring
spec:
  selector:
    matchLabels:
      app: app
  endpoints:
    - port: metrics
"""


@pytest.mark.parametrize(("dependencies", "outcome"), [("", "fail"), (DEPENDENCY, "unresolved")])
def test_exporters_of_dependencies_not_in_the_scan_are_unresolved(
    tmp_path: Path, dependencies: str, outcome: str
) -> None:
    root = _write(
        tmp_path,
        {
            "Chart.yaml": CHART + dependencies,
            "values.yaml": "",
            "templates/rules.yaml": RULES,
            "templates/monitor.yaml": MONITOR,
        },
    )
    found = [f for f in lint_folder(root).findings if f.rule_id == "X-007.exporter-missing"]
    assert [(f.path, f.span.line, f.outcome) for f in found] == [
        ("templates/rules.yaml", 11, outcome)
    ]
