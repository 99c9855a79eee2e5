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
    "integer": lambda v: (
        not isinstance(v, bool)
        and (isinstance(v, int) or (isinstance(v, float) and v.is_integer()))
    ),
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


# --- Draft 7 validity: is an instance valid, without jsonschema? ---------------------------
#
# Three answers: True and False are jsonschema's verdict, None means "ask jsonschema". Only
# True is used to skip jsonschema; False is needed inside ``oneOf``/``anyOf``/``not``.

# Every keyword Draft7Validator asserts with; any other key is ignored by both validators.
DRAFT7_KEYWORDS = frozenset(
    {"$ref", "additionalItems", "additionalProperties", "allOf", "anyOf", "const", "contains"}
    | {"dependencies", "enum", "exclusiveMaximum", "exclusiveMinimum", "format", "if", "items"}
    | {"maxItems", "maxLength", "maxProperties", "maximum", "minItems", "minLength"}
    | {"minProperties", "minimum", "multipleOf", "not", "oneOf", "pattern", "patternProperties"}
    | {"properties", "propertyNames", "required", "type", "uniqueItems"}
)
MAX_DEPTH = 64


def _json_equal(one: Any, two: Any) -> bool:
    """jsonschema's ``equal``: bool is not int, containers compare item by item."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(map(_json_equal, one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(_json_equal(one[k], two[k]) for k in one)
    if isinstance(one, (list, dict, tuple)) or isinstance(two, (list, dict, tuple)):
        raise Unsupported
    if isinstance(one, bool) or isinstance(two, bool):
        return False
    return bool(one == two)


def _all(verdicts: Iterator[bool | None]) -> bool | None:
    unknown = False
    for verdict in verdicts:
        if verdict is False:
            return False
        unknown = unknown or verdict is None
    return None if unknown else True


class _Draft7:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def valid(self, schema: Any, inst: Any, depth: int = 0) -> bool | None:
        if schema is True or schema == {}:
            return True
        if schema is False:
            return False
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            raise Unsupported
        if "$ref" in schema:  # Draft 7: a reference hides its siblings
            return self.valid(self._resolve(schema["$ref"]), inst, depth + 1)
        return _all(
            self._keyword(key, value, schema, inst, depth)
            for key, value in schema.items()
            if key in DRAFT7_KEYWORDS
        )

    def _resolve(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#/definitions/"):
            raise Unsupported
        name = ref[len("#/definitions/") :]
        if "/" in name or "~" in name or "%" in name:
            raise Unsupported
        return self.root["definitions"][name]

    def _keyword(self, key: str, value: Any, schema: Any, inst: Any, depth: int) -> bool | None:
        sub = depth + 1
        if key == "type":
            names = value if isinstance(value, list) else [value]
            return any(_is_type(inst, n) for n in names)
        if key in ("enum", "const"):
            options = value if key == "enum" else [value]
            if not isinstance(options, list):
                raise Unsupported
            return any(_json_equal(each, inst) for each in options)
        if key in ("anyOf", "oneOf", "allOf"):
            if not isinstance(value, list):
                raise Unsupported
            verdicts = [self.valid(s, inst, sub) for s in value]
            if key == "allOf":
                return _all(iter(verdicts))
            hits = verdicts.count(True)
            if key == "anyOf":
                return True if hits else (None if None in verdicts else False)
            if hits > 1:
                return False
            return None if None in verdicts else hits == 1
        if key == "not":
            verdict = self.valid(value, inst, sub)
            return None if verdict is None else not verdict
        if key == "if":
            verdict = self.valid(value, inst, sub)
            if verdict is None:
                return None
            branch = schema.get("then" if verdict else "else", True)
            return self.valid(branch, inst, sub)
        if isinstance(inst, dict):
            return self._object(key, value, schema, inst, sub)
        if isinstance(inst, list):
            return self._array(key, value, schema, inst, sub)
        if isinstance(inst, str) and key in ("pattern", "minLength", "maxLength"):
            if key == "pattern":
                return _compiled(value).search(inst) is not None
            if not isinstance(value, int):
                raise Unsupported
            return len(inst) >= value if key == "minLength" else len(inst) <= value
        if key in ("minimum", "maximum") and _is_type(inst, "number"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise Unsupported
            return bool(inst >= value if key == "minimum" else inst <= value)
        if key in ("format", "exclusiveMaximum", "exclusiveMinimum", "multipleOf"):
            raise Unsupported
        return True  # the other keywords apply to other types only

    def _object(
        self, key: str, value: Any, schema: Any, inst: dict[Any, Any], sub: int
    ) -> bool | None:
        if key == "properties":
            return _all(self.valid(s, inst[k], sub) for k, s in value.items() if k in inst)
        if key == "patternProperties":
            return _all(
                self.valid(s, v, sub)
                for p, s in value.items()
                for k, v in inst.items()
                if _compiled(p).search(k)
            )
        if key == "additionalProperties":
            known = schema.get("properties", {})
            patterns = "|".join(schema.get("patternProperties", {}))
            matched = _compiled(patterns).search if patterns else (lambda _: None)
            extras = [k for k in inst if k not in known and not matched(k)]
            return _all(self.valid(value, inst[k], sub) for k in extras)
        if key == "required":
            return all(name in inst for name in value)
        if key in ("minProperties", "maxProperties"):
            if not isinstance(value, int):
                raise Unsupported
            return len(inst) >= value if key == "minProperties" else len(inst) <= value
        if key == "dependencies":
            checks: list[bool | None] = []
            for name, dep in value.items():
                if name not in inst:
                    continue
                if isinstance(dep, list):
                    checks.append(all(d in inst for d in dep))
                else:
                    checks.append(self.valid(dep, inst, sub))
            return _all(iter(checks))
        if key == "propertyNames":
            raise Unsupported
        return True

    def _array(self, key: str, value: Any, schema: Any, inst: list[Any], sub: int) -> bool | None:
        if key == "items":
            if isinstance(value, list) or "additionalItems" in schema:
                raise Unsupported
            return _all(self.valid(value, item, sub) for item in inst)
        if key in ("minItems", "maxItems"):
            if not isinstance(value, int):
                raise Unsupported
            return len(inst) >= value if key == "minItems" else len(inst) <= value
        if key in ("uniqueItems", "contains", "additionalItems"):
            raise Unsupported
        return True


def draft7_valid(schema: dict[str, Any], instance: Any) -> bool | None:
    """``Draft7Validator(schema).is_valid(instance)``, or None when jsonschema must decide."""
    try:
        return _Draft7(schema).valid(schema, instance)
    except (Unsupported, re.error, TypeError, KeyError, AttributeError, RecursionError):
        return None
