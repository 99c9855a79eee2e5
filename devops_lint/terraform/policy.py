"""IAM policy documents, however they are written, as one ``Policy`` model.

``policy_from_expr(module, expr)`` reads a policy argument (``policy``,
``assume_role_policy``, ``inline_policy.policy`` ...) written as:

- ``jsonencode({...})`` — statements keep what resolves; unknown parts are ``Unresolved``;
- a JSON string or heredoc, interpolations included (an interpolation that does not
  resolve becomes an ``Unresolved`` value inside the statement);
- ``file("policy.json")`` of a file in the module directory;
- ``data.aws_iam_policy_document.x.json`` (statements of the data source, including
  its ``source_policy_documents``/``override_policy_documents``);
- ``local.x`` / ``var.x`` holding any of the above.

It returns ``None`` when there is no argument, an ``Unresolved`` when the document
cannot be read at all (``templatefile()``, a module output ...), else a ``Policy``.
Actions, resources and principal identifiers are lists that may hold ``Unresolved``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..model import Document, Span, Unresolved
from .expr import Call, Expr, ListExpr, Literal, ObjectExpr, Ref, Template, literal_string
from .functions import to_string
from .module import Module
from .objects import Resource
from .resolve import unresolved
from .syntax import Body

MAX_DEPTH = 8
_PLACEHOLDER = re.compile(r"__DLUNRES_(\d+)__")


@dataclass
class Condition:
    operator: Any  # "StringEquals", "StringLike", ...
    key: Any  # "token.actions.githubusercontent.com:sub"
    values: list[Any]


@dataclass
class Statement:
    effect: Any = "Allow"
    actions: list[Any] | None = None
    not_actions: list[Any] | None = None
    resources: list[Any] | None = None
    not_resources: list[Any] | None = None
    # {"AWS": [...], "Service": [...], "Federated": [...], "*": ["*"]}; None when absent
    principals: dict[str, list[Any]] | None = None
    not_principals: dict[str, list[Any]] | None = None
    conditions: list[Condition] = field(default_factory=list)
    sid: Any = None
    span: Span | None = None
    unresolved: bool = False  # the statement itself could not be read fully
    # JSON written in a heredoc: where the entries of "Action", "Resource" ... are written.
    entry_spans: dict[str, list[Span]] = field(default_factory=dict)

    @property
    def allows(self) -> bool:
        return bool(self.effect == "Allow")


@dataclass
class Policy:
    statements: list[Statement]
    source: str  # "jsonencode", "json", "policy_document", "data"
    span: Span | None = None
    unresolved: bool = False  # some statements may be missing (an unresolved list)


def _as_list(v: Any) -> list[Any] | None:
    if v is None:
        return None
    if isinstance(v, list):
        return v
    return [v]


def _principals(v: Any) -> dict[str, list[Any]] | None:
    if v is None:
        return None
    if isinstance(v, Unresolved):
        return {"?": [v]}
    if isinstance(v, str):
        return {v: [v]} if v == "*" else {"?": [v]}
    if isinstance(v, dict):
        return {str(k): _as_list(x) or [] for k, x in v.items()}
    return {"?": [v]}


def _conditions(v: Any) -> list[Condition]:
    out: list[Condition] = []
    if not isinstance(v, dict):
        return out
    for op, inner in v.items():
        if isinstance(inner, dict):
            for key, values in inner.items():
                out.append(Condition(op, key, _as_list(values) or []))
        else:
            out.append(Condition(op, unresolved(None, str(inner)), []))
    return out


class _Spelling(NamedTuple):
    """How a policy format names a statement's plain fields."""

    effect: str
    actions: str
    not_actions: str
    resources: str
    not_resources: str
    sid: str


# A JSON policy document, and an ``aws_iam_policy_document`` data source's statement blocks.
JSON_SPELLING = _Spelling("Effect", "Action", "NotAction", "Resource", "NotResource", "Sid")
HCL_SPELLING = _Spelling("effect", "actions", "not_actions", "resources", "not_resources", "sid")


