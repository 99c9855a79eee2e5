"""Documentation comes from the rule files: complete, and the README in sync with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devops_lint.docs import explain_text
from devops_lint.rules import load_controls, load_rules
from tools.gen_docs import render_readme

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()
# Domains whose every catalog rule must be implemented.
COMPLETE_DOMAINS: tuple[str, ...] = (
    "GHA",
    "K8S",
    "K8S-NET",
    "K8S-RBAC",
    "TF-AWS",
    "TF-AZ",
    "TF-GCP",
    "TF-GEN",
    "PROM",
)


def test_readme_rule_table_is_generated_from_rules() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == render_readme(readme, RULES), "run: python tools/gen_docs.py"


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    assert "devops-lint examples/" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install -q -e ".[test]" && python -m pytest' in ci


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_docs_are_complete(rule: object) -> None:
    from devops_lint.rules import Rule

    assert isinstance(rule, Rule)
    assert len(rule.why.split()) >= 8, "why: say what the risk is"
    assert len(rule.fix.split()) >= 5, "fix: say how to fix it"
    assert rule.examples.get("fail") and rule.examples.get("pass"), "examples: fail and pass"
    if not rule.id.startswith("X-000"):
        assert rule.references, "references: from the standard's References line"
    text = explain_text(rule.id, RULES)
    assert text is not None and rule.why.split()[0] in text


def test_rules_name_catalog_controls_and_rule_ids() -> None:
    controls = load_controls()
    catalog_rules = {r["id"] for c in controls.values() for r in c.get("rules", [])}
    problems = []
    for rule in RULES:
        if rule.id.startswith("X-000."):
            continue
        unknown = [c for c in rule.controls if c not in controls]
        if unknown:
            problems.append(f"{rule.id}: unknown controls {unknown}")
        if rule.id not in catalog_rules:
            problems.append(f"{rule.id}: not a rule ID of the standard")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("domain", COMPLETE_DOMAINS)
def test_every_rule_of_a_complete_domain_is_implemented(domain: str) -> None:
    implemented = {r.id for r in RULES}
    missing = [
        r["id"]
        for c in load_controls().values()
        if c["domain"] == domain
        for r in c["rules"]
        if r["id"] not in implemented
    ]
    assert not missing, f"{domain}: rules not implemented: {missing}"


def test_explain_cli_and_unknown_id() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "devops_lint", "explain", "X-000.parse-error"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and "## How to fix" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "devops_lint", "explain", "NOPE-001"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "unknown rule or control" in bad.stderr


def test_every_rule_names_a_real_target_kind() -> None:
    from devops_lint.targets import resolve_kind

    for rule in RULES:
        if rule.target != "core.input":
            resolve_kind(rule.target)  # raises UnknownTargetKind
        if rule.check is not None:
            assert callable(rule.check_fn), rule.id
