"""Helpers shared by the Azure checks (``checks_azure_*.py``, standards section 5).

Arguments are read from ``Resource.data`` (resolved values) and reported at their
written line; a missing argument or block is reported at the resource header
(standards 0.6 item 9), which is what a ``Result`` without a path does. azurerm v3
and v4 spell some arguments differently (``enable_https_traffic_only`` /
``https_traffic_only_enabled``): ``first`` takes every spelling.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import UNRESOLVED_KEY, Document, JsonPath, Result, Unresolved
from .common import as_bool, resource_of
from .expr import Expr, Template, references
from .functions import to_string
from .module import Module
from .objects import Resource

if TYPE_CHECKING:
    from ..checkargs import CheckFn
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

HOLE = "\x00"  # stands for an unresolved part of a string template


@dataclass(frozen=True)
class Arg:
    """One argument of a resource: its resolved value and where it is written."""

    value: Any
    path: JsonPath
    present: bool  # written with a value other than `null` (which means "absent")
    written: bool = False  # written at all, `null` included: where findings point

    @property
    def unresolved(self) -> bool:
        return isinstance(self.value, Unresolved)

    def result(self, **kw: Any) -> Result:
        """A result at the argument when it is written, else at the resource header."""
        return Result(path=self.path if self.written else None, **kw)


def blocks(r: Resource, name: str, within: tuple[str | int, ...] = ()) -> list[dict[str, Any]]:
    """The nested blocks ``name`` (inside the block at ``within``), as dicts."""
    holder: Any = r.data
    for part in within:
        if isinstance(part, int):
            holder = holder[part] if isinstance(holder, list) and part < len(holder) else None
        else:
            holder = holder.get(part) if isinstance(holder, dict) else None
    items = holder.get(name) if isinstance(holder, dict) else None
    return [b for b in items if isinstance(b, dict)] if isinstance(items, list) else []


def arg(r: Resource, *path: str | int) -> Arg:
    """The argument at ``path`` (``"site_config", 0, "ftps_state"``), absent when not written."""
    cur: Any = r.data
    for part in path:
        if isinstance(part, int):
            if not isinstance(cur, list) or not 0 <= part < len(cur):
                return Arg(None, (*r.path, *path), False)
            cur = cur[part]
        else:
            if not isinstance(cur, dict) or part not in cur:
                return Arg(None, (*r.path, *path), False)
            cur = cur[part]
    # A written `null` is the same as leaving the argument out (Terraform semantics),
    # but a finding about it still points at the line that says so.
    return Arg(cur, (*r.path, *path), cur is not None, True)


def first(r: Resource, *names: str, within: tuple[str | int, ...] = ()) -> Arg:
    """The first written spelling among ``names`` (v3 / v4), else an absent argument."""
    for name in names:
        a = arg(r, *within, name)
        if a.present:
            return a
    return arg(r, *within, names[-1])


def reject_flag(a: Arg, unwanted: bool, **kw: Any) -> Iterator[Result]:
    """A result when the written argument ``a`` is ``unwanted`` (absent is the safe default)."""
    if not a.present:
        return
    b = as_bool(a.value)
    if b is unwanted:
        yield a.result(**kw)
    elif b is None:
        yield a.result(unresolved=True, **kw)


class DefaultAction(NamedTuple):
    """A network rule set's ``default_action``, in the document that writes it; ``uncertain``
    when its block comes from a ``dynamic`` block that may not exist."""

    doc: Document
    arg: Arg
    uncertain: bool


def inline_default_action(r: Resource, block: str) -> list[DefaultAction]:
    """The ``default_action`` of ``r``'s inline network block (``network_acls`` of a key
    vault, ``network_rules`` of a storage account), when the block is written."""
    if not blocks(r, block):
        return []
    action = arg(r, block, 0, "default_action")
    return [DefaultAction(r.doc, action, block_uncertain(r, block))]


def open_network(public: Arg, actions: list[DefaultAction]) -> Iterator[Result]:
    """A result unless ``public_network_access_enabled`` is false or some default action is
    certainly ``Deny``: at the first allowing default action, else at the public-access
    argument; unresolved when an unknown value could close the network."""
    pb = as_bool(public.value)
    if pb is False:
        return
    maybe = public.present and pb is None
    where: Result | None = None
    for doc, a, uncertain in actions:
        s = as_str(a.value)
        if s is None:
            maybe = maybe or a.present
            continue
        if s.lower() == "deny":
            if not uncertain:
                return
            maybe = True
        elif where is None:
            where = a.result(doc=doc)
    if where is None:
        where = public.result()
    where.unresolved = maybe
    yield where


def as_str(value: Any) -> str | None:
    """A resolved scalar as a string (numbers too: ``minimum_tls_version = 1.2``)."""
    if isinstance(value, Unresolved) or value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, float):
        return repr(value)
    return to_string(value)


def block_uncertain(r: Resource, name: str) -> bool:
    """True when a ``dynamic "<name>"`` block's ``for_each`` does not resolve.

    The module view then holds one representative block, but whether the block
    exists at all is unknown, so a pass that rests on its presence is unresolved.
    """
    for b in r.block.body.blocks_of("dynamic"):
        if b.labels and b.labels[0] == name:
            fe = b.body.get("for_each")
            coll = r.resolve(fe) if fe is not None else None
            if isinstance(coll, dict) and UNRESOLVED_KEY not in coll:
                continue
            if isinstance(coll, list) and not any(isinstance(v, Unresolved) for v in coll):
                continue
            return True
    return False


def refers_to(cand: Resource, names: Iterable[str], target: Resource) -> bool:
    """True when one of ``cand``'s arguments ``names`` references ``target`` (any attribute)."""
    for name in names:
        expr = cand.expr(name)
        if expr is None:
            continue
        for ref in references(expr):
            if ref.resource_address() == target.path:
                return True
    return False


