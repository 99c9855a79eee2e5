"""docs/autofix.md lists every fix of the registry with its class."""

from __future__ import annotations

from devops_lint.fix import registry
from tests.fixture_support import ROOT


def test_autofix_doc_lists_every_fix() -> None:
    doc = (ROOT / "docs" / "autofix.md").read_text(encoding="utf-8")
    rows = [line for line in doc.splitlines() if line.startswith("| `")]
    for rule_id, spec in registry().items():
        short = "." + rule_id.split(".", 1)[1] if "." in rule_id else rule_id
        row = next((r for r in rows if f"`{rule_id}`" in r or f"`{short}`" in r), None)
        assert row is not None, rule_id
        assert f"| {spec.safety}" in row, rule_id
