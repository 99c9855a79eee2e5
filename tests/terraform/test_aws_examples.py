"""TF-AWS-001 … TF-AWS-014: documented examples behave as documented, catalog IDs match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devops_lint.config import build_settings
from devops_lint.engine import run
from devops_lint.rules import Rule, load_controls, load_rules

OWN = re.compile(r"^TF-AWS-0(0[1-9]|1[0-4])(\.|$)")
RULES = [r for r in load_rules() if OWN.match(r.id)]


def _outcomes(tmp_path: Path, text: str, rule: Rule) -> list[str]:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    settings, _ = build_settings(tmp_path, None, {})
    result = run(tmp_path, [tmp_path], settings, [rule])
    return [f.outcome for f in result.findings if f.rule_id == rule.id]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_fail_example_fails(rule: Rule, tmp_path: Path) -> None:
    assert _outcomes(tmp_path, rule.examples["fail"], rule) == ["fail"]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_pass_example_passes(rule: Rule, tmp_path: Path) -> None:
    assert _outcomes(tmp_path, rule.examples["pass"], rule) == []


def test_every_catalog_rule_exists_with_its_severity() -> None:
    wanted = {
        r["id"]: r["severity"]
        for c in load_controls().values()
        if OWN.match(c["id"])
        for r in c["rules"]
    }
    assert {r.id: r.severity for r in RULES} == wanted
    assert all(r.controls == [r.id.split(".")[0]] for r in RULES)
