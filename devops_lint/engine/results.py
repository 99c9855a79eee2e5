"""What a run hands to reporters, and the helpers that shape findings for them."""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..model import SEVERITY_RANK, Finding
from ..project import Project
from ..rules import Rule
from ..selection import matches


@dataclass
class RunResult:
    findings: list[Finding]  # every finding, suppressed ones included (marked)
    project: Project
    rules: list[Rule]  # the rules that ran
    files_scanned: int
    # Findings left out of the report by a baseline or a new-only comparison, by reason.
    hidden: dict[str, int] = field(default_factory=dict)
    # The same per control: reason -> control ID -> count (compliance exceptions).
    hidden_controls: dict[str, dict[str, int]] = field(default_factory=dict)
    # How many targets each rule evaluated, per file: (rule ID, path) -> count.
    evaluated: dict[tuple[str, str], int] = field(default_factory=dict)
    # Expiry date (ISO) of the suppression that silenced a finding, by Finding.sort_key().
    suppressed_until: dict[tuple[str, int, int, str], str] = field(default_factory=dict)
    # compliance.outcomes.FrameworkOutcome per --compliance framework (none when not asked).
    compliance: list[Any] = field(default_factory=list)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]

    def failed(self, threshold: str) -> bool:
        if threshold == "none":  # report, never fail
            return False
        rank = SEVERITY_RANK[threshold]
        return any(SEVERITY_RANK[f.severity] >= rank for f in self.active)


def select_rules(rules: Iterable[Rule], select: list[str], ignore: list[str]) -> list[Rule]:
    out = []
    for rule in rules:
        core = rule.target == "core.input"
        if select and not core and not any(matches(s, rule) for s in select):
            continue
        if any(matches(i, rule) for i in ignore):
            continue
        out.append(rule)
    return out


class _Formatter(string.Formatter):
    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str):
            return kwargs.get(key, "{" + key + "}")
        return super().get_value(key, args, kwargs)


_FORMATTER = _Formatter()


def format_message(template: str, values: dict[str, Any]) -> str:
    try:
        return _FORMATTER.vformat(template, (), values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template


def redact_messages(findings: list[Finding], settings: dict[str, Any]) -> None:
    """Mask any secret a message or locator quotes from a scanned value, whatever the
    reporter (a ConfigMap named after a key is quoted in both)."""
    from ..report.redact import Redactor

    redactor = Redactor(settings)
    for f in findings:
        f.message = redactor.message(f.message)
        f.locator = redactor.message(f.locator)
