"""The check registry: which Python function decides which rule.

A check is a function ``fn(target, rule, ctx) -> Iterable[Result]`` in a ``checks*.py``
module of a format package, registered with the :func:`check` decorator under the IDs of
the rules it decides::

    class FlagParams(NamedTuple):
        field: str

    @check("K8S-001", "K8S-004", target="kubernetes.container", params=FlagParams)
    def container_flag(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
        field = params_of(rule, FlagParams).field

The rule file (``rules/<format>/<ID>.yaml``) stays the home of everything a user reads or
sets: messages, docs, severity, ``params`` values, ``applies_to``. Binding a rule to its
check (``resolve``) verifies that they agree: the same target kind, and ``params`` that
build the declared params type. Nothing here imports a module a rule file names: a rule is
bound by its ID, and the only modules imported are the package's own check modules of
the rule's target package (``_import_checks``), found by file name in the installed package.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import formats

if TYPE_CHECKING:
    from .context import Context
    from .model import Result, Target
    from .rules import Rule

CheckFn = Callable[["Target", "Rule", "Context"], Iterable["Result"]]
F = TypeVar("F", bound=Callable[..., Any])
P = TypeVar("P")

PACKAGE_DIR = Path(__file__).parent
RULE_ID_RE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{3}(\.[a-z0-9][a-z0-9-]*)*$")
# Packages whose checks*.py modules hold checks: a rule's target kind names one of them.
CHECK_PACKAGES = formats.CHECK_PACKAGES


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: the function, the target kind it reads, its params type."""

    fn: CheckFn
    target: str
    params: type | None

    @property
    def qualname(self) -> str:
        """``module:function``, as rule files once named checks."""
        return f"{self.fn.__module__}:{self.fn.__name__}"


_REGISTRY: dict[str, CheckSpec] = {}


class RegistryError(Exception):
    """A check registered twice, or a rule and its check that disagree."""


def check(*rule_ids: str, target: str, params: type | None = None) -> Callable[[F], F]:
    """Register the decorated function as the check of ``rule_ids`` on ``target`` kinds."""
    if not rule_ids:
        raise RegistryError("@check needs at least one rule ID")
    if params is not None and _fields(params) is None:
        raise RegistryError(f"@check params must be a NamedTuple or dataclass, not {params!r}")

    def register(fn: F) -> F:
        spec = CheckSpec(fn, target, params)
        for rule_id in rule_ids:
            if not RULE_ID_RE.match(rule_id):
                raise RegistryError(f"{spec.qualname}: {rule_id!r} is not a rule ID")
            other = _REGISTRY.get(rule_id)
            if other is not None and other.fn is not fn:
                raise RegistryError(
                    f"{rule_id} is registered twice: {other.qualname} and {spec.qualname}"
                )
            _REGISTRY[rule_id] = spec
        return fn

    return register


def _package_of(target: str) -> str | None:
    package = target.partition(".")[0]
    return package if package in CHECK_PACKAGES else None


@functools.cache
def _import_checks(package: str) -> None:
    """Import every ``checks*.py`` module of ``package`` (which registers their checks).

    A run imports the modules of every format it lints anyway; the file names come from
    the installed package, never from a rule file.
    """
    for module in sorted((PACKAGE_DIR / package).glob("checks*.py")):
        importlib.import_module(f"devops_lint.{package}.{module.stem}")


def import_all() -> dict[str, CheckSpec]:
    """Every registered check by rule ID (imports every check module)."""
    for package in sorted(CHECK_PACKAGES):
        _import_checks(package)
    return dict(_REGISTRY)


def spec_for(rule_id: str, target: str) -> CheckSpec | None:
    """The check registered under ``rule_id``, importing its target package's checks."""
    spec = _REGISTRY.get(rule_id)
    if spec is None:
        package = _package_of(target)
        if package is not None:
            _import_checks(package)
        spec = _REGISTRY.get(rule_id)
    return spec


def spec_by_name(name: str) -> CheckSpec | None:
    """The registered check a custom rule names: a shipped rule ID or ``module:function``."""
    if RULE_ID_RE.match(name):
        return import_all().get(name)
    package = name.split(".")[1] if name.startswith("devops_lint.") and "." in name else ""
    if package not in CHECK_PACKAGES:
        return None
    _import_checks(package)
    return next((s for s in _REGISTRY.values() if s.qualname == name), None)


def ids_of(spec: CheckSpec) -> list[str]:
    """The rule IDs ``spec`` is registered under."""
    return [rule_id for rule_id, s in _REGISTRY.items() if s.fn is spec.fn]


def build_params(spec: CheckSpec, values: dict[str, Any]) -> object | None:
    """The typed params of a rule, or ``RegistryError`` naming what does not fit."""
    if spec.params is None:
        if values:
            raise RegistryError(f"{spec.qualname} takes no params, got {sorted(values)}")
        return None
    fields = set(_fields(spec.params) or ())
    unknown = sorted(set(values) - fields)
    if unknown:
        raise RegistryError(f"unknown params {unknown} for {spec.qualname}")
    try:
        built: object = spec.params(**values)
        return built
    except TypeError as exc:  # a required field missing
        raise RegistryError(f"params for {spec.qualname}: {exc}") from None


def _fields(cls: type) -> tuple[str, ...] | None:
    """Field names of a params type: a NamedTuple (cheapest to define: a module defines many
    and start-up time counts) or a dataclass."""
    named: object = getattr(cls, "_fields", None)
    if isinstance(named, tuple) and issubclass(cls, tuple):
        return tuple(str(name) for name in named)
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return None


def params_of(rule: Rule, cls: type[P]) -> P:
    """``rule``'s params as the dataclass its check declared."""
    value = rule.typed_params
    if not isinstance(value, cls):
        raise RegistryError(f"{rule.id}: params are {type(value).__name__}, not {cls.__name__}")
    return value


def agreement_problems(rules: Iterable[Rule]) -> Iterator[str]:
    """Every disagreement between the shipped rules and the registry, both ways.

    Used by the test suite and ``tools/new_rule.py``; a run checks each rule it binds.
    """
    registered = import_all()
    bound: set[str] = set()
    for rule in rules:
        if rule.require is not None or rule.target == "core.input":
            continue
        name = rule.check or rule.id
        spec = spec_by_name(name) if rule.check else registered.get(rule.id)
        if spec is None:
            yield f"{rule.id}: no check registered for {name}"
            continue
        bound.add(rule.id)
        if spec.target != rule.target:
            yield f"{rule.id}: rule target {rule.target} but {spec.qualname} reads {spec.target}"
        try:
            build_params(spec, rule.params)
        except RegistryError as exc:
            yield f"{rule.id}: {exc}"
    for rule_id in sorted(set(registered) - bound):
        yield f"{rule_id}: {registered[rule_id].qualname} is registered but no rule has this ID"
