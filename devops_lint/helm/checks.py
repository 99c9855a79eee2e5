"""Checks on Helm charts as a unit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import safeio
from ..model import FILE_START, Document, JsonPath, Result, Span
from ..registry import check

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule
    from .values import ChartValues


def _has_prefix(data: Any, path: JsonPath) -> int:
    """How many leading parts of ``path`` exist in ``data``."""
    cur, depth = data, 0
    for part in path:
        in_map = isinstance(cur, dict) and part in cur
        in_list = isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        if not (in_map or in_list):
            break
        cur = cur[part]
        depth += 1
    return depth


def _origin(chart: ChartValues, path: JsonPath, fallback: Document) -> Document:
    """The values file that set (the longest existing part of) ``path``; later files win."""
    best, best_depth = fallback, -1
    for doc in chart.layers:
        depth = _has_prefix(doc.data, path)
        if depth >= best_depth:
            best, best_depth = doc, depth
    return best


def _json(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def _describe(err: Any) -> str:
    """The validation error in JSON/YAML terms rather than Python reprs."""
    kind, expected, got = err.validator, err.validator_value, err.instance
    if kind == "const":
        return f"must be {_json(expected)}, not {_json(got)}"
    if kind == "enum" and isinstance(expected, list):
        return f"must be one of {', '.join(map(_json, expected))}, not {_json(got)}"
    if kind == "type":
        return f"must be of type {_json(expected)}, not {_json(got)}"
    return str(err.message)


def _show(path: JsonPath) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path) or " (root)"


@check("X-000.helm-values-schema", target="helm.chart")
def values_schema(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """X-000.helm-values-schema: the chart's values violate its ``values.schema.json``."""
    from jsonschema import Draft7Validator, SchemaError
    from jsonschema.validators import validator_for
    from referencing.exceptions import Unresolvable

    from ..localrefs import offline_registry
    from ..safepath import is_inside

    chart: ChartValues = target.context["chart_values"]
    schema_name: str = target.context["schema_path"]
    schema_file = chart.root / "values.schema.json"
    if not is_inside(schema_file, chart.root):
        # A link out of the chart: what it points at is not the chart's to show.
        yield Result(message=f"{schema_name}: links outside the chart; not read")
        return
    try:
        schema_text = safeio.read_text(schema_file, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        yield Result(message=f"{schema_name}: cannot read the schema: {exc}")
        return
    schema_doc = Document(schema_name, "json", None, text=schema_text)
    try:
        schema = json.loads(schema_text)
    except ValueError as exc:
        line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        yield Result(
            message=f"values.schema.json is not valid JSON: {exc}",
            doc=schema_doc,
            span=Span.at(line, col),
        )
        return
    if not isinstance(schema, (dict, bool)):
        yield Result(
            message="values.schema.json is not a JSON Schema", doc=schema_doc, span=FILE_START
        )
        return
    cls: Any = validator_for(schema, default=Draft7Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        yield Result(
            message=f"values.schema.json is not a valid schema: {exc.message}",
            doc=schema_doc,
            span=FILE_START,
        )
        return
    # A $ref the schema cannot resolve itself is never fetched (docs/security.md).
    validator = cls(schema, registry=offline_registry())
    try:
        errors = sorted(
            validator.iter_errors(target.data), key=lambda e: [str(p) for p in e.absolute_path]
        )
    except Unresolvable as exc:
        yield Result(
            message=f"values.schema.json cannot be applied: {type(exc).__name__}: {exc}"[:300],
            doc=schema_doc,
            span=FILE_START,
        )
        return
    for err in errors:
        path: JsonPath = tuple(err.absolute_path)
        doc = _origin(chart, path, target.doc)
        yield Result(
            message=f"values{_show(path)}: {_describe(err)} (values.schema.json)",
            doc=doc,
            path=path,
            key=err.validator == "required" and bool(path),
        )


@check("X-000.render-error", target="helm.render_error")
def render_error(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """X-000.render-error: where ``helm template`` would stop, with the chart's message."""
    yield Result(span=target.anchor, message=f"rendering stops here: {target.context['reason']}")
