"""Helpers shared by the provider-independent Terraform checks (``checks_gen_*.py``).

- ``secret_source`` (is an expression a committed secret?), ``enum_like`` (a keyword
  value such as ``ROTATE``, not a secret), ``nonempty``, ``is_true``;
- ``nested_attributes`` (the attributes of a body and its nested blocks), ``line_of``
  (the line of a position inside a multi-line value), ``module_anchor`` (where a
  module-level finding goes);
- ``module_of``, ``names_rule`` (the configured sensitive-name rule).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import FILE_START, Document, JsonPath, Span, Unresolved
from ..secrets_names import SensitiveNameRule, is_sensitive_name, rule_from_settings
from .expr import (
    Call,
    Conditional,
    Expr,
    ListExpr,
    ObjectExpr,
    Ref,
    Template,
    is_literal,
    literal_string,
    references,
)
from .module import Module
from .syntax import Attribute, Body

if TYPE_CHECKING:
    from ..context import Context


SECRET_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "token", "credential", "credentials", "key"}
)
# Keyword-like values: UPPER_CONSTANTS (`ROTATE`, `RS256`), lower-case words
# (`client_secret_basic`) and CamelCase words (`SecureString`).
_ENUM_LIKE = re.compile(r"^(?:[A-Z][A-Z0-9_-]*|[a-z]+(?:[_-][a-z]+)*|(?:[A-Z][a-z]+)+)$")


def names_rule(ctx: Context) -> SensitiveNameRule:
    return rule_from_settings(ctx.settings)


# -- shared helpers ---------------------------------------------------------------------


def nonempty(value: Any) -> bool:
    if isinstance(value, Unresolved) or value is None:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, (list, dict)):
        return bool(value)
    return not isinstance(value, bool)


def secret_source(module: Module, expr: Expr, depth: int = 0) -> tuple[str, Span | None] | None:
    """Where a committed secret value comes from, if it does.

    A non-empty string literal, a variable whose ``default`` is non-empty, or a local
    reducing to either; references to resources, data sources, modules and
    variables without a default are not committed secrets.
    """
    if depth > 10:
        return None
    s = literal_string(expr)
    if s is not None:
        return ("a literal", expr.span) if s else None
    if isinstance(expr, Ref):
        if expr.root == "var" and len(expr.parts) >= 2:
            var = module.variables.get(str(expr.parts[1]))
            if var is None or var.default is None:
                return None
            if nonempty(module.resolve(var.default)):
                return (f"the default of variable '{var.name}'", var.default.span)
            return None
        if expr.root == "local" and len(expr.parts) == 2:
            local = module.local_expr(str(expr.parts[1]))
            return secret_source(module, local, depth + 1) if local is not None else None
        return None
    if isinstance(expr, Conditional):
        return secret_source(module, expr.then, depth + 1) or secret_source(
            module, expr.other, depth + 1
        )
    if isinstance(expr, (ObjectExpr, ListExpr)):
        # `secret_string = jsonencode({ password = "..." })`: only sensitive members count,
        # unless the whole value is a constant.
        if is_literal(expr) and nonempty(module.resolve(expr)):
            return ("a literal", expr.span)
        if isinstance(expr, ListExpr):
            for item in expr.items:
                found = secret_source(module, item, depth + 1)
                if found is not None:
                    return found
            return None
        for k, v in expr.items:
            key = literal_string(k)
            if key is not None and is_sensitive_name(key):
                found = secret_source(module, v, depth + 1)
                if found is not None:
                    return found
        return None
    if isinstance(expr, (Template, Call)):
        if isinstance(expr, Call) and expr.name in ("file", "templatefile"):
            return None
        for child in expr.children():
            found = secret_source(module, child, depth + 1)
            if found is not None:
                return found
        if isinstance(expr, Template) and not any(
            r.root not in ("var", "local") for r in references(expr)
        ):
            value = module.resolve(expr)
            if isinstance(value, str) and not isinstance(value, Unresolved) and value:
                return ("a literal", expr.span)
    return None


def enum_like(name: str, value: str, rule: SensitiveNameRule) -> bool:
    """``auth_token_update_strategy = "ROTATE"``: a keyword, not a secret."""
    from ..secrets_names import name_segments

    segs = name_segments(name)
    if segs and segs[-1] in SECRET_WORDS | rule.words:
        return False
    return bool(_ENUM_LIKE.match(value)) and len(value) <= 40


def nested_attributes(
    body: Body, path: JsonPath, depth: int = 0
) -> Iterator[tuple[JsonPath, Attribute]]:
    """Attributes of a body and of its nested (static and dynamic-content) blocks."""
    for name, attr in body.attributes.items():
        yield (*path, name), attr
    if depth > 20:
        return
    counts: dict[str, int] = {}
    for b in body.blocks:
        if b.type == "dynamic" and b.labels:
            content = b.body.first("content")
            if content is not None:
                i = counts.get(b.labels[0], 0)
                counts[b.labels[0]] = i + 1
                yield from nested_attributes(content.body, (*path, b.labels[0], i), depth + 1)
            continue
        if b.labels:
            yield from nested_attributes(b.body, (*path, b.type, *b.labels), depth + 1)
            continue
        i = counts.get(b.type, 0)
        counts[b.type] = i + 1
        yield from nested_attributes(b.body, (*path, b.type, i), depth + 1)


def line_of(expr: Expr, offset: int) -> Span | None:
    """The span of a position inside a multi-line written value."""
    if expr.span is None:
        return None
    line = expr.span.line + expr.text[:offset].count("\n")
    return Span(line, 1, line, 1) if line != expr.span.line else expr.span


def is_true(value: Any) -> bool:
    return value is True or value == "true"


def module_anchor(m: Module) -> tuple[Document | None, Span]:
    """Where a module-level finding goes: its first `terraform {}` block, else line 1."""
    if m.terraform_blocks:
        tb = m.terraform_blocks[0]
        return tb.doc, tb.block.header
    return m.first_doc, FILE_START