def _statement(item: dict[str, Any], names: _Spelling, span: Span | None) -> Statement:
    """The statement's effect, actions, resources and ``Sid``; the caller adds principals and
    conditions, which the two formats write differently."""
    return Statement(
        effect=item.get(names.effect, "Allow"),
        actions=_as_list(item.get(names.actions)),
        not_actions=_as_list(item.get(names.not_actions)),
        resources=_as_list(item.get(names.resources)),
        not_resources=_as_list(item.get(names.not_resources)),
        sid=item.get(names.sid),
        span=span,
    )


def policy_from_data(
    data: Any, source: str = "json", span: Span | None = None
) -> Policy | Unresolved:
    """A policy from a JSON-like document (``{"Version": ..., "Statement": [...]}``)."""
    if isinstance(data, Unresolved):
        return data
    if not isinstance(data, dict):
        return unresolved(None, "policy is not a JSON object")
    raw = data.get("Statement")
    policy = Policy([], source, span)
    if isinstance(raw, Unresolved):
        policy.unresolved = True
        return policy
    for item in _as_list(raw) or []:
        if isinstance(item, Unresolved) or not isinstance(item, dict):
            policy.unresolved = True
            continue
        st = _statement(item, JSON_SPELLING, span)
        st.principals = _principals(item.get("Principal"))
        st.not_principals = _principals(item.get("NotPrincipal"))
        st.conditions = _conditions(item.get("Condition"))
        st.unresolved = any(isinstance(v, Unresolved) for v in item.values())
        policy.statements.append(st)
    return policy


def _statement_spans(expr: Expr) -> list[Span | None]:
    """Spans of the statement objects inside ``jsonencode({Statement = [...]})``."""
    if not isinstance(expr, ObjectExpr):
        return []
    for k, v in expr.items:
        if literal_string(k) == "Statement":
            if isinstance(v, ListExpr):
                return [i.span for i in v.items]
            return [v.span]
    return []


