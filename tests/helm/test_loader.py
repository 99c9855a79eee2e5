"""Templates → Kubernetes documents at template positions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from devops_lint.helm.loader import chart_root_of, parse_file
from devops_lint.model import UNRESOLVED_KEY, ParseError, Unresolved, is_unresolved
from tests.helm.conftest import Lint

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "helm"


def seed(folder: str, name: str) -> list:  # type: ignore[type-arg]
    root = FIXTURES / folder
    path = f"helm/templates/{name}"
    text = (root / path).read_text()
    return parse_file(path, text, "helm", {"scan_root": str(root)})


def test_seed_without_values_is_unresolved_where_templated() -> None:
    (doc,) = seed("seed-without-values", "deployment.yaml")
    assert doc.format == "kubernetes" and doc.meta["helm"] and doc.meta["chart_root"] == "helm"
    ns = doc.data["metadata"]["namespace"]
    assert is_unresolved(ns) and ns == ns and ns != Unresolved("{{ .Values.namespace }}")
    assert str(ns) == "{{ .Values.namespace }}"
    assert doc.span(("metadata", "namespace")).line == 5
    container = doc.data["spec"]["template"]["spec"]["containers"][0]
    assert (
        str(container["image"]) == '"{{ .Values.image.repository }}:{{ .Values.image.tag }}"'[1:-1]
    )
    assert doc.span(("spec", "template", "spec", "containers", 0, "image")).line == 36
    assert "seccompProfile" not in doc.data["spec"]["template"]["spec"]["securityContext"]
    assert doc.data["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == 1001


def test_seed_with_values_resolves_simple_references() -> None:
    (doc,) = seed("seed-with-values", "deployment.yaml")
    spec = doc.data["spec"]
    assert doc.data["metadata"]["namespace"] == "production"
    assert spec["replicas"] == 3
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/acme/shop-api:1.4.2"
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert spec["template"]["spec"]["serviceAccountName"] == "shop-api"
    ref = container["env"][1]["valueFrom"]["secretKeyRef"]["name"]
    assert ref == "shop-api-secrets"
    assert is_unresolved(container["env"][0]["value"])  # .Values.environment is not set
    (policy,) = seed("seed-with-values", "networkpolicy.yaml")
    assert policy.data["spec"]["podSelector"]["matchLabels"]["app"] == "shop-api"


def test_toyaml_inlining_keeps_other_positions(chart: Callable[..., Path], lint: Lint) -> None:
    chart(
        {"values.yaml": "sc:\n  runAsNonRoot: true\n  seccompProfile:\n    type: RuntimeDefault\n"}
    )
    text = (
        "apiVersion: v1\n"  # 1
        "kind: Pod\n"  # 2
        "spec:\n"  # 3
        "  securityContext:\n"  # 4
        "    {{- toYaml .Values.sc | nindent 4 }}\n"  # 5
        "  containers:\n"  # 6
        "    - name: app\n"  # 7
        "      securityContext: {{- toYaml .Values.sc | nindent 8 }}\n"  # 8
        "      image: nginx\n"  # 9
    )
    (doc,) = lint(text)
    sc = doc.data["spec"]["securityContext"]
    assert sc == {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    assert doc.span(("spec", "securityContext", "seccompProfile", "type")).line == 5
    assert doc.span(("spec", "securityContext", "runAsNonRoot")).column == 5
    c = doc.data["spec"]["containers"][0]
    assert c["securityContext"] == sc
    assert doc.span(("spec", "containers", 0, "securityContext", "runAsNonRoot")).line == 8
    assert doc.key_span(("spec", "containers", 0, "securityContext")).line == 8
    assert doc.span(("spec", "containers", 0, "image")).line == 9
    assert doc.key_span(("spec", "containers")).line == 6


def test_unresolved_includes(chart: Callable[..., Path], lint: Lint) -> None:
    chart({"values.yaml": "a: 1\n"})
    text = (
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  labels:\n"
        '    {{- include "x.labels" . | nindent 4 }}\n'  # the whole value: unresolved
        "  annotations:\n"
        "    team: a\n"
        "    {{- toYaml .Values.missing | nindent 4 }}\n"  # beside keys: marks the mapping
        "spec:\n"
        "  containers:\n"
        "    - name: a\n"
        "    {{- with .Values.sidecars }}\n"
        "    {{- toYaml . | nindent 4 }}\n"  # beside list items: an unresolved item
        "    {{- end }}\n"
    )
    (doc,) = lint(text)
    labels = doc.data["metadata"]["labels"]
    assert is_unresolved(labels) and "x.labels" in labels
    assert doc.span(("metadata", "labels")).line == 5
    ann = doc.data["metadata"]["annotations"]
    assert ann["team"] == "a" and UNRESOLVED_KEY in ann and len(ann) == 2
    assert doc.span(("metadata", "annotations", UNRESOLVED_KEY)).line == 8
    containers = doc.data["spec"]["containers"]
    assert containers[0] == {"name": "a"} and is_unresolved(containers[1])
    assert doc.span(("spec", "containers", 1)).line == 13


def test_nested_include_and_with_scope(chart: Callable[..., Path], lint: Lint) -> None:
    chart({"values.yaml": "pod:\n  sc:\n    runAsUser: 5\n  name: web\n"})
    text = (
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        '  name: {{ include "x.name" (dict "ctx" $ "n" (include "x.short" .)) }}\n'
        "spec:\n"
        "  {{- with .Values.pod }}\n"
        "  hostname: {{ .name }}\n"
        "  securityContext:\n"
        "    {{- toYaml .sc | nindent 4 }}\n"
        "  {{- end }}\n"
    )
    (doc,) = lint(text)
    assert is_unresolved(doc.data["metadata"]["name"])
    assert doc.data["spec"]["hostname"] == "web"
    assert doc.data["spec"]["securityContext"] == {"runAsUser": 5}
    assert doc.span(("spec", "securityContext", "runAsUser")).line == 9


def test_range_over_containers_lints_the_body_once(chart: Callable[..., Path], lint: Lint) -> None:
    chart({"values.yaml": "containers:\n  - name: a\n    image: x\n"})
    text = (
        "apiVersion: v1\n"
        "kind: Pod\n"
        "spec:\n"
        "  containers:\n"
        "  {{- range .Values.containers }}\n"
        "    - name: {{ .name }}\n"
        "      image: {{ .image }}\n"
        "      securityContext:\n"
        "        privileged: true\n"
        "  {{- end }}\n"
    )
    (doc,) = lint(text)
    (c,) = doc.data["spec"]["containers"]
    assert is_unresolved(c["name"]) and is_unresolved(c["image"])
    assert c["securityContext"] == {"privileged": True}
    assert doc.span(("spec", "containers", 0, "securityContext", "privileged")).line == 9


def test_if_else_branches_are_all_linted(lint: Lint) -> None:
    text = (
        "apiVersion: v1\n"
        "kind: Pod\n"
        "spec:\n"
        "  {{- if .Values.host }}\n"
        "  hostNetwork: true\n"
        "  {{- else }}\n"
        "  hostNetwork: false\n"
        "  {{- end }}\n"
        "  {{- if .Values.debug }}\n"
        "  hostPID: true\n"
        "  {{- end }}\n"
    )
    (doc,) = lint(text)
    assert is_unresolved(doc.data["spec"]["hostNetwork"])  # which branch is unknown
    assert doc.data["spec"]["hostPID"] is True  # a branch written in the template is linted


def test_multiple_documents_and_empty_ones(lint: Lint) -> None:
    text = (
        "{{- if .Values.a }}\n"
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata: {name: a}\n"
        "{{- end }}\n"
        "---\n"
        "# only a comment\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: Secret\n"
    )
    docs = lint(text)
    assert [d.data["kind"] for d in docs] == ["ConfigMap", "Secret"]
    assert docs[1].span(("kind",)).line == 10


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.x\n", 4),
        ("a: {{ .Values.a }}\n b: 1\n", 2),
        ("a:\n  {{- toYaml .Values.sc | nindent 2 }}\nb: [\n", 4),
        ("{{ if .Values.x }}\na: 1\n", 1),
    ],
)
def test_syntax_errors_become_located_parse_errors(lint: Lint, text: str, line: int) -> None:
    with pytest.raises(ParseError) as info:
        lint(text)
    assert info.value.line == line


def test_parse_error_line_after_inlined_lines(chart: Callable[..., Path], lint: Lint) -> None:
    chart({"values.yaml": "sc:\n  a: 1\n  b: 2\n  c: 3\n"})
    text = "a:\n  {{- toYaml .Values.sc | nindent 2 }}\nb: 1\n c: 2\n"
    with pytest.raises(ParseError) as info:
        lint(text)
    assert info.value.line == 4


def test_values_files_layer_like_helm_f(chart: Callable[..., Path], lint: Lint) -> None:
    root = chart({"values.yaml": "ns: dev\nimage: {tag: '1'}\n", "prod.yaml": "ns: prod\n"})
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: {{ .Values.ns }}\n"
    (doc,) = lint(text, [str(root / "prod.yaml")])
    assert doc.data["metadata"]["namespace"] == "prod"


def test_helpers_and_notes_are_not_manifests() -> None:
    assert parse_file("c/templates/_helpers.tpl", "{{ define }}", "c", {}) == []
    assert parse_file("c/templates/NOTES.txt", "Visit {{ .Values.url }}", "c", {}) == []


def test_chart_root_of() -> None:
    assert chart_root_of("charts/web/templates/deploy.yaml") == "charts/web"
    assert chart_root_of("templates/deploy.yaml") == "."
    assert chart_root_of("c/templates/sub/x.yaml") == "c"


def test_block_inlining_beside_other_keys_maps_lines_back(
    chart: Callable[..., Path], lint: Lint
) -> None:
    chart({"values.yaml": "config:\n  A: '1'\n  B: two\n  C: [x, y]\n"})
    text = (
        "apiVersion: v1\n"  # 1
        "kind: ConfigMap\n"  # 2
        "data:\n"  # 3
        "  first: a\n"  # 4
        "  {{- toYaml .Values.config | nindent 2 }}\n"  # 5: three keys, four lines
        "  last: {{ .Values.config.B }}\n"  # 6
        "metadata:\n"  # 7
        "  name: cm\n"  # 8
    )
    (doc,) = lint(text)
    assert doc.data["data"] == {"first": "a", "A": "1", "B": "two", "C": ["x", "y"], "last": "two"}
    assert doc.span(("data", "first")).line == 4
    assert doc.span(("data", "C", 1)).line == 5
    assert doc.key_span(("data", "A")).line == 5
    assert doc.span(("data", "last")).line == 6
    assert doc.span(("metadata", "name")).line == 8
    assert doc.span(("data",)).end_line >= 6


def test_crlf_templates(chart: Callable[..., Path], lint: Lint) -> None:
    chart({"values.yaml": "sc:\r\n  runAsNonRoot: true\r\n"})
    lines = [
        "apiVersion: v1",
        "kind: Pod",
        "spec:",
        "  {{- if .Values.x }}",
        "  securityContext:",
        "    {{- toYaml .Values.sc | nindent 4 }}",
        "  {{- end }}",
        '  hostname: {{ .Values.h | default "web" }}',
    ]
    text = "\r\n".join(lines) + "\r\n"
    (doc,) = lint(text)
    assert doc.data["spec"] == {"securityContext": {"runAsNonRoot": True}, "hostname": "web"}
    assert doc.span(("spec", "hostname")).line == 8


def test_templated_keys_and_literal_private_use_text(lint: Lint) -> None:
    text = (
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "data:\n"
        '  {{ .Values.k | default "key" }}: {{ .Values.v | default 1 }}\n'
        "  {{ .Values.other }}: x\n"
        '  note: "\ue005 private use"\n'
    )
    (doc,) = lint(text)
    data = doc.data["data"]
    assert data["key"] == 1
    assert doc.key_span(("data", "key")).line == 4
    other = [k for k in data if k not in ("key", "note")]
    assert len(other) == 1 and is_unresolved(other[0]) and data[other[0]] == "x"
    assert doc.span(("data", other[0])).line == 5
    assert data["note"] == "\ue005 private use"


def test_identical_templated_values_never_match(lint: Lint) -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  a: {{ .Values.x }}\n  b: {{ .Values.x }}\n"
    (doc,) = lint(text)
    a, b = doc.data["metadata"]["a"], doc.data["metadata"]["b"]
    assert str(a) == str(b) and a != b


def test_includes_inside_block_scalars(chart: Callable[..., Path], lint: Lint) -> None:
    chart({"values.yaml": "config:\n  level: debug\nname: web\n"})
    text = (
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "data:\n"
        "  known.yaml: |\n"
        "    {{- toYaml .Values.config | nindent 4 }}\n"
        "  unknown.yaml: |-\n"
        '    {{- include "app.config" . | nindent 4 }}\n'
        "  greeting: |\n"
        "    hello {{ .Values.name }}\n"
    )
    (doc,) = lint(text)
    data = doc.data["data"]
    assert data["known.yaml"] == "level: debug\n"
    assert is_unresolved(data["unknown.yaml"])
    assert data["greeting"] == "hello web\n"


def test_a_line_of_several_actions_is_one_unresolved_subtree(
    chart: Callable[..., Path], lint: Lint
) -> None:
    chart({"values.yaml": "a: x\nb: y\n"})
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name:\n    {{ .Values.a }}{{ .Values.b }}\n"
    (doc,) = lint(text)
    name = doc.data["metadata"]["name"]
    assert is_unresolved(name) and str(name) == "{{ .Values.a }}{{ .Values.b }}"


def test_trailing_include_without_a_space(chart: Callable[..., Path], lint: Lint) -> None:
    chart({"values.yaml": "r:\n  limits: {cpu: 1}\n"})
    text = "apiVersion: v1\nkind: Pod\nspec:\n  resources:{{- toYaml .Values.r | nindent 4 }}\n"
    (doc,) = lint(text)
    assert doc.data["spec"]["resources"] == {"limits": {"cpu": 1}}
    assert doc.key_span(("spec", "resources")).column == 3
    assert doc.span(("spec", "resources", "limits", "cpu")).column == 13


def test_broken_values_file_leaves_values_unknown(chart: Callable[..., Path], lint: Lint) -> None:
    chart({"values.yaml": "a: [1\n"})
    text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.a | default "x" }}\n'
    (doc,) = lint(text)
    assert is_unresolved(doc.data["metadata"]["name"])
