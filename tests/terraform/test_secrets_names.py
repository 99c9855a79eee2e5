"""The section 7 "sensitive name" rule."""

from __future__ import annotations

import pytest

from devops_lint.secrets_names import SensitiveNameRule, is_sensitive_name, name_segments

SENSITIVE = [
    "master_password",
    "client_secret",
    "secret_string",
    "DB_PASSWORD",
    "apiKey",
    "GITHUB_TOKEN",
    "DBPassword",
    "private_key_pem",
    "access_key",
    "x-api-key",
    "connectionString",
    "sas_token",
    "credentials",
]
NOT_SENSITIVE = [
    "http_tokens",
    "secret_arn",
    "password_length",
    "kms_key_id",
    "authentication_mode",
    "POSTGRES_PASSWORD_FILE",
    "token_format",
    "access_token_scopes",
    "token_url",
    "bypass_cache",
    "passenger_count",
    "secret_name",
    "",
]


@pytest.mark.parametrize("name", SENSITIVE)
def test_sensitive(name: str) -> None:
    assert is_sensitive_name(name)


@pytest.mark.parametrize("name", NOT_SENSITIVE)
def test_not_sensitive(name: str) -> None:
    assert not is_sensitive_name(name)


def test_segments() -> None:
    assert name_segments("DBPassword") == ("db", "password")
    assert name_segments("X-Api-Key2") == ("x", "api", "key", "2")
    assert name_segments("a.b_c-dE") == ("a", "b", "c", "d", "e")


def test_configurable() -> None:
    rule = SensitiveNameRule.from_setting({"extra_words": ["pin"], "exempt_suffixes": ["arn"]})
    assert is_sensitive_name("card_pin", rule)
    assert is_sensitive_name("password_length", rule)  # exempt list replaced
    assert not is_sensitive_name("secret_arn", rule)
    assert SensitiveNameRule.from_setting(None) == SensitiveNameRule()
