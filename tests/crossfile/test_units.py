"""Unit tests of the cross-file helpers: command and matcher parsing, routing, patterns."""

from __future__ import annotations

from typing import Any

import pytest

from devops_lint.crossfile.alertmanager import AlertmanagerConfig, _read, parse_matcher
from devops_lint.crossfile.checks_oidc import admits
from devops_lint.crossfile.checks_refs import _external, helm_charts, repo_root
from devops_lint.model import Document
from devops_lint.prometheus.index import go_glob


@pytest.mark.parametrize(
    ("script", "paths"),
    [
        ("helm upgrade --install app ./helm-chart \\\n  --namespace x --wait", ["./helm-chart"]),
        ("helm install -f ./values.yaml app ./chart", ["./chart"]),
        ("helm template app ./c --values=./v.yaml --set a=./b", ["./c"]),
        ("helm lint . && helm package ../other -d ./dist", [".", "../other"]),
        ("helm upgrade app bitnami/nginx --version 1.0", []),
        ("helm repo add x https://charts.example && echo ./not-helm", []),
        ("kubectl apply -f ./k8s", []),
    ],
)
def test_helm_chart_paths(script: str, paths: list[str]) -> None:
    assert [p for _, _, p in helm_charts(script)] == paths


def test_helm_chart_offsets_point_at_the_path() -> None:
    script = "echo hi\nhelm upgrade --install staging-app ./helm-chart \\\n  --wait\n"
    ((start, end, path),) = list(helm_charts(script))
    assert script[start:end] == path == "./helm-chart"


@pytest.mark.parametrize(
    ("path", "root"),
    [
        (".github/workflows/ci.yml", "."),
        ("services/api/.github/workflows/ci.yml", "services/api"),
        ("github/workflows/deploy.yml", "."),
        ("ci/deploy.yml", "."),
    ],
)
def test_repository_root(path: str, root: str) -> None:
    assert repo_root(path) == root


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('severity="critical"', ("severity", "=", "critical")),
        ("severity=~'crit.*'", ("severity", "=~", "'crit.*'")),
        ('team != "db"', ("team", "!=", "db")),
        ("service=~^(api|web)$", ("service", "=~", "^(api|web)$")),
    ],
)
def test_matcher_parsing(text: str, expected: tuple[str, str, str]) -> None:
    m = parse_matcher(text)
    assert m is not None and (m.name, m.op, m.value) == expected


def _am(data: dict[str, Any]) -> AlertmanagerConfig:
    doc = Document(path="alertmanager.yml", format="alertmanager", data=data)
    return _read(doc, (), data, "alertmanager.yml", False)


ROUTES: dict[str, Any] = {
    "route": {
        "receiver": "null",
        "routes": [
            {"matchers": ['severity="critical"'], "receiver": "pager", "continue": True},
            {"matchers": ['severity=~"crit.*"', 'team="db"'], "receiver": "db"},
            {"match": {"severity": "warning"}, "receiver": "slack"},
        ],
    },
    "receivers": [
        {"name": "null"},
        {"name": "pager", "pagerduty_configs": [{"routing_key_file": "/k"}]},
        {"name": "db", "email_configs": [{"to": "db@example.com"}]},
        {"name": "slack", "slack_configs": [{"api_url_file": "/u"}]},
    ],
}


@pytest.mark.parametrize(
    ("labels", "receivers", "deeper"),
    [
        ({"severity": "critical", "team": "db"}, ["pager", "db"], True),
        ({"severity": "critical"}, ["pager"], True),
        ({"severity": "warning"}, ["slack"], True),
        ({"severity": "info"}, ["null"], False),
        ({}, ["null"], False),  # matchers on labels the alert does not set never match
    ],
)
def test_routing_is_depth_first_with_continue(
    labels: dict[str, str], receivers: list[str], deeper: bool
) -> None:
    assert _am(ROUTES).resolve(labels) == (receivers, deeper)


def test_deprecated_match_is_recorded() -> None:
    am = _am(ROUTES)
    deprecated = [p for r in am.all_routes() for p in r.deprecated]
    assert deprecated == [("route", "routes", 2, "match")]


