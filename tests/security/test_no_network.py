"""JSON Schema ``$ref`` never reaches the network (or the file system).

A local HTTP server on 127.0.0.1 records every request; each test asserts it got none.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from devops_lint.rules import Rule, RuleError, load_rules
from tests.security.support import copy_evil_repo, run_cli


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = b'{"type": "integer"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/schema+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    handler: type[_Recorder] = type("Recorder", (_Recorder,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def _rule_yaml(require: str) -> str:
    return (
        "id: ACME-001\ncontrols: [ACME-001]\ntitle: Pods name a service account\n"
        "severity: low\ntarget: kubernetes.pod\n"
        f"require: {require}\n"
        "message: '{name} names no service account'\n"
        "why: Every pod runs under an account chosen on purpose.\n"
        "fix: Set serviceAccountName.\nreferences: []\n"
    )


REFS = [
    '{{"$ref": "{url}/schema.json"}}',
    '{{properties: {{spec: {{"$ref": "{url}/spec.json"}}}}}}',
    '{{"$id": "{url}/base.json", "$ref": "other.json"}}',
    '{{"$dynamicRef": "{url}/dyn.json"}}',
    '{{"$ref": "file:///etc/passwd"}}',
]


@pytest.mark.parametrize("require", REFS)
def test_rule_with_a_remote_ref_is_refused_at_load(
    tmp_path: Path, server: tuple[str, list[str]], require: str
) -> None:
    url, requests = server
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "ACME-001.yaml").write_text(_rule_yaml(require.format(url=url)))
    with pytest.raises(RuleError) as info:
        load_rules([folder])
    assert f"{folder / 'ACME-001.yaml'}:6: field require: $ref" in str(info.value)
    assert "points outside the rule file" in str(info.value)
    assert requests == []


def test_cli_run_with_a_remote_ref_rule_opens_no_socket(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, requests = server
    repo = copy_evil_repo(tmp_path)
    (repo / "mine").mkdir()
    (repo / "mine" / "ACME-001.yaml").write_text(_rule_yaml(f'{{"$ref": "{url}/s.json"}}'))
    (repo / ".devops-lint.yaml").write_text("rule_paths: [mine]\n")
    proc = run_cli("console-script", repo, ".")
    assert proc.returncode == 2
    assert "field require: $ref" in proc.stderr
    assert requests == []


def test_a_rule_built_in_code_never_retrieves(server: tuple[str, list[str]]) -> None:
    """Loading refuses remote refs; the validator refuses again (defence in depth)."""
    url, requests = server
    rule = Rule(
        id="ACME-001",
        controls=["ACME-001"],
        title="t",
        severity="low",
        target="kubernetes.pod",
        message="m",
        why="w",
        fix="f",
        require={"$ref": f"{url}/s.json"},
    )
    with pytest.raises(Exception, match="Unresolvable"):
        list(rule.validator.iter_errors("text"))
    assert requests == []


def test_local_refs_still_work(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    require = '{"$defs": {"sa": {required: [serviceAccountName]}}, "$ref": "#/$defs/sa"}'
    (folder / "ACME-001.yaml").write_text(_rule_yaml(require))
    rule = next(r for r in load_rules([folder]) if r.id == "ACME-001")
    assert [e.validator for e in rule.validator.iter_errors({})] == ["required"]
    assert list(rule.validator.iter_errors({"serviceAccountName": "web"})) == []


def test_chart_values_schema_ref_is_not_fetched(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, requests = server
    chart = tmp_path / "repo" / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("replicas: two\n")
    (chart / "values.schema.json").write_text(
        json.dumps({"properties": {"replicas": {"$ref": f"{url}/int.json"}}})
    )
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n"
        "  r: {{ .Values.replicas | quote }}\n"
    )
    run_cli("console-script", tmp_path / "repo", "--fail-on", "critical", ".")
    assert requests == []
