"""``optional()`` attribute defaults of object-typed variables (standards 0.6 item 3).

A variable declared ``type = object({ a = optional(string, "x"), b = optional(bool) })``
receives ``a = "x"`` and ``b = null`` when the given value (an argument of a module
call, a tfvars value or the default) leaves them out. Terraform applies these defaults
through ``list(...)``, ``set(...)``, ``map(...)`` and ``tuple([...])`` too, so a list of
objects gets them in every element. Anything the linter cannot read (an unresolved
value, a type it does not know) is returned unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import UNRESOLVED_KEY, Unresolved
from .expr import Call, Expr, ListExpr, Literal, ObjectExpr, Ref, literal_string

MAX_TYPE_DEPTH = 20
COLLECTIONS = frozenset({"list", "set", "map"})

Resolve = Callable[[Expr], Any]


def _object_attributes(type_expr: Expr) -> dict[str, Expr] | None:
    """``{name: attribute type}`` of ``object({...})``, else None."""
    if not (isinstance(type_expr, Call) and type_expr.name == "object" and type_expr.args):
        return None
    spec = type_expr.args[0]
    if not isinstance(spec, ObjectExpr):
        return None
    out: dict[str, Expr] = {}
    for key, value in spec.items:
        name = literal_string(key)
        if name is None and isinstance(key, Ref) and len(key.parts) == 1:
            name = key.root  # a bare identifier key
        if name is not None:
            out[name] = value
    return out


def apply_defaults(type_expr: Expr | None, value: Any, resolve: Resolve, depth: int = 0) -> Any:
    """``value`` with the ``optional()`` defaults of ``type_expr`` filled in."""
    if type_expr is None or depth > MAX_TYPE_DEPTH or value is None:
        return value
    if isinstance(value, Unresolved):
        return value
    if isinstance(type_expr, Call) and type_expr.name in COLLECTIONS and type_expr.args:
        inner = type_expr.args[0]
        if isinstance(value, list):
            return [apply_defaults(inner, v, resolve, depth + 1) for v in value]
        if isinstance(value, dict) and type_expr.name == "map":
            return {
                k: (v if k == UNRESOLVED_KEY else apply_defaults(inner, v, resolve, depth + 1))
                for k, v in value.items()
            }
        return value
    if isinstance(type_expr, Call) and type_expr.name == "tuple" and type_expr.args:
        items = type_expr.args[0]
        if isinstance(items, ListExpr) and isinstance(value, list):
            return [
                apply_defaults(items.items[i], v, resolve, depth + 1) if i < len(items.items) else v
                for i, v in enumerate(value)
            ]
        return value
    attrs = _object_attributes(type_expr)
    if attrs is None or not isinstance(value, dict):
        return value
    out = dict(value)
    for name, attr_type in attrs.items():
        is_optional = isinstance(attr_type, Call) and attr_type.name == "optional"
        inner_type = attr_type.args[0] if isinstance(attr_type, Call) and attr_type.args else None
        if is_optional and isinstance(attr_type, Call):
            if name not in out or out[name] is None:
                if UNRESOLVED_KEY in out and name not in out:
                    continue  # the unknown part may set it
                default: Any = None
                if len(attr_type.args) > 1:
                    default = resolve(attr_type.args[1])
                out[name] = apply_defaults(inner_type, default, resolve, depth + 1)
                continue
            out[name] = apply_defaults(inner_type, out[name], resolve, depth + 1)
        elif name in out:
            out[name] = apply_defaults(attr_type, out[name], resolve, depth + 1)
    return out


def is_null_literal(expr: Expr | None) -> bool:
    return isinstance(expr, Literal) and expr.value is None
