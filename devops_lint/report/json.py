"""The JSON report, documented by ``schemas/report.schema.json``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..fingerprint import fingerprints
from ..model import SEVERITIES, Finding
from ..terminal import json_safe
from .indented import dumps
from .paths import PathMapper, display_paths

if TYPE_CHECKING:
    from ..engine import RunResult

REPORT_VERSION = 1


def finding_dict(
    f: Finding, show: Callable[[str], str] = str, fingerprint: str | None = None
) -> dict[str, Any]:
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
        "fingerprint": fingerprint,
        "baseline_state": f.baseline_state,
    }


def report(result: RunResult) -> dict[str, Any]:
    active = result.active
    counts = Counter(f.severity for f in active)
    show = display_paths(result.project.root)
    # The fingerprint SARIF and baselines share: over the path relative to the repository.
    mapper = PathMapper(result.project.root)
    paths = [mapper(f.path) for f in result.findings]
    prints = dict(zip(map(id, result.findings), fingerprints(result.findings, paths), strict=True))
    return {
        "tool": {"name": "devops-lint", "version": __version__},
        "report_version": REPORT_VERSION,
        "files_scanned": result.files_scanned,
        # Each finding is listed once: parse errors in `parse_errors`, the rest in `findings`.
        "findings": [
            finding_dict(f, show, prints[id(f)])
            for f in result.findings
            if f.rule_id != "X-000.parse-error"
        ],
        "parse_errors": [
            finding_dict(f, show, prints[id(f)])
            for f in result.findings
            if f.rule_id == "X-000.parse-error"
        ],
        "summary": {
            "total": len(active),
            "suppressed": len(result.findings) - len(active),
            "hidden_by_baseline": result.hidden.get("baseline", 0),
            "hidden_by_new_only": result.hidden.get("new-only", 0),
            "by_severity": {s: counts[s] for s in reversed(SEVERITIES)},
        },
    }


def render(result: RunResult) -> str:
    data = report(result)
    if result.compliance:  # --compliance FRAMEWORK
        from ..compliance.sections import json_section

        data["compliance"] = json_section(result.compliance, display_paths(result.project.root))
    return json_safe(dumps(data)) + "\n"
