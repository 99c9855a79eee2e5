"""Allow-list variables: TF-GEN-009 (a CIDR allow-list open to the world by default or
in a variable file, or declared without validation).

Each function is ``fn(target, rule, ctx) -> Iterable[Result]`` and is named by a rule
file in ``rules/terraform/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import JsonPath, Result, Unresolved
from ..registry import check
from .common import module_of, variable_of
from .objects import Variable

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


# -- TF-GEN-009 ---------------------------------------------------------------------------

ALLOW_LIST_NAME = re.compile(
    r"(?i)(allow(ed)?|trusted|whitelist|allowlist|ingress|source|public_access|admin|ssh|management)"
    r"_?(cidrs?|cidr_blocks|ips?|ip_ranges|ranges|networks)"
)
WORLD = frozenset({"0.0.0.0/0", "::/0"})


def _world_items(value: Any) -> list[int | None]:
    """Positions of world CIDRs: list indices, or ``[None]`` for a plain string."""
    if isinstance(value, str) and not isinstance(value, Unresolved):
        return [None] if value.strip() in WORLD else []
    if isinstance(value, list):
        return [i for i, v in enumerate(value) if isinstance(v, str) and v.strip() in WORLD]
    if isinstance(value, dict):
        return (
            [None] if any(isinstance(v, str) and v.strip() in WORLD for v in value.values()) else []
        )
    return []


def _allow_list(target: Target) -> Variable | None:
    var = variable_of(target)
    return var if ALLOW_LIST_NAME.search(var.name) else None


@check("TF-GEN-009.world-default", target="terraform.variable")
def world_default(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-009.world-default."""
    var = _allow_list(target)
    if var is None or var.default is None:
        return
    for i in _world_items(target.data.get("default"))[:1]:
        base = (*var.path, "default")
        yield Result(path=base if i is None else (*base, i), args={"name": var.name})


@check("TF-GEN-009.world-tfvars", target="terraform.variable")
def world_tfvars(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-009.world-tfvars."""
    var = _allow_list(target)
    if var is None:
        return
    m = module_of(target)
    for value, doc in m.tfvars_assignments(var.name):
        for i in _world_items(value)[:1]:
            path: JsonPath = (var.name,) if i is None else (var.name, i)
            yield Result(doc=doc, path=path, args={"name": var.name, "file": doc.path})


@check("TF-GEN-009.no-validation", target="terraform.variable")
def no_validation(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-009.no-validation."""
    var = _allow_list(target)
    if var is None or var.block.body.first("validation") is not None:
        return
    yield Result(args={"name": var.name})
