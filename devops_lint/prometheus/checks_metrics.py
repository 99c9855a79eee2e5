"""Metric semantics of rule expressions (PROM-013, -014, -015).

Counters and gauges, range windows against scrape intervals, statistically valid aggregation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import promql_parser as pp

from ..model import SEVERITIES, SEVERITY_RANK, Result, Severity, Target
from ..registry import check
from . import promql as q
from .checks_common import expr_path, expression_check, intervals_of, rule_of
from .durations import format_duration
from .index import build_index, metric_types, setting_duration
from .model import Rule
from .re2 import compile_anchored

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule as LintRule

COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")
COUNTER_TYPES = frozenset({"counter", "histogram", "summary"})
GAUGE_SUFFIXES = ("_ratio", "_percent", "_info")
COUNTER_LIKE_SUFFIXES = ("_failed", "_failures", "_errors", "_requests", "_restarts")
# Where a raw counter may appear (PROM-013.raw-counter).
COUNTER_SAFE_CALLS = frozenset(
    {"rate", "irate", "increase", "resets", "changes", "absent", "absent_over_time",
     "present_over_time", "timestamp", "count_over_time"}
)  # fmt: skip
COUNTER_SAFE_AGGS = frozenset({"count", "group"})


# --- PROM-013 -----------------------------------------------------------------------------


def _counter_safe(ancestors: tuple[Any, ...]) -> bool:
    for a in ancestors:
        if q.kind(a) == "Call" and q.func_name(a) in COUNTER_SAFE_CALLS:
            return True
        if q.kind(a) == "AggregateExpr" and q.op(a) in COUNTER_SAFE_AGGS:
            return True
    return False


def _is_counter(name: str, types: dict[str, str]) -> bool:
    typed = types.get(name)
    if typed is not None:
        return typed in COUNTER_TYPES
    return name.endswith(COUNTER_SUFFIXES)


@expression_check("PROM-013.raw-counter")
def raw_counter(target: Target, r: Rule, ast: Any, ctx: Context) -> Iterator[Result]:
    types = metric_types(ctx)
    names: list[str] = []
    for sel, anc in q.vector_selectors(ast):
        name = q.metric_name(sel)
        if name and name not in names and _is_counter(name, types) and not _counter_safe(anc):
            names.append(name)
    for name in names:
        yield Result(
            path=expr_path(r),
            message=f"counter '{name}' is used raw; wrap it in rate(), increase() or another"
            " counter function",
        )


@expression_check("PROM-013.rate-on-gauge")
def rate_on_gauge(target: Target, r: Rule, ast: Any, ctx: Context) -> Iterator[Result]:
    types = metric_types(ctx)
    seen: set[str] = set()
    for call, _ in q.calls(ast, *q.RATE_FUNCS):
        for arg in call.args:
            arg = q.unwrap(arg)
            if q.kind(arg) != "MatrixSelector":
                continue
            name = q.metric_name(arg)
            if not name or name in seen:
                continue
            typed = types.get(name)
            gauge = typed == "gauge" if typed is not None else name.endswith(GAUGE_SUFFIXES)
            if gauge:
                seen.add(name)
                yield Result(
                    path=expr_path(r),
                    message=f"{q.func_name(call)}() is applied to '{name}', which is a gauge",
                )


@expression_check("PROM-013.counter-like-name")
def counter_like_name(target: Target, r: Rule, ast: Any, ctx: Context) -> Iterator[Result]:
    types = metric_types(ctx)
    seen: set[str] = set()
    for sel, anc in q.vector_selectors(ast):
        name = q.metric_name(sel)
        if not name or name in seen or not name.endswith(COUNTER_LIKE_SUFFIXES):
            continue
        if name in types or _counter_safe(anc) or not any(q.is_filter(a) for a in anc):
            continue  # typed metrics are judged by raw-counter / not at all
        seen.add(name)
        yield Result(
            path=expr_path(r),
            message=f"'{name}' looks like a counter compared raw; if it is a counter, name it"
            f" '{name}_total' and compare its rate() or increase()",
        )


# --- PROM-014 -----------------------------------------------------------------------------


def _windows(ast: Any) -> Iterator[tuple[Any, Any]]:
    """(function call, matrix selector) pairs whose window must hold several samples."""
    for call, _ in q.calls(ast):
        name = q.func_name(call)
        if name in q.WINDOW_FUNCS or name.endswith("_over_time"):
            for arg in call.args:
                if q.kind(arg) == "MatrixSelector":
                    yield call, arg


def step_down(severity: Severity) -> Severity:
    """One severity step lower (high -> medium, medium -> low, low -> info)."""
    return SEVERITIES[max(SEVERITY_RANK[severity] - 1, 0)]


def _window_results(
    target: Target, severity: Severity, factor: int, floor: int | None
) -> Iterator[Result]:
    r = rule_of(target)
    ast = r.ast
    if ast is None:
        return
    iv = intervals_of(target)
    seen: set[tuple[str, int]] = set()
    for call, sel in _windows(ast):
        window = q.duration_ms(sel.range)
        job = q.job_of(sel)
        scrape = iv.scrape(job)
        if window >= factor * scrape or (floor is not None and window < floor * scrape):
            continue
        key = (q.metric_name(sel) or "", window)
        if key in seen:
            continue
        seen.add(key)
        message = (
            f"{q.func_name(call)}() window [{format_duration(window)}] over"
            f" '{key[0]}' is below {factor}x the scrape interval {format_duration(scrape)}"
        )
        if iv.assumed(job):
            # Section 8 preamble: a finding resting on an assumed interval is one step lower.
            yield Result(
                path=expr_path(r),
                severity=step_down(severity),
                message=f"{message} (assumed: no scanned configuration, monitor or Prometheus"
                " object gives the scrape interval)",
            )
        else:
            yield Result(path=expr_path(r), message=message)


@check("PROM-014.below-2x", target="prometheus.rule")
def below_2x(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    yield from _window_results(target, rule.severity, 2, None)


@check("PROM-014.below-4x", target="prometheus.rule")
def below_4x(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    yield from _window_results(target, rule.severity, 4, 2)


@expression_check("PROM-014.beyond-retention")
def beyond_retention(target: Target, r: Rule, ast: Any, ctx: Context) -> Iterator[Result]:
    retention = setting_duration(ctx, "tsdb_retention", "15d")
    for node, _ in q.walk(ast):
        if q.kind(node) in ("MatrixSelector", "SubqueryExpr") and node.range is not None:
            window = q.duration_ms(node.range)
            if window > retention:
                yield Result(
                    path=expr_path(r),
                    message=f"range [{format_duration(window)}] is longer than the TSDB retention"
                    f" {format_duration(retention)}",
                )
                return


# --- PROM-015 -----------------------------------------------------------------------------


def _records(target: Target, ctx: Context) -> dict[str, list[Rule]]:
    return build_index(ctx).records(target.doc)


@expression_check("PROM-015.rate-of-sum")
def rate_of_sum(target: Target, r: Rule, ast: Any, ctx: Context) -> Iterator[Result]:
    records: dict[str, list[Rule]] | None = None
    for call, _ in q.calls(ast, *q.RATE_FUNCS):
        for arg in call.args:
            arg = q.unwrap(arg)
            if q.kind(arg) == "SubqueryExpr" and q.kind(q.unwrap(arg.expr)) == "AggregateExpr":
                yield Result(
                    path=expr_path(r),
                    message=f"{q.func_name(call)}() is applied to a subquery over an aggregation;"
                    " rate first, then aggregate",
                )
                return
            if q.kind(arg) == "MatrixSelector":
                name = q.metric_name(arg)
                if records is None:
                    records = _records(target, ctx)
                for producer in records.get(name or "", []):
                    past = producer.ast
                    if past is not None and q.kind(q.unwrap(past)) == "AggregateExpr":
                        yield Result(
                            path=expr_path(r),
                            message=f"{q.func_name(call)}() is applied to '{name}', which records"
                            " an aggregation; rate the raw counter first, then aggregate",
                        )
                        return


def _is_ratio_record(name: str, records: dict[str, list[Rule]]) -> bool:
    producers = records.get(name)
    if producers:
        for p in producers:
            past = p.ast
            if "ratio" in name or (
                past is not None
                and q.kind(q.unwrap(past)) == "BinaryExpr"
                and q.op(q.unwrap(past)) == "/"
            ):
                return True
        return False
    return ":" in name and "ratio" in name


@expression_check("PROM-015.avg-of-ratio")
def avg_of_ratio(target: Target, r: Rule, ast: Any, ctx: Context) -> Iterator[Result]:
    records: dict[str, list[Rule]] | None = None
    for node, _ in q.walk(ast):
        if q.kind(node) != "AggregateExpr" or q.op(node) != "avg":
            continue
        if records is None:
            records = _records(target, ctx)
        for name in q.metric_names(node.expr):
            if _is_ratio_record(name, records):
                yield Result(
                    path=expr_path(r),
                    message=f"avg() over the ratio '{name}' is not the overall ratio; sum the"
                    " numerator and denominator, then divide",
                )
                return


def _server_error_matcher(m: Any) -> bool:
    label = str(m.name).lower()
    if "status" not in label and "code" not in label:
        return False
    value = str(m.value)
    if m.op == pp.MatchOp.Re:
        rx = compile_anchored(value)
        if value.lower() in ("5xx",):
            return True
        return rx is not None and bool(rx.match("500")) and not rx.match("200")
    if m.op == pp.MatchOp.Equal:
        return value.lower() == "5xx" or (len(value) == 3 and value.startswith("5"))
    return False


@expression_check("PROM-015.absolute-error-rate")
def absolute_error_rate(target: Target, r: Rule, ast: Any, ctx: Context) -> Iterator[Result]:
    lhs = q.comparison_lhs(ast)
    if lhs is None:
        return
    if any(q.kind(n) == "BinaryExpr" and q.op(n) == "/" for n, _ in q.walk(lhs)):
        return
    for call, _ in q.calls(lhs, "rate", "increase"):
        for sel, _ in q.vector_selectors(call):
            if any(_server_error_matcher(m) for m in q.matchers(sel)):
                yield Result(
                    path=expr_path(r),
                    message="the alert compares an absolute 5xx rate; divide by the total request"
                    " rate and alert on the error ratio",
                )
                return
