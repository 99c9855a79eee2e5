"""Running the TF-AWS-015 … 027 rules on in-memory Terraform files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from devops_lint.config import build_settings
from devops_lint.engine import run
from devops_lint.model import Finding
from devops_lint.rules import Rule, load_rules

OWN = re.compile(r"^TF-AWS-0(1[5-9]|2[0-7])(\.|$)")
RULES: list[Rule] = [r for r in load_rules() if OWN.match(r.id) or r.id.startswith("X-000.")]

Outcome = tuple[str, int, str, str]


def lint(tmp_path: Path, files: dict[str, str], **overrides: Any) -> list[Finding]:
    """Findings of the rules above on ``files`` written under ``tmp_path``."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    settings, _ = build_settings(tmp_path, None, overrides)
    result = run(tmp_path, [tmp_path], settings, RULES)
    return [f for f in result.findings if f.suppression is None]


def outcomes(findings: list[Finding], prefix: str = "TF-AWS-") -> set[Outcome]:
    """(path, line, rule, outcome) of the findings whose rule starts with ``prefix``."""
    return {
        (f.path, f.line, f.rule_id, f.outcome) for f in findings if f.rule_id.startswith(prefix)
    }
