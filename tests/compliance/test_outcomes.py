"""Control outcomes: one test per outcome, and the requirement's worst-of rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.compliance.catalog import Framework, Requirement
from devops_lint.compliance.outcomes import control_outcomes, evaluate, worst
from devops_lint.engine import RunResult
from devops_lint.model import Finding, Span
from devops_lint.project import Project
from devops_lint.rules import Rule, load_rules

PATH = "deploy.yaml"


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return [r for r in load_rules() if r.controls and r.controls[0] in ("K8S-001", "K8S-002")]


def finding(
    control: str = "K8S-001",
    *,
    severity: str = "critical",
    outcome: str = "fail",
    suppression: str | None = None,
    line: int = 3,
) -> Finding:
    return Finding(
        rule_id=f"{control}.x",
        controls=[control],
        severity=severity,  # type: ignore[arg-type]
        path=PATH,
        span=Span.at(line, 5),
        message="m",
        outcome=outcome,  # type: ignore[arg-type]
        suppression=suppression,
    )


def result(rules: list[Rule], findings: list[Finding], evaluated: int = 2) -> RunResult:
    counts = {(r.id, PATH): evaluated for r in rules if r.controls == ["K8S-001"]}
    return RunResult(findings, Project(root=Path(".")), rules, 1, evaluated=counts)


def test_pass_needs_an_evaluated_target_and_no_finding(rules: list[Rule]) -> None:
    out = control_outcomes(result(rules, []), ["K8S-001"])["K8S-001"]
    assert out.outcome == "pass"
    assert out.evaluated == 2 * len([r for r in rules if r.controls == ["K8S-001"]])
    assert out.files == {PATH: out.evaluated}


def test_fail_counts_findings_by_severity(rules: list[Rule]) -> None:
    found = [finding(), finding(line=4), finding(severity="high", line=5)]
    out = control_outcomes(result(rules, found), ["K8S-001"])["K8S-001"]
    assert out.outcome == "fail"
    assert out.by_severity == {"critical": 2, "high": 1}


def test_exception_lists_reasons_and_expiry(rules: list[Rule]) -> None:
    f = finding(suppression="break-glass pod, ticket OPS-1")
    run = result(rules, [f])
    run.suppressed_until[f.sort_key()] = "2027-01-31"
    run.hidden_controls["baseline"] = {"K8S-001": 3}
    out = control_outcomes(run, ["K8S-001"])["K8S-001"]
    assert out.outcome == "exception"
    assert [(e.source, e.reason, e.until, e.count) for e in out.exceptions] == [
        ("suppression", "break-glass pod, ticket OPS-1", "2027-01-31", 1),
        ("baseline", "recorded in the baseline", None, 3),
    ]
    assert out.by_severity == {}


def test_baselined_findings_alone_make_an_exception(rules: list[Rule]) -> None:
    run = result(rules, [])
    run.hidden_controls["new-only"] = {"K8S-001": 1}
    assert control_outcomes(run, ["K8S-001"])["K8S-001"].outcome == "exception"


def test_unresolved_only(rules: list[Rule]) -> None:
    found = [finding(severity="info", outcome="unresolved")]
    out = control_outcomes(result(rules, found), ["K8S-001"])["K8S-001"]
    assert out.outcome == "unresolved"
    assert out.unresolved == 1


def test_not_applicable_when_nothing_was_evaluated(rules: list[Rule]) -> None:
    out = control_outcomes(result(rules, [], evaluated=0), ["K8S-001"])["K8S-001"]
    assert out.outcome == "not_applicable"
    assert out.note == "nothing it applies to"


def test_not_applicable_says_when_the_control_was_not_selected() -> None:
    run = RunResult([], Project(root=Path(".")), [], 1)
    out = control_outcomes(run, ["K8S-001"])["K8S-001"]
    assert (out.outcome, out.note) == ("not_applicable", "no rule of this control was selected")


def test_fail_beats_exception_and_unresolved(rules: list[Rule]) -> None:
    found = [finding(suppression="ok"), finding(outcome="unresolved", line=4), finding(line=5)]
    out = control_outcomes(result(rules, found), ["K8S-001"])["K8S-001"]
    assert out.outcome == "fail"
    assert out.by_severity == {"critical": 1} and out.unresolved == 1
    assert len(out.exceptions) == 1


def test_requirement_takes_the_worst_outcome_of_its_controls(rules: list[Rule]) -> None:
    assert worst(["pass", "not_applicable"]) == "pass"
    assert worst(["exception", "unresolved"]) == "unresolved"
    assert worst(["pass", "fail", "exception"]) == "fail"
    fw = Framework(
        "f",
        "F",
        "",
        True,
        (
            Requirement("1", "both", ("K8S-001", "K8S-002")),
            Requirement("2", "n/a", ("K8S-002",)),
            Requirement("3", "nobody", ()),
        ),
    )
    (out,) = evaluate(result(rules, [finding()]), [fw])
    assert [r.outcome for r in out.requirements] == ["fail", "not_applicable", "not_covered"]
    assert out.failed
    assert out.counts["not_covered"] == 1
