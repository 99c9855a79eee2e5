"""The JSON report, documented by ``schemas/report.schema.json``."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..model import SEVERITIES, Finding
from .paths import display_paths

if TYPE_CHECKING:
    from ..engine import RunResult

REPORT_VERSION = 1


def finding_dict(f: Finding, show: Callable[[str], str] = str) -> dict[str, Any]:
    """One finding; ``show`` gives the path to print (``paths.display_paths``)."""
    return {
        "rule": f.rule_id,
        "controls": f.controls,
        "severity": f.severity,
        "outcome": f.outcome,
        "path": show(f.path),
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "locator": f.locator,
        "message": f.message,
        "fix": f.fix,
        "suppressed": f.suppression is not None,
        "suppression_reason": f.suppression,
    }


def report(result: RunResult) -> dict[str, Any]:
    active = result.active
    counts = Counter(f.severity for f in active)
    show = display_paths(result.project.root)
    return {
        "tool": {"name": "devops-lint", "version": __version__},
        "report_version": REPORT_VERSION,
        "files_scanned": result.files_scanned,
        # Each finding is listed once: parse errors in `parse_errors`, the rest in `findings`.
        "findings": [
            finding_dict(f, show) for f in result.findings if f.rule_id != "X-000.parse-error"
        ],
        "parse_errors": [
            finding_dict(f, show) for f in result.findings if f.rule_id == "X-000.parse-error"
        ],
        "summary": {
            "total": len(active),
            "suppressed": len(result.findings) - len(active),
            "by_severity": {s: counts[s] for s in reversed(SEVERITIES)},
        },
    }


def render(result: RunResult) -> str:
    return json.dumps(report(result), indent=2, ensure_ascii=False) + "\n"
