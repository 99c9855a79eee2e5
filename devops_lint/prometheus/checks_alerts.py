"""Alerting-rule hygiene (PROM-008, -009, -010, -012, -020).

The `for` duration, severity labels, annotations, conditions and fragile constructs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import promql_parser as pp

from ..model import Result, Target, is_unresolved
from ..registry import check
from . import promql as q
from .checks_common import expr_path, expression_check, intervals_of, rule_of
from .durations import format_duration
from .index import Intervals, setting_duration
from .model import Rule
from .re2 import has_redundant_anchor, is_literal

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule as LintRule


# --- PROM-008 -----------------------------------------------------------------------------


def _absent_scrape(ast: Any, iv: Intervals) -> int | None:
    longest: int | None = None
    for call, _ in q.calls(ast, "absent", "absent_over_time"):
        for sel, _ in q.vector_selectors(call):
            ms = iv.scrape(q.job_of(sel))
            longest = ms if longest is None else max(longest, ms)
        if longest is None:
            longest = iv.scrape(None)
    return longest


def _for_rule(target: Target, ctx: Context) -> tuple[str, str] | None:
    """(rule slug, message) of the one PROM-008 problem of an alert, if any.

    Three rules ask for the same verdict; it is worked out once per alert.
    """
    rule = rule_of(target)
    memo: dict[int, tuple[Rule, tuple[str, str] | None]] = ctx.memo("prometheus.for_rule", dict)
    cached = memo.get(id(rule))
    if cached is not None and cached[0] is rule:
        return cached[1]
    found = _for_problem(rule, target, ctx)
    memo[id(rule)] = (rule, found)
    return found


def _for_problem(rule: Rule, target: Target, ctx: Context) -> tuple[str, str] | None:
    ast = rule.ast
    if ast is not None and q.is_heartbeat(ast):
        return None
    iv = intervals_of(target)
    absent_need = _absent_scrape(ast, iv) if ast is not None else None
    if "for" not in rule.data:
        if absent_need is not None:
            return "absent-without-for", (
                f"alert '{rule.name}' is built on absent() and has no 'for'; set at least"
                f" {format_duration(2 * absent_need)} (2x the scrape interval)"
            )
        return "missing", f"alert '{rule.name}' has no 'for' duration"
    value = rule.for_ms
    if value is None:
        return None  # not a duration: PROM-007.schema
    if absent_need is not None and value < 2 * absent_need:
        return "absent-without-for", (
            f"alert '{rule.name}' is built on absent() with for {format_duration(value)}, below"
            f" 2x the scrape interval ({format_duration(2 * absent_need)})"
        )
    minimum = setting_duration(ctx, "min_alert_for", "1m")
    need = max(minimum, 2 * iv.evaluation)
    if value < need:
        return "too-short", (
            f"alert '{rule.name}' has for {format_duration(value)}, below"
            f" {format_duration(need)} (min_alert_for {format_duration(minimum)}, 2x the"
            f" evaluation interval {format_duration(iv.evaluation)})"
        )
    return None


@check("PROM-008.missing", target="prometheus.rule")
def for_missing(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    found = _for_rule(target, ctx)
    if found and found[0] == "missing":
        yield Result(message=found[1])


@check("PROM-008.too-short", target="prometheus.rule")
def for_too_short(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    found = _for_rule(target, ctx)
    if found and found[0] == "too-short":
        yield Result(path=(*rule_of(target).path, "for"), message=found[1])


@check("PROM-008.absent-without-for", target="prometheus.rule")
def for_absent(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    found = _for_rule(target, ctx)
    if found and found[0] == "absent-without-for":
        r = rule_of(target)
        path = (*r.path, "for") if "for" in r.data else None
        yield Result(path=path, message=found[1])


# --- PROM-009 / PROM-010 ------------------------------------------------------------------


@check("PROM-009.missing", target="prometheus.rule")
def severity_missing(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    r = rule_of(target)
    if "severity" not in r.labels:
        yield Result()


def _routing_only(r: Rule, value: object, ctx: Context) -> bool:
    """``severity: none`` on a heartbeat or an inhibition-only alert: it is not meant to page."""
    if value != "none":
        return False
    if r.ast is not None and q.is_heartbeat(r.ast):
        return True
    return r.name in {str(a) for a in ctx.settings.get("routing_only_alerts") or []}


@check("PROM-009.invalid-value", target="prometheus.rule")
def severity_invalid(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    r = rule_of(target)
    if "severity" not in r.labels:
        return
    value = r.labels["severity"]
    allowed = [str(s) for s in ctx.settings.get("alert_severities") or []]
    path = (*r.path, "labels", "severity")
    if is_unresolved(value) or (isinstance(value, str) and "{{" in value):
        yield Result(path=path, unresolved=True, message=f"severity '{value}' is templated")
    elif value not in allowed and not _routing_only(r, value, ctx):
        yield Result(
            path=path,
            message=f"severity '{value}' is not one of {', '.join(allowed)}",
        )


def _annotation_anchor(r: Rule) -> Result:
    if isinstance(r.data.get("annotations"), dict):
        return Result(path=(*r.path, "annotations"), key=True)
    return Result()


def _missing_annotation(target: Target, name: str) -> Iterator[Result]:
    r = rule_of(target)
    if not str(r.annotations.get(name) or "").strip():
        res = _annotation_anchor(r)
        res.message = f"alert '{r.name}' has no annotations.{name}"
        yield res


@check("PROM-010.summary", target="prometheus.rule")
def summary(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    yield from _missing_annotation(target, "summary")


@check("PROM-010.description", target="prometheus.rule")
def description(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    yield from _missing_annotation(target, "description")


@check("PROM-010.runbook-url", target="prometheus.rule")
def runbook_url(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    r = rule_of(target)
    severity = r.labels.get("severity")
    required = [str(s) for s in ctx.settings.get("runbook_required_for") or []]
    if not isinstance(severity, str) or severity not in required:
        return
    if "runbook_url" not in r.annotations:
        res = _annotation_anchor(r)
        res.message = f"{severity} alert '{r.name}' has no annotations.runbook_url"
        yield res


@check("PROM-010.runbook-url-format", target="prometheus.rule")
def runbook_url_format(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    r = rule_of(target)
    url = r.annotations.get("runbook_url")
    if "runbook_url" not in r.annotations:
        return
    path = (*r.path, "annotations", "runbook_url")
    if is_unresolved(url):
        yield Result(path=path, unresolved=True)
    elif not isinstance(url, str) or not re.match(r"^https://[^/\s{}]+", url):
        yield Result(path=path, message=f"runbook_url '{url}' is not an absolute https:// URL")


# --- PROM-012 -----------------------------------------------------------------------------


@check("PROM-012", target="prometheus.rule")
def condition(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    ast = rule_of(target).ast
    if ast is None or q.is_heartbeat(ast) or q.is_condition(ast):
        return
    yield Result(path=expr_path(rule_of(target)))


# --- PROM-020 -----------------------------------------------------------------------------


def _deduplicates(node: Any) -> bool:
    """``topk``/``bottomk`` of 1 per group keeps one series per group: a de-duplication."""
    mod = node.modifier
    if q.op(node) not in ("topk", "bottomk") or mod is None:
        return False
    if mod.type == pp.AggModifierType.By and not list(mod.labels):
        return False  # `by ()` is one group: the single top series overall
    param = q.unwrap(node.param) if node.param is not None else None
    return param is not None and q.kind(param) == "NumberLiteral" and float(param.val) == 1


@expression_check("PROM-020.sampling")
def sampling(target: Target, r: Rule, ast: Any, ctx: Context) -> Iterator[Result]:
    for node, _ in q.walk(ast):
        if q.kind(node) == "AggregateExpr" and q.op(node) in q.SAMPLING_AGGS:
            if _deduplicates(node):
                continue
            yield Result(
                path=expr_path(r),
                message=f"{q.op(node)}() returns a different series set on each evaluation",
            )
            return


def _regex_matchers(target: Target) -> Iterator[Any]:
    ast = rule_of(target).ast
    if ast is None:
        return
    for sel, _ in q.vector_selectors(ast):
        for m in q.matchers(sel):
            if q.is_regex(m):
                yield m


@check("PROM-020.regex-anchor", target="prometheus.rule")
def regex_anchor(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    for m in _regex_matchers(target):
        if has_redundant_anchor(str(m.value)):
            yield Result(
                path=expr_path(rule_of(target)),
                message=f'{m.name}=~"{m.value}" has anchors; PromQL regexes are always anchored',
            )


@check("PROM-020.regex-literal", target="prometheus.rule")
def regex_literal(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    for m in _regex_matchers(target):
        if is_literal(str(m.value)):
            eq = "=" if m.op == pp.MatchOp.Re else "!="
            yield Result(
                path=expr_path(rule_of(target)),
                message=f'{m.name} regex "{m.value}" has no metacharacters; use'
                f' {m.name}{eq}"{m.value}"',
            )
