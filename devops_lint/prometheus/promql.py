"""PromQL analysis over the AST of ``promql_parser`` (a real PromQL parser).

Everything here walks parsed nodes; nothing inspects expression text with regexes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import promql_parser as pp

from ..bounds import promql_too_complex

COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
SET_OPERATORS = frozenset({"and", "or", "unless"})
RATE_FUNCS = frozenset({"rate", "irate", "increase"})
# Functions whose range argument must hold several samples (PROM-014).
WINDOW_FUNCS = frozenset({"rate", "irate", "increase", "deriv", "delta"})
# Aggregations that keep the series they pick, with all their labels.
SAMPLING_AGGS = frozenset({"topk", "bottomk", "limitk", "limit_ratio"})
# Calls whose result carries no labels of their arguments.
LABELLESS_CALLS = frozenset({"vector", "scalar", "time", "pi", "day_of_month"})


@dataclass(frozen=True)
class ParsedExpr:
    """An expression and its AST, or the parser's message."""

    text: str
    ast: Any | None
    error: str | None


@functools.lru_cache(maxsize=65536)
def parse(text: str) -> ParsedExpr:
    # promql_parser recurses in Rust (a stack overflow is a segfault) and its memory grows
    # with the square of the tree's depth: bound depth and operators before calling it.
    too_complex = promql_too_complex(text)
    if too_complex is not None:
        return ParsedExpr(text, None, too_complex)
    try:
        return ParsedExpr(text, pp.parse(text), None)
    except (ValueError, RuntimeError, TypeError, OverflowError) as exc:
        return ParsedExpr(text, None, str(exc) or "invalid PromQL expression")
    except BaseException as exc:  # the Rust binding may raise PanicException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return ParsedExpr(text, None, str(exc) or "invalid PromQL expression")


def kind(node: Any) -> str:
    return type(node).__name__


def op(node: Any) -> str:
    """Operator of a BinaryExpr or AggregateExpr (``>``, ``and``, ``sum``)."""
    return str(node.op)


def func_name(node: Any) -> str:
    return str(node.func.name) if kind(node) == "Call" else ""


def is_bool(node: Any) -> bool:
    modifier = getattr(node, "modifier", None)
    return bool(modifier is not None and getattr(modifier, "return_bool", False))


def is_comparison(node: Any) -> bool:
    return kind(node) == "BinaryExpr" and op(node) in COMPARISONS


def is_filter(node: Any) -> bool:
    """A comparison that filters (no ``bool`` modifier)."""
    return is_comparison(node) and not is_bool(node)


def unwrap(node: Any) -> Any:
    """Strip parentheses."""
    while kind(node) == "ParenExpr":
        node = node.expr
    return node


def children(node: Any) -> list[Any]:
    k = kind(node)
    if k == "BinaryExpr":
        return [node.lhs, node.rhs]
    if k == "AggregateExpr":
        param = node.param
        return [node.expr] if param is None else [param, node.expr]
    if k == "Call":
        return list(node.args)
    if k in ("ParenExpr", "UnaryExpr", "SubqueryExpr"):
        return [node.expr]
    if k == "MatrixSelector":
        return [node.vector_selector]
    return []


Walked = tuple[tuple[Any, tuple[Any, ...]], ...]
# Whole expressions walked so far, by node identity (the node is kept in the entry so its id
# cannot be reused): some twenty checks walk each rule's expression, so a run walks each
# once. Bounded: a long-lived process (the test suite, an editor) starts over.
_WALKED: dict[int, tuple[Any, Walked]] = {}
_WALKED_MAX = 50_000


