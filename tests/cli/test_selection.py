"""#13 item 1: an unknown rule or control ID is never a silent green run."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.test_cli import PRIVILEGED


@pytest.mark.parametrize(
    ("option", "value", "hint"),
    [
        ("--select", "K8S-0O1", "K8S-001"),  # letter O for zero
        ("--select", "k8s-net-001", "K8S-NET-001"),  # case
        ("--ignore", "TF-AWZ", "TF-AZ"),
        ("--select", "K8S-001,GHA-0l2", "GHA-012"),  # one bad ID in a list
    ],
)
def test_unknown_id_on_the_command_line_is_exit_2_with_a_suggestion(
    cli: Any, write: Any, option: str, value: str, hint: str
) -> None:
    write("pod.yaml", PRIVILEGED)
    r = cli(option, value, ".")
    assert r.code == 2, r.out
    assert f"did you mean '{hint}'?" in r.err
    assert option in r.err and r.out == ""


def test_unknown_id_without_a_close_match_is_still_exit_2(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    r = cli("--select", "ZZZZZZ-999", ".")
    assert r.code == 2
    assert "unknown rule or control 'ZZZZZZ-999'" in r.err and "did you mean" not in r.err


@pytest.mark.parametrize("prefix", ["K8S-NET", "K8S", "X-000", "K8S-001", "X-000.parse-error"])
def test_prefixes_and_ids_that_match_rules_stay_valid(cli: Any, write: Any, prefix: str) -> None:
    write("pod.yaml", PRIVILEGED)
    assert cli("--select", prefix, ".").code in (0, 1)
    assert cli("--ignore", prefix, ".").code in (0, 1)


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ("select: [K8S-0O1]\n", "select"),
        ("ignore: [K8S-001, GHA-99]\n", "ignore"),
        ("severity_overrides: {K8S-0O1: low}\n", "severity_overrides"),
    ],
)
def test_unknown_id_in_the_config_is_exit_2_naming_file_and_key(
    cli: Any, write: Any, config: str, key: str
) -> None:
    write("pod.yaml", PRIVILEGED)
    write(".devops-lint.yaml", config)
    r = cli(".")
    assert r.code == 2, r.out
    assert ".devops-lint.yaml" in r.err and key in r.err and "unknown rule or control" in r.err


def test_a_selection_that_matches_no_rule_is_exit_2(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    r = cli("--select", "K8S-001", "--ignore", "K8S", ".")
    assert r.code == 2
    assert "matches no rule" in r.err


def test_unknown_id_in_a_suppression_is_a_located_finding(cli: Any, write: Any) -> None:
    comment = "# devops-lint: ignore[K8S-0O1] node agent approved-by:@sec"
    write("pod.yaml", PRIVILEGED.replace("privileged: true", f"privileged: true  {comment}"))
    r = cli("--select", "K8S-001", "--format", "json", ".")
    assert r.code == 1
    findings = {(f["rule"], f["line"], f["severity"]): f for f in json.loads(r.out)["findings"]}
    unknown = findings[("X-000.unknown-rule", 11, "medium")]
    assert "'K8S-0O1'" in unknown["message"] and "did you mean 'K8S-001'?" in unknown["message"]
    assert unknown["column"] == 27  # at the comment
    assert ("K8S-001", 11, "critical") in findings  # the typo suppressed nothing


def test_a_suppression_naming_a_prefix_is_known(cli: Any, write: Any) -> None:
    comment = "# devops-lint: ignore[K8S] node agent approved-by:@sec"
    write("pod.yaml", PRIVILEGED.replace("privileged: true", f"privileged: true  {comment}"))
    r = cli("--select", "K8S-001", "--format", "json", ".")
    assert "X-000.unknown-rule" not in {f["rule"] for f in json.loads(r.out)["findings"]}
