"""#13 item 5: help lists every subcommand; explain finds any ID in any case and renders it."""

from __future__ import annotations

import json
from typing import Any

import pytest

CUSTOM_RULE = """\
id: ACME-100
controls: [ACME-100]
title: Pods carry a team label
severity: low
target: kubernetes.object
require:
  required: [metadata]
  properties:
    metadata:
      required: [labels]
      properties:
        labels: {required: [team]}
message: "{kind} '{name}' has no team label"
why: Without a team label nobody knows whom to page when the workload misbehaves.
fix: Add `metadata.labels.team` with the owning team's name.
references: []
examples:
  fail: "metadata: {name: api}"
  pass: "metadata: {name: api, labels: {team: payments}}"
"""


def test_help_lists_the_subcommands(cli: Any) -> None:
    for args in (("--help",), ("check", "--help"), ("-h",)):
        out = cli(*args).out
        assert "Commands:" in out and "explain" in out and "check" in out, args
        assert "--select" in out  # still the lint options


@pytest.mark.parametrize("ident", ["K8S-NET-001", "k8s-net-001", "K8s-Net-001"])
def test_explain_accepts_any_case(cli: Any, ident: str) -> None:
    r = cli("explain", ident)
    assert r.code == 0, r.err
    assert r.out.startswith("# K8S-NET-001: ")


def test_explain_a_control_shows_the_fix_and_examples_of_its_rules(cli: Any) -> None:
    out = cli("explain", "K8S-NET-001").out
    assert "## Rules" in out and "`K8S-NET-001.no-default-deny`" in out
    fixes = out.split("## How to fix", 1)[1].split("##", 1)[0]
    assert "- `K8S-NET-001.no-default-deny`: " in fixes
    assert "### `K8S-NET-001.no-default-deny` fails" in out and "```" in out


def test_explain_is_plain_markdown_off_a_terminal_and_rendered_on_one(cli: Any) -> None:
    plain = cli("explain", "K8S-001").out
    assert "\x1b" not in plain and "## How to fix" in plain and "```" in plain
    rendered = cli("explain", "--color", "always", "K8S-001").out
    assert "\x1b[1;4mK8S-001: Privileged container\x1b[0m" in rendered  # heading
    assert "## " not in rendered and "```" not in rendered
    assert "    \x1b[36m" in rendered  # an indented, coloured code line
    assert "  • " in rendered  # list items


def test_explain_json(cli: Any) -> None:
    rule = json.loads(cli("explain", "--format", "json", "x-000.parse-error").out)
    assert rule["kind"] == "rule" and rule["id"] == "X-000.parse-error" and rule["fix"]
    control = json.loads(cli("explain", "--format", "json", "K8S-NET-001").out)
    assert control["kind"] == "control" and control["requirement"]
    assert all(r["fix"] and r["examples"] for r in control["rules"])


def test_explain_a_custom_rule_of_the_configuration(cli: Any, write: Any) -> None:
    write("policies/ACME-100.yaml", CUSTOM_RULE)
    write("lint.yaml", "rule_paths: [policies]\n")
    r = cli("explain", "--config", "lint.yaml", "acme-100")
    assert r.code == 0, r.err
    assert r.out.startswith("# ACME-100: Pods carry a team label")
    assert "Add `metadata.labels.team`" in r.out
    assert cli("explain", "ACME-100").code == 2  # without the configuration: unknown


def test_explain_unknown_id_suggests(cli: Any) -> None:
    r = cli("explain", "K8S-0O1")
    assert r.code == 2 and "unknown rule or control" in r.err and "'K8S-001'" in r.err
