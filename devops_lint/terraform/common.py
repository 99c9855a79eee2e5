"""Helpers every Terraform check family shares (AWS, Azure, Google, general).

- target readers: ``resource_of`` / ``module_of`` (the ``Resource`` and ``Module`` a
  ``terraform.*`` target carries). A check reads its resource without testing its type
  again: the rule file's ``applies_to`` is the one home of that filter (``Rule.applies``);
- values: ``known`` (resolved, ``None`` included), ``as_bool`` (Terraform's bool
  conversion of resolved values).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model import Unresolved

if TYPE_CHECKING:
    from ..model import Target
    from .module import Module
    from .objects import Resource


def resource_of(target: Target) -> Resource:
    """The resource (or data source) a ``terraform.resource``-like target is about."""
    r: Resource = target.context["resource"]
    return r


def module_of(target: Target) -> Module:
    """The module (directory) that holds the target's object."""
    m: Module = target.context["module"]
    return m


def known(value: Any) -> bool:
    """True for a resolved value (``None`` counts: the argument is absent)."""
    return not isinstance(value, Unresolved)


def as_bool(value: Any) -> bool | None:
    """Terraform's bool conversion (``"true"`` is true); ``None`` when unknown or not a bool."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and known(value):
        low = value.strip().lower()
        if low in ("true", "false"):
            return low == "true"
    return None
