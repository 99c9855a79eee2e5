"""X-002 candidates: URLs, sensitive keys, Alertmanager fields."""

from __future__ import annotations

from devops_lint.context import load_data_table
from devops_lint.model import Unresolved
from devops_lint.secrets.detectors import DetectorSet, LineIndex
from devops_lint.secrets.values import (
    ALERTMANAGER,
    SENSITIVE_KEY,
    URL_CREDENTIALS,
    ValueHit,
    ValueRules,
    resolve_precedence,
)
from devops_lint.secrets_names import DEFAULT_RULE
from devops_lint.yamlload import load_documents

TABLE = load_data_table("secret_detectors.yaml")
RULES = ValueRules(TABLE, DetectorSet(TABLE), DEFAULT_RULE)


def doc_hits(text: str, fmt: str = "yaml") -> list[tuple[str, int]]:
    docs, _ = load_documents(text, "f.yaml")
    out = []
    for d in docs:
        d.format = fmt
        out += [(h.rule, h.span.line) for h in RULES.document_hits(d)]
    return out


def url_hits(text: str) -> list[int]:
    return [h.span.line for h in RULES.url_hits(text, LineIndex(text))]


def test_url_credentials() -> None:
    assert url_hits("a: postgres://app:Pa55w0rd@db/app\nb: redis://:pw0rd123@r\n") == [1, 2]
    assert url_hits("u: postgres://app:${PW}@db\nv: https://a:****@h\nw: x://a:changeme@h\n") == []
    assert url_hits("image: docker://alpine:3.20@sha256:00\nurl: https://h:8080/p?x=@y\n") == []
    assert url_hits('s = "https://user:" + pw + "@host"\n') == []


def test_sensitive_keys_in_documents() -> None:
    text = "db:\n  password: s3cr3t-pa55word\n  passwordFile: /run/secrets/x\nname: x\n"
    assert doc_hits(text) == [(SENSITIVE_KEY, 2)]
    env = (
        "env:\n  - name: DB_PASSWORD\n    value: s3cr3t-pa55word\n"
        "  - name: LEVEL\n    value: info\n"
    )
    assert doc_hits(env) == [(SENSITIVE_KEY, 3)]


def test_references_and_placeholders_are_not_literals() -> None:
    for value in (
        "${{ secrets.DB_PASSWORD }}",
        "${DB_PASSWORD}",
        "$DB_PASSWORD",
        "{{ .Values.pw }}",
        "var.db_password",
        "vault:secret/data/db#pw",
        "arn:aws:secretsmanager:us-east-1:1:secret:x",
        "/run/secrets/db-password",
        "changeme-please",
        "short",
        "db-password",
        Unresolved("{{ .Values.pw }}"),
    ):
        assert not RULES.is_literal_secret(value), value
    assert RULES.is_literal_secret("s3cr3t-pa55word")


def test_secret_manifest_data_is_left_to_k8s_020() -> None:
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n"
        "stringData:\n  password: hunter2hunter2\n"
    )
    assert doc_hits(text, "kubernetes") == []


def test_assignment_files() -> None:
    assert RULES.assignment_file("config/.env")
    assert RULES.assignment_file(".env.production")
    assert RULES.assignment_file("app.properties")
    assert not RULES.assignment_file("README.md")
    text = "# c\nDB_PASSWORD=hunter2hunter2 # note\nexport API_TOKEN='t0ken-value'\nX=${Y}\n"
    hits = list(RULES.assignment_hits(".env", text))
    assert [(h.span.line, h.span.column, h.args["key"]) for h in hits] == [
        (2, 13, "DB_PASSWORD"),
        (3, 19, "API_TOKEN"),
    ]
    assert list(RULES.assignment_hits("run.sh", "password: hunter2hunter2\n")) == []
    assert len(list(RULES.assignment_hits("a.properties", "db.password: hunter2hunter2\n"))) == 1


def test_alertmanager_fields() -> None:
    text = (
        "global:\n  smtp_auth_password: pa55word-smtp\n"
        "route: {receiver: a}\n"
        "receivers:\n  - name: a\n    slack_configs:\n      - api_url_file: /etc/x\n"
        "    webhook_configs:\n      - url: https://h/hook\n      - url: https://h/hook?token=abc123\n"
    )
    assert sorted(doc_hits(text, "alertmanager")) == [
        (ALERTMANAGER, 2),
        (ALERTMANAGER, 10),
        (SENSITIVE_KEY, 2),  # hidden by the Alertmanager finding (resolve_precedence)
    ]


def test_precedence_keeps_the_most_specific() -> None:
    from devops_lint.model import Span

    def hit(rule: str, line: int) -> ValueHit:
        return ValueHit(rule, None, Span.at(line), frozenset({line}), {})

    hits = [
        hit(SENSITIVE_KEY, 1),
        hit(URL_CREDENTIALS, 1),
        hit(ALERTMANAGER, 2),
        hit(SENSITIVE_KEY, 2),
    ]
    assert [(h.rule, h.span.line) for h in resolve_precedence(hits)] == [
        (URL_CREDENTIALS, 1),
        (ALERTMANAGER, 2),
    ]
