"""Running the TF-AWS rules on in-memory Terraform files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devops_lint.config import build_settings
from devops_lint.engine import run
from devops_lint.model import Finding
from devops_lint.rules import load_rules

AWS_RULES = [r for r in load_rules() if r.id.startswith(("TF-AWS-", "X-000."))]


def lint(tmp_path: Path, files: dict[str, str], **overrides: Any) -> list[Finding]:
    """Findings of every TF-AWS rule on ``files`` written under ``tmp_path``."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    settings, _ = build_settings(tmp_path, None, overrides)
    result = run(tmp_path, [tmp_path], settings, AWS_RULES)
    return [f for f in result.findings if f.suppression is None]


def outcomes(
    findings: list[Finding], prefixes: tuple[str, ...] = ("TF-AWS-",)
) -> set[tuple[str, int, str, str, str]]:
    """(path, line, rule, outcome, severity) of the findings whose rule has a prefix."""
    return {
        (f.path, f.line, f.rule_id, f.outcome, f.severity)
        for f in findings
        if f.rule_id.startswith(prefixes)
    }
