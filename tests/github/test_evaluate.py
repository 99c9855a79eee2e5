"""Static evaluation of conditions for reachable events (standards 1.0)."""

from __future__ import annotations

from collections.abc import Mapping

from devops_lint.github.evaluate import UNKNOWN, Evaluator, reachable_events, run_info
from devops_lint.github.expressions import parse
from devops_lint.github.workflow import parse_triggers

TRIGGERS = {"push": {"branches": ["main"]}, "pull_request": {}, "pull_request_target": {}}


def reach(cond: str, triggers: Mapping[str, object] = TRIGGERS) -> list[str]:
    return reachable_events(dict(triggers), parse(cond), "main")


def test_event_name_comparisons() -> None:
    assert reach("github.event_name == 'pull_request'") == ["pull_request"]
    assert reach("github.event_name != 'pull_request'") == ["push", "pull_request_target"]
    assert reach("github.event_name == 'PUSH'") == ["push"]  # comparisons ignore case
    assert reach("!(github.event_name == 'push')") == ["pull_request", "pull_request_target"]


def test_ref_comparison_removes_pull_request_only() -> None:
    assert reach("github.ref == 'refs/heads/main'") == ["push", "pull_request_target"]
    # pull_request_target runs on the base branch: a tag ref is impossible for it too.
    assert reach("startsWith(github.ref, 'refs/tags/')") == []
    assert reach("startsWith(github.ref, 'refs/heads/')") == ["push", "pull_request_target"]


def test_unknown_parts_never_narrow() -> None:
    assert reach("success() && github.actor == 'x'") == list(TRIGGERS)
    assert reach("github.event_name == 'push' || always()") == list(TRIGGERS)
    assert reach("github.event_name == 'push' && always()") == ["push"]


def test_push_branch_filters_make_ref_known() -> None:
    info = run_info("push", {"branches": ["main"]}, "main")
    assert Evaluator(info).truth(parse("github.ref == 'refs/heads/main'")) is True
    info = run_info("push", {"branches": ["main", "dev"]}, "main")
    assert Evaluator(info).truth(parse("github.ref == 'refs/heads/main'")) is UNKNOWN
    info = run_info("push", {"branches": ["release/*"]}, "main")
    assert Evaluator(info).truth(parse("startsWith(github.ref, 'refs/tags/')")) is False
    info = run_info("schedule", {}, "main")
    assert Evaluator(info).truth(parse("github.ref == 'refs/heads/main'")) is True


def test_value_evaluation_of_and_or() -> None:
    node = parse("github.event_name == 'pull_request' && 'type=gha' || ''")
    assert Evaluator(run_info("push", {}, "main")).value(node) == ""
    assert Evaluator(run_info("pull_request", {}, "main")).value(node) == "type=gha"
    assert Evaluator(run_info("push", {}, "main")).value(parse("vars.X || 'a'")) is UNKNOWN


def test_trigger_forms() -> None:
    assert parse_triggers("push") == {"push": {}}
    assert parse_triggers(["push", "pull_request"]) == {"push": {}, "pull_request": {}}
    assert parse_triggers({"push": {"branches": ["main"]}, "workflow_dispatch": None}) == {
        "push": {"branches": ["main"]},
        "workflow_dispatch": {},
    }
    assert parse_triggers(None) == {}
    assert parse_triggers(42) == {}


def test_inputs_are_null_outside_dispatch_and_call_runs() -> None:
    triggers: dict[str, object] = {
        "push": {"branches": ["main"]},
        "workflow_call": {},
        "workflow_dispatch": {},
    }
    assert reach("inputs.tag != ''", triggers) == ["workflow_call", "workflow_dispatch"]
    assert reach("inputs.tag == ''", triggers) == list(triggers)
    assert reach("inputs.dry-run == 'true'", triggers) == ["workflow_call", "workflow_dispatch"]


def test_push_with_branches_and_tags_splits_into_branch_and_tag_runs() -> None:
    from devops_lint.github.evaluate import run_infos

    infos = run_infos("push", {"branches": ["main"], "tags": ["v*"]}, "main")
    tag = parse("startsWith(github.ref, 'refs/tags/')")
    assert [Evaluator(i).truth(tag) for i in infos] == [False, True]
