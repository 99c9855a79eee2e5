"""JSON Schema validation without importing jsonschema, for the small schemas the tool uses.

Importing jsonschema (with referencing, attrs and its format checkers) costs more than linting
one file, and a run needs it only for the configuration file and a few ``require:`` rules,
whose schemas use a handful of keywords. ``QuickValidator`` evaluates that subset itself —
``type``, ``required``, ``properties``, ``additionalProperties``, ``items``, ``const``,
``enum``, ``minimum``/``maximum``, ``minLength``/``maxLength``, ``pattern`` — yielding the
errors jsonschema's Draft 2020-12 validator yields, in the same order, with the same
``validator``, ``validator_value``, ``instance`` and ``absolute_path``. A schema with any
other keyword (``$ref``, ``anyOf``, ``format`` …), a boolean subschema, or an instance whose
values it cannot compare the way jsonschema does goes to jsonschema itself, as does every
invalid instance when the caller wants jsonschema's own error objects (``rich=True``).
"""

from __future__ import annotations

import functools
import numbers
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# Keywords without an assertion in Draft 2020-12: read by neither validator.
ANNOTATIONS = frozenset(
    {"title", "description", "$schema", "$id", "$comment", "default", "examples", "$defs"}
    | {"definitions", "deprecated", "readOnly", "writeOnly"}
)
SUPPORTED = frozenset(
    {"type", "required", "properties", "additionalProperties", "items", "const", "enum"}
    | {"minimum", "maximum", "minLength", "maxLength", "pattern"}
)
TYPES: dict[str, Callable[[Any], bool]] = {
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: not isinstance(v, bool)
    and (isinstance(v, int) or (isinstance(v, float) and v.is_integer())),
    "null": lambda v: v is None,
    "number": lambda v: not isinstance(v, bool) and isinstance(v, numbers.Number),
    "object": lambda v: isinstance(v, dict),
    "string": lambda v: isinstance(v, str),
}


class Unsupported(Exception):
    """The schema or instance needs jsonschema itself."""


@dataclass
class QuickError:
    """The fields of ``jsonschema.ValidationError`` that callers read."""

    validator: str
    validator_value: Any
    instance: Any
    absolute_path: deque[str | int] = field(default_factory=deque)


def _equal(one: Any, two: Any) -> bool:
    """jsonschema's ``equal`` for scalars; containers are left to jsonschema."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, (list, dict, tuple)) or isinstance(two, (list, dict, tuple)):
        raise Unsupported
    if isinstance(one, bool) or isinstance(two, bool):
        return False  # True/False are only themselves (``one is two`` above)
    return bool(one == two)


def _is_type(instance: Any, name: Any) -> bool:
    check = TYPES.get(name) if isinstance(name, str) else None
    if check is None:
        raise Unsupported
    return check(instance)


def _errors(schema: Any, instance: Any) -> Iterator[QuickError]:
    if not isinstance(schema, dict):
        raise Unsupported
    for key, value in schema.items():
        if key in ANNOTATIONS:
            continue
        if key not in SUPPORTED:
            raise Unsupported
        yield from KEYWORDS[key](value, instance, schema)


def _descend(schema: Any, instance: Any, step: str | int) -> Iterator[QuickError]:
    for error in _errors(schema, instance):
        error.absolute_path.appendleft(step)
        yield error


def _type(value: Any, instance: Any, schema: Any) -> Iterator[QuickError]:
    names = value if isinstance(value, list) else [value]
    if not any(_is_type(instance, n) for n in names):
        yield QuickError("type", value, instance)


def _required(value: Any, instance: Any, schema: Any) -> Iterator[QuickError]:
    if not isinstance(value, list):
        raise Unsupported
    if isinstance(instance, dict):
        for name in value:
            if name not in instance:
                yield QuickError("required", value, instance)


def _properties(value: Any, instance: Any, schema: Any) -> Iterator[QuickError]:
    if not isinstance(value, dict):
        raise Unsupported
    if isinstance(instance, dict):
        for name, sub in value.items():
            if name in instance:
                yield from _descend(sub, instance[name], name)


def _additional(value: Any, instance: Any, schema: Any) -> Iterator[QuickError]:
    if "patternProperties" in schema or not isinstance(instance, dict):
        if "patternProperties" in schema:
            raise Unsupported
        return
    known = schema.get("properties", {})
    extras = [k for k in instance if k not in known]
    if isinstance(value, dict):
        if len(extras) > 1:
            raise Unsupported  # jsonschema walks them in set order
        for extra in extras:
            yield from _descend(value, instance[extra], extra)
    elif value is False:
        if extras:
            yield QuickError("additionalProperties", value, instance)
    elif value is not True:
        raise Unsupported


def _items(value: Any, instance: Any, schema: Any) -> Iterator[QuickError]:
    if not isinstance(value, dict) or "prefixItems" in schema:
        raise Unsupported
    if isinstance(instance, list):
        for index, item in enumerate(instance):
            yield from _descend(value, item, index)


def _const(value: Any, instance: Any, schema: Any) -> Iterator[QuickError]:
    if not _equal(instance, value):
        yield QuickError("const", value, instance)


def _enum(value: Any, instance: Any, schema: Any) -> Iterator[QuickError]:
    if not isinstance(value, list):
        raise Unsupported
    if all(not _equal(each, instance) for each in value):
        yield QuickError("enum", value, instance)


def _bound(name: str, fails: Callable[[Any, Any], bool]) -> Any:
    def check(value: Any, instance: Any, schema: Any) -> Iterator[QuickError]:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise Unsupported
        if _is_type(instance, "number") and fails(instance, value):
            yield QuickError(name, value, instance)

    return check


def _length(name: str, fails: Callable[[int, int], bool]) -> Any:
    def check(value: Any, instance: Any, schema: Any) -> Iterator[QuickError]:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Unsupported
        if isinstance(instance, str) and fails(len(instance), value):
            yield QuickError(name, value, instance)

    return check


def _pattern(value: Any, instance: Any, schema: Any) -> Iterator[QuickError]:
    if not isinstance(value, str):
        raise Unsupported
    if isinstance(instance, str) and not _compiled(value).search(instance):
        yield QuickError("pattern", value, instance)


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


KEYWORDS: dict[str, Callable[[Any, Any, Any], Iterator[QuickError]]] = {
    "type": _type,
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional,
    "items": _items,
    "const": _const,
    "enum": _enum,
    "minimum": _bound("minimum", lambda got, limit: got < limit),
    "maximum": _bound("maximum", lambda got, limit: got > limit),
    "minLength": _length("minLength", lambda got, limit: got < limit),
    "maxLength": _length("maxLength", lambda got, limit: got > limit),
    "pattern": _pattern,
}


def quick_errors(schema: Any, instance: Any) -> list[QuickError] | None:
    """Every error jsonschema would report, in its order; None when jsonschema must decide."""
    try:
        return list(_errors(schema, instance))
    except (Unsupported, re.error, TypeError, RecursionError):
        return None


class QuickValidator:
    """``iter_errors`` as ``Draft202012Validator(schema, registry=offline_registry())``."""

    def __init__(self, schema: Any, rich: bool = False) -> None:
        self.schema = schema
        self.rich = rich  # invalid instances get jsonschema's own errors (messages, schema)

    @functools.cached_property
    def _full(self) -> Any:
        from jsonschema import Draft202012Validator

        from .localrefs import offline_registry

        return Draft202012Validator(self.schema, registry=offline_registry())

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        found = quick_errors(self.schema, instance)
        if found is None or (found and self.rich):
            return iter(self._full.iter_errors(instance))
        return iter(found)
