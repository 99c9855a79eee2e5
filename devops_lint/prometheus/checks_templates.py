"""Checks of alert label and annotation templates (PROM-011, PROM-005 template rules)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import JsonPath, Result, Target, is_unresolved
from ..registry import check
from . import promql as q
from .checks_common import expression_check, rule_of
from .gotemplate import Template, analyse
from .index import build_index
from .model import Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule as LintRule

RATE_LIKE = frozenset({"rate", "irate", "increase", "deriv", "delta"})


def _templates(r: Rule, *sections: str) -> Iterator[tuple[str, str, JsonPath, Template]]:
    """(section, key, path, analysis) of every templated string of an alerting rule."""
    for section in sections:
        values = r.labels if section == "labels" else r.annotations
        for key, value in values.items():
            if isinstance(value, str) and not is_unresolved(value):
                yield section, str(key), (*r.path, section, key), analyse(value)


@check("PROM-011.template-syntax", target="prometheus.rule")
def template_syntax(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    for section, key, path, tpl in _templates(rule_of(target), "labels", "annotations"):
        if tpl.errors:
            yield Result(path=path, message=f"{section}.{key}: template error: {tpl.errors[0]}")


@check("PROM-011.value-in-label", target="prometheus.rule")
def value_in_label(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    for _, key, path, tpl in _templates(rule_of(target), "labels"):
        if tpl.uses_value:
            yield Result(
                path=path,
                message=f"label '{key}' contains $value: every new value is a new alert",
            )


@expression_check("PROM-011.dropped-label")
def dropped_label(target: Target, r: Rule, ast: Any, ctx: Context) -> Iterator[Result]:
    labels = q.result_labels(ast)
    for section, key, path, tpl in _templates(r, "labels", "annotations"):
        gone = sorted(x for x in tpl.labels if not labels.has(x))
        if gone:
            yield Result(
                path=path,
                message=f"{section}.{key} uses $labels.{gone[0]}, which the expression's result"
                " does not carry (removed by aggregation or vector matching)",
            )


def _rate_or_ratio(node: Any) -> bool:
    node = q.unwrap(node)
    while q.kind(node) == "AggregateExpr":
        node = q.unwrap(node.expr)
    k = q.kind(node)
    if k == "Call":
        return q.func_name(node) in RATE_LIKE
    if k == "BinaryExpr":
        return q.op(node) == "/"
    if k == "VectorSelector":
        return (q.metric_name(node) or "").endswith("_ratio")
    return False


@expression_check("PROM-011.unformatted-value")
def unformatted_value(target: Target, r: Rule, ast: Any, ctx: Context) -> Iterator[Result]:
    lhs = q.comparison_lhs(ast)
    if lhs is None or not _rate_or_ratio(lhs):
        return
    for _, key, path, tpl in _templates(r, "annotations"):
        if tpl.prints_raw_value and not tpl.errors:
            yield Result(
                path=path,
                message=f"annotations.{key} prints the rate/ratio $value unformatted; use"
                " humanize, humanizePercentage or printf",
            )


# --- PROM-005 (template and label parts) --------------------------------------------------


@check("PROM-005.undefined-template-label", target="prometheus.rule")
def undefined_template_label(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    r = rule_of(target)
    configs = build_index(ctx).configs_of(r.doc)
    for section, key, path, tpl in _templates(r, "labels", "annotations"):
        if not tpl.external_labels:
            continue
        if not configs:
            yield Result(
                path=path,
                unresolved=True,
                message=f"{section}.{key} uses $externalLabels but no scanned configuration"
                " loads this rule file",
            )
            continue
        for name in sorted(tpl.external_labels):
            missing = [c.doc.path for c in configs if name not in c.external_labels]
            if missing:
                yield Result(
                    path=path,
                    message=f"{section}.{key} uses $externalLabels.{name}, which {missing[0]}"
                    " does not define",
                )
                break


@check("PROM-005.rule-label-conflict", target="prometheus.rule")
def rule_label_conflict(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
    r = rule_of(target)
    configs = build_index(ctx).configs_of(r.doc)
    external = {k for c in configs for k in c.external_labels}
    for key in r.labels:
        if key in external:
            yield Result(
                path=(*r.path, "labels", key),
                key=True,
                message=f"label '{key}' is also an external label; the two values conflict",
            )
