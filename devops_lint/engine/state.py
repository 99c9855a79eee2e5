"""The state one run shares between its passes, and how findings are made and collected."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..context import Context
from ..fingerprint import logical_key, scope_key
from ..model import Finding, Result, Span, Target
from ..project import Project
from ..rules import Rule
from .results import format_message, select_rules


class RunState:
    """Settings, rules, the project view and the findings of one run.

    The passes (``loader``, ``scheduler``, ``suppression``) read and extend it in turn.
    """

    def __init__(
        self,
        root: Path,
        settings: dict[str, Any],
        rules: list[Rule],
        *,
        report_only: set[str] | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.root = root
        self.settings = settings
        self.rules = select_rules(rules, settings["select"], settings["ignore"])
        self.rule_by_id = {r.id: r for r in rules}
        self.selected_ids = {r.id for r in self.rules}
        self.today = today or dt.date.today()
        self.project = Project(root=root, report_only=report_only)
        self.ctx = Context(settings=settings, project=self.project)
        self.findings: list[Finding] = []
        self.stdin_name: str | None = None  # the name standard input is reported under
        self._seen: dict[tuple[Any, ...], Finding] = {}
        # (rule ID, path) -> targets evaluated: counts, so compliance can tell pass from n/a.
        self.evaluated: Counter[tuple[str, str]] = Counter()
        self.suppressed_until: dict[tuple[str, int, int, str], str] = {}
        self.ctx.findings = self.findings  # what checks that run last may read
        # A shard's share (``shards``): the targets whose file it owns; None: every target.
        self.owns: Callable[[str], bool] | None = None

    def severity(self, rule: Rule, severity: str) -> Any:
        overrides = self.settings["severity_overrides"]
        for ident in (rule.id, *rule.controls):
            if ident in overrides:
                return overrides[ident]
        return severity

    def core(self, rule_id: str, path: str, span: Span, **args: Any) -> Finding | None:
        """A finding of an input rule (``core.input``: X-000.*), or None when not selected.

        ``args`` fill the rule's message template (``reason``, ``ids``, ``detail`` …).
        """
        rule = self.rule_by_id[rule_id]
        if rule.id not in self.selected_ids:
            return None
        return Finding(
            rule_id=rule.id,
            controls=list(rule.controls),
            severity=self.severity(rule, rule.severity),
            path=path,
            span=span,
            message=format_message(rule.message, args),
            fix=rule.fix,
            format="input",
            object_line=span.line,
        )

    def report(self, rule_id: str, path: str, span: Span, reason: str = "", **args: Any) -> None:
        """Add an input rule's finding about a file (unreadable, parse error …)."""
        finding = self.core(rule_id, path, span, reason=reason, **args)
        if finding is not None:
            self.add(finding)

    def finding(self, rule: Rule, target: Target, res: Result) -> Finding:
        """The finding a check's ``Result`` on ``target`` stands for."""
        doc = res.doc or target.doc
        if res.span is not None:
            span = res.span
        elif res.path is not None:
            span = doc.key_span(res.path) if res.key else doc.span(res.path)
        else:
            span = target.anchor_span()
        severity = self.severity(rule, res.severity or rule.severity)
        values = {**target.context, **res.args}
        message = res.message if res.message is not None else format_message(rule.message, values)
        outcome: Any = "fail"
        if res.unresolved:
            outcome = "unresolved"
            message = f"unresolved: {message}"
            if not self.settings["strict_unresolved"]:
                severity = "info"
        obj = target.object_span or target.anchor_span()
        locator = res.locator or target.locator
        object_path = target.path if doc is target.doc else ()
        return Finding(
            rule_id=rule.id,
            controls=list(rule.controls),
            severity=severity,
            path=doc.path,
            span=span,
            message=message,
            fix=rule.fix,
            locator=locator,
            outcome=outcome,
            format=doc.format,
            object_line=obj.line if doc is target.doc else span.line,
            document=doc.index,
            value_sets=list(doc.meta.get("value_sets", ())),
            logical=scope_key(res.identity or target.identity)
            or logical_key(locator, object_path, res.path, doc, res.args),
        )

    def add(self, finding: Finding) -> None:
        key = (finding.rule_id, finding.path, finding.span, finding.message)
        first = self._seen.get(key)
        if first is not None:
            # Reported once; a rendered chart's finding names every value set producing it.
            first.value_sets.extend(v for v in finding.value_sets if v not in first.value_sets)
            return
        self._seen[key] = finding
        self.findings.append(finding)
