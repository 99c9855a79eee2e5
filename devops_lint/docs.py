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


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def list_rules(rules: list[Rule], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([rule_dict(r) for r in rules], indent=2) + "\n"
    if fmt == "markdown":
        rows = [f"| `{r.id}` | {r.severity} | {_cell(r.title)} |" for r in rules]
        return "\n".join(["| Rule | Severity | Title |", "|---|---|---|", *rows]) + "\n"
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
    if fmt == "markdown":
        lines = ["| Control | Severity | Rules | Title |", "|---|---|---|---|"]
        lines += [
            f"| `{r['id']}` | {r['severity']} | {len(r['rules'])} | {_cell(r['title'])} |"
            for r in rows
        ]
        return "\n".join(lines) + "\n"
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
    autofix = autofix_note(rule.id)
    if autofix:
        parts += ["", autofix]
    if rule.examples.get("fail"):
        parts += ["", "## Fails", "", "```", rule.examples["fail"].rstrip(), "```"]
    if rule.examples.get("pass"):
        parts += ["", "## Passes", "", "```", rule.examples["pass"].rstrip(), "```"]
    if rule.references:
        parts += ["", "## References", ""] + [f"- {r}" for r in rule.references]
    return "\n".join(parts) + "\n"


def autofix_note(rule_id: str) -> str:
    """``Autofix: safe …`` when the fix registry (devops_lint/fix) has a fix for the rule."""
    from .fix import fix_of

    spec = fix_of(rule_id)
    if spec is None:
        return ""
    option = "`--fix`" if spec.safety == "safe" else "`--fix --unsafe-fixes`"
    return f"Autofix: **{spec.label()}**: {spec.summary} ({option})."


def _lookup(ident: str, rules: list[Rule]) -> tuple[Rule | None, str | None]:
    """The rule, or else the control ID, that ``ident`` names in any case."""
    folded = ident.strip().casefold()
    for rule in rules:
        if rule.id.casefold() == folded:
            return rule, None
    controls = {*load_controls(), *(c for r in rules for c in r.controls)}
    for cid in sorted(controls):
        if cid.casefold() == folded:
            return None, cid
    return None, None


def _rules_of(cid: str, rules: list[Rule]) -> list[Rule]:
    return [r for r in rules if cid in r.controls]


def explain_text(ident: str, rules: list[Rule]) -> str | None:
    """Markdown documentation of a rule or control ID (any case), None when unknown."""
    rule, cid = _lookup(ident, rules)
    if rule is not None:
        return rule_markdown(rule)
    if cid is None:
        return None
    control = load_controls().get(cid)
    own = _rules_of(cid, rules)
    parts = []
    if control is not None:
        parts += [f"# {cid}: {control.get('title', '')}", ""]
        parts.append(f"Severity: **{control.get('severity', '')}**")
        for key in ("requirement", "rationale"):
            if control.get(key):
                parts += ["", f"**{key.capitalize()}.** {_para(str(control[key]))}"]
    else:
        parts += [f"# {cid}", ""]
    parts += ["", "## Rules", ""]
    parts += [f"- `{r.id}` ({r.severity}): {r.title}" for r in own] or ["- (none implemented)"]
    if own:
        parts += ["", "## How to fix", ""]
        parts += [f"- `{r.id}`: {' '.join(r.fix.split())}" for r in own]
        examples = [r for r in own if r.examples.get("fail") or r.examples.get("pass")]
        if examples:
            parts += ["", "## Examples"]
        for r in examples:
            for kind, label in (("fail", "fails"), ("pass", "passes")):
                if r.examples.get(kind):
                    code = r.examples[kind].rstrip()
                    parts += ["", f"### `{r.id}` {label}", "", "```", code, "```"]
    if control is not None and control.get("references"):
        parts += ["", "## References", ""] + [f"- {ref}" for ref in control["references"]]
    return "\n".join(parts) + "\n"


def explain_data(ident: str, rules: list[Rule]) -> dict[str, Any] | None:
    """``explain --format json``: the rule, or the control with its rules, as data."""
    rule, cid = _lookup(ident, rules)
    if rule is not None:
        return {
            "kind": "rule",
            **rule_dict(rule),
            "message": rule.message,
            "examples": rule.examples,
        }
    if cid is None:
        return None
    control = load_controls().get(cid) or {}
    return {
        "kind": "control",
        "id": cid,
        "title": control.get("title", ""),
        "severity": control.get("severity", ""),
        "section": control.get("section", ""),
        "requirement": " ".join(str(control.get("requirement", "")).split()),
        "rationale": " ".join(str(control.get("rationale", "")).split()),
        "references": list(control.get("references", [])),
        "rules": [
            {**rule_dict(r), "message": r.message, "examples": r.examples}
            for r in _rules_of(cid, rules)
        ],
    }
