"""Terraform syntax (``syntax.Body`` and the ``expr`` nodes) to JSON and back, for the cache.

Every node is a JSON list whose first item names its class in a fixed table; the fields
follow in declaration order, each checked against the kind the table gives it on the way
back. A class the table does not know (a node type added to the parser later) makes the
file unfit for the cache: it is parsed on every run instead, never half-stored.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ..terraform import expr as ex
from ..terraform.syntax import Attribute, Block, Body
from .errors import Invalid, Unfit
from .shapes import as_list, as_span

__all__ = ["NODES", "Invalid", "Unfit", "decode", "encode"]


# tag -> (class, field kinds in declaration order). Kinds: str, str?, span, span?, scalar,
# bool, parts (str|int tuple), strs, expr, expr?, exprs, pairs, tparts (str|expr tuple),
# attrs (name -> Attribute), blocks, body.
NODES: dict[str, tuple[type, tuple[str, ...]]] = {
    "Lit": (ex.Literal, ("str", "span?", "scalar")),
    "Ref": (ex.Ref, ("str", "span?", "parts")),
    "Call": (ex.Call, ("str", "span?", "str", "exprs", "bool")),
    "Tpl": (ex.Template, ("str", "span?", "tparts", "bool")),
    "List": (ex.ListExpr, ("str", "span?", "exprs")),
    "Obj": (ex.ObjectExpr, ("str", "span?", "pairs")),
    "Cond": (ex.Conditional, ("str", "span?", "expr", "expr", "expr")),
    "For": (
        ex.ForExpr,
        ("str", "span?", "str?", "str", "expr", "expr", "expr?", "expr?", "bool"),
    ),
    "Op": (ex.Operation, ("str", "span?", "str", "exprs")),
    "Idx": (ex.Index, ("str", "span?", "expr", "expr")),
    "Unk": (ex.Unknown, ("str", "span?", "exprs")),
    "Attr": (Attribute, ("str", "expr", "span", "span")),
    "Block": (Block, ("str", "strs", "body", "span", "span")),
    "Body": (Body, ("attrs", "blocks")),
}
_TAG_OF: dict[type, str] = {cls: tag for tag, (cls, _) in NODES.items()}
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls, _ in NODES.values()
}
_MAX_DEPTH = 400  # expressions are cut at 120 levels by the parser; blocks nest far less


def encode(node: Any, depth: int = 0) -> Any:
    if depth > _MAX_DEPTH:
        raise Unfit("nesting")
    tag = _TAG_OF.get(type(node))
    if tag is None:
        raise Unfit(type(node).__name__)
    cls, kinds = NODES[tag]
    out: list[Any] = [tag]
    for name, kind in zip(_FIELDS[cls], kinds, strict=True):
        out.append(_encode_field(getattr(node, name), kind, depth + 1))
    return out


def _encode_field(value: Any, kind: str, depth: int) -> Any:
    if kind in ("span", "span?"):
        return None if value is None else list(value)
    if kind in ("expr", "expr?", "body"):
        return None if value is None else encode(value, depth)
    if kind in ("exprs", "blocks"):
        return [encode(v, depth) for v in value]
    if kind == "pairs":
        return [[encode(k, depth), encode(v, depth)] for k, v in value]
    if kind == "tparts":
        return [v if type(v) is str else encode(v, depth) for v in value]
    if kind == "attrs":
        return [[k, encode(v, depth)] for k, v in value.items()]
    if kind in ("parts", "strs"):
        return list(value)
    if kind == "scalar" and type(value) not in (str, int, float, bool, type(None)):
        raise Unfit("literal")
    return value


def decode(data: Any, want: type | None = None, depth: int = 0) -> Any:
    if depth > _MAX_DEPTH or not isinstance(data, list) or not data:
        raise Invalid("node")
    entry = NODES.get(data[0]) if isinstance(data[0], str) else None
    if entry is None or len(data) != len(entry[1]) + 1:
        raise Invalid("node")
    cls, kinds = entry
    if want is not None and not issubclass(cls, want):
        raise Invalid("node type")
    values = [_decode_field(v, k, depth + 1) for v, k in zip(data[1:], kinds, strict=True)]
    return cls(*values)


def _decode_field(value: Any, kind: str, depth: int) -> Any:
    if kind.endswith("?") and value is None:
        return None
    base = kind.rstrip("?")
    if base == "span":
        return as_span(value)
    if base == "expr":
        return decode(value, ex.Expr, depth)
    if base == "body":
        return decode(value, Body, depth)
    if base == "str":
        if type(value) is not str:
            raise Invalid("str")
        return value
    if base == "bool":
        if type(value) is not bool:
            raise Invalid("bool")
        return value
    if base == "scalar":
        if type(value) not in (str, int, float, bool, type(None)):
            raise Invalid("scalar")
        return value
    if base == "exprs":
        return tuple(decode(v, ex.Expr, depth) for v in as_list(value))
    if base == "blocks":
        return [decode(v, Block, depth) for v in as_list(value)]
    if base == "pairs":
        pairs = []
        for kv in as_list(value):
            if not isinstance(kv, list) or len(kv) != 2:
                raise Invalid("pair")
            pairs.append((decode(kv[0], ex.Expr, depth), decode(kv[1], ex.Expr, depth)))
        return tuple(pairs)
    if base == "tparts":
        return tuple(v if type(v) is str else decode(v, ex.Expr, depth) for v in as_list(value))
    if base == "attrs":
        attrs = {}
        for kv in as_list(value):
            if not isinstance(kv, list) or len(kv) != 2 or type(kv[0]) is not str:
                raise Invalid("attribute")
            attrs[kv[0]] = decode(kv[1], Attribute, depth)
        return attrs
    if base == "strs":
        items = as_list(value)
        if not all(type(v) is str for v in items):
            raise Invalid("labels")
        return tuple(items)
    if base == "parts":
        items = as_list(value)
        if not all(type(v) in (str, int) for v in items):
            raise Invalid("parts")
        return tuple(items)
    raise Invalid(kind)
