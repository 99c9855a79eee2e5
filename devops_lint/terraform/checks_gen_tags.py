"""Tags and labels: TF-GEN-008 (required keys after provider defaults, EKS node-group
tag propagation). ``required_keys`` is reusable by other checks.

Each function is ``fn(target, rule, ctx) -> Iterable[Result]`` and is named by a rule
file in ``rules/terraform/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import UNRESOLVED_KEY, Result, Unresolved
from ..registry import check
from .common import module_of, resource_of
from .module import Module
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


# -- TF-GEN-008 ---------------------------------------------------------------------------


def required_keys(ctx: Context, provider: str) -> list[str]:
    keys = [
        str(k) for k in ctx.settings.get("required_tags") or ["Environment", "Owner", "Service"]
    ]
    return [k.lower() for k in keys] if provider == "google" else keys


def _default_tags(m: Module, r: Resource, provider: str) -> tuple[set[str], bool]:
    """Keys the provider adds to every resource, and whether that set is uncertain."""
    p = m.provider_of(r)
    if p is None:
        return set(), False
    if provider == "aws":
        blocks = p.data.get("default_tags")
        value = (
            blocks[0].get("tags")
            if isinstance(blocks, list) and blocks and isinstance(blocks[0], dict)
            else None
        )
    elif provider == "google":
        value = p.data.get("default_labels")
    else:
        return set(), False
    if value is None:
        return set(), False
    if isinstance(value, Unresolved) or not isinstance(value, dict):
        return set(), True
    return {k for k in value if k != UNRESOLVED_KEY}, UNRESOLVED_KEY in value


@check("TF-GEN-008.missing-key", target="terraform.resource")
def missing_tags(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-008.missing-key: required tags/labels absent after provider defaults."""
    r = resource_of(target)
    table = ctx.data("taggable_resources.yaml")
    arg = table.get(r.type) if isinstance(table, dict) else None
    if not isinstance(arg, str):
        return
    provider = r.type.split("_", 1)[0]
    required = required_keys(ctx, provider)
    m = module_of(target)
    defaults, defaults_uncertain = _default_tags(m, r, provider)
    value = r.data.get(arg)
    uncertain = defaults_uncertain
    present: set[str] = set(defaults)
    if isinstance(value, Unresolved):
        uncertain = True
    elif isinstance(value, dict):
        present |= {k for k in value if k != UNRESOLVED_KEY}
        uncertain |= UNRESOLVED_KEY in value
    elif value is not None:
        uncertain = True
    elif isinstance(r.data.get("tag"), list):  # aws_autoscaling_group `tag { key = … }` blocks
        for block in r.data["tag"]:
            key = block.get("key") if isinstance(block, dict) else None
            if isinstance(key, Unresolved) or not isinstance(key, str):
                uncertain = True
            else:
                present.add(key)
    fold = provider == "azurerm"  # Azure tag names are case-insensitive
    have = {k.lower() for k in present} if fold else present
    missing = [k for k in required if (k.lower() if fold else k) not in have]
    if not missing:
        return
    path = (*r.path, arg) if arg in r.block.body.attributes else None
    yield Result(
        path=path,
        unresolved=uncertain,
        args={"arg": arg, "missing": ", ".join(missing)},
    )


@check("TF-GEN-008.node-group-propagation", target="terraform.resource")
def node_group_propagation(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-008.node-group-propagation."""
    r = resource_of(target)
    if "tags" not in r.block.body.attributes:
        return
    if r.block.body.first("launch_template") is not None:
        return
    yield Result(path=(*r.path, "tags"))
