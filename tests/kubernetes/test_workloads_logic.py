"""Unit tests for the helpers behind K8S-015…K8S-028."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devops_lint.kubernetes.checks_api_versions import parse_version, removed_apis
from devops_lint.kubernetes.checks_availability import selector_matches
from devops_lint.kubernetes.checks_probes import same_value
from devops_lint.kubernetes.checks_resources import parse_quantity
from devops_lint.kubernetes.checks_secret_data import embedded_password, is_placeholder
from devops_lint.kubernetes.checks_support import Tri, lookup, same_namespace
from devops_lint.model import UNRESOLVED_KEY, Unresolved

U = Unresolved


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500m", Fraction(1, 2)),
        ("0.5", Fraction(1, 2)),
        (0.5, Fraction(1, 2)),
        (2, Fraction(2)),
        ("1Gi", Fraction(2**30)),
        ("1024Mi", Fraction(2**30)),
        ("1.5G", Fraction(1_500_000_000)),
        ("1e3", Fraction(1000)),
        ("100k", Fraction(100_000)),
        ("250u", Fraction(1, 4000)),
        ("3n", Fraction(3, 10**9)),
        ("1Ki", Fraction(1024)),
        ("2Ei", Fraction(2**61)),
        ("1T", Fraction(10**12)),
        ("1P", Fraction(10**15)),
        ("1E", Fraction(10**18)),
        ("1Ti", Fraction(2**40)),
        ("1Pi", Fraction(2**50)),
    ],
)
def test_parse_quantity(text: Any, value: Fraction) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "lots", "1Gb", "Mi", True, None, U("{{ .Values.mem }}")])
def test_parse_quantity_rejects(text: Any) -> None:
    assert parse_quantity(text) is None


@given(st.integers(min_value=0, max_value=10**6))
def test_quantity_units_agree(n: int) -> None:
    assert parse_quantity(f"{n}Ki") == parse_quantity(str(n * 1024))
    assert parse_quantity(f"{n}m") == Fraction(n, 1000)


def test_lookup_states() -> None:
    data = {"a": {"b": 1, "n": None}, "open": {UNRESOLVED_KEY: True}, "u": U("x")}
    assert lookup(data, ("root",), ("a", "b")).present
    assert lookup(data, ("root",), ("a", "b")).path == ("root", "a", "b")
    assert lookup(data, (), ("a", "c")).missing
    assert lookup(data, (), ("a", "n")).missing  # null counts as unset
    assert lookup(data, (), ("open", "x")).unknown
    assert lookup(data, (), ("u", "x")).unknown
    assert lookup(data, (), ("a", "b", "c")).missing
    found = lookup({"v": U("x")}, (), ("v",))
    assert found.present and found.unresolved


def test_same_namespace_never_matches_placeholders() -> None:
    assert same_namespace(None, None) is Tri.YES
    assert same_namespace("shop", "shop") is Tri.YES
    assert same_namespace("shop", None) is Tri.NO
    ns = U("{{ .Values.namespace }}")
    assert same_namespace(ns, ns) is Tri.MAYBE


def test_same_value_for_identical_probes() -> None:
    probe = {"httpGet": {"path": "/health", "port": "http"}}
    assert same_value(probe, {"httpGet": {"path": "/health", "port": "http"}}) is Tri.YES
    assert same_value(probe, {"httpGet": {"path": "/ready", "port": "http"}}) is Tri.NO
    templated = {"httpGet": {"path": "/health", "port": U("{{ .Values.port }}")}}
    assert same_value(probe, templated) is Tri.MAYBE
    # A resolved difference decides even when another part is unresolved.
    other = {"httpGet": {"path": "/ready", "port": U("{{ .Values.port }}")}}
    assert same_value(probe, other) is Tri.NO
    assert same_value({"a": 1}, {"a": True}) is Tri.NO
    assert same_value({"a": 1}, {"a": 1, UNRESOLVED_KEY: True}) is Tri.MAYBE
    assert same_value({"a": 1}, {"a": 1, "b": 2}) is Tri.NO


def test_selector_matching() -> None:
    labels = {"app": "api", "tier": "backend"}
    assert selector_matches({"matchLabels": {"app": "api"}}, labels) is Tri.YES
    assert selector_matches({"matchLabels": {"app": "web"}}, labels) is Tri.NO
    assert selector_matches({}, labels) is Tri.YES
    assert selector_matches({}, labels, empty_matches_all=False) is Tri.NO
    assert selector_matches(None, labels) is Tri.NO
    expr = {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}
    assert selector_matches(expr, labels) is Tri.YES
    gone = {"matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}]}
    assert selector_matches(gone, labels) is Tri.YES
    assert selector_matches(gone, {**labels, "canary": "true"}) is Tri.NO


def test_selector_with_placeholders_is_unresolved() -> None:
    name = U("{{ .Values.app.name }}")
    assert selector_matches({"matchLabels": {"app": name}}, {"app": name}) is Tri.MAYBE
    assert selector_matches({"matchLabels": {"app": "api"}}, {"app": name}) is Tri.MAYBE
    # A resolved mismatch is still a mismatch.
    mixed = {"matchLabels": {"app": name, "tier": "front"}}
    assert selector_matches(mixed, {"app": "x", "tier": "back"}) is Tri.NO
    assert selector_matches({"matchLabels": {"app": "api"}}, {UNRESOLVED_KEY: True}) is Tri.MAYBE
    assert selector_matches(U("{{ toYaml .Values.selector }}"), {"app": "api"}) is Tri.MAYBE


@pytest.mark.parametrize(
    "value",
    [
        "changeme",
        "CHANGEME-now",
        "${DB_PASSWORD}",
        "{{ .Values.pw }}",
        "$(OTHER)",
        "<password>",
        "REPLACE_ME",
        "TODO",
        "xxxxxxxx",
        "AKIAIOSFODNN7EXAMPLE",
        "my-dummy-pass",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["s3cr3t-pa55", "hunter22", "mastodon-rocks", "replaced1"])
def test_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_embedded_password() -> None:
    assert embedded_password("postgres://app:hunter22@db:5432/app") == "hunter22"
    assert embedded_password("Server=db;User Id=app;Password=Winter2024;") == "Winter2024"
    assert embedded_password("postgres://app:${DB_PASSWORD}@db/app") is None
    assert embedded_password("postgres://app:changeme@db/app") is None
    assert embedded_password("redis://cache:6379/0") is None
    assert embedded_password("http://user@host/") is None


@pytest.mark.parametrize(
    "text",
    [
        "Host=db;PassWord=Winter2024;",  # any case
        "dsn?PWD=Winter2024",
        "Host=dé;pa\u017fsword=Winter2024",  # U+017F folds to "s" under (?i): not ASCII
    ],
)
def test_embedded_password_parameter_in_any_case(text: str) -> None:
    """The cheap filter before the parameter regex folds case as the regex does."""
    assert embedded_password(text) == "Winter2024"


def test_credential_key_found_beside_non_ascii_text() -> None:
    from devops_lint.kubernetes.checks_secret_data import _credential_in_text
    from devops_lint.secrets_names import DEFAULT_RULE

    text = '{"title": "Latenz (µs) \u0130", "DB_PASSWORD": "Winter2024x"}'
    assert _credential_in_text(text, DEFAULT_RULE)
    assert _credential_in_text("PGPASS=Winter2024x\n", DEFAULT_RULE)  # a whole name


def test_parse_version_is_numeric() -> None:
    assert parse_version("1.9") is not None and parse_version("1.10") is not None
    assert parse_version("1.9") < parse_version("1.10")  # type: ignore[operator]
    assert parse_version("v1.25") == (1, 25)
    assert parse_version("latest") is None


def test_removed_api_table_entries() -> None:
    table = {
        "1.16": [{"apiVersion": "apps/v1beta1"}],
        "1.22": [{"apiVersion": "extensions/v1beta1", "kinds": ["Ingress"], "replacement": "x"}],
        "bad": [{"apiVersion": "a/v1"}],
    }
    apis = removed_apis(table)
    assert [(a.api_version, a.removed) for a in apis] == [
        ("apps/v1beta1", (1, 16)),
        ("extensions/v1beta1", (1, 22)),
    ]
    assert apis[0].covers("Anything")
    assert apis[1].covers("Ingress") and not apis[1].covers("Deployment")


def test_credentials_in_configmap_files() -> None:
    from devops_lint.kubernetes.checks_secret_data import _credential_in_text
    from devops_lint.secrets_names import DEFAULT_RULE

    def found(text: str) -> bool:
        return _credential_in_text(text, DEFAULT_RULE)

    assert found("db:\n  host: db\n  password: hunter22\n")
    assert found('{"clientSecret": "a1b2c3d4"}')
    assert found("export API_TOKEN=9f8e7d6c5b4a\n")
    assert found("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----")
    assert found("aws_access_key_id = AKIA0123456789ABCDEF")
    assert not found("password_file: /run/secrets/db\nuse_token: true\n")
    assert not found("spring.datasource.password=${DB_PASSWORD}\n")
    assert not found("password: changeme\napi_key: <your key>\n")
    assert not found("aws_access_key_id = AKIAIOSFODNN7EXAMPLE")
    assert not found("token_url: https://auth.acme.io/token\n")


@pytest.mark.parametrize(
    "value", [float("inf"), float("-inf"), float("nan"), "1e99999999", "1e-65"]
)
def test_quantities_no_machine_has_are_unknown(value: Any) -> None:
    """YAML's .inf/.nan failed K8S-016 with an internal error, and `memory: 1e99999999`
    computed 10 ** 99999999 (a run that never ended)."""
    assert parse_quantity(value) is None


def test_large_quantities_that_fit_are_read() -> None:
    assert parse_quantity("1e18") == 10**18
    assert parse_quantity("64Ei") == 64 * 1024**6
