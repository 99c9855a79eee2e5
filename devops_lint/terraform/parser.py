"""Terraform files → ``Document``s: the entry point the engine calls.

``parse_file(path, text)`` reads ``.tf``/``.tf.json`` (format ``terraform``) and
``*.tfvars``/``*.tfvars.json`` (format ``tfvars``) into one ``Document`` each.

``doc.data`` is the file *as written*: constants as plain data, every other
expression as an ``Unresolved`` holding its source text (values that need the other
files of the module are resolved by ``module.py``). Document paths:

- ``("resource", type, name, arg, ...)``, ``("data", type, name, ...)``
- ``("variable", name, ...)``, ``("output", name, ...)``, ``("module", name, ...)``
- ``("provider", name, i, ...)`` (a list: several blocks may share a name)
- ``("locals", name)``; ``("terraform", i, ...)`` with ``("terraform", i, "backend", type)``
- nested blocks are lists of dicts: ``(..., "vpc_config", 0, "endpoint_public_access")``;
  labelled nested blocks nest by label: ``(..., "dynamic", "ingress", ...)``
- tfvars: ``(variable_name, ...)``

``spans`` hold every attribute (the whole ``name = value``) and block header, plus
the items of constant lists and objects; ``key_spans`` the attribute names.
``doc.meta["body"]`` keeps the parsed ``syntax.Body`` for the module view.
"""

from __future__ import annotations

from typing import Any

from ..model import Document, JsonPath, ParseError, Span, Unresolved
from .expr import Expr, ListExpr, Literal, ObjectExpr, is_literal, literal_string
from .hcl import HclSyntaxError, parse_hcl
from .jsonsyntax import parse_json_config, parse_json_values
from .syntax import Block, Body

TOP_LEVEL_BY_NAME = ("resource", "data")
TOP_LEVEL_ONE_LABEL = ("variable", "output", "module")


def file_format(path: str) -> str | None:
    """``terraform``, ``tfvars`` or ``None`` for a file name."""
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".tf") or name.endswith(".tf.json"):
        return "terraform"
    if name.endswith(".tfvars") or name.endswith(".tfvars.json"):
        return "tfvars"
    return None


def parse_body(path: str, text: str) -> Body:
    """The syntax of one file; raises ``HclSyntaxError``."""
    is_json = path.endswith(".json")
    if file_format(path) == "tfvars":
        return parse_json_values(text) if is_json else parse_hcl(text)
    return parse_json_config(text) if is_json else parse_hcl(text)


def parse_file(path: str, text: str) -> list[Document]:
    """One ``Document`` for a Terraform or tfvars file; raises ``model.ParseError``."""
    fmt = file_format(path) or "terraform"
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        body = parse_body(path, text)
    except HclSyntaxError as exc:
        raise ParseError(exc.message, exc.line, exc.column) from None
    doc = Document(path=path, format=fmt, data={}, text=text)
    doc.meta["body"] = body
    builder = _Builder(doc)
    if fmt == "tfvars":
        doc.data = builder.attributes(body, ())
    else:
        doc.data = builder.config(body)
    return [doc]


def plain(expr: Expr, depth: int = 0) -> Any:
    """Plain data for a constant expression, else ``Unresolved`` of its source text."""
    if depth > 100:
        return Unresolved(expr.text)
    if isinstance(expr, Literal):
        return expr.value
    s = literal_string(expr)
    if s is not None:
        return s
    if isinstance(expr, ListExpr) and is_literal(expr):
        return [plain(i, depth + 1) for i in expr.items]
    if isinstance(expr, ObjectExpr) and is_literal(expr):
        return {literal_string(k) or k.text: plain(v, depth + 1) for k, v in expr.items}
    return Unresolved(expr.text)


def register_value_spans(doc: Document, path: JsonPath, expr: Expr, depth: int = 0) -> None:
    """Spans of list items and object members inside a written constant."""
    if depth > 30:
        return
    if isinstance(expr, ListExpr):
        for i, item in enumerate(expr.items):
            if item.span is not None:
                doc.spans.setdefault((*path, i), item.span)
            register_value_spans(doc, (*path, i), item, depth + 1)
    elif isinstance(expr, ObjectExpr):
        for k, v in expr.items:
            key = literal_string(k)
            if key is None:
                continue
            if k.span is not None and v.span is not None:
                doc.spans.setdefault(
                    (*path, key),
                    Span(k.span.line, k.span.column, v.span.end_line, v.span.end_column),
                )
                doc.key_spans.setdefault((*path, key), k.span)
            register_value_spans(doc, (*path, key), v, depth + 1)


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def attributes(self, body: Body, path: JsonPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, attr in body.attributes.items():
            p = (*path, name)
            out[name] = plain(attr.expr)
            self.doc.spans[p] = attr.span
            self.doc.key_spans[p] = attr.name_span
            register_value_spans(self.doc, p, attr.expr)
        return out

    def block(self, block: Block, path: JsonPath, depth: int = 0) -> dict[str, Any]:
        self.doc.spans[path] = block.header
        out = self.attributes(block.body, path)
        if depth > 40:
            return out
        for nb in block.body.blocks:
            if nb.labels:
                holder: dict[str, Any] = out.setdefault(nb.type, {})
                if not isinstance(holder, dict):
                    continue
                p: JsonPath = (*path, nb.type)
                for label in nb.labels[:-1]:
                    holder = holder.setdefault(label, {})
                    p = (*p, label)
                if nb.labels[-1] in holder:
                    continue
                holder[nb.labels[-1]] = self.block(nb, (*p, nb.labels[-1]), depth + 1)
            else:
                items = out.setdefault(nb.type, [])
                if not isinstance(items, list):
                    continue
                if not items:
                    list_path: JsonPath = (*path, nb.type)
                    self.doc.key_spans[list_path] = nb.header
                    self.doc.spans.setdefault(list_path, nb.header)
                items.append(self.block(nb, (*path, nb.type, len(items)), depth + 1))
        return out

    def config(self, body: Body) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for b in body.blocks:
            if b.type in TOP_LEVEL_BY_NAME:
                if len(b.labels) != 2:
                    continue  # Terraform rejects it; nothing to lint
                by_type = data.setdefault(b.type, {}).setdefault(b.labels[0], {})
                if b.labels[1] not in by_type:
                    by_type[b.labels[1]] = self.block(b, (b.type, *b.labels))
            elif b.type in TOP_LEVEL_ONE_LABEL:
                if len(b.labels) != 1:
                    continue
                group = data.setdefault(b.type, {})
                if b.labels[0] not in group:
                    group[b.labels[0]] = self.block(b, (b.type, b.labels[0]))
            elif b.type == "provider":
                if len(b.labels) != 1:
                    continue
                blocks = data.setdefault("provider", {}).setdefault(b.labels[0], [])
                blocks.append(self.block(b, ("provider", b.labels[0], len(blocks))))
            elif b.type == "locals":
                data.setdefault("locals", {}).update(self.attributes(b.body, ("locals",)))
            elif not b.labels:
                blocks = data.setdefault(b.type, [])
                if isinstance(blocks, list):
                    blocks.append(self.block(b, (b.type, len(blocks))))
        return data
