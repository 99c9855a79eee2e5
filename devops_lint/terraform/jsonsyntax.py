"""Terraform JSON syntax (``.tf.json``, ``.tfvars.json``) → ``syntax.Body``.

JSON is read with positions through ruamel.yaml's C composer (JSON is YAML). Strings
are templates (``"${var.x}"``), as Terraform reads them. JSON cannot tell a nested
block from a map-valued argument; we follow Terraform's own schema for the top-level
block types and, inside resources and providers, treat an object as a nested block
unless its name is a known map argument (``MAP_ARGUMENTS``: tags, labels, ...) or its
keys are not identifiers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..bounds import json_too_deep
from ..model import Span
from .expr import Expr, ListExpr, Literal, ObjectExpr, number
from .hcl import HclSyntaxError, parse_template
from .syntax import Attribute, Block, Body

MAP_ARGUMENTS = frozenset(
    {
        "tags",
        "tags_all",
        "labels",
        "resource_labels",
        "default_labels",
        "user_labels",
        "node_labels",
        "variables",
        "environment_variables",
        "secure_environment_variables",
        "app_settings",
        "parameters",
        "annotations",
        "triggers",
        "metadata",
        "data",
        "binary_data",
        "string_data",
        "options",
        "attributes",
    }
)

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_BLOCK_LABELS = {
    "resource": 2,
    "data": 2,
    "variable": 1,
    "output": 1,
    "module": 1,
    "provider": 1,
}


def _span(node: Any) -> Span:
    s, e = node.start_mark, node.end_mark
    return Span(s.line + 1, s.column + 1, e.line + 1, max(e.column, 1))


def _join(a: Span, b: Span) -> Span:
    return Span(a.line, a.column, b.end_line, b.end_column)


def compose_json(text: str) -> Any:
    """The ruamel node tree of a JSON text; raises ``HclSyntaxError`` when invalid."""
    # The C composer recurses once per level (a segfault, not an exception, when the
    # stack runs out): refuse deep nesting before either parser sees the text.
    too_deep = json_too_deep(text)
    if too_deep is not None:
        raise HclSyntaxError(too_deep.message, too_deep.line, too_deep.column)
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise HclSyntaxError(f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise HclSyntaxError("JSON nested too deeply", 1, 1) from None
    from ruamel.yaml import YAML

    try:
        return YAML(typ="safe", pure=False).compose(text)
    except Exception as exc:  # valid JSON the YAML reader refuses (rare: tabs, odd escapes)
        raise HclSyntaxError(f"JSON could not be read: {type(exc).__name__}", 1, 1) from None


def _kind(node: Any) -> str:
    return type(node).__name__  # MappingNode, SequenceNode, ScalarNode


def _scalar(node: Any) -> Any:
    tag = str(node.tag)
    v = node.value
    if tag.endswith(":str"):
        return str(v)
    if tag.endswith(":int") or tag.endswith(":float"):
        return number(str(v))
    if tag.endswith(":bool"):
        return str(v).lower() == "true"
    if tag.endswith(":null"):
        return None
    return str(v)


def node_expr(node: Any, template: bool = True, depth: int = 0) -> Expr:
    """A JSON value as an expression; strings are templates when ``template``."""
    span = _span(node)
    kind = _kind(node)
    if depth > 120:
        return Literal("", span, None)
    if kind == "ScalarNode":
        value = _scalar(node)
        if isinstance(value, str) and template and ("${" in value or "%{" in value):
            return parse_template(value, span, text=value)
        return Literal(json.dumps(value), span, value)
    if kind == "SequenceNode":
        items = tuple(node_expr(i, template, depth + 1) for i in node.value)
        return ListExpr("[...]", span, items)
    items2: list[tuple[Expr, Expr]] = []
    for k, v in node.value:
        key = str(k.value)
        items2.append((Literal(key, _span(k), key), node_expr(v, template, depth + 1)))
    return ObjectExpr("{...}", span, tuple(items2))


def _is_block_value(name: str, node: Any, context: str) -> bool:
    if name in MAP_ARGUMENTS and not (name == "metadata" and context.startswith("kubernetes")):
        return False
    kind = _kind(node)
    if kind == "MappingNode":
        return all(_IDENT.match(str(k.value)) for k, _ in node.value)
    if kind == "SequenceNode" and node.value:
        return all(_kind(i) == "MappingNode" for i in node.value) and all(
            _IDENT.match(str(k.value)) for i in node.value for k, _ in i.value
        )
    return False


def _bodies(node: Any) -> list[Any]:
    """A block value may be one object or a list of objects (repeated blocks)."""
    if _kind(node) == "SequenceNode":
        return [n for n in node.value if _kind(n) == "MappingNode"]
    return [node] if _kind(node) == "MappingNode" else []


def _body(node: Any, context: str, depth: int = 0) -> Body:
    """A block body. ``context`` selects the schema (resource type, "variable", ...)."""
    body = Body()
    if _kind(node) != "MappingNode":
        return body
    for k, v in node.value:
        name = str(k.value)
        if name == "//":
            continue
        kspan = _span(k)
        nested: list[tuple[tuple[str, ...], Any]] | None = None
        if context in ("variable", "output", "module", "locals", "required_providers"):
            if name in ("validation", "precondition"):
                nested = [((), b) for b in _bodies(v)]
        elif context == "terraform":
            if name in ("backend", "provider_meta") and _kind(v) == "MappingNode":
                nested = [((str(lk.value),), b) for lk, lv in v.value for b in _bodies(lv)]
            elif name in ("cloud", "required_providers"):
                nested = [((), b) for b in _bodies(v)]
        elif name in ("dynamic", "provisioner") and _kind(v) == "MappingNode":
            nested = [((str(lk.value),), b) for lk, lv in v.value for b in _bodies(lv)]
        elif name in ("count", "for_each", "depends_on", "provider", "source", "version"):
            nested = None
        elif depth < 60 and _is_block_value(name, v, context):
            nested = [((), b) for b in _bodies(v)]
        if nested is None:
            body.attributes.setdefault(
                name, Attribute(name, node_expr(v), _join(kspan, _span(v)), kspan)
            )
            continue
        child_ctx = "required_providers" if name == "required_providers" else context
        for labels, b in nested:
            inner = _body(b, child_ctx, depth + 1)
            body.blocks.append(Block(name, labels, inner, _span(b), kspan))
    return body


def parse_json_config(text: str) -> Body:
    """A ``.tf.json`` file as a body of top-level blocks; raises ``HclSyntaxError``."""
    root = compose_json(text)
    out = Body()
    if root is None or _kind(root) != "MappingNode":
        if root is not None:
            raise HclSyntaxError("a .tf.json file must hold a JSON object", 1, 1)
        return out
    for k, v in root.value:
        kind = str(k.value)
        if kind in _BLOCK_LABELS:
            if _BLOCK_LABELS[kind] == 2:
                if _kind(v) != "MappingNode":
                    continue
                for tk, tv in v.value:
                    if _kind(tv) != "MappingNode":
                        continue
                    for nk, nv in tv.value:
                        for b in _bodies(nv):
                            labels = (str(tk.value), str(nk.value))
                            ctx = kind if kind != "resource" and kind != "data" else labels[0]
                            out.blocks.append(
                                Block(kind, labels, _body(b, ctx), _span(b), _span(nk))
                            )
            elif _kind(v) == "MappingNode":
                for nk, nv in v.value:
                    ctx = str(nk.value) if kind == "provider" else kind
                    for b in _bodies(nv):
                        out.blocks.append(
                            Block(kind, (str(nk.value),), _body(b, ctx), _span(b), _span(nk))
                        )
        elif kind == "locals":
            for b in _bodies(v):
                out.blocks.append(Block("locals", (), _body(b, "locals"), _span(b), _span(k)))
        elif kind == "terraform":
            for b in _bodies(v):
                out.blocks.append(Block("terraform", (), _body(b, "terraform"), _span(b), _span(k)))
    return out


def parse_json_values(text: str) -> Body:
    """A ``.tfvars.json`` file: every top-level key is an assignment of a constant."""
    root = compose_json(text)
    body = Body()
    if root is None:
        return body
    if _kind(root) != "MappingNode":
        raise HclSyntaxError("a .tfvars.json file must hold a JSON object", 1, 1)
    for k, v in root.value:
        name = str(k.value)
        kspan = _span(k)
        expr = node_expr(v, template=False)
        body.attributes.setdefault(name, Attribute(name, expr, _join(kspan, _span(v)), kspan))
    return body
