"""GitLab Code Quality JSON (``--format gitlab``, ``artifacts:reports:codequality``).

GitLab matches issues between the source and target branch of a merge request by fingerprint,
so each issue carries the project's logical fingerprint (``fingerprint.py``): it survives
edits around the finding, exactly as in SARIF, JSON and baselines. Paths are relative to the
repository root, as GitLab requires. ``schemas/gitlab-codequality.schema.json`` describes the
output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..fingerprint import fingerprints
from .indented import dumps
from .paths import PathMapper

if TYPE_CHECKING:
    from ..engine import RunResult

# Our five severities onto GitLab's five, order kept.
SEVERITY = {
    "critical": "blocker",
    "high": "critical",
    "medium": "major",
    "low": "minor",
    "info": "info",
}


def issues(result: RunResult) -> list[dict[str, Any]]:
    mapper = PathMapper(result.project.root)
    # Fingerprints over every finding (suppressed included), as the JSON and SARIF reports
    # count occurrences: the same finding gets the same fingerprint in each.
    paths = [mapper(f.path) for f in result.findings]
    prints = fingerprints(result.findings, paths)
    out = []
    for f, path, fingerprint in zip(result.findings, paths, prints, strict=True):
        if f.suppression is not None:
            continue
        end = max(f.span.end_line, f.span.line)
        out.append(
            {
                "type": "issue",
                "description": f"{f.rule_id}: {' '.join(f.message.split())}",
                "check_name": f.rule_id,
                "fingerprint": fingerprint,
                "severity": SEVERITY[f.severity],
                "categories": ["Security"],
                "location": {"path": path, "lines": {"begin": f.span.line, "end": end}},
            }
        )
    return out


def render(result: RunResult) -> str:
    return dumps(issues(result)) + "\n"
