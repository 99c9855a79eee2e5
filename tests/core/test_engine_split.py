"""The engine's passes: what callers import, and input findings made in one place."""

from __future__ import annotations

from pathlib import Path

from devops_lint import engine
from devops_lint.config import build_settings
from devops_lint.engine import Engine, RunResult, run, select_rules
from devops_lint.engine.state import RunState
from devops_lint.model import Span
from devops_lint.rules import load_rules


def test_callers_keep_their_imports() -> None:
    for name in ("run", "Engine", "RunResult", "select_rules", "format_message"):
        assert hasattr(engine, name)
    assert issubclass(Engine, RunState)
    assert callable(run) and callable(select_rules) and RunResult.__name__ == "RunResult"


def _state(tmp_path: Path, **overrides: object) -> RunState:
    settings, _ = build_settings(tmp_path, None, {})
    settings.update(overrides)
    return RunState(tmp_path, settings, load_rules())


def test_core_findings_follow_selection_and_severity_overrides(tmp_path: Path) -> None:
    state = _state(tmp_path, severity_overrides={"X-000.parse-error": "low"})
    state.report("X-000.parse-error", "a.yaml", Span.at(3, 2), "bad indent")
    [f] = state.findings
    assert (f.rule_id, f.path, f.span.line, f.severity, f.format) == (
        "X-000.parse-error",
        "a.yaml",
        3,
        "low",
        "input",
    )
    assert "bad indent" in f.message and f.object_line == 3
    ignoring = _state(tmp_path, ignore=["X-000.parse-error"])
    assert ignoring.core("X-000.parse-error", "a.yaml", Span.at(1), reason="x") is None
    ignoring.report("X-000.parse-error", "a.yaml", Span.at(1), "x")
    assert ignoring.findings == []


def test_the_same_finding_twice_is_reported_once(tmp_path: Path) -> None:
    state = _state(tmp_path)
    for _ in range(2):
        state.report("X-000.duplicate-key", "a.yaml", Span.at(2), key="name")
    assert len(state.findings) == 1


def test_passes_in_turn_equal_run(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec:\n  containers:\n    - name: c\n      image: nginx  # devops-lint: ignore[K8S-001]\n"
    )
    settings, _ = build_settings(tmp_path, None, {})
    rules = load_rules()
    e = Engine(tmp_path, settings, rules)
    e.load([tmp_path])
    e.evaluate()
    e.suppress()
    stepwise = [(f.rule_id, f.line, f.message, f.suppression) for f in e.result().findings]
    whole = run(tmp_path, [tmp_path], settings, rules)
    assert stepwise == [(f.rule_id, f.line, f.message, f.suppression) for f in whole.findings]
    assert any(f[0] == "X-000.suppression-without-reason" for f in stepwise)


def test_candidates_keep_rule_order_and_every_possible_rule() -> None:
    """The scheduler's lookup by prefilter value gives, in order, every rule whose
    prefilter may hold for the target (and rules with no or multi-key prefilters)."""
    from devops_lint.engine.scheduler import _Candidates
    from devops_lint.model import Document, Target
    from devops_lint.rules import load_rules

    rules = [r for r in load_rules() if r.target == "terraform.resource"]
    candidates = _Candidates(rules)
    doc = Document(path="main.tf", format="terraform", data={})
    for rtype in ("aws_s3_bucket", "google_container_cluster", "nothing_like_it", None):
        target = Target(
            kind="terraform.resource",
            doc=doc,
            path=(),
            data={},
            locator="x",
            context={"type": rtype},
        )
        assert candidates.of(target) == [
            r for r in rules if r.applies_to is None or len(r.applies_to) != 1 or r.applies(target)
        ]
