"""The Markdown job summary (``--format markdown``): what a CI job shows on its summary page.

GitHub renders ``$GITHUB_STEP_SUMMARY`` as GitHub-flavoured Markdown with inline HTML, so
every value from the scanned files (paths, messages) is HTML-escaped and its table pipes and
line breaks neutralised: a file name cannot add markup, links or images to the summary.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..compliance.outcomes import LABELS, NOT_COVERED, OUTCOMES, ControlOutcome, FrameworkOutcome
from ..model import SEVERITIES, SEVERITY_RANK, Finding
from .paths import display_paths

if TYPE_CHECKING:
    from ..engine import RunResult

TOP = 20  # findings listed; the rest are counted
ICON = {
    "critical": "🟥",
    "high": "🟧",
    "medium": "🟨",
    "low": "🟦",
    "info": "⬜",
    "fail": "❌",
    "unresolved": "❔",
    "exception": "⚠️",
    "pass": "✅",
    "not_applicable": "\u2796",
    NOT_COVERED: "·",
}


def cell(text: str) -> str:
    """A scanned value made inert inside a Markdown table cell."""
    text = " ".join(text.split())
    text = html.escape(text, quote=True)
    for ch in "|`*_[]\\":
        text = text.replace(ch, f"&#{ord(ch)};")
    return text


def render(result: RunResult) -> str:
    show = display_paths(result.project.root)
    active = result.active
    counts = Counter(f.severity for f in active)
    total = len(active)
    head = f"{total} finding{'s' if total != 1 else ''}"
    files = result.files_scanned
    lines = [f"## devops-lint: {head} in {files} file{'s' if files != 1 else ''}", ""]
    extra = []
    suppressed = len(result.findings) - total
    if suppressed:
        extra.append(f"{suppressed} suppressed in the source")
    if result.hidden.get("baseline"):
        extra.append(f"{result.hidden['baseline']} hidden by the baseline")
    if result.hidden.get("new-only"):
        extra.append(f"{result.hidden['new-only']} hidden as not new")
    if extra:
        lines += [", ".join(extra).capitalize() + ".", ""]
    lines += ["| Severity | Findings |", "|---|---:|"]
    for sev in reversed(SEVERITIES):
        lines.append(f"| {ICON[sev]} {sev} | {counts[sev]} |")
    lines.append("")
    if active:
        lines += _top(active, show)
    for fw in result.compliance:
        lines += _framework(fw)
    return "\n".join(lines).rstrip("\n") + "\n"


def _top(active: list[Finding], show: Callable[[str], str]) -> list[str]:
    ranked = sorted(active, key=lambda f: (-SEVERITY_RANK[f.severity], f.sort_key()))
    shown = ranked[:TOP]
    lines = [f"### Top findings ({len(shown)} of {len(active)})", ""]
    lines += ["| Severity | Rule | Location | Message |", "|---|---|---|---|"]
    for f in shown:
        where = cell(f"{show(f.path)}:{f.span.line}")
        lines.append(
            f"| {ICON[f.severity]} {f.severity} | {cell(f.rule_id)} | {where} | {cell(f.message)} |"
        )
    return [*lines, ""]


def _framework(fw: FrameworkOutcome) -> list[str]:
    counts = fw.counts
    total = len(fw.requirements)
    scope = "" if fw.framework.complete else " (partial list of requirements)"
    lines = [
        f"### Compliance: {cell(fw.framework.name)}",
        "",
        f"{fw.framework.covered} of {total} requirements map to controls{scope}.",
        "",
        "| " + " | ".join(f"{ICON[o]} {LABELS[o]}" for o in (*OUTCOMES, NOT_COVERED)) + " |",
        "|" + "---:|" * (len(OUTCOMES) + 1),
        "| " + " | ".join(str(counts[o]) for o in (*OUTCOMES, NOT_COVERED)) + " |",
        "",
    ]
    lines += [
        "<details><summary>Requirements</summary>",
        "",
        "| Requirement | Outcome | Controls |",
        "|---|---|---|",
    ]
    for req in fw.requirements:
        controls = ", ".join(_control(c) for c in req.controls)
        title = cell(f"{req.requirement.id} {req.requirement.title}")
        lines.append(f"| {title} | {ICON[req.outcome]} {LABELS[req.outcome]} | {controls or '—'} |")
    return [*lines, "", "</details>", ""]


def _control(c: ControlOutcome) -> str:
    """``K8S-001 (fail: 2 findings)``, ``K8S-002 (exception: reason, until 2027-01-31)``."""
    detail = ""
    if c.by_severity:
        detail = f": {_count(sum(c.by_severity.values()))}"
    elif c.outcome == "exception":
        detail = ": " + "; ".join(
            cell(e.reason) + (f", until {e.until}" if e.until else "") for e in c.exceptions
        )
    return f"{c.id} ({LABELS[c.outcome]}{detail})"


def _count(n: int) -> str:
    return f"{n} finding{'s' if n != 1 else ''}"