@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("rules/*.yml", "rules/a.yml", True),
        ("rules/*.yml", "rules/sub/a.yml", False),
        ("rules/[ab].yml", "rules/b.yml", True),
        ("rules/[!a].yml", "rules/a.yml", False),
        ("r?les/x.yml", "rules/x.yml", True),
    ],
)
def test_rule_files_glob_is_go_filepath_match(pattern: str, path: str, hit: bool) -> None:
    assert bool(go_glob(pattern).match(path)) is hit


@pytest.mark.parametrize(
    ("kind", "name", "namespace", "patterns", "hit"),
    [
        ("Secret", "db", "shop", ["db"], True),
        ("Secret", "db", "shop", ["Secret/db"], True),
        ("ConfigMap", "db", "shop", ["Secret/db"], False),
        ("Secret", "db", "shop", ["Secret/shop/db"], True),
        ("Secret", "db", "other", ["Secret/shop/db"], False),
        ("Secret", "vault-db", None, ["Secret/*/vault-*"], True),
    ],
)
def test_external_objects(
    kind: str, name: str, namespace: str | None, patterns: list[str], hit: bool
) -> None:
    assert _external(kind, name, namespace, patterns) is hit


@pytest.mark.parametrize(
    ("pattern", "like", "subject", "hit"),
    [
        ("repo:acme/shop:*", True, "repo:acme/shop:pull_request", True),
        ("repo:acme/shop:environment:prod-*", True, "repo:acme/shop:environment:prod-eu", True),
        ("repo:acme/shop:*", False, "repo:acme/shop:pull_request", False),
        ("repo:acme/shop:ref:refs/heads/main", False, "repo:acme/shop:ref:refs/heads/main", True),
        ("repo:acme/*:ref:refs/heads/main", True, "repo:acme/web:ref:refs/heads/main", True),
    ],
)
def test_trust_pattern_semantics(pattern: str, like: bool, subject: str, hit: bool) -> None:
    assert admits(pattern, like, subject) is hit


@pytest.mark.parametrize(
    ("condition", "claims", "expected"),
    [
        ("assertion.repository == 'acme/shop'", {"assertion.repository": "acme/shop"}, True),
        ("assertion.repository == 'acme/shop'", {"assertion.repository": "acme/web"}, False),
        ("assertion.ref == 'refs/heads/main'", {"assertion.repository": "acme/shop"}, None),
        (
            "assertion.repository == 'acme/shop' && assertion.ref == 'refs/heads/main'",
            {"assertion.repository": "acme/web"},
            False,
        ),
        ("assertion.sub.startsWith('repo:acme/')", {"assertion.sub": "repo:acme/x:ref:r"}, True),
        ("assertion.repository in ['a/b', 'acme/shop']", {"assertion.repository": "a/b"}, True),
        ("!(assertion.event_name == 'pull_request')", {"assertion.event_name": "push"}, True),
        ("assertion.x == 'a' || true", {}, True),
        # An unknown side: the decisive value still decides, otherwise unknown.
        ("assertion.x == 'a' && false", {}, False),
        ("assertion.x == 'a' && true", {}, None),
        ("assertion.x == 'a' || false", {}, None),
        ("false || assertion.x == 'a' || true", {}, True),
        ("true && assertion.x == 'a' && false", {}, False),
        ("size(assertion.sub) > 3", {"assertion.sub": "abcd"}, None),  # outside the subset
    ],
)
def test_cel_subset(condition: str, claims: dict[str, str], expected: bool | None) -> None:
    from devops_lint.crossfile.cel import evaluate

    assert evaluate(condition, claims) is expected


def test_cel_attribute_mapping() -> None:
    from devops_lint.crossfile.cel import evaluate, mapped_claims

    claims = mapped_claims(
        {"assertion.repository": "acme/shop"}, {"attribute.repo": "assertion.repository"}
    )
    assert evaluate("attribute.repo == 'acme/shop'", claims) is True


def test_exporter_signatures_table() -> None:
    from devops_lint.context import load_data_table

    table = load_data_table("exporter_signatures.yaml")
    names = {e["name"] for e in table["exporters"]}
    assert {"kube-state-metrics", "node-exporter", "kubelet"} <= names
    prefixes = {p for e in table["exporters"] for p in e["prefixes"]}
    assert prefixes == {"kube_", "node_", "container_", "kubelet_", "apiserver_"}
