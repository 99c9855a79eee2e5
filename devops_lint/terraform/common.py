"""Helpers every Terraform check family shares (AWS, Azure, Google, general).

- target readers: ``resource_of`` / ``module_of`` (the ``Resource`` and ``Module`` a
  ``terraform.*`` target carries). A check reads its resource without testing its type
  again: the rule file's ``applies_to`` is the one home of that filter (``Rule.applies``);
- values: ``known`` (resolved, ``None`` included), ``as_bool`` (Terraform's bool
  conversion of resolved values), ``any_true`` (a three-valued "any");
- params: ``EndpointParams`` (TF-AWS-001 and TF-GCP-001: the control-plane exposure reported);
- settings: ``port_settings`` (``admin_ports``/``data_ports`` of Appendix A, section 4.4).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from ..context import TargetKey
from ..defaults import DEFAULT_ADMIN_PORTS, DEFAULT_DATA_PORTS
from ..model import Unresolved

if TYPE_CHECKING:
    from ..context import Context
    from .module import Module
    from .objects import Resource, Variable


class EndpointParams(NamedTuple):
    """The endpoint exposure the rule reports: world or restricted."""

    exposure: str


# The resource (or data source) a ``terraform.resource``-like target is about.
resource_of: TargetKey[Resource] = TargetKey("resource")
# The module (directory) that holds the target's object.
module_of: TargetKey[Module] = TargetKey("module")
# The modules of a whole-run target (``terraform.files``), by directory.
modules_of: TargetKey[dict[str, Module]] = TargetKey("modules")
# The variable a ``terraform.variable`` target is about.
variable_of: TargetKey[Variable] = TargetKey("variable")


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


def any_true(verdicts: Iterable[bool | None]) -> bool | None:
    """True when some verdict is True (stops there), else None when some is unknown
    (``None``), else False."""
    undecided = False
    for verdict in verdicts:
        if verdict:
            return True
        if verdict is None:
            undecided = True
    return None if undecided else False


def port_settings(ctx: Context) -> tuple[frozenset[int], frozenset[int]]:
    """(admin ports, data ports) from the configuration, else the defaults of section 4.4."""
    return (
        _ports(ctx.settings.get("admin_ports"), DEFAULT_ADMIN_PORTS),
        _ports(ctx.settings.get("data_ports"), DEFAULT_DATA_PORTS),
    )


def _ports(value: Any, default: tuple[int, ...]) -> frozenset[int]:
    if not isinstance(value, list):
        return frozenset(default)
    out: set[int] = set()
    for v in value:
        try:
            out.add(int(v))
        except (TypeError, ValueError):
            continue
    return frozenset(out)
