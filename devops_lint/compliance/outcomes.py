"""Control and requirement outcomes of a run.

A control in scope is

- ``fail``: it has findings (counted by severity);
- ``unresolved``: its only findings are unresolved outcomes (values not known statically);
- ``exception``: its only findings are suppressed in the source (with reason and expiry) or
  hidden by a baseline or a new-only comparison;
- ``pass``: a rule of it evaluated at least one target and nothing of the above;
- ``not_applicable``: nothing it applies to was scanned (or none of its rules was selected).

A framework requirement takes the worst outcome of its controls (``fail`` worst, then
``unresolved``, ``exception``, ``pass``, ``not_applicable``); one that no control covers is
``not_covered``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import SEVERITIES, Finding
from ..rules import load_controls
from .catalog import Framework, Requirement

if TYPE_CHECKING:
    from ..engine import RunResult

# Worst first.
OUTCOMES = ("fail", "unresolved", "exception", "pass", "not_applicable")
NOT_COVERED = "not_covered"
LABELS = {
    "fail": "fail",
    "unresolved": "unresolved",
    "exception": "exception",
    "pass": "pass",
    "not_applicable": "not applicable",
    NOT_COVERED: "not covered",
}
HIDDEN_REASONS = {
    "baseline": "recorded in the baseline",
    "new-only": "present before the compared revision (new-only run)",
}


@dataclass
class ExceptionEntry:
    """Findings of a control accepted for one reason."""

    source: str  # "suppression", "baseline" or "new-only"
    reason: str
    until: str | None  # ISO date the suppression expires, if it does
    count: int


@dataclass
class ControlOutcome:
    id: str
    title: str
    outcome: str
    rules: list[str]  # the control's rules that ran
    evaluated: int  # targets its rules evaluated
    files: dict[str, int]  # path -> targets evaluated there
    by_severity: dict[str, int]  # failing findings (suppressed and unresolved excluded)
    unresolved: int
    exceptions: list[ExceptionEntry]
    findings: list[Finding] = field(default_factory=list)  # evidence, suppressed included
    note: str = ""


@dataclass
class RequirementOutcome:
    requirement: Requirement
    outcome: str
    controls: list[ControlOutcome]


@dataclass
class FrameworkOutcome:
    framework: Framework
    requirements: list[RequirementOutcome]
    controls: dict[str, ControlOutcome]

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(r.outcome for r in self.requirements)
        return {o: counts[o] for o in (*OUTCOMES, NOT_COVERED)}

    @property
    def failed(self) -> bool:
        return any(r.outcome == "fail" for r in self.requirements)


def worst(outcomes: list[str]) -> str:
    ranked = [o for o in OUTCOMES if o in outcomes]
    return ranked[0] if ranked else "not_applicable"


def control_outcomes(result: RunResult, control_ids: list[str]) -> dict[str, ControlOutcome]:
    """The outcome of each control in ``control_ids`` for ``result``."""
    catalog = load_controls()
    wanted = set(control_ids)
    rules_of: dict[str, list[str]] = defaultdict(list)
    core_rules: set[str] = set()
    for rule in result.rules:
        for c in rule.controls:
            if c in wanted:
                rules_of[c].append(rule.id)
        if rule.target == "core.input" and wanted.intersection(rule.controls):
            core_rules.add(rule.id)
    mine = {r for ids in rules_of.values() for r in ids}
    files_of: dict[str, Counter[str]] = defaultdict(Counter)
    for (rule_id, path), n in result.evaluated.items():
        if rule_id in mine:
            files_of[rule_id][path] += n
    if core_rules:
        # Input rules (parse errors, suppression hygiene) apply to every file read.
        only = result.project.report_only
        read = [sf.path for sf in result.project.files if only is None or sf.path in only]
        for rule_id in core_rules:
            files_of[rule_id].update({p: 1 for p in read})
    findings_of: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        for c in f.controls:
            if c in wanted:
                findings_of[c].append(f)
    out: dict[str, ControlOutcome] = {}
    for cid in control_ids:
        files: Counter[str] = Counter()
        for rule_id in rules_of.get(cid, []):
            files.update(files_of.get(rule_id, Counter()))
        out[cid] = _outcome(
            cid,
            catalog.get(cid, {}),
            rules_of.get(cid, []),
            files,
            findings_of.get(cid, []),
            result,
        )
    return out


def _outcome(
    cid: str,
    control: dict[str, object],
    rules: list[str],
    files: Counter[str],
    findings: list[Finding],
    result: RunResult,
) -> ControlOutcome:
    active = [f for f in findings if f.suppression is None]
    failing = [f for f in active if f.outcome != "unresolved"]
    unresolved = [f for f in active if f.outcome == "unresolved"]
    severity = Counter(f.severity for f in failing)
    grouped: Counter[tuple[str, str, str | None]] = Counter()
    for f in findings:
        if f.suppression is not None:
            grouped[("suppression", f.suppression, result.suppressed_until.get(f.sort_key()))] += 1
    exceptions = [ExceptionEntry(s, r, u, n) for (s, r, u), n in sorted(grouped.items(), key=str)]
    for source, counts in sorted(result.hidden_controls.items()):
        if counts.get(cid):
            exceptions.append(
                ExceptionEntry(source, HIDDEN_REASONS.get(source, source), None, counts[cid])
            )
    evaluated = sum(files.values())
    note = ""
    if failing:
        outcome = "fail"
    elif unresolved:
        outcome = "unresolved"
    elif exceptions:
        outcome = "exception"
    elif evaluated:
        outcome = "pass"
    else:
        outcome = "not_applicable"
        note = "no rule of this control was selected" if not rules else "nothing it applies to"
    return ControlOutcome(
        id=cid,
        title=str(control.get("title", "")),
        outcome=outcome,
        rules=sorted(rules),
        evaluated=evaluated,
        files=dict(sorted(files.items())),
        by_severity={s: severity[s] for s in reversed(SEVERITIES) if severity[s]},
        unresolved=len(unresolved),
        exceptions=exceptions,
        findings=findings,
        note=note,
    )


def evaluate(result: RunResult, frameworks: list[Framework]) -> list[FrameworkOutcome]:
    """Every framework's requirements with their outcomes."""
    every: list[str] = []
    for fw in frameworks:
        every += [c for c in fw.controls if c not in every]
    controls = control_outcomes(result, every)
    out = []
    for fw in frameworks:
        reqs = []
        for req in fw.requirements:
            mine = [controls[c] for c in req.controls]
            outcome = worst([c.outcome for c in mine]) if mine else NOT_COVERED
            reqs.append(RequirementOutcome(req, outcome, mine))
        out.append(FrameworkOutcome(fw, reqs, {c: controls[c] for c in fw.controls}))
    return out
