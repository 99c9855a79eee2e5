"""Helpers shared by the rule checks: the rule, its intervals and where its expression is."""

from __future__ import annotations

from ..model import JsonPath, Target
from .index import Intervals
from .model import Rule


def rule_of(target: Target) -> Rule:
    rule: Rule = target.context["rule"]
    return rule


def intervals_of(target: Target) -> Intervals:
    iv: Intervals = target.context["intervals"]
    return iv


def expr_path(rule: Rule) -> JsonPath:
    return (*rule.path, "expr")
