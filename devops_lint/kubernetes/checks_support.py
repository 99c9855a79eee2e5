"""Helpers shared by the workload checks (K8S-015…K8S-028): tri-state lookups and matches.

A field can be present, provably missing, or unknowable because a template left an
unresolved subtree where it could be (standards 0.6 item 3). Relations between objects
(namespace equality, name references) are likewise yes / no / maybe.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from .. import saferegex
from ..model import UNRESOLVED_KEY, JsonPath, Result, Unresolved

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from .objects import Container


class Tri(Enum):
    """Outcome of a relation that an unresolved value can leave undecided."""

    NO = 0
    MAYBE = 1
    YES = 2

    def __and__(self, other: Tri) -> Tri:
        return self if self.value <= other.value else other


@dataclass(frozen=True)
class Lookup:
    """A nested field: ``present`` (value may itself be ``Unresolved``), ``missing`` or
    ``unknown`` (absent from a mapping that holds an unresolved subtree, or under an
    unresolved value)."""

    state: str
    value: Any = None
    path: JsonPath = ()  # the value's path when present, else the deepest written mapping

    @property
    def present(self) -> bool:
        return self.state == "present"

    @property
    def missing(self) -> bool:
        return self.state == "missing"

    @property
    def unknown(self) -> bool:
        return self.state == "unknown"

    @property
    def unresolved(self) -> bool:
        """Unknown, or present with an unresolved value."""
        return self.unknown or (self.present and isinstance(self.value, Unresolved))


def lookup(data: Any, base: JsonPath, rel: JsonPath) -> Lookup:
    """Follow ``rel`` from ``data`` (written at ``base``); a null value counts as missing."""
    cur = data
    for i, part in enumerate(rel):
        here = (*base, *rel[:i])
        if isinstance(cur, Unresolved):
            return Lookup("unknown", None, here)
        if not isinstance(cur, dict):
            return Lookup("missing", None, here)
        if part in cur and cur[part] is not None:
            cur = cur[part]
            continue
        if UNRESOLVED_KEY in cur:
            return Lookup("unknown", None, here)
        return Lookup("missing", None, here)
    return Lookup("present", cur, (*base, *rel))


def has_unresolved_subtree(value: Any) -> bool:
    return isinstance(value, Unresolved) or (isinstance(value, dict) and UNRESOLVED_KEY in value)


def is_ephemeral(container: Container) -> bool:
    return container.list_name == "ephemeralContainers"


def api_group(api_version: str) -> str:
    """``apps/v1`` → ``apps``; ``v1`` → ``""`` (the core group)."""
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def same_namespace(a: str | None, b: str | None) -> Tri:
    """Whether two declared namespaces are the same (None: not declared).

    Two undeclared namespaces are taken as the same (both objects land in the namespace
    they are applied to, the Helm release's for a chart); a placeholder matches nothing.
    """
    if isinstance(a, Unresolved) or isinstance(b, Unresolved):
        return Tri.MAYBE
    return Tri.YES if a == b else Tri.NO


def same_name(a: Any, b: Any) -> Tri:
    if isinstance(a, Unresolved) or isinstance(b, Unresolved):
        return Tri.MAYBE
    if not isinstance(a, str) or not isinstance(b, str):
        return Tri.NO
    return Tri.YES if a == b else Tri.NO


def is_prod_namespace(namespace: str | None, ctx: Context) -> Tri:
    if namespace is None:
        return Tri.NO
    if isinstance(namespace, Unresolved):
        return Tri.MAYBE
    return Tri.YES if saferegex.search(ctx.settings["prod_namespace_regex"], namespace) else Tri.NO


def int_value(value: Any) -> int | None:
    """An integer field's value (YAML int, or a string of digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and not isinstance(value, Unresolved) and value.isdigit():
        return int(value)
    return None


def percent_value(value: Any) -> float | None:
    """``"25%"`` → 25.0; anything else None."""
    if isinstance(value, str) and not isinstance(value, Unresolved):
        text = value.strip()
        if text.endswith("%"):
            try:
                return float(text[:-1])
            except ValueError:
                return None
    return None


def subject(target: Target) -> str:
    """How a message names the target: ``container 'api' of Deployment 'shop'`` or
    ``Deployment 'shop'``."""
    ctx = target.context
    if "container" in ctx:
        return f"container '{ctx.get('name')}' of {ctx.get('kind')} '{ctx.get('workload')}'"
    return f"{ctx.get('kind')} '{ctx.get('name')}'"


def undecided(target: Target, why: str, **result: Any) -> Result:
    """An ``unresolved`` outcome whose message says what could not be known."""
    return Result(unresolved=True, message=f"{subject(target)}: {why}", **result)
