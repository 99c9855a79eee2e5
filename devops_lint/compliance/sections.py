"""The compliance section of the text and JSON reports (``--compliance``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..terminal import Style, escape
from .outcomes import LABELS, NOT_COVERED, OUTCOMES, ControlOutcome, FrameworkOutcome

STYLE_OF = {"fail": "high", "unresolved": "info", "exception": "low", "pass": "dim"}


def summary_line(fw: FrameworkOutcome) -> str:
    """``cis-k8s: 21 fail, 11 pass, 1 not applicable, 2 not covered (33/35 covered)``."""
    counts = fw.counts
    parts = [f"{counts[o]} {LABELS[o]}" for o in (*OUTCOMES, NOT_COVERED) if counts[o]]
    total = len(fw.requirements)
    return f"{fw.framework.id}: {', '.join(parts)} ({fw.framework.covered}/{total} covered)"


def text_lines(frameworks: list[FrameworkOutcome], style: Style) -> list[str]:
    """One block per framework: a headline, then each requirement with its outcome."""
    lines: list[str] = []
    for fw in frameworks:
        lines.append(style("bold", f"Compliance: {fw.framework.name}"))
        lines.append(f"  {summary_line(fw)}")
        width = min(30, max((len(r.requirement.id) for r in fw.requirements), default=0))
        for req in fw.requirements:
            label = LABELS[req.outcome]
            shown = style(STYLE_OF.get(req.outcome, "dim"), f"{label:<14}")
            controls = ", ".join(_control_text(c) for c in req.controls) or "—"
            rid = escape(req.requirement.id)
            lines.append(f"  {shown} {rid:<{width}} {escape(req.requirement.title)} [{controls}]")
        lines.append("")
    return lines


def _control_text(c: ControlOutcome) -> str:
    if c.outcome == "fail":
        counts = ", ".join(f"{n} {s}" for s, n in c.by_severity.items())
        return f"{c.id} fail: {counts}"
    return f"{c.id} {LABELS[c.outcome]}"


def control_json(c: ControlOutcome, show: Callable[[str], str]) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "outcome": c.outcome,
        "rules": c.rules,
        "targets_evaluated": c.evaluated,
        "files": [{"path": show(p), "targets_evaluated": n} for p, n in c.files.items()],
        "by_severity": c.by_severity,
        "unresolved": c.unresolved,
        "exceptions": [
            {"source": e.source, "reason": e.reason, "until": e.until, "count": e.count}
            for e in c.exceptions
        ],
        "note": c.note,
    }


def json_section(
    frameworks: list[FrameworkOutcome], show: Callable[[str], str]
) -> list[dict[str, Any]]:
    return [
        {
            "framework": fw.framework.id,
            "name": fw.framework.name,
            "url": fw.framework.url,
            "complete": fw.framework.complete,
            "requirements_total": len(fw.requirements),
            "requirements_covered": fw.framework.covered,
            "summary": fw.counts,
            "requirements": [
                {
                    "id": r.requirement.id,
                    "title": r.requirement.title,
                    "outcome": r.outcome,
                    "controls": [c.id for c in r.controls],
                }
                for r in fw.requirements
            ],
            "controls": [control_json(c, show) for c in fw.controls.values()],
        }
        for fw in frameworks
    ]
