"""The configuration structure of one Terraform file: bodies, attributes and blocks.

Both syntaxes (native HCL and JSON) are read into these classes, with expressions
from ``expr.py``; everything after parsing works on them only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..model import Span
from .expr import Expr, compact_reduce


@dataclass(eq=False)
class Attribute:
    name: str
    expr: Expr
    span: Span  # the whole `name = value`
    name_span: Span

    __reduce__ = compact_reduce


@dataclass(eq=False)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    span: Span  # the whole block
    header: Span  # from the type keyword to the opening brace

    __reduce__ = compact_reduce

    def describe(self) -> str:
        return " ".join([self.type, *(f'"{lab}"' for lab in self.labels)])


@dataclass(eq=False)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    __reduce__ = compact_reduce

    def blocks_of(self, type_: str) -> Iterator[Block]:
        for b in self.blocks:
            if b.type == type_:
                yield b

    def first(self, type_: str) -> Block | None:
        return next(self.blocks_of(type_), None)

    def get(self, name: str) -> Expr | None:
        attr = self.attributes.get(name)
        return attr.expr if attr is not None else None

    @classmethod
    def of(cls, items: Iterable[Attribute | Block]) -> Body:
        """A body from its attributes and blocks in source order. Of two attributes of one
        name the first is kept (Terraform rejects the file; both parsers agree on this)."""
        body = cls()
        for item in items:
            if isinstance(item, Attribute):
                body.attributes.setdefault(item.name, item)
            else:
                body.blocks.append(item)
        return body
