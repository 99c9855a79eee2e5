"""X-001 detectors: each detector, placeholders, overlaps, masking, positions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_lint.context import load_data_table
from devops_lint.secrets.detectors import DetectorSet, LineIndex, mask, shannon_entropy

DETECTORS = DetectorSet(load_data_table("secret_detectors.yaml"))
F = "ZZZZfake"
BODY = "ZmFrZS1rZXktbWF0ZXJpYWwtZm9yLXRlc3RzLW9ubHktbm90LWEta2V5\n" * 3


def rules_in(text: str) -> list[str]:
    return [h.rule for h in DETECTORS.scan(text)]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("AWS_ACCESS_KEY_ID=AKIAZZZZFAKEFAKE1234", "X-001.aws-access-key"),
        ("key: ABIAZZZZFAKEFAKE1234", "X-001.aws-access-key"),
        (f'"aws_secret_access_key": "{F * 5}"', "X-001.aws-secret-key"),
        (f"AWS_SECRET_ACCESS_KEY={F * 5}", "X-001.aws-secret-key"),
        (f"token: ghp_{F * 4}0000", "X-001.github-token"),
        (f"github_pat_{F * 3}", "X-001.github-token"),
        (f"glpat-{F * 3}", "X-001.gitlab-token"),
        (f"xoxb-0000000000-{F}", "X-001.slack"),
        (f"https://hooks.slack.com/services/T0000/B0000/{F * 2}", "X-001.slack"),
        (f"-----BEGIN RSA PRIVATE KEY-----\n{BODY}", "X-001.private-key"),
        (f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n{BODY}", "X-001.private-key"),
        (f"AIza{F * 4}000", "X-001.google-api-key"),
        (f"AccountKey={F * 11}==", "X-001.azure-storage-key"),
        (f"?sv=2022-11-02&sp=r&sig={F * 3}%3D", "X-001.azure-storage-key"),
        (f"sk_live_{F * 3}", "X-001.stripe"),
        (f"rk_live_{F * 3}", "X-001.stripe"),
        (f"npm_{F * 4}0000", "X-001.npm-token"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "X-001.jwt"),
        ("client_secret: Zq8vK2mX9pL4rT7wY1nB5cH3jF6dS0aGqE", "X-001.high-entropy"),
        ("API_TOKEN=3f9a1c7e5b2d8f0a4c6e1b3d5f7a9c2e4b6d8f0a1", "X-001.high-entropy"),
    ],
)
def test_detector_fires(text: str, rule: str) -> None:
    assert rules_in(text) == [rule]


@pytest.mark.parametrize(
    "text",
    [
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "AKIAZZZZFAKEFAKE12345",  # 17 characters after the prefix: not a key ID
        "token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "token: ghp_short",
        f"api_key: AIza{F * 3}dummy00",
        "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
        '"private_key": "-----BEGIN PRIVATE KEY-----\\n' + BODY.replace("\n", "\\n") + '"',
        "checksum: Zq8vK2mX9pL4rT7wY1nB5cH3jF6dS0aGqE",  # not a sensitive name
        "password_length: Zq8vK2mX9pL4rT7wY1nB5cH3jF6dS0aGqE",  # exempt suffix
        "api_token: aaaaaaaabbbbbbbbccccccccdddddddd",  # low entropy
        "client_secret: ${CLIENT_SECRET_FROM_THE_ENVIRONMENT_X}",
        "secret: <paste-the-generated-secret-here-please-now>",
        f"AccountKey={F * 5}",  # too short
        "password: hunter2",
        "",
    ],
)
def test_no_finding(text: str) -> None:
    assert rules_in(text) == []


def test_gcp_service_account_key_needs_the_type() -> None:
    key = '"private_key": "-----BEGIN PRIVATE KEY-----\\n' + BODY.replace("\n", "\\n") + '"'
    hits = DETECTORS.scan('{\n  "type": "service_account",\n  ' + key + "\n}")
    assert [h.rule for h in hits] == ["X-001.gcp-sa-key"]  # the PEM inside is not reported twice


def test_temporary_aws_key_is_high() -> None:
    (hit,) = DETECTORS.scan("ASIAZZZZFAKEFAKE5678")
    assert (hit.rule, hit.severity) == ("X-001.aws-access-key", "high")


def test_specific_detector_wins_over_high_entropy() -> None:
    (hit,) = DETECTORS.scan(f"GITHUB_TOKEN=ghp_{F}Zq8vK2mX9pL4rT7wY1nB5cH3jF6d")
    assert hit.rule == "X-001.github-token"


@pytest.mark.parametrize("name", ["PGPASS", "LDAP_BIND_PW", "RABBITMQ_ERLANG_COOKIE"])
def test_high_entropy_value_of_a_whole_credential_name(name: str) -> None:
    """Names of credential_env_names.yaml hold none of the sensitive words: the cheap
    filter before the entropy pass must still let them through."""
    assert rules_in(f"{name}=Zq8vK2mX9pL4rT7wY1nB5cH3jF6dS0aGqE") == ["X-001.high-entropy"]


def test_high_entropy_value_of_a_configured_suffix_word() -> None:
    from devops_lint.secrets_names import SensitiveNameRule

    rule = SensitiveNameRule.from_setting({"words": [], "suffix_words": ["pin"]})
    hits = DETECTORS.scan("SIMPIN=Zq8vK2mX9pL4rT7wY1nB5cH3jF6dS0aGqE", rule)
    assert [h.rule for h in hits] == ["X-001.high-entropy"]


def test_aws_secret_key_needs_aws_in_the_key() -> None:
    assert rules_in(f"secret_access_key = {F * 5}") == []


def test_position_points_at_the_secret() -> None:
    text = "a: 1\nb:\n  AWS_ACCESS_KEY_ID: AKIAZZZZFAKEFAKE1234\n"
    (hit,) = DETECTORS.scan(text)
    assert LineIndex(text).position(hit.start) == (3, 22)
    assert text[hit.start : hit.end] == "AKIAZZZZFAKEFAKE1234"


def test_preview_is_masked() -> None:
    secret = f"ghp_{F * 4}0000"
    (hit,) = DETECTORS.scan(f"token: {secret}")
    assert secret not in hit.preview and len(hit.preview.split("…")[0]) <= 4
    assert mask("short") == "… (5 chars)"


def test_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)


def test_extended_table_adds_a_detector() -> None:
    table = dict(load_data_table("secret_detectors.yaml"))
    table["detectors"] = [
        *table["detectors"],
        {
            "rule": "X-001.high-entropy",
            "severity": "high",
            "label": "acme token",
            "needles": ["acme_"],
            "regex": r"\bacme_[A-Za-z0-9]{8}\b",
        },
    ]
    assert [h.label for h in DetectorSet(table).scan("x = acme_1234abcd")] == ["acme token"]


def test_line_index() -> None:
    index = LineIndex("ab\ncd\n\nef")
    assert [index.position(i) for i in (0, 1, 3, 6, 7)] == [(1, 1), (1, 2), (2, 1), (3, 1), (4, 1)]


# Pieces that start, end or overlap detector matches, so random joins exercise ties
# (two detectors at one position), matches inside matches, and non-ASCII folding.
_PIECES = [
    "secret",
    "SECRET",
    "Secret_Key",
    "aws_",
    "\u017fecret",  # long s, which folds to "s" under re.IGNORECASE
    "AKIA",
    "ZZZZFAKEFAKE1234",
    "-----BEGIN RSA PRIVATE KEY-----",
    "PRIVATE KEY",
    "ghp_",
    F * 5,
    "AccountKey=",
    "sig=",
    "&sv=2022-11-02",
    "eyJ",
    ".",
    " ",
    "\n",
    "=",
    '"',
    "é",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=24))
def test_own_matches_equal_the_combined_alternation(pieces: list[str]) -> None:
    """Detectors searched one by one give exactly ``combined(...).finditer``'s matches."""
    text = "".join(pieces)
    own = tuple(i for i in range(len(DETECTORS.detectors)) if i not in DETECTORS._external)
    expected = [
        (int(str(m.lastgroup)[1:]), *DETECTORS._value_span(m))
        for m in DETECTORS.combined(own).finditer(text)
    ]
    assert DETECTORS._own_matches(own, text, text.lower()) == expected
