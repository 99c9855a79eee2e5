"""What the pod security checks (K8S-001 … K8S-012) share: where a finding about a
``securityContext`` value lands, the levels where one can be written, one unresolved
outcome per place. The principles that decide which value is checked are in
``checks_pod_security``'s docstring.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..context import Context
from ..model import JsonPath, Result, Span, Target
from ..rules import CheckFn, Rule
from .objects import Container, Lookup, PodSpec, containers, lookup


class VariantParams(NamedTuple):
    """Which of the rules sharing one check this is (``hostpath``, ``dangerous`` …)."""

    variant: str


def result_at(look: Lookup, anchor: Span, message: str | None = None, **args: Any) -> Result:
    """A finding or unresolved outcome for ``look``: at its value, else at ``anchor``."""
    if look.is_set or (look.unresolved and not look.hidden):
        return Result(message, path=look.path, unresolved=look.unresolved, args=args)
    return Result(message, span=anchor, unresolved=look.unresolved, args=args)


def templated(what: str, look: Lookup) -> str:
    """Message of an unresolved outcome: what could not be checked, and why."""
    if look.hidden:
        return f"{what} cannot be checked: part of the manifest is templated"
    return f"{what} cannot be checked: templated value {str(look.value)!r}"


@dataclass(frozen=True)
class Level:
    """One place a securityContext can be written: the pod spec or one container."""

    name: str  # for messages: "the pod securityContext", "... of container 'api'"
    data: dict[str, Any]  # the pod spec or the container
    path: JsonPath
    anchor: Span  # where a finding about something hidden at this level goes


def levels(pod: PodSpec) -> Iterator[Level]:
    yield Level("the pod securityContext", pod.data, pod.path, pod.anchor)
    for c in containers(pod):
        name = f"the securityContext of container '{c.name}'"
        yield Level(name, c.data, c.path, c.anchor)


def level_values(pod: PodSpec, *keys: str) -> Iterator[tuple[Level, Lookup]]:
    """``securityContext.<keys>`` at every level."""
    for level in levels(pod):
        yield level, lookup(level.data, level.path, "securityContext", *keys)


def unknown_at(what: str, look: Lookup, anchor: Span) -> Result:
    """Unresolved outcome where the finding would be: the value, else the anchor."""
    return result_at(look, anchor, templated(what, look))


def once_per_place(check: CheckFn) -> CheckFn:
    """Keep one unresolved outcome per location (a templated block hides many fields)."""

    @functools.wraps(check)
    def wrapper(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
        seen: set[object] = set()
        for res in check(target, rule, ctx):
            if res.unresolved:
                place = (res.path, res.span)
                if place in seen:
                    continue
                seen.add(place)
            yield res

    return wrapper


def container_names(cs: Iterable[Container]) -> str:
    return ", ".join(f"'{c.name}'" for c in cs)


def yaml_text(value: Any) -> str:
    """A value as YAML writes it (``false``, not ``False``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def is_zero(value: Any) -> bool:
    return type(value) is int and value == 0