def _parse_json_text(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _restore(value: Any, found: dict[int, Any], depth: int = 0) -> Any:
    """Turn placeholder strings back into the unresolved values they stand for."""
    if depth > 50:
        return value
    if isinstance(value, str):
        m = _PLACEHOLDER.fullmatch(value)
        if m:
            return found.get(int(m.group(1)), unresolved(None, value))
        if _PLACEHOLDER.search(value):
            return unresolved(
                None, _PLACEHOLDER.sub(lambda x: str(found.get(int(x.group(1)))), value)
            )
        return value
    if isinstance(value, list):
        return [_restore(v, found, depth + 1) for v in value]
    if isinstance(value, dict):
        return {
            str(_restore(k, found, depth + 1)): _restore(v, found, depth + 1)
            for k, v in value.items()
        }
    return value


def _from_template(module: Module, expr: Template, scope: dict[str, Any]) -> Policy | Unresolved:
    found: dict[int, Any] = {}
    pieces: list[str] = []
    for part in expr.parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        v = module.resolve(part, scope)
        if isinstance(v, Unresolved) or not isinstance(v, (str, int, float, bool)):
            found[len(found)] = v if isinstance(v, Unresolved) else unresolved(part)
            pieces.append(f"__DLUNRES_{len(found) - 1}__")
        else:
            pieces.append(to_string(v))
    data = _parse_json_text("".join(pieces))
    if data is None:
        return unresolved(expr)
    return policy_from_data(_restore(data, found), "json", expr.span)


def policy_from_document_source(resource: Resource, depth: int = 0) -> Policy:
    """Statements of a ``data "aws_iam_policy_document"`` instance."""
    policy = Policy([], "policy_document", resource.header)
    data = resource.data
    for key in ("source_policy_documents", "override_policy_documents"):
        expr = resource.block.body.get(key)
        if expr is None:
            continue
        items = expr.items if isinstance(expr, ListExpr) else (expr,)
        for item in items:
            sub = policy_from_expr(resource.module, item, resource.scope, depth + 1, False)
            if isinstance(sub, Policy):
                policy.statements.extend(sub.statements)
                policy.unresolved |= sub.unresolved
            elif sub is not None:
                policy.unresolved = True
    statements = data.get("statement")
    if not isinstance(statements, list):
        return policy
    for i, st in enumerate(statements):
        if not isinstance(st, dict):
            continue
        principals: dict[str, list[Any]] | None = None
        not_principals: dict[str, list[Any]] | None = None
        for key in ("principals", "not_principals"):
            blocks = st.get(key)
            if not isinstance(blocks, list):
                continue
            found: dict[str, list[Any]] = {}
            for b in blocks:
                if isinstance(b, dict):
                    found.setdefault(str(b.get("type", "?")), []).extend(
                        _as_list(b.get("identifiers")) or []
                    )
            if key == "principals":
                principals = found
            else:
                not_principals = found
        conditions = [
            Condition(c.get("test"), c.get("variable"), _as_list(c.get("values")) or [])
            for c in st.get("condition", []) or []
            if isinstance(c, dict)
        ]
        span = resource.doc.span((*resource.path, "statement", i))
        statement = _statement(st, HCL_SPELLING, span)
        statement.principals = principals
        statement.not_principals = not_principals
        statement.conditions = conditions
        policy.statements.append(statement)
    return policy


def policy_from_expr(
    module: Module,
    expr: Expr | None,
    scope: dict[str, Any] | None = None,
    depth: int = 0,
    locate: bool = True,
) -> Policy | Unresolved | None:
    """Normalise a policy argument (see the module docstring). ``locate``: record where the
    entries of a JSON heredoc are written (only for the argument's own file or local)."""
    if expr is None:
        return None
    scope = scope or {}
    if depth > MAX_DEPTH:
        return unresolved(expr)
    if isinstance(expr, Call) and expr.name == "jsonencode" and len(expr.args) == 1:
        value = module.resolve(expr.args[0], scope)
        policy = policy_from_data(value, "jsonencode", expr.span)
        if isinstance(policy, Policy):
            spans = _statement_spans(expr.args[0])
            for st, sp in zip(policy.statements, spans, strict=False):
                st.span = sp or st.span
        return policy
    if isinstance(expr, Ref):
        if (
            expr.root == "data"
            and len(expr.parts) >= 4
            and expr.parts[1] == "aws_iam_policy_document"
        ):
            found = module.find(expr)
            if not found:
                return unresolved(expr)
            return policy_from_document_source(found[0], depth + 1)
        if expr.root == "local" and len(expr.parts) == 2:
            local = module.local_expr(str(expr.parts[1]))
            if local is not None:
                return policy_from_expr(module, local, {}, depth + 1, locate)
    if isinstance(expr, Template):
        return _locate_heredoc(_from_template(module, expr, scope), expr, locate)
    value = module.resolve(expr, scope)
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, str):
        data = _parse_json_text(value)
        if data is None:
            return unresolved(expr)
        return _locate_heredoc(policy_from_data(data, "json", expr.span), expr, locate)
    if isinstance(value, dict):
        return policy_from_data(value, "data", expr.span)
    if isinstance(expr, Literal) and expr.value is None:
        return None
    return unresolved(expr)


def resource_policy(resource: Resource, *path: str | int) -> Policy | Unresolved | None:
    """The policy written at an argument of a resource, e.g. ``resource_policy(r, "policy")``."""
    return policy_from_expr(resource.module, resource.expr(*path), resource.scope)


# -- where statement entries are written (standards 0.6 item 9) ---------------------------

_INTERPOLATION = re.compile(r"\$\{[^{}\n]*\}")
_LOCATED_FIELDS = ("Action", "NotAction", "Resource", "NotResource")