def by_reference(m: Module, target: Resource, type_: str, names: Iterable[str]) -> list[Resource]:
    """Resources of ``type_`` whose arguments ``names`` reference ``target``."""
    names = tuple(names)
    return [c for c in m.resources_of_type(type_) if refers_to(c, names, target)]


def template_skeleton(r: Resource, expr: Expr | None) -> str | None:
    """A string value with every unresolved interpolation replaced by ``HOLE``.

    ``"repo:${var.repo}:environment:prod"`` gives ``"repo:\\x00:environment:prod"``,
    so a check can still decide on the parts that are written out.
    """
    if expr is None:
        return None
    value = r.resolve(expr)
    if isinstance(value, str) and not isinstance(value, Unresolved):
        return value
    if not isinstance(expr, Template):
        return None
    out: list[str] = []
    for part in expr.parts:
        if isinstance(part, str):
            out.append(part)
            continue
        v = r.resolve(part)
        s = as_str(v)
        out.append(HOLE if s is None else s)
    return "".join(out)


def version_tuple(value: Any) -> tuple[int, int] | None:
    """``"1.28.3"`` → ``(1, 28)``; ``None`` when the value is not a version."""
    s = as_str(value)
    if s is None:
        return None
    parts = s.strip().lstrip("vV").split(".")
    if len(parts) < 2:
        return None
    try:
        return int(parts[0]), int(parts[1])
    except ValueError:
        return None


# Decides every sub-rule of a control in one pass over the resource: ``(slug, result)`` pairs.
Classifier = Callable[[Resource, "Context"], Iterable[tuple[str, Result]]]


def by_slug(classify: Classifier) -> CheckFn:
    """The check of the sub-rules ``classify`` decides together: each rule (``TF-AZ-008.
    world-admin-port``) keeps the results of its own slug (``world-admin-port``)."""

    @functools.wraps(classify)
    def run(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
        slug = rule_slug(rule.id)
        for s, res in classify(resource_of(target), ctx):
            if s == slug:
                yield res

    return run


def rule_slug(rule_id: str) -> str:
    return rule_id.partition(".")[2]
