"""JSON Schema without the network: ``$ref`` resolves inside the schema or not at all.

jsonschema fetches an ``http(s)://`` ``$ref`` it cannot resolve locally (its deprecated
default), so a custom rule's ``require: {$ref: "http://…"}`` or a chart's
``values.schema.json`` would make a lint run open a socket chosen by the scanned tree.
Every validator built from a schema the tree supplies takes ``offline_registry()``, whose
retrieval refuses; rule files are also checked up front (``remote_refs``) so the mistake
is a load error naming the file rather than a failure in the middle of a run.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")
_MAX_DEPTH = 200  # deeper schemas are refused by the caller's own limits; stop walking here


class RemoteReference(Exception):
    """Raised by the registry instead of retrieving a resource."""


def _refuse(uri: str) -> Any:
    raise RemoteReference(f"$ref {uri!r} is not resolved: schemas are never fetched")


@functools.cache
def offline_registry() -> Any:
    """A ``referencing.Registry`` that never retrieves anything (network or file)."""
    from referencing import Registry

    return Registry(retrieve=_refuse)  # type: ignore[call-arg]


def remote_refs(schema: Any, _depth: int = 0) -> Iterator[str]:
    """Every reference in ``schema`` that does not point inside the schema itself (``#…``)."""
    if _depth > _MAX_DEPTH:
        return
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in REF_KEYWORDS and isinstance(value, str) and not value.startswith("#"):
                yield value
            else:
                yield from remote_refs(value, _depth + 1)
    elif isinstance(schema, list):
        for item in schema:
            yield from remote_refs(item, _depth + 1)
