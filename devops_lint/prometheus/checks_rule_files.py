"""Rule files as Prometheus loads them (PROM-007).

YAML documents, the rule-file format, PromQL syntax, group and record names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import JsonPath, Result, Target, is_unresolved
from ..registry import check
from .checks_common import expr_path, repeats
from .model import RuleFile, is_prometheus_rule, rule_file_of
from .schema import METRIC_NAME_RE, rule_file_problems
from .targets import group_locator, rule_locator

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule as LintRule


# --- PROM-007 -----------------------------------------------------------------------------


@check("PROM-007.yaml", target="prometheus.rule_file")
def rule_file_yaml(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    doc = target.doc
    if doc.format == "prometheus-rules" and doc.index > 0:
        yield Result(
            path=(),
            message="a rule file holds more than one YAML document; Prometheus reads only the"
            " first and ignores these groups",
        )


def _locator(rf: RuleFile, path: JsonPath) -> str | None:
    """Locator of the rule or group that holds ``path`` (None: the file's own)."""
    n = len(rf.groups_path)
    for g in rf.groups:
        if path[: n + 1] != g.path:
            continue
        for r in g.rules:
            if path[: len(r.path)] == r.path:
                return rule_locator(r)
        if len(path) >= n + 3 and path[n + 1] == "rules":
            return f"{group_locator(g)}.rules[{path[n + 2]}]"
        return group_locator(g)
    if len(path) > n and path[:n] == rf.groups_path:
        prefix = group_locator(rf.groups[0]).split("groups[")[0] if rf.groups else ""
        return f"{prefix}groups[{path[n]}]"
    return None


@check("PROM-007.schema", target="prometheus.rule_file")
def rule_file_schema(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    rf = rule_file_of(target)
    for p in rule_file_problems(target.doc.data, rf.groups_path, is_prometheus_rule(target.doc)):
        yield Result(path=p.path, key=p.key, message=p.message, locator=_locator(rf, p.path))


# Line filters and parsers of LogQL: a Loki ruler file shares the rule-file format.
LOGQL_MARKERS = ("|=", "|~", "| json", "| logfmt", "| pattern", "| regexp", "| line_format",
                 "| label_format", "| unwrap", "| decolorize")  # fmt: skip


@check("PROM-007.promql", target="prometheus.rule_file")
def rule_file_promql(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    for r in rule_file_of(target).rules:
        parsed = r.parsed
        if parsed is None or parsed.error is None or is_unresolved(r.expr):
            continue
        if r.expr is not None and any(m in r.expr for m in LOGQL_MARKERS):
            yield Result(
                path=expr_path(r),
                locator=rule_locator(r),
                unresolved=True,
                message=f"expression of '{r.name or r.index}' looks like LogQL (a Loki rule);"
                " it is not checked as PromQL",
            )
            continue
        yield Result(
            path=expr_path(r),
            locator=rule_locator(r),
            message=f"invalid PromQL in {r.kind or 'rule'} '{r.name or r.index}': {parsed.error}",
        )


@check("PROM-007.duplicate-group", target="prometheus.rule_file")
def duplicate_group(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    for g in repeats(rule_file_of(target).groups, lambda g: g.name):
        yield Result(
            path=(*g.path, "name"),
            locator=group_locator(g),
            message=f"group name '{g.name}' is used twice in this file",
        )


@check("PROM-007.record-name", target="prometheus.rule_file")
def record_name(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    for r in rule_file_of(target).rules:
        name = r.data.get("record")
        valid = isinstance(name, str) and (is_unresolved(name) or METRIC_NAME_RE.match(name))
        if isinstance(name, str) and name and not valid:
            yield Result(
                path=(*r.path, "record"),
                locator=rule_locator(r),
                message=f"record name '{name}' is not a valid metric name",
            )
