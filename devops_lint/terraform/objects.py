"""The named objects of a Terraform module: what its blocks declare.

``Variable``, ``Output``, ``ModuleCall``, ``Provider``, ``TerraformBlock`` and ``Resource``
(one instance of a ``resource`` or ``data`` block) each keep their block, document and
document path; values are resolved through the ``Module`` that holds them (``module.py``).
``instance_address`` spells an instance's address the way Terraform prints it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from ..model import UNRESOLVED_KEY, Document, JsonPath, Span, Unresolved
from .expr import Expr, Literal, Ref, references
from .syntax import Block, Body

if TYPE_CHECKING:
    from .module import Module

REFERENCE_ATTRIBUTES = frozenset({"id", "bucket", "arn", "name"})


def instance_address(mode: str, type_: str, name: str, key: int | str | None) -> str:
    """``aws_instance.web[0]``, ``data.aws_iam_policy_document.p``, ``x.y["k"]``."""
    base = f"{type_}.{name}" if mode == "resource" else f"data.{type_}.{name}"
    if key is None:
        return base
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f'{base}["{key}"]'


def module_dir(path: str) -> str:
    d = posixpath.dirname(path)
    return d if d else "."


def for_each_pairs(coll: Any) -> list[tuple[Any, Any]] | None:
    """``(each.key, each.value)`` of a resource's or module call's resolved ``for_each`` in
    Terraform's order, or None when the collection is not known (Terraform takes a map, or a
    set of strings)."""
    if isinstance(coll, dict) and UNRESOLVED_KEY not in coll:
        return sorted(coll.items())
    if isinstance(coll, list) and all(
        isinstance(v, str) and not isinstance(v, Unresolved) for v in coll
    ):
        return [(v, v) for v in coll]
    return None


@dataclass(eq=False)
class NamedBlock:
    """A block declared by a keyword and one name (``variable "x"``, ``output "y"``,
    ``module "z"``): its document path is ``(keyword, name)``."""

    keyword: ClassVar[str]
    name: str
    block: Block
    doc: Document

    @property
    def path(self) -> JsonPath:
        return (self.keyword, self.name)


class Variable(NamedBlock):
    keyword = "variable"

    @property
    def default(self) -> Expr | None:
        return self.block.body.get("default")

    def attr_path(self, name: str) -> JsonPath:
        return (*self.path, name)

    @property
    def non_nullable(self) -> bool:
        """``nullable = false``: a caller's ``null`` means the default."""
        expr = self.block.body.get("nullable")
        return isinstance(expr, Literal) and expr.value is False


class Output(NamedBlock):
    keyword = "output"


@dataclass(eq=False)
class ModuleCall(NamedBlock):
    keyword = "module"
    caller: Module

    @property
    def source(self) -> Any:
        expr = self.block.body.get("source")
        return None if expr is None else self.caller.resolve(expr)

    @property
    def local_dir(self) -> str | None:
        """The called directory when ``source`` is a local path (``./x``, ``../x``)."""
        src = self.source
        if not isinstance(src, str) or isinstance(src, Unresolved):
            return None
        if not (src.startswith("./") or src.startswith("../") or src in (".", "..")):
            return None
        base = "" if self.caller.dir == "." else self.caller.dir
        return posixpath.normpath(posixpath.join(base, src))


@dataclass(eq=False)
class Provider:
    name: str
    block: Block
    doc: Document
    index: int  # position among the provider blocks of this name in its file
    module: Module

    @property
    def path(self) -> JsonPath:
        return ("provider", self.name, self.index)

    @property
    def alias(self) -> str | None:
        v = self.module.resolve_expr(self.block.body.get("alias"))
        return v if isinstance(v, str) and not isinstance(v, Unresolved) else None

    @cached_property
    def data(self) -> dict[str, Any]:
        return self.module.resolve_body(self.block.body, {}, self.doc, self.path)


@dataclass(eq=False)
class TerraformBlock:
    block: Block
    doc: Document
    index: int

    @property
    def path(self) -> JsonPath:
        return ("terraform", self.index)


@dataclass(eq=False)
class Resource:
    """One instance of a ``resource`` (``mode="resource"``) or ``data`` block."""

    mode: str
    type: str
    name: str
    block: Block
    doc: Document
    module: Module
    key: int | str | None = None  # count.index or each.key; None when not repeated
    scope: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> JsonPath:
        return (self.mode, self.type, self.name)

    @property
    def header(self) -> Span:
        return self.block.header

    @property
    def address(self) -> str:
        return instance_address(self.mode, self.type, self.name, self.key)

    @cached_property
    def data(self) -> dict[str, Any]:
        return self.module.resolve_body(self.block.body, self.scope, self.doc, self.path)

    def path_of(self, *parts: str | int) -> JsonPath:
        """The document path of an argument: ``r.path_of("vpc_config", 0, "subnet_ids")``."""
        return (*self.path, *parts)

    def span_of(self, *parts: str | int) -> Span:
        """Where an argument is written (the nearest written ancestor when it is absent)."""
        _ = self.data  # resolving registers the spans of expanded dynamic blocks
        return self.doc.span(self.path_of(*parts))

    def expr(self, *path: str | int) -> Expr | None:
        """The written expression of an argument: ``expr("vpc_config", 0, "subnet_ids")``."""
        body: Body | None = self.block.body
        parts = list(path)
        while parts and body is not None:
            head = parts.pop(0)
            if not parts:
                return body.get(str(head))
            blocks = list(body.blocks_of(str(head)))
            idx = parts.pop(0) if parts and isinstance(parts[0], int) else 0
            body = blocks[idx].body if isinstance(idx, int) and idx < len(blocks) else None
        return None

    def resolve(self, expr: Expr) -> Any:
        """Resolve an expression in this instance's scope (``count``/``each``)."""
        return self.module.resolve(expr, self.scope)

    def references(self) -> Iterator[tuple[str, Ref]]:
        """Every reference written in the block, with the top-level argument holding it."""
        stack: list[Body] = [self.block.body]
        top = True
        while stack:
            body = stack.pop()
            for name, attr in body.attributes.items():
                for ref in references(attr.expr):
                    yield (name if top else "", ref)
            stack.extend(b.body for b in body.blocks)
            top = False

    def refers_to(self, other: Resource, attrs: frozenset[str] = REFERENCE_ATTRIBUTES) -> bool:
        target = other.path
        for _, ref in self.references():
            if ref.resource_address() == target:
                attr = ref.attribute_after_address()
                if attr is None or attr in attrs:
                    return True
        return False
