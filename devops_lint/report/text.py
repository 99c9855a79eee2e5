"""``path:line:col: severity RULE-ID message``, grouped by file, then a summary."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..model import SEVERITIES

if TYPE_CHECKING:
    from ..engine import RunResult

_COLOURS = {
    "critical": "\033[1;35m",
    "high": "\033[1;31m",
    "medium": "\033[33m",
    "low": "\033[36m",
    "info": "\033[2m",
}
_RESET = "\033[0m"
_BOLD = "\033[1m"


def render(result: RunResult, *, colour: bool, show_fix: bool, quiet: bool) -> str:
    lines: list[str] = []
    active = result.active
    current = None
    for f in active:
        if quiet and f.severity == "info":
            continue
        if f.path != current:
            if current is not None:
                lines.append("")
            current = f.path
        sev = f"{_COLOURS[f.severity]}{f.severity}{_RESET}" if colour else f.severity
        rule = f"{_BOLD}{f.rule_id}{_RESET}" if colour else f.rule_id
        lines.append(f"{f.path}:{f.span.line}:{f.span.column}: {sev} {rule} {f.message}")
        if show_fix and f.fix:
            lines.append(f"    fix: {' '.join(f.fix.split())}")
    counts = Counter(f.severity for f in active)
    suppressed = len(result.findings) - len(active)
    parts = [f"{counts[s]} {s}" for s in reversed(SEVERITIES) if counts[s]]
    summary = f"{len(active)} finding{'s' if len(active) != 1 else ''}"
    if parts:
        summary += f" ({', '.join(parts)})"
    summary += f" in {result.files_scanned} file{'s' if result.files_scanned != 1 else ''}"
    if suppressed:
        summary += f", {suppressed} suppressed"
    if lines:
        lines.append("")
    lines.append(summary)
    return "\n".join(lines) + "\n"
