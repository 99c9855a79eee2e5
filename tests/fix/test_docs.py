"""The fix registry is the one source of the docs' autofix notes (explain, SARIF, README)."""

from __future__ import annotations

from devops_lint.docs import explain_text, rule_markdown
from devops_lint.fix import registry
from tests.fixture_support import ROOT, all_rules


def test_explain_says_whether_a_rule_has_a_fix_and_how_safe() -> None:
    rules = all_rules()
    text = explain_text("GHA-011", rules) or ""
    assert "Autofix: **safe (unsafe when a later step" in text
    assert "`--fix`" in text
    k8s = explain_text("K8S-010", rules) or ""
    assert "Autofix: **unsafe**" in k8s and "--unsafe-fixes" in k8s
    assert "Autofix" not in (explain_text("K8S-001", rules) or "")


def test_every_fix_names_an_existing_rule_and_its_help_says_so() -> None:
    by_id = {r.id: r for r in all_rules()}
    for rule_id, spec in registry().items():
        assert rule_id in by_id, rule_id
        assert f"Autofix: **{spec.label()}**" in rule_markdown(by_id[rule_id])


def test_readme_control_table_marks_controls_with_a_fix() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    by_id = {r.id: r for r in all_rules()}
    for rule_id in registry():
        control = by_id[rule_id].controls[0]
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{control}` |"))
        assert row.endswith(" |") and "(fix: " in row, row
    unfixed = next(line for line in readme.splitlines() if line.startswith("| `K8S-001` |"))
    assert "(fix: " not in unfixed
