"""Section 7 names without separators, the credential-name table, keys that name a Secret,
and the one placeholder allowlist every secret detector shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.placeholders import is_placeholder, shipped
from devops_lint.secrets_names import is_sensitive_name, names_a_reference, rule_from_settings
from tests.crossfile.helpers import write
from tests.fixture_support import lint_folder


@pytest.mark.parametrize(
    "name",
    [
        "PGPASSWORD",
        "DBPASSWD",
        "APITOKEN",
        "MYSQLPASSWORD",
        "clientsecret",
        "accesstoken",
        "MYSQL_PWD",
        "PGPASS",
        "REDISCLI_AUTH",
        "rediscli_auth",
    ],
)
def test_sensitive_without_separators(name: str) -> None:
    assert is_sensitive_name(name)


@pytest.mark.parametrize(
    "name", ["PGPASSWORD_FILE", "PGPASSFILE", "http_tokens", "passenger_count", "MYSQL_HOST"]
)
def test_still_not_sensitive(name: str) -> None:
    assert not is_sensitive_name(name)


def test_credential_name_table_is_extended_by_config() -> None:
    rule = rule_from_settings(
        {"data_extensions": {"credential_env_names.yaml": {"names": ["ACME_LOGIN_PIN"]}}}
    )
    assert is_sensitive_name("ACME_LOGIN_PIN", rule)
    assert is_sensitive_name("PGPASS", rule)  # extended, not replaced
    assert not is_sensitive_name("ACME_LOGIN_PIN")


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("existingSecret", True),
        ("existingSecretPasswordKey", True),
        ("existingSecret.key", True),
        ("configFromSecret", True),
        ("envFromSecret", True),
        ("secretFieldSelector", True),
        ("tokenSelector", True),
        ("clientSecret", False),
        ("secretKey", False),
        ("fromPassword", False),
    ],
)
def test_names_a_reference(name: str, reference: bool) -> None:
    assert names_a_reference(name) is reference


@pytest.mark.parametrize(
    "value",
    [
        "password",
        "PASSWORD",
        "your_password",
        "mypassword",
        "pass",
        "secret",
        "<password>",
        "${PASSWORD}",
        "changeme",
        "CHANGEME-now",
        "example",
        "AKIAIOSFODNN7EXAMPLE",
        "TODO",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["Pa55w0rd", "hunter22", "passw0rd!", "replaced1", "todo-list"])
def test_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_every_detector_shares_the_list() -> None:
    from devops_lint.github.names import is_placeholder as github_placeholder
    from devops_lint.kubernetes.checks_secret_data import is_placeholder as k8s_placeholder
    from devops_lint.terraform.secrets_text import is_placeholder as tf_placeholder

    words = shipped().any_case + shipped().exact_case
    for word in words:
        value = f"abc{word}123"
        assert github_placeholder(value) and k8s_placeholder(value) and tf_placeholder(value)
    for value in ("replaced1", "mastodon-rocks"):
        assert not (github_placeholder(value) or k8s_placeholder(value) or tf_placeholder(value))


def test_placeholder_list_is_extended_in_config(tmp_path: Path) -> None:
    write(tmp_path, {"values.yaml": "dbUrl: postgres://app:acmeDemoPw1@db:5432/app\n"})
    found = {f.rule_id for f in lint_folder(tmp_path).findings}
    assert "X-002.url-credentials" in found
    write(
        tmp_path,
        {
            ".devops-lint.yaml": """
            data_extensions:
              placeholders.yaml:
                any_case: [acmedemo]
            """
        },
    )
    found = {f.rule_id for f in lint_folder(tmp_path).findings}
    assert "X-002.url-credentials" not in found


POD = """
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: shop}
spec:
  containers:
    - name: app
      image: registry.example.org/app:1.0
      env:
        - name: DB_PASSWORD
          value: acmeDemoPw1
"""

WORKFLOW = """
name: ci
on: push
permissions: {contents: read}
jobs:
  test:
    runs-on: ubuntu-24.04
    env:
      DB_PASSWORD: acmeDemoPw1
    steps:
      - run: make test
"""


LAMBDA = """
resource "aws_lambda_function" "f" {
  function_name = "f"
  environment {
    variables = {
      DB_PASSWORD = "acmeDemoPw1"
    }
  }
}
"""
FORMAT_RULES = {"K8S-019.env-literal", "GHA-012.sensitive-literal", "TF-GEN-002.bootstrap-secret"}


def test_extension_reaches_the_format_rules(tmp_path: Path) -> None:
    write(tmp_path, {"pod.yaml": POD, ".github/workflows/ci.yml": WORKFLOW, "fn/main.tf": LAMBDA})
    rules = {f.rule_id for f in lint_folder(tmp_path).findings}
    assert rules >= FORMAT_RULES
    config = "data_extensions: {placeholders.yaml: {any_case: [acmedemo]}}\n"
    write(tmp_path, {".devops-lint.yaml": config})
    rules = {f.rule_id for f in lint_folder(tmp_path).findings}
    assert not FORMAT_RULES & rules
