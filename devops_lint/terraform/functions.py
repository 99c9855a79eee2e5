"""The Terraform built-in functions the resolver evaluates, and the value conversions
they share with it (``to_string``, numbers).

A function takes the list of its resolved arguments and returns plain data, or
``UNRESOLVED`` when its result cannot be known statically (an argument unresolved, a
shape Terraform would reject); ``EvalFailed`` makes the whole expression unresolved.
Collections are bounded by ``MAX_ITEMS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..model import UNRESOLVED_KEY, Unresolved, contains_unresolved

MAX_ITEMS = 10_000


class EvalFailed(Exception):
    """Internal: the expression cannot be evaluated (becomes unresolved)."""


def is_plain_scalar(v: Any) -> bool:
    return v is None or (isinstance(v, (str, int, float, bool)) and not isinstance(v, Unresolved))


def to_string(v: Any) -> str:
    """Terraform's string conversion of a primitive value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, (int, str)):
        return str(v)
    raise EvalFailed


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def as_number(v: Any) -> Any:
    if is_number(v):
        return v
    if isinstance(v, str):
        try:
            f = float(v)
        except ValueError:
            raise EvalFailed from None
        return int(f) if f.is_integer() and "." not in v else f
    raise EvalFailed


UNRESOLVED = object()


def _merge(args: list[Any]) -> Any:
    out: dict[str, Any] = {}
    for a in args:
        if a is None:
            continue
        if isinstance(a, Unresolved):
            # Keys already known may be overridden by the unknown map: their values
            # become unknown, their presence stays certain.
            for k in out:
                if k != UNRESOLVED_KEY:
                    out[k] = a
            out[UNRESOLVED_KEY] = a
            continue
        if not isinstance(a, dict):
            return UNRESOLVED
        for k, v in a.items():
            out[k] = v
    return out


def _concat(args: list[Any]) -> Any:
    out: list[Any] = []
    for a in args:
        if isinstance(a, Unresolved):
            out.append(a)
        elif isinstance(a, list):
            out.extend(a)
        else:
            return UNRESOLVED
    return out


def _toset(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], list):
        return UNRESOLVED
    seen: list[Any] = []
    for v in args[0]:
        if isinstance(v, Unresolved) or v not in seen:
            seen.append(v)
    if all(isinstance(v, str) and not isinstance(v, Unresolved) for v in seen):
        seen.sort()
    return seen


def _jsonencode(args: list[Any]) -> Any:
    if len(args) != 1 or contains_unresolved(args[0]):
        return UNRESOLVED
    return json.dumps(args[0], separators=(",", ":"))


def _jsondecode(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], str) or isinstance(args[0], Unresolved):
        return UNRESOLVED
    try:
        return json.loads(args[0])
    except (ValueError, RecursionError):
        return UNRESOLVED


def _strings(args: list[Any], n: int) -> list[str] | None:
    if len(args) != n:
        return None
    if any(not isinstance(a, str) or isinstance(a, Unresolved) for a in args):
        return None
    return [str(a) for a in args]


def _str_fn(fn: Callable[[str], Any]) -> Callable[[list[Any]], Any]:
    def call(args: list[Any]) -> Any:
        s = _strings(args, 1)
        return UNRESOLVED if s is None else fn(s[0])

    return call


def _join(args: list[Any]) -> Any:
    if len(args) < 2 or not isinstance(args[0], str) or isinstance(args[0], Unresolved):
        return UNRESOLVED
    items: list[Any] = []
    for a in args[1:]:
        if not isinstance(a, list):
            return UNRESOLVED
        items.extend(a)
    if any(not is_plain_scalar(i) or i is None for i in items):
        return UNRESOLVED
    return args[0].join(to_string(i) for i in items)


def _lookup(args: list[Any]) -> Any:
    if len(args) not in (2, 3) or not isinstance(args[0], dict):
        return UNRESOLVED
    key = args[1]
    if isinstance(key, Unresolved) or not isinstance(key, str):
        return UNRESOLVED
    if key in args[0]:
        return args[0][key]
    if UNRESOLVED_KEY in args[0] or len(args) == 2:
        return UNRESOLVED
    return args[2]


def _coalesce(args: list[Any]) -> Any:
    for a in args:
        if isinstance(a, Unresolved):
            return UNRESOLVED
        if a is not None and a != "":
            return a
    return UNRESOLVED


def _tolist(args: list[Any]) -> Any:
    return args[0] if len(args) == 1 and isinstance(args[0], list) else UNRESOLVED


def _tomap(args: list[Any]) -> Any:
    return args[0] if len(args) == 1 and isinstance(args[0], dict) else UNRESOLVED


def _length(args: list[Any]) -> Any:
    if len(args) != 1 or contains_unresolved(args[0]):
        return UNRESOLVED
    v = args[0]
    return len(v) if isinstance(v, (list, dict, str)) else UNRESOLVED


def _flatten(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], list):
        return UNRESOLVED
    out: list[Any] = []
    stack: list[Any] = [args[0]]
    while stack:
        cur = stack.pop()
        if isinstance(cur, list):
            stack.extend(reversed(cur))
        else:
            out.append(cur)
        if len(out) > MAX_ITEMS:
            return UNRESOLVED
    return out


def _keys_values(which: str) -> Callable[[list[Any]], Any]:
    def call(args: list[Any]) -> Any:
        if len(args) != 1 or not isinstance(args[0], dict) or UNRESOLVED_KEY in args[0]:
            return UNRESOLVED
        keys = sorted(args[0])
        return keys if which == "keys" else [args[0][k] for k in keys]

    return call


FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "merge": _merge,
    "concat": _concat,
    "tolist": _tolist,
    "toset": _toset,
    "tomap": _tomap,
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "lower": _str_fn(str.lower),
    "upper": _str_fn(str.upper),
    "trimspace": _str_fn(str.strip),
    "tostring": lambda a: (
        to_string(a[0])
        if len(a) == 1 and is_plain_scalar(a[0]) and a[0] is not None
        else UNRESOLVED
    ),
    "join": _join,
    "lookup": _lookup,
    "coalesce": _coalesce,
    "length": _length,
    "flatten": _flatten,
    "keys": _keys_values("keys"),
    "values": _keys_values("values"),
    "file": lambda a: UNRESOLVED,  # handled by Resolver._file
}

SUPPORTED_FUNCTIONS = frozenset(FUNCTIONS)
