"""Static evaluation of Terraform expressions (standards 0.6 item 3).

``Resolver.resolve(expr, scope)`` returns plain data. Whatever cannot be known
statically — data sources, resource attributes, module outputs that do not
resolve (``Env.module_value``, optional), undeclared variables, unsupported
functions — is an ``UnresolvedExpr``: a
``model.Unresolved`` (the source text) that also carries the expression, so rules
can still see *what* it refers to (``references(value)``).

Partial results keep what is known: ``merge()`` with an unresolved input gives the
known keys plus ``model.UNRESOLVED_KEY``; ``concat()`` keeps the known items and
one unresolved item per unknown list. Evaluation is bounded (depth, collection
sizes) and local cycles resolve to unresolved values instead of looping. The
built-in functions it evaluates live in ``functions.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ..model import UNRESOLVED_KEY, Unresolved, contains_unresolved
from .expr import (
    Call,
    Conditional,
    Expr,
    ForExpr,
    Index,
    ListExpr,
    Literal,
    ObjectExpr,
    Operation,
    Ref,
    Template,
    Unknown,
    references,
)
from .functions import (
    FUNCTIONS,
    MAX_ITEMS,
    UNRESOLVED,
    EvalFailed,
    as_number,
    is_number,
    is_plain_scalar,
    to_string,
)

MAX_DEPTH = 60
MAX_STEPS = 200_000  # evaluation steps per top-level resolve (nested for-expressions)


class UnresolvedExpr(Unresolved):
    """An unresolved value that remembers the expression it came from."""

    expr: Expr | None


def unresolved(expr: Expr | None, text: str | None = None) -> UnresolvedExpr:
    value = UnresolvedExpr(text if text is not None else (expr.text if expr else "?"))
    value.expr = expr
    return value


def value_references(value: Any) -> list[Ref]:
    """References behind an unresolved value (``[]`` for resolved data)."""
    expr = getattr(value, "expr", None)
    return references(expr) if isinstance(expr, Expr) else []


class Env(Protocol):
    """What the resolver needs from the module: variables, locals and files."""

    def variable_value(self, name: str) -> Any: ...

    def local_expr(self, name: str) -> Expr | None: ...

    def read_file(self, path: str) -> str | None: ...


class Resolver:
    def __init__(self, env: Env) -> None:
        self.env = env
        self._locals: dict[str, Any] = {}
        self._in_progress: set[str] = set()
        self._steps = 0
        self._active = 0

    # -- entry points --------------------------------------------------------------
    def resolve(self, expr: Expr, scope: Mapping[str, Any] | None = None) -> Any:
        """The value of ``expr`` (plain data, possibly holding ``UnresolvedExpr`` values)."""
        if self._active == 0:
            self._steps = 0
        self._active += 1
        try:
            return self._eval(expr, dict(scope or {}), 0)
        except (
            EvalFailed,
            RecursionError,
            ValueError,
            TypeError,
            OverflowError,
            ZeroDivisionError,
        ):
            return unresolved(expr)
        finally:
            self._active -= 1

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        expr = self.env.local_expr(name)
        if expr is None:
            return unresolved(None, f"local.{name}")
        if name in self._in_progress:  # a cycle between locals
            return unresolved(expr, f"local.{name}")
        self._in_progress.add(name)
        try:
            value = self.resolve(expr)
        finally:
            self._in_progress.discard(name)
        self._locals[name] = value
        return value

    # -- evaluation ----------------------------------------------------------------
    def _eval(self, e: Expr, scope: dict[str, Any], depth: int) -> Any:
        if depth > MAX_DEPTH:
            return unresolved(e)
        self._steps += 1
        if self._steps > MAX_STEPS:
            raise EvalFailed
        d = depth + 1
        if isinstance(e, Literal):
            return e.value
        if isinstance(e, Ref):
            return self._ref(e, scope, d)
        if isinstance(e, Template):
            return self._template(e, scope, d)
        if isinstance(e, ListExpr):
            return [self._eval(i, scope, d) for i in e.items]
        if isinstance(e, ObjectExpr):
            out: dict[str, Any] = {}
            for k, v in e.items:
                key = self._eval(k, scope, d)
                if isinstance(key, Unresolved) or not is_plain_scalar(key) or key is None:
                    out[UNRESOLVED_KEY] = unresolved(k)
                    continue
                out[to_string(key)] = self._eval(v, scope, d)
            return out
        if isinstance(e, Conditional):
            return self._conditional(e, scope, d)
        if isinstance(e, Call):
            return self._call(e, scope, d)
        if isinstance(e, Operation):
            return self._operation(e, scope, d)
        if isinstance(e, Index):
            coll = self._eval(e.collection, scope, d)
            key = self._eval(e.key, scope, d)
            if isinstance(key, Unresolved) or isinstance(coll, Unresolved):
                return unresolved(e)
            return self._traverse(coll, (key,), e)
        if isinstance(e, ForExpr):
            return self._for(e, scope, d)
        if isinstance(e, Unknown):
            return unresolved(e)
        return unresolved(e)

    def _ref(self, e: Ref, scope: dict[str, Any], d: int) -> Any:
        root = e.root
        parts = e.parts
        if root in scope:
            return self._traverse(scope[root], parts[1:], e)
        if len(parts) < 2 or not isinstance(parts[1], str):
            return unresolved(e)
        if root == "var":
            return self._traverse(self.env.variable_value(parts[1]), parts[2:], e)
        if root == "local":
            return self._traverse(self.local(parts[1]), parts[2:], e)
        if root == "path" and parts[1] in ("module", "root", "cwd") and len(parts) == 2:
            return "."
        if root == "module":
            return self._module(e, parts)
        return unresolved(e)  # resources, data sources, modules, each/count outside scope

    def _module(self, e: Ref, parts: tuple[Any, ...]) -> Any:
        """``module.x.out``: the called module's output, when the env knows the call."""
        module_value = getattr(self.env, "module_value", None)
        if module_value is None:
            return unresolved(e)
        value = self._traverse(module_value(str(parts[1])), parts[2:], e)
        # An unknown output is shown as the caller wrote it, not as the child did.
        return unresolved(e) if isinstance(value, Unresolved) else value

    def _traverse(self, value: Any, parts: tuple[Any, ...], e: Expr) -> Any:
        for i, part in enumerate(parts):
            if isinstance(value, Unresolved):
                return unresolved(e)
            if part == "*":
                if value is None:
                    return []
                items = value if isinstance(value, list) else [value]
                return [self._traverse(v, parts[i + 1 :], e) for v in items]
            if isinstance(value, dict):
                key = to_string(part)
                if key in value:
                    value = value[key]
                elif UNRESOLVED_KEY in value:
                    return unresolved(e)
                else:
                    raise EvalFailed
            elif isinstance(value, list):
                if isinstance(part, bool):
                    raise EvalFailed
                idx = int(part) if isinstance(part, (int, float)) else int(str(part))
                if not 0 <= idx < len(value):
                    raise EvalFailed
                value = value[idx]
            else:
                raise EvalFailed
        if isinstance(value, Unresolved) and not isinstance(value, UnresolvedExpr):
            return unresolved(e, str(value))
        return value

    def _template(self, e: Template, scope: dict[str, Any], d: int) -> Any:
        values = [p if isinstance(p, str) else self._eval(p, scope, d) for p in e.parts]
        # "${x}" alone yields x itself, not its string form.
        if len(e.parts) == 1 and not isinstance(e.parts[0], str):
            return values[0]
        out: list[str] = []
        for v in values:
            if isinstance(v, Unresolved) or not is_plain_scalar(v) or v is None:
                return unresolved(e)
            out.append(to_string(v))
        return "".join(out)

    def _conditional(self, e: Conditional, scope: dict[str, Any], d: int) -> Any:
        cond = self._eval(e.cond, scope, d)
        if isinstance(cond, bool):
            return self._eval(e.then if cond else e.other, scope, d)
        if isinstance(cond, str) and cond in ("true", "false"):
            return self._eval(e.then if cond == "true" else e.other, scope, d)
        a = self._eval(e.then, scope, d)
        b = self._eval(e.other, scope, d)
        if not contains_unresolved(a) and not contains_unresolved(b) and a == b:
            return a
        return unresolved(e)

    def _operation(self, e: Operation, scope: dict[str, Any], d: int) -> Any:
        vals = [self._eval(o, scope, d) for o in e.operands]
        op = e.op
        if op in ("&&", "||") and len(vals) == 2:
            known = [v for v in vals if isinstance(v, bool)]
            if op == "&&" and False in known:
                return False
            if op == "||" and True in known:
                return True
        if any(contains_unresolved(v) for v in vals):
            return unresolved(e)
        if op == "!" and isinstance(vals[0], bool):
            return not vals[0]
        if op == "neg" and is_number(vals[0]):
            return -vals[0]
        if len(vals) != 2:
            return unresolved(e)
        a, b = vals
        if op == "==":
            return bool(a == b)
        if op == "!=":
            return bool(a != b)
        if op in ("&&", "||") and isinstance(a, bool) and isinstance(b, bool):
            return (a and b) if op == "&&" else (a or b)
        a, b = as_number(a), as_number(b)
        ops: dict[str, Callable[[Any, Any], Any]] = {
            "+": lambda x, y: x + y,
            "-": lambda x, y: x - y,
            "*": lambda x, y: x * y,
            "/": lambda x, y: x / y,
            "%": lambda x, y: math.fmod(x, y),
            "<": lambda x, y: x < y,
            ">": lambda x, y: x > y,
            "<=": lambda x, y: x <= y,
            ">=": lambda x, y: x >= y,
        }
        fn = ops.get(op)
        if fn is None:
            return unresolved(e)
        return fn(a, b)

    def _for(self, e: ForExpr, scope: dict[str, Any], d: int) -> Any:
        coll = self._eval(e.collection, scope, d)
        if isinstance(coll, dict):
            if UNRESOLVED_KEY in coll:
                return unresolved(e)
            pairs: list[tuple[Any, Any]] = sorted(coll.items())
        elif isinstance(coll, list):
            pairs = list(enumerate(coll))
        else:
            return unresolved(e)
        if len(pairs) > MAX_ITEMS:
            return unresolved(e)
        items: list[Any] = []
        obj: dict[str, Any] = {}
        for k, v in pairs:
            inner = dict(scope)
            if e.key_var is not None:
                inner[e.key_var] = k
            inner[e.value_var] = v
            if e.cond is not None:
                c = self._eval(e.cond, inner, d)
                if not isinstance(c, bool):
                    return unresolved(e)
                if not c:
                    continue
            value = self._eval(e.value, inner, d)
            if e.key is None:
                items.append(value)
                continue
            key = self._eval(e.key, inner, d)
            if isinstance(key, Unresolved) or not is_plain_scalar(key) or key is None:
                return unresolved(e)
            ks = to_string(key)
            if e.group:
                obj.setdefault(ks, []).append(value)
            else:
                obj[ks] = value
        return items if e.key is None else obj

    # -- functions -----------------------------------------------------------------
    def _call(self, e: Call, scope: dict[str, Any], d: int) -> Any:
        fn = FUNCTIONS.get(e.name)
        if fn is None:
            return unresolved(e)
        args = [self._eval(a, scope, d) for a in e.args]
        if e.expand_last and args:
            last = args.pop()
            if not isinstance(last, list):
                return unresolved(e)
            args.extend(last)
        if e.name == "file":
            return self._file(e, args)
        result = fn(args)
        if result is UNRESOLVED:
            return unresolved(e)
        return result

    def _file(self, e: Call, args: list[Any]) -> Any:
        if len(args) != 1 or not isinstance(args[0], str) or isinstance(args[0], Unresolved):
            return unresolved(e)
        content = self.env.read_file(args[0])
        return unresolved(e) if content is None else content
