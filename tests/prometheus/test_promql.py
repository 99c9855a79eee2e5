from __future__ import annotations

from typing import Any

import pytest

from devops_lint.prometheus import promql as q


def ast(text: str) -> Any:
    parsed = q.parse(text)
    assert parsed.error is None, parsed.error
    return parsed.ast


def test_parse_error_is_returned_not_raised() -> None:
    parsed = q.parse("rate(http_requests_total[5m]")
    assert parsed.ast is None
    assert parsed.error == "unclosed left parenthesis"
    assert q.parse("").error


def test_selectors_and_matchers() -> None:
    tree = ast('rate(http_requests_total{status=~"5..", job="api"}[5m]) > 0.1')
    assert q.metric_names(tree) == ["http_requests_total"]
    (sel, anc), *_ = list(q.vector_selectors(tree))
    assert q.job_of(sel) == "api"
    assert [q.kind(a) for a in anc] == ["BinaryExpr", "Call", "MatrixSelector"]
    assert q.metric_name(ast('{__name__="up"}')) == "up"


def test_windows_and_calls() -> None:
    tree = ast("sum by (job) (rate(x_total[5m])) / sum by (job) (increase(y_total[1h]))")
    names = sorted(q.func_name(c) for c, _ in q.calls(tree))
    assert names == ["increase", "rate"]
    ranges = sorted(
        q.duration_ms(n.range) for n, _ in q.walk(tree) if q.kind(n) == "MatrixSelector"
    )
    assert ranges == [300_000, 3_600_000]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("up == 0", True),
        ("up == bool 0", False),
        ("rate(x[5m])", False),
        ("absent(up)", True),
        ("(a > 1) and on(job) b", True),
        ("sum(a) / sum(b)", False),
        ("rate(x[5m]) or up == 0", False),
        ("(a > 1) or absent(b)", True),
        ("sum(x > 5)", True),
        ("x unless y > 5", True),
    ],
)
def test_condition(text: str, expected: bool) -> None:
    assert q.is_condition(ast(text)) is expected


def test_heartbeat_and_lhs() -> None:
    assert q.is_heartbeat(ast("vector(1)"))
    assert q.is_heartbeat(ast("(vector(0))"))
    assert not q.is_heartbeat(ast("vector(time())"))
    lhs = q.comparison_lhs(ast("(rate(x[5m]) > 1) and up"))
    assert lhs is not None and q.func_name(lhs) == "rate"


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("up", {"instance", "job"}, set()),
        ("sum(up)", set(), {"instance", "job"}),
        ("sum by (job) (up)", {"job"}, {"instance"}),
        ("sum without (instance) (up)", {"job"}, {"instance"}),
        ("topk(3, up)", {"instance"}, set()),
        ('count_values("version", build_info)', {"version"}, {"instance"}),
        ('absent(up{job="api"})', {"job"}, {"instance"}),
        ("rate(a[5m]) / on(job) rate(b[5m])", {"job"}, {"instance"}),
        ("rate(a[5m]) / ignoring(instance) rate(b[5m])", {"job"}, {"instance"}),
        ("a * on(job) group_left(team) b", {"instance", "team"}, set()),
        ("sum by (job) (a) * on(job) group_left(team) b", {"job", "team"}, {"instance"}),
        ('label_replace(sum(up), "x", "$1", "y", "(.*)")', {"x"}, {"instance"}),
        ("histogram_quantile(0.9, rate(a_bucket[5m]))", {"instance"}, {"le"}),
        ("sum(a) or b", {"instance"}, set()),
        ("vector(1)", set(), {"instance"}),
        ("2 * sum by (job) (a)", {"job"}, {"instance"}),
    ],
)
def test_result_labels(text: str, present: set[str], absent: set[str]) -> None:
    labels = q.result_labels(ast(text))
    assert all(labels.has(x) for x in present), labels
    assert not any(labels.has(x) for x in absent), labels
