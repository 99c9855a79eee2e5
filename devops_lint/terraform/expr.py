"""The Terraform expression model: what the resolver and the rules see.

Parsers (``hcl.py`` for native syntax, ``jsonsyntax.py`` for ``.tf.json``) turn their
own node types into these values, so nothing outside those two modules depends on
python-hcl2 or Lark. Every node keeps ``text`` (its source text, shown in messages
and kept by ``Unresolved`` values) and ``span`` (where it is written, or ``None``).

Node kinds: ``Literal``, ``Ref`` (``var.x``, ``aws_s3_bucket.b.id``), ``Call``,
``Template`` (strings with interpolations, heredocs), ``ListExpr``, ``ObjectExpr``,
``Conditional``, ``ForExpr``, ``Operation`` (unary/binary operators), ``Index``
(indexing or attribute access on something that is not a plain reference) and
``Unknown`` (template directives and anything else; its ``children`` keep the
references inside it visible).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from ..model import Span, Unresolved

Scalar = str | int | float | bool | None


def compact_reduce(self: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickle as ``(class, field values)``: documents travel from parser processes."""
    names = _FIELD_NAMES.get(type(self))
    if names is None:
        names = _FIELD_NAMES[type(self)] = tuple(f.name for f in fields(self))
    return (type(self), tuple(getattr(self, n) for n in names))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass(eq=False)
class Expr:
    text: str
    span: Span | None

    def children(self) -> tuple[Expr, ...]:
        return ()

    __reduce__ = compact_reduce


def number(text: str) -> Scalar:
    """The value of a numeric literal, or ``Unresolved`` when Python cannot hold it as
    Terraform does (HCL numbers are arbitrary precision): ``1e400`` is no float, and an
    integer of over 4,300 digits is refused by ``int``. Nothing downstream then computes
    with an infinity (an instance count of ``inf`` failed every Terraform target)."""
    try:
        value: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        return Unresolved(text)
    if isinstance(value, float) and not math.isfinite(value):
        return Unresolved(text)
    return value


@dataclass(eq=False)
class Literal(Expr):
    value: Scalar


@dataclass(eq=False)
class Ref(Expr):
    """A static traversal: ``parts[0]`` is the root name; ``"*"`` marks a splat."""

    parts: tuple[str | int, ...]

    @property
    def root(self) -> str:
        return str(self.parts[0])

    def resource_address(self) -> tuple[str, str, str] | None:
        """``("resource"|"data", type, name)`` when this refers to a resource or data source."""
        p = self.parts
        if p and p[0] == "data":
            if len(p) >= 3 and isinstance(p[1], str) and isinstance(p[2], str):
                return ("data", p[1], p[2])
            return None
        if len(p) >= 2 and isinstance(p[0], str) and isinstance(p[1], str):
            if p[0] in NON_RESOURCE_ROOTS:
                return None
            return ("resource", p[0], p[1])
        return None

    def attribute_after_address(self) -> str | None:
        """The first attribute name after the resource address (``id`` in ``aws_x.y.id``)."""
        addr = self.resource_address()
        if addr is None:
            return None
        rest = self.parts[3:] if addr[0] == "data" else self.parts[2:]
        for part in rest:
            if isinstance(part, str) and part != "*":
                return part
        return None


# Roots of references that do not name a resource.
NON_RESOURCE_ROOTS = frozenset(
    {"var", "local", "module", "data", "each", "count", "path", "terraform", "self"}
)


@dataclass(eq=False)
class Call(Expr):
    name: str
    args: tuple[Expr, ...]
    expand_last: bool = False  # f(xs...)

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(eq=False)
class Template(Expr):
    """A string template: literal pieces (``str``) and interpolated expressions."""

    parts: tuple[str | Expr, ...]
    heredoc: bool = False

    def children(self) -> tuple[Expr, ...]:
        return tuple(p for p in self.parts if isinstance(p, Expr))


@dataclass(eq=False)
class ListExpr(Expr):
    items: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.items


@dataclass(eq=False)
class ObjectExpr(Expr):
    """``{ key = value }``; a bare identifier key is a ``Literal`` string."""

    items: tuple[tuple[Expr, Expr], ...]

    def children(self) -> tuple[Expr, ...]:
        return tuple(x for kv in self.items for x in kv)


@dataclass(eq=False)
class Conditional(Expr):
    cond: Expr
    then: Expr
    other: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.cond, self.then, self.other)


@dataclass(eq=False)
class ForExpr(Expr):
    key_var: str | None
    value_var: str
    collection: Expr
    value: Expr
    key: Expr | None = None  # set for object for-expressions
    cond: Expr | None = None
    group: bool = False  # `...` grouping mode

    def children(self) -> tuple[Expr, ...]:
        out = [self.collection, self.value]
        if self.key is not None:
            out.append(self.key)
        if self.cond is not None:
            out.append(self.cond)
        return tuple(out)


@dataclass(eq=False)
class Operation(Expr):
    op: str  # "!", "neg", "+", "==", "&&", ...
    operands: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.operands


@dataclass(eq=False)
class Index(Expr):
    """``collection[key]`` or ``collection.attr`` where the collection is not a plain reference."""

    collection: Expr
    key: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.collection, self.key)


@dataclass(eq=False)
class Unknown(Expr):
    parts: tuple[Expr, ...] = field(default_factory=tuple)

    def children(self) -> tuple[Expr, ...]:
        return self.parts


def walk(expr: Expr, max_nodes: int = 100_000) -> Iterator[Expr]:
    """Every node of ``expr`` (iteratively: deep expressions never hit the recursion limit)."""
    stack = [expr]
    seen = 0
    while stack and seen < max_nodes:
        node = stack.pop()
        seen += 1
        yield node
        stack.extend(reversed(node.children()))


def references(expr: Expr) -> list[Ref]:
    """All references written anywhere inside ``expr``, in source order."""
    return [n for n in walk(expr) if isinstance(n, Ref)]


def is_literal(expr: Expr) -> bool:
    """True when ``expr`` contains no reference, call or operator: a constant as written."""
    for node in walk(expr):
        if isinstance(node, (Literal, ListExpr, ObjectExpr)):
            continue
        if isinstance(node, Template) and not node.children():
            continue
        return False
    return True


def literal_string(expr: Expr) -> str | None:
    """The string when ``expr`` is a plain string constant (quoted string or heredoc)."""
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, Template) and all(isinstance(p, str) for p in expr.parts):
        return "".join(p for p in expr.parts if isinstance(p, str))
    return None


def literal_value(expr: Expr) -> Any:
    """Plain data for a constant expression (see ``is_literal``), else ``None``."""
    if isinstance(expr, Literal):
        return expr.value
    s = literal_string(expr)
    if s is not None:
        return s
    if isinstance(expr, ListExpr):
        return [literal_value(i) for i in expr.items]
    if isinstance(expr, ObjectExpr):
        out: dict[str, Any] = {}
        for k, v in expr.items:
            ks = literal_string(k)
            if ks is not None:
                out[ks] = literal_value(v)
        return out
    return None