def walk(node: Any, ancestors: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """Every node with its ancestors (outermost first), depth first."""
    if ancestors:
        return iter(_walk(node, ancestors))
    entry = _WALKED.get(id(node))
    if entry is None or entry[0] is not node:
        if len(_WALKED) >= _WALKED_MAX:
            _WALKED.clear()
        entry = _WALKED[id(node)] = (node, _walk(node, ()))
    return iter(entry[1])


def _walk(node: Any, ancestors: tuple[Any, ...]) -> Walked:
    out: list[tuple[Any, tuple[Any, ...]]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(node, ancestors)]
    while stack:
        cur, anc = stack.pop()
        out.append((cur, anc))
        sub = (*anc, cur)
        for child in reversed(children(cur)):
            stack.append((child, sub))
    return tuple(out)


def metric_name(selector: Any) -> str | None:
    """The metric name of a vector selector: its name or an ``__name__=`` matcher."""
    if kind(selector) == "MatrixSelector":
        selector = selector.vector_selector
    name = selector.name
    if name:
        return str(name)
    for m in selector.matchers.matchers:
        if m.name == "__name__" and m.op == pp.MatchOp.Equal:
            return str(m.value)
    return None


def matchers(selector: Any) -> list[Any]:
    if kind(selector) == "MatrixSelector":
        selector = selector.vector_selector
    out = list(selector.matchers.matchers)
    for group in selector.matchers.or_matchers:
        out.extend(group)
    return out


def job_of(selector: Any) -> str | None:
    """The ``job`` a selector names with an equality matcher (section 8 preamble)."""
    for m in matchers(selector):
        if m.name == "job" and m.op == pp.MatchOp.Equal:
            return str(m.value)
    return None


def is_regex(matcher: Any) -> bool:
    return matcher.op in (pp.MatchOp.Re, pp.MatchOp.NotRe)


def duration_ms(delta: Any) -> int:
    ms: float = delta.total_seconds() * 1000
    return round(ms)


def vector_selectors(node: Any) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    for cur, anc in walk(node):
        if kind(cur) == "VectorSelector":
            yield cur, anc


def metric_names(node: Any) -> list[str]:
    seen: dict[str, None] = {}
    for sel, _ in vector_selectors(node):
        name = metric_name(sel)
        if name is not None:
            seen.setdefault(name, None)
    return list(seen)


def calls(node: Any, *names: str) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    wanted = set(names)
    for cur, anc in walk(node):
        if kind(cur) == "Call" and (not wanted or func_name(cur) in wanted):
            yield cur, anc


def uses_call(node: Any, *names: str) -> bool:
    return next(calls(node, *names), None) is not None


def is_heartbeat(node: Any) -> bool:
    """``vector(<number>)``: an always-firing heartbeat such as kube-prometheus' Watchdog."""
    node = unwrap(node)
    if func_name(node) != "vector" or len(node.args) != 1:
        return False
    return kind(unwrap(node.args[0])) == "NumberLiteral"


def comparison_lhs(node: Any) -> Any | None:
    """Left operand of the alert's comparison, looking through ``and``/``or``/``unless``."""
    node = unwrap(node)
    while kind(node) == "BinaryExpr":
        if op(node) in COMPARISONS:
            return unwrap(node.lhs)
        if op(node) in SET_OPERATORS:
            node = unwrap(node.lhs)
            continue
        return None
    return None


def contains_filter(node: Any) -> bool:
    return any(is_filter(cur) for cur, _ in walk(node))


def is_condition(node: Any, _depth: int = 0) -> bool:
    """PROM-012: the result is filtered by a comparison (no ``bool``) or is ``absent*()``.

    ``and``/``unless`` need a condition on either side, ``or`` on both; any other
    operation keeps only the series its filtered operand keeps.
    """
    node = unwrap(node)
    if _depth > 200:
        return True
    k = kind(node)
    if k == "BinaryExpr":
        name = op(node)
        if name in COMPARISONS:
            return not is_bool(node) or is_condition(node.lhs, _depth + 1)
        lhs, rhs = is_condition(node.lhs, _depth + 1), is_condition(node.rhs, _depth + 1)
        return (lhs and rhs) if name == "or" else (lhs or rhs)
    if k == "Call" and func_name(node) in ("absent", "absent_over_time"):
        return True
    return any(is_condition(child, _depth + 1) for child in children(node))


# --- labels an expression's result can carry (PROM-011.dropped-label) ---------------------


@dataclass(frozen=True)
class LabelSet:
    """Either every label except ``names`` (``open``) or at most ``names``."""

    open: bool
    names: frozenset[str]

    def has(self, label: str) -> bool:
        return (label not in self.names) if self.open else (label in self.names)

    def without(self, names: frozenset[str]) -> LabelSet:
        if self.open:
            return LabelSet(True, self.names | names)
        return LabelSet(False, self.names - names)

    def only(self, names: frozenset[str]) -> LabelSet:
        if self.open:
            return LabelSet(False, names - self.names)
        return LabelSet(False, self.names & names)

    def plus(self, names: frozenset[str]) -> LabelSet:
        if self.open:
            return LabelSet(True, self.names - names)
        return LabelSet(False, self.names | names)

    def union(self, other: LabelSet) -> LabelSet:
        if self.open and other.open:
            return LabelSet(True, self.names & other.names)
        if self.open:
            return LabelSet(True, self.names - other.names)
        if other.open:
            return LabelSet(True, other.names - self.names)
        return LabelSet(False, self.names | other.names)


ANY_LABELS = LabelSet(True, frozenset())
NO_LABELS = LabelSet(False, frozenset())


def _string_arg(node: Any) -> str | None:
    node = unwrap(node)
    return str(node.val) if kind(node) == "StringLiteral" else None


def result_labels(node: Any, _depth: int = 0) -> LabelSet:
    """Labels the series of ``node``'s result can carry."""
    if _depth > 200:
        return ANY_LABELS
    node = unwrap(node)
    k = kind(node)
    if k in ("VectorSelector", "MatrixSelector"):
        return ANY_LABELS
    if k in ("NumberLiteral", "StringLiteral"):
        return NO_LABELS
    if k in ("UnaryExpr", "SubqueryExpr"):
        return result_labels(node.expr, _depth + 1)
    if k == "AggregateExpr":
        inner = result_labels(node.expr, _depth + 1)
        name = op(node)
        if name in SAMPLING_AGGS:
            return inner
        mod = node.modifier
        if mod is None:
            base = NO_LABELS
        elif mod.type == pp.AggModifierType.By:
            base = inner.only(frozenset(mod.labels))
        else:
            base = inner.without(frozenset(mod.labels))
        if name == "count_values" and node.param is not None:
            label = _string_arg(node.param)
            if label is not None:
                base = base.plus(frozenset({label}))
        return base
    if k == "Call":
        name = func_name(node)
        if name in LABELLESS_CALLS:
            return NO_LABELS
        if name in ("absent", "absent_over_time"):
            # absent() carries the equality matchers of its selector.
            names = frozenset(
                str(m.name)
                for sel, _ in vector_selectors(node)
                for m in matchers(sel)
                if m.op == pp.MatchOp.Equal and m.name != "__name__"
            )
            return LabelSet(False, names)
        vector_args = [
            a for a in node.args if kind(unwrap(a)) not in ("NumberLiteral", "StringLiteral")
        ]
        base = result_labels(vector_args[0], _depth + 1) if vector_args else NO_LABELS
        if name in ("label_replace", "label_join") and len(node.args) > 1:
            dst = _string_arg(node.args[1])
            if dst is not None:
                base = base.plus(frozenset({dst}))
        if name == "histogram_quantile":
            base = base.without(frozenset({"le"}))
        return base
    if k == "BinaryExpr":
        lhs = result_labels(node.lhs, _depth + 1)
        rhs = result_labels(node.rhs, _depth + 1)
        lk, rk = kind(unwrap(node.lhs)), kind(unwrap(node.rhs))
        scalar_l = lk == "NumberLiteral" or (
            lk == "Call" and func_name(unwrap(node.lhs)) in ("scalar", "time")
        )
        scalar_r = rk == "NumberLiteral" or (
            rk == "Call" and func_name(unwrap(node.rhs)) in ("scalar", "time")
        )
        if scalar_l and not scalar_r:
            return rhs
        if scalar_r:
            return lhs
        name = op(node)
        if name == "or":
            return lhs.union(rhs)
        if name in ("and", "unless"):
            return lhs
        mod = node.modifier
        matching = getattr(mod, "matching", None) if mod is not None else None
        card = getattr(mod, "card", None) if mod is not None else None
        if card == pp.VectorMatchCardinality.ManyToOne:
            extra = frozenset(getattr(mod, "group_labels", None) or [])
            return lhs.plus(extra)
        if card == pp.VectorMatchCardinality.OneToMany:
            extra = frozenset(getattr(mod, "group_labels", None) or [])
            return rhs.plus(extra)
        if matching is None:
            return lhs
        labels = frozenset(matching.labels)
        if matching.type == pp.LabelModifierType.Include:
            return lhs.only(labels)
        return lhs.without(labels)
    return ANY_LABELS


def outermost(node: Any) -> Any:
    """The outermost operation, through parentheses."""
    return unwrap(node)