def _locate_heredoc(policy: Policy | Unresolved, expr: Expr, locate: bool) -> Policy | Unresolved:
    """Give the statements of a JSON heredoc the places of their fields and entries, so a
    finding on one action points at that action's line (not at ``policy = <<EOT``)."""
    text = expr.text
    if not locate or not isinstance(policy, Policy) or expr.span is None:
        return policy
    if not text.startswith("<<") or "\n" not in text or "%{" in text:
        return policy
    body = text[text.index("\n") + 1 : text.rstrip().rfind("\n") + 1]
    # Same-width stand-ins keep every column; an interpolation outside a string fails to parse.
    body = _INTERPOLATION.sub(lambda m: "x" * len(m.group(0)), body)
    from ..model import ParseError
    from ..yamlload import load_documents

    try:
        docs, _ = load_documents(body, "<policy>", "json")
    except ParseError:
        return policy
    if len(docs) != 1 or not isinstance(docs[0].data, dict):
        return policy
    located, shift = docs[0], expr.span.line  # line 1 of the body is the line after <<EOT
    raw = located.data.get("Statement")
    base: tuple[str | int, ...] = ("Statement",)
    items = [(base, raw)] if isinstance(raw, dict) else []
    if isinstance(raw, list):
        items = [((*base, i), v) for i, v in enumerate(raw)]
    statements = [(p, v) for p, v in items if isinstance(v, dict)]
    if len(statements) != len(policy.statements):
        return policy
    for (path, item), st in zip(statements, policy.statements, strict=True):
        st.span = _shifted(located.span(path), shift)
        for name in _LOCATED_FIELDS:
            if name not in item:
                continue
            value = item[name]
            count = len(value) if isinstance(value, list) else 1
            keys = (
                [(*path, name, i) for i in range(count)]
                if isinstance(value, list)
                else [(*path, name)]
            )
            st.entry_spans[name] = [_shifted(located.span(k), shift) for k in keys]
    return policy


def _shifted(span: Span, lines: int) -> Span:
    return Span(span.line + lines, span.column, span.end_line + lines, span.end_column)


# Calls that keep their list argument's order, so entry i is still the i-th written entry.
_ORDER_KEEPING = frozenset({"tolist", "flatten"})


def _written_length(module: Module, expr: Expr, depth: int) -> int | None:
    """How many entries a list expression has as written (through locals), if known."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(expr, ListExpr):
        return len(expr.items)
    if isinstance(expr, Ref) and expr.root == "local" and len(expr.parts) == 2:
        entry = module.locals.get(str(expr.parts[1]))
        return _written_length(module, entry[0], depth + 1) if entry else None
    return None


def entry_location(
    module: Module, expr: Expr | None, index: int | None, doc: Document, depth: int = 0
) -> tuple[Span, Document] | None:
    """Where entry ``index`` of a list argument is written: the entry itself, followed
    through ``local.x`` and ``concat()``/``tolist()`` of written lists (None when the
    entry has no place of its own, e.g. a variable's value)."""
    if expr is None or depth > MAX_DEPTH:
        return None
    if index is None:
        return (expr.span, doc) if expr.span is not None else None
    if isinstance(expr, ListExpr):
        if 0 <= index < len(expr.items):
            span = expr.items[index].span
            return (span, doc) if span is not None else None
        return None
    if isinstance(expr, Ref) and expr.root == "local" and len(expr.parts) == 2:
        entry = module.locals.get(str(expr.parts[1]))
        return entry_location(module, entry[0], index, entry[1], depth + 1) if entry else None
    if isinstance(expr, Call) and expr.name == "concat":
        offset = index
        for arg in expr.args:
            n = _written_length(module, arg, depth + 1)
            if n is None:
                return None
            if offset < n:
                return entry_location(module, arg, offset, doc, depth + 1)
            offset -= n
        return None
    if isinstance(expr, Call) and expr.name in _ORDER_KEEPING and len(expr.args) == 1:
        arg = expr.args[0]
        if expr.name == "flatten" and (
            not isinstance(arg, ListExpr) or any(isinstance(i, ListExpr) for i in arg.items)
        ):
            return None  # nested lists: positions shift
        return entry_location(module, arg, index, doc, depth + 1)
    return None


def statement_body(document: Resource, index: int) -> Body | None:
    """The written body of resolved statement ``index`` of a policy document data source:
    a ``statement`` block, or the ``content`` of the ``dynamic "statement"`` that made it."""
    span = document.doc.spans.get((*document.path, "statement", index))
    if span is None:
        return None
    for block in document.block.body.blocks:
        if block.type == "statement" and block.header == span:
            return block.body
        if block.type == "dynamic" and block.labels[:1] == ("statement",):
            content = block.body.first("content")
            if content is not None and content.header == span:
                return content.body
    return None


def allow_statements(policy: Policy) -> Iterator[Statement]:
    """The statements that allow (an unresolved ``Effect`` may allow)."""
    for st in policy.statements:
        if st.effect == "Allow" or isinstance(st.effect, Unresolved):
            yield st
