"""Resolved block bodies and resource instances of a module.

``resolve_body`` turns a block body into plain data (nested blocks as lists of dicts,
``dynamic`` blocks expanded when their ``for_each`` resolves, else one representative
block) and registers on the document the span of everything it builds, so a result on
``(*r.path, "ingress", 1, "cidr_blocks")`` lands on its line. ``instances`` expands
``count``/``for_each`` into one ``Resource`` per instance (one representative instance,
with ``count.index``/``each.*`` unresolved, when they do not resolve).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import UNRESOLVED_KEY, Document, JsonPath, Unresolved
from .expr import Literal, Ref
from .objects import Resource, for_each_pairs
from .resolve import unresolved
from .syntax import Block, Body

if TYPE_CHECKING:
    from .module import Module

MAX_INSTANCES = 1_000
Scope = dict[str, Any]


def resolve_body(
    module: Module, body: Body, scope: dict[str, Any], doc: Document, path: JsonPath, depth: int = 0
) -> dict[str, Any]:
    """Resolved arguments of a block body; registers the spans of what it builds."""
    out: dict[str, Any] = {}
    for name, attr in body.attributes.items():
        p = (*path, name)
        out[name] = module.resolve(attr.expr, scope)
        doc.spans.setdefault(p, attr.span)
        doc.key_spans.setdefault(p, attr.name_span)
    if depth > 40:
        return out
    for b in body.blocks:
        if b.type == "dynamic" and b.labels:
            _dynamic(module, b, scope, doc, path, out, depth)
            continue
        if b.labels:
            holder = out.setdefault(b.type, {})
            if isinstance(holder, dict):
                p2: JsonPath = (*path, b.type, *b.labels)
                holder.setdefault(
                    "/".join(b.labels), resolve_body(module, b.body, scope, doc, p2, depth + 1)
                )
                doc.spans.setdefault(p2, b.header)
            continue
        items = out.setdefault(b.type, [])
        if not isinstance(items, list):
            continue
        p3 = (*path, b.type, len(items))
        doc.spans[p3] = b.header
        doc.key_spans.setdefault((*path, b.type), b.header)
        doc.spans.setdefault((*path, b.type), b.header)
        items.append(resolve_body(module, b.body, scope, doc, p3, depth + 1))
    return out


def _dynamic(
    module: Module,
    b: Block,
    scope: dict[str, Any],
    doc: Document,
    path: JsonPath,
    out: dict[str, Any],
    depth: int,
) -> None:
    label = b.labels[0]
    content = b.body.first("content")
    if content is None:
        return
    it_expr = b.body.get("iterator")
    iterator = label
    if isinstance(it_expr, Ref) and len(it_expr.parts) == 1:
        iterator = str(it_expr.parts[0])
    elif isinstance(it_expr, Literal) and isinstance(it_expr.value, str):
        iterator = it_expr.value
    fe = b.body.get("for_each")
    coll = module.resolve(fe, scope) if fe is not None else None
    pairs: list[tuple[Any, Any]]
    if isinstance(coll, dict) and UNRESOLVED_KEY not in coll:
        pairs = sorted(coll.items())
    elif isinstance(coll, list) and not any(isinstance(v, Unresolved) for v in coll):
        pairs = [(v if _hashable_key(v) else i, v) for i, v in enumerate(coll)]
    else:
        text = fe.text if fe is not None else label
        pairs = [(unresolved(fe, f"{text} (key)"), unresolved(fe, f"{text} (value)"))]
    items = out.setdefault(label, [])
    if not isinstance(items, list):
        return
    for k, v in pairs[:MAX_INSTANCES]:
        inner = dict(scope)
        inner[iterator] = {"key": k, "value": v}
        p = (*path, label, len(items))
        doc.spans[p] = content.header
        doc.key_spans.setdefault((*path, label), b.header)
        doc.spans.setdefault((*path, label), b.header)
        items.append(resolve_body(module, content.body, inner, doc, p, depth + 1))


def instances(module: Module, mode: str, blocks: list[tuple[Block, Document]]) -> list[Resource]:
    """One ``Resource`` per instance of each block (see the module docstring)."""
    return [
        Resource(mode, block.labels[0], block.labels[1], block, doc, module, key, scope)
        for block, doc in blocks
        for key, scope in _instance_keys(module, block)
    ]


def _instance_keys(module: Module, block: Block) -> Iterator[tuple[int | str | None, Scope]]:
    """(instance key, ``count``/``each`` scope) of every instance of a block."""
    count = block.body.get("count")
    for_each = block.body.get("for_each")
    if count is not None:
        n = module.resolve(count)
        # Not a number, or one no instance count can be (inf from `1e300 * 1e300`, NaN).
        if isinstance(n, bool) or not isinstance(n, (int, float)) or not math.isfinite(n):
            yield None, {"count": {"index": unresolved(count, "count.index")}}
            return
        # 0 (written, or through variables): the block does not exist
        for i in range(min(int(n), MAX_INSTANCES)):
            yield i, {"count": {"index": i}}
    elif for_each is not None:
        pairs = for_each_pairs(module.resolve(for_each))
        if not pairs:
            each = {
                "key": unresolved(for_each, "each.key"),
                "value": unresolved(for_each, "each.value"),
            }
            yield None, {"each": each}
            return
        for k, v in pairs[:MAX_INSTANCES]:
            yield str(k), {"each": {"key": k, "value": v}}
    else:
        yield None, {}


def _hashable_key(v: Any) -> bool:
    return isinstance(v, str) and not isinstance(v, Unresolved)
