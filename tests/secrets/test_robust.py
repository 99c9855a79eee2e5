"""Random text never makes the secret scanners raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from devops_lint.context import load_data_table
from devops_lint.model import Document
from devops_lint.secrets.detectors import DetectorSet, LineIndex
from devops_lint.secrets.values import ValueRules
from devops_lint.secrets_names import DEFAULT_RULE

TABLE = load_data_table("secret_detectors.yaml")
DETECTORS = DetectorSet(TABLE)
RULES = ValueRules(TABLE, DETECTORS, DEFAULT_RULE)
# Fragments that reach every branch: prefixes of tokens, separators, quotes, PEM markers.
PIECES = st.sampled_from(
    [
        "AKIA",
        "ASIA",
        "ghp_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "AIza",
        "sk_live_",
        "npm_",
        "eyJ",
        ".",
        "AccountKey=",
        "sv=2022-01-01&",
        "&sig=",
        "sig=",
        "&sv=2020-01-01",
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----END",
        "\\n",
        '"private_key": "',
        '"type": "service_account"',
        "aws_secret_access_key",
        "password",
        "token",
        "=",
        ": ",
        "://",
        "user:",
        "pw@",
        "@",
        "\n",
        " ",
        '"',
        "'",
        "#",
        "${",
        "}",
        "{{",
        "Zq8vK2mX9pL4",
        "0123456789abcdef",
        "ZZZZfake",
        "export ",
        "https://hooks.slack.com/services/T0/B0/x",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_scanners_never_raise(text: str) -> None:
    index = LineIndex(text)
    for hit in DETECTORS.scan(text, DEFAULT_RULE):
        assert 0 <= hit.start <= hit.end <= len(text)
        index.position(hit.start)
    list(RULES.url_hits(text, index))
    for name in (".env", "a.properties", "run.sh"):
        list(RULES.assignment_hits(name, text))
    RULES.url_has_credentials(text)


DATA = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), PIECES),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(PIECES, st.text(max_size=10)), children, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(DATA, st.sampled_from(["yaml", "alertmanager", "kubernetes", "terraform"]))
def test_document_walk_never_raises(data: object, fmt: str) -> None:
    doc = Document(path="f.yaml", format=fmt, data=data)
    list(RULES.document_hits(doc))
    if isinstance(data, dict):
        wrapped = Document(path="f.yaml", format=fmt, data={"receivers": [data], "route": data})
        list(RULES.alertmanager_hits(wrapped, ()))


def test_long_runs_without_separators_are_scanned() -> None:
    # One 200 000-character identifier run with every needle: the scan must stay linear
    # (bounded look-backs, no regex that backtracks over the whole run).
    run = "a1b2c3d4" * 25_000
    text = f"secret{run}aws://x:{run}@{run}password={run}\n"
    DETECTORS.scan(text, DEFAULT_RULE)
    list(RULES.url_hits(text, LineIndex(text)))
    list(RULES.assignment_hits(".env", text))
