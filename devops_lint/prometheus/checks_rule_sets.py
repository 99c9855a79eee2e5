"""The loaded rules as a set (PROM-016 … PROM-019).

Names, duplicates, recorded-series dependencies and group evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from ..model import Result, Target, is_unresolved
from ..registry import check, params_of
from . import promql as q
from .checks_common import expr_path, rule_of
from .durations import format_duration
from .index import build_index
from .model import Rule, group_of
from .overlap import can_overlap

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule as LintRule

FIVE_MINUTES = 300_000
RECORD_FORMAT_RE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*(:[a-zA-Z0-9_]+){2,}$")
ALERT_NAME_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")


# --- PROM-016 -----------------------------------------------------------------------------


def _misnamed(target: Target, key: str, pattern: re.Pattern[str], message: str) -> Iterator[Result]:
    """A literal rule name (``alert:``/``record:``) that does not match ``pattern``;
    ``message`` is formatted with the name."""
    r = rule_of(target)
    if r.name and not is_unresolved(r.name) and not pattern.match(r.name):
        yield Result(path=(*r.path, key), message=message.format(name=r.name))


@check("PROM-016.record-format", target="prometheus.rule")
def record_format(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    message = "record '{name}' is not named level:metric:operations"
    yield from _misnamed(target, "record", RECORD_FORMAT_RE, message)


@check("PROM-016.record-total-suffix", target="prometheus.rule")
def record_total_suffix(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    r = rule_of(target)
    if not r.name or not RECORD_FORMAT_RE.match(r.name):
        return
    ast = r.ast
    if ast is None or not q.uses_call(ast, *q.RATE_FUNCS):
        return
    metric_parts = r.name.split(":")[1:-1]
    if any(part.endswith("_total") for part in metric_parts):
        yield Result(
            path=(*r.path, "record"),
            message=f"record '{r.name}' rates a counter but keeps '_total' in its metric part",
        )


@check("PROM-016.alert-name", target="prometheus.rule")
def alert_name(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    message = "alert name '{name}' is not UpperCamelCase"
    yield from _misnamed(target, "alert", ALERT_NAME_RE, message)


# --- PROM-017 -----------------------------------------------------------------------------


def _static_labels(r: Rule) -> tuple[tuple[str, str], ...] | None:
    if any(is_unresolved(v) or not isinstance(v, str) for v in r.labels.values()):
        return None
    return tuple(sorted((str(k), str(v)) for k, v in r.labels.items()))


def _disjoint_series(a: Rule, b: Rule) -> bool:
    """Recording rules whose selectors keep their results apart write different series."""
    if a.kind != "record" or a.ast is None or b.ast is None:
        return False
    return not can_overlap(a.ast, b.ast, a.labels.keys())


class RuleKindParams(NamedTuple):
    """``kind``: the rules compared, ``alert`` or ``record``."""

    kind: str


@check("PROM-017.alert", "PROM-017.record", target="prometheus.rule", params=RuleKindParams)
def duplicate_rule(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    """PROM-017: an earlier rule of the same kind, name and static labels in the rule set."""
    kind = params_of(rule, RuleKindParams).kind
    r = rule_of(target)
    if not r.name or is_unresolved(r.name):
        return
    labels = _static_labels(r)
    if labels is None:
        return
    index = build_index(ctx)
    if index.configs_of(r.doc):
        rules, _ = index.rule_set(r.doc)
    else:
        rf = index.rule_file(r.doc)
        rules = rf.rules if rf is not None else []
    for other in rules:
        if other is r:
            return  # only earlier rules count: the first definition is not reported
        same = other.kind == kind and other.name == r.name and _static_labels(other) == labels
        if same and not _disjoint_series(r, other):
            where = f"{other.doc.path}:{other.doc.span(other.path).line}"
            yield Result(
                path=(*r.path, kind),
                message=f"{'alert' if kind == 'alert' else 'record'} '{r.name}' with the same"
                f" labels is already defined at {where}",
            )
            return


# --- PROM-018 -----------------------------------------------------------------------------


class DependencyParams(NamedTuple):
    """``problem``: ``undefined`` (no rule records the series), ``cross-group`` (recorded
    only in another group) or ``order`` (recorded later in the same group)."""

    problem: str


@check(
    "PROM-018.cross-group",
    "PROM-018.order",
    "PROM-018.undefined-recorded-series",
    target="prometheus.rule",
    params=DependencyParams,
)
def recorded_series_dependency(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    """PROM-018: a recorded series the rule reads, with the dependency problem ``problem``."""
    problem = params_of(rule, DependencyParams).problem
    for slug, result in _dependencies(target, ctx):
        if slug == problem:
            yield result


def _dependencies(target: Target, ctx: Context) -> Iterator[tuple[str, Result]]:
    """(problem, result) for each recorded series the rule reads that is not recorded by an
    earlier rule of its group."""
    r = rule_of(target)
    ast = r.ast
    if ast is None:
        return
    names = [n for n in q.metric_names(ast) if ":" in n]
    if not names:
        return
    index = build_index(ctx)
    _, complete = index.rule_set(r.doc)
    records = index.records(r.doc)
    path = expr_path(r)
    for name in names:
        producers = [p for p in records.get(name, []) if p is not r]
        if not producers:
            message = f"recorded series '{name}' is not produced by any loaded recording rule"
            yield "undefined", Result(path=path, unresolved=not complete, message=message)
            continue
        same = [p for p in producers if p.group is r.group]
        if not same:
            message = (
                f"'{name}' is recorded in group '{producers[0].group.name}', not in this"
                " group: it is read one evaluation late"
            )
            yield "cross-group", Result(path=path, message=message)
        elif all(p.index > r.index for p in same):
            message = f"'{name}' is recorded later in the same group; move this rule after it"
            yield "order", Result(path=path, message=message)


# --- PROM-019 -----------------------------------------------------------------------------


@check("PROM-019.interval", target="prometheus.group")
def group_interval(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    g = group_of(target)
    if g.interval is None or g.interval <= FIVE_MINUTES:
        return
    interval = g.interval
    if g.rules and all(
        r.kind == "alert" and (r.keep_firing_for_ms or 0) >= interval for r in g.rules
    ):
        return
    yield Result(
        path=(*g.path, "interval"),
        message=f"group '{g.name}' evaluates every {format_duration(interval)} (above 5m)",
    )


@check("PROM-019.duplicate-group-across-files", target="prometheus.group")
def duplicate_group_across_files(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    g = group_of(target)
    if g.name is None:
        return
    index = build_index(ctx)
    configs = index.configs_of(g.doc)
    seen_docs: set[tuple[str, int]] = set()
    for cfg in configs:
        for rf in index.loads[id(cfg)].files:
            if rf.doc is g.doc:
                break
            key = (rf.doc.path, rf.doc.index)
            if key in seen_docs:
                continue
            seen_docs.add(key)
            if rf.doc.path != g.doc.path and any(o.name == g.name for o in rf.groups):
                yield Result(
                    path=(*g.path, "name"),
                    message=f"group name '{g.name}' is also used in {rf.doc.path}",
                )
                return
