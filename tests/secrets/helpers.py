"""Running the linter on a throw-away folder with only the secret-scanning rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devops_lint.config import build_settings
from devops_lint.engine import RunResult, run
from devops_lint.rules import Rule, load_rules

_RULES: list[Rule] | None = None


def rules() -> list[Rule]:
    global _RULES
    if _RULES is None:
        _RULES = load_rules()
    return _RULES


def lint(root: Path, files: dict[str, str | bytes], **config: Any) -> RunResult:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    settings, _ = build_settings(root, None, config)
    return run(root, [root], settings, rules())


def found(result: RunResult, prefix: str = "X-00") -> set[tuple[str, int, str]]:
    return {
        (f.path, f.line, f.rule_id)
        for f in result.findings
        if f.rule_id.startswith(prefix) and f.suppression is None
    }
