"""Rule and control documentation, generated from the rule files and the control catalog."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from .rules import Rule, load_controls


def rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "controls": rule.controls,
        "severity": rule.severity,
        "title": rule.title,
        "format": rule.format,
        "target": rule.target,
        "why": rule.why,
        "fix": rule.fix,
        "references": rule.references,
    }


def list_rules(rules: list[Rule], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([rule_dict(r) for r in rules], indent=2) + "\n"
    width = max((len(r.id) for r in rules), default=10)
    return "".join(f"{r.id:<{width}}  {r.severity:<8}  {r.title}\n" for r in rules)


def list_controls(rules: list[Rule], fmt: str) -> str:
    controls = load_controls()
    implemented: dict[str, list[str]] = {}
    for r in rules:
        for c in r.controls:
            implemented.setdefault(c, []).append(r.id)
    rows = [
        {
            "id": cid,
            "title": c.get("title", ""),
            "severity": c.get("severity", ""),
            "section": c.get("section", ""),
            "rules": implemented.get(cid, []),
        }
        for cid, c in controls.items()
    ]
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    width = max((len(r["id"]) for r in rows), default=10)
    return "".join(
        f"{r['id']:<{width}}  {r['severity']:<8}  {len(r['rules']):>2} rules  {r['title']}\n"
        for r in rows
    )


def _para(text: str) -> str:
    return textwrap.fill(" ".join(text.split()), width=88)


def rule_markdown(rule: Rule) -> str:
    """The help text of one rule (``explain``, SARIF ``help.markdown``)."""
    controls = load_controls()
    parts = [f"# {rule.id}: {rule.title}", ""]
    parts.append(f"Severity: **{rule.severity}** · Controls: {', '.join(rule.controls)}")
    for cid in rule.controls:
        req = controls.get(cid, {}).get("requirement")
        if req:
            parts += ["", f"**Requirement ({cid}).** {' '.join(str(req).split())}"]
    parts += ["", "## Why", "", " ".join(rule.why.split()), "", "## How to fix", ""]
    parts.append(" ".join(rule.fix.split()))
    if rule.examples.get("fail"):
        parts += ["", "## Fails", "", "```", rule.examples["fail"].rstrip(), "```"]
    if rule.examples.get("pass"):
        parts += ["", "## Passes", "", "```", rule.examples["pass"].rstrip(), "```"]
    if rule.references:
        parts += ["", "## References", ""] + [f"- {r}" for r in rule.references]
    return "\n".join(parts) + "\n"


def explain_text(ident: str, rules: list[Rule]) -> str | None:
    for rule in rules:
        if rule.id == ident:
            return rule_markdown(rule)
    control = load_controls().get(ident)
    own = [r for r in rules if ident in r.controls]
    if control is None and not own:
        return None
    parts = []
    if control is not None:
        parts += [f"# {ident}: {control.get('title', '')}", ""]
        parts.append(f"Severity: **{control.get('severity', '')}**")
        for key in ("requirement", "rationale"):
            if control.get(key):
                parts += ["", f"**{key.capitalize()}.** {_para(str(control[key]))}"]
        if control.get("references"):
            parts += ["", "## References", ""] + [f"- {r}" for r in control["references"]]
    parts += ["", "## Rules", ""]
    parts += [f"- `{r.id}` ({r.severity}): {r.title}" for r in own] or ["- (none implemented)"]
    return "\n".join(parts) + "\n"
