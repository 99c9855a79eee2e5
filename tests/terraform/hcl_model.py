"""The located model of a parsed HCL body as plain nested tuples, for exact comparison of
the tree-sitter path with python-hcl2's (``test_hcl_differential.py``)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from devops_lint.model import Span
from devops_lint.terraform.expr import Expr
from devops_lint.terraform.syntax import Attribute, Block, Body


def model(node: Any) -> Any:
    """Every class, field, text and span of ``node`` (body, block, attribute, expression)."""
    if isinstance(node, Body):
        return (
            "Body",
            tuple((name, model(a)) for name, a in node.attributes.items()),
            tuple(model(b) for b in node.blocks),
        )
    if isinstance(node, Attribute):
        return ("Attribute", node.name, tuple(node.span), tuple(node.name_span), model(node.expr))
    if isinstance(node, Block):
        return (
            "Block",
            node.type,
            node.labels,
            tuple(node.span),
            tuple(node.header),
            model(node.body),
        )
    if isinstance(node, Expr):
        return (type(node).__name__, *(model(getattr(node, f.name)) for f in fields(node)))
    if isinstance(node, Span):
        return tuple(node)
    if isinstance(node, tuple):
        return tuple(model(x) for x in node)
    if isinstance(node, float) and node != node:  # NaN never equals itself
        return "nan"
    return (type(node).__name__, node)


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two models first differ, for a readable assertion message."""
    if type(a) is not type(b):
        return f"{path}: {a!r:.200} != {b!r:.200}"
    if isinstance(a, tuple):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items: {a!r:.300} != {b!r:.300}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}/{i}")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r:.200} != {b!r:.200}"
