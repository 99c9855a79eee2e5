"""Helpers shared by the rule checks: the rule, its intervals and where its expression is."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ..context import TargetKey
from ..model import JsonPath, Result, Target
from ..registry import check
from .index import Intervals
from .model import Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule as LintRule

T = TypeVar("T")
# A check of a rule's parsed expression: (target, Prometheus rule, its PromQL AST, context).
ExpressionBody = Callable[[Target, Rule, Any, "Context"], Iterator[Result]]


# The Prometheus rule a ``prometheus.rule`` target is about, and the evaluation intervals of
# its group.
rule_of: TargetKey[Rule] = TargetKey("rule")
intervals_of: TargetKey[Intervals] = TargetKey("intervals")


def expr_path(rule: Rule) -> JsonPath:
    return (*rule.path, "expr")


def repeats(items: Iterable[T], name_of: Callable[[T], str | None]) -> Iterator[T]:
    """Each item whose name an earlier item already has (an unnamed item never repeats)."""
    seen: set[str] = set()
    for item in items:
        name = name_of(item)
        if name is None:
            continue
        if name in seen:
            yield item
        seen.add(name)


def expression_check(rule_id: str) -> Callable[[ExpressionBody], Callable[..., Iterator[Result]]]:
    """Register ``body`` as the check of ``rule_id`` on Prometheus rules, run with the rule
    and its PromQL AST; a rule whose expression has no AST (it did not parse) gets nothing."""

    def wrap(body: ExpressionBody) -> Callable[..., Iterator[Result]]:
        @functools.wraps(body)
        def run(target: Target, rule: LintRule, ctx: Context) -> Iterator[Result]:
            r = rule_of(target)
            ast = r.ast
            if ast is not None:
                yield from body(target, r, ast, ctx)

        return check(rule_id, target="prometheus.rule")(run)

    return wrap
