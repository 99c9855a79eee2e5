"""Rule variants whose severity depends on context, and configuration that changes outcomes."""

from __future__ import annotations

from pathlib import Path

from tests.github.helpers import lint_files, rows

WF = ".github/workflows/ci.yml"


def test_missing_permissions_is_low_when_every_job_is_scoped(tmp_path: Path) -> None:
    text = """on: push
jobs:
  a:
    runs-on: ubuntu-24.04
    permissions: {}
    steps:
      - run: make
"""
    assert (WF, 1, "GHA-001.missing", "low") in rows(lint_files(tmp_path, {WF: text}))


def test_first_party_pins_are_medium_and_trusted_owners_exempt(tmp_path: Path) -> None:
    text = """on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v5
      - uses: acme/tool@v1
      - uses: other/tool@v1
"""
    found = rows(
        lint_files(tmp_path, {WF: text, ".devops-lint.yaml": "trusted_action_owners: [acme]\n"})
    )
    assert (WF, 7, "GHA-003.action-ref", "medium") in found
    assert (WF, 9, "GHA-003.action-ref", "high") in found
    assert not any(r[1] == 8 and r[2].startswith("GHA-003") for r in found)


def test_injection_is_critical_under_privileged_triggers(tmp_path: Path) -> None:
    body = """permissions: {}
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - run: echo "${{ github.event.comment.body }}"
"""
    critical = rows(lint_files(tmp_path / "c", {WF: "on: issue_comment\n" + body}))
    high = rows(lint_files(tmp_path / "h", {WF: "on: pull_request\n" + body}))
    assert (WF, 7, "GHA-009.untrusted-context", "critical") in critical
    assert (WF, 7, "GHA-009.untrusted-context", "high") in high


def test_checkout_before_artifact_upload_is_medium(tmp_path: Path) -> None:
    text = """on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v5
      - uses: actions/upload-artifact@v6
        with:
          name: x
          path: .
"""
    assert (WF, 7, "GHA-011", "medium") in rows(lint_files(tmp_path, {WF: text}))


def test_production_deploy_from_pull_request_is_high(tmp_path: Path) -> None:
    text = """on: pull_request
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-24.04
    environment: prod-eu
    steps:
      - run: terraform apply -auto-approve
"""
    found = rows(lint_files(tmp_path, {WF: text}))
    assert (WF, 4, "GHA-008.pr-reachable-deploy", "high") in found
    assert (WF, 4, "GHA-008.prod-ungated", "high") in found


def test_config_extends_deploy_commands_and_data_tables(tmp_path: Path) -> None:
    text = """on: push
permissions: {}
jobs:
  ship:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - run: ./ship-it --now
      - uses: acme/old-action@v2
"""
    config = """deploy_command_patterns: ['\\bship-it\\b']
data_extensions:
  deprecated_actions.yaml:
    actions:
      - action: acme/old-action
        minimum: 3
        note: acme/old-action v2 is unmaintained
"""
    found = rows(lint_files(tmp_path, {WF: text, ".devops-lint.yaml": config}))
    assert (WF, 4, "GHA-007", "medium") in found
    assert (WF, 9, "GHA-005.deprecated-version", "medium") in found


def test_timeout_limit_is_configurable(tmp_path: Path) -> None:
    text = """on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-24.04
    timeout-minutes: 90
    steps:
      - run: make
"""
    config = "max_job_timeout_minutes: 60\n"
    assert (WF, 6, "GHA-015", "low") in rows(
        lint_files(tmp_path, {WF: text, ".devops-lint.yaml": config})
    )
