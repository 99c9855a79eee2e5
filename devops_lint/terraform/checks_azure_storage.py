"""Storage controls TF-AZ-006 and TF-AZ-007 (``azurerm_storage_account`` and containers).

Provider defaults relied on (azurerm v3 and v4): HTTPS-only ``true``,
``min_tls_version = "TLS1_2"``, ``public_network_access_enabled = true``,
``container_access_type = "private"``; ``allow_nested_items_to_be_public`` is treated
as ``true`` when absent (the provider defaulted it to ``true``; standards TF-AZ-007).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Result
from ..registry import check
from .azure_common import (
    DefaultAction,
    arg,
    as_str,
    by_reference,
    first,
    inline_default_action,
    open_network,
    reject_flag,
)
from .common import module_of, resource_of
from .module import Module
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

NETWORK_RULES = "azurerm_storage_account_network_rules"
OLD_TLS = frozenset({"tls1_0", "tls1_1"})


# -- TF-AZ-006 -----------------------------------------------------------------------------


@check("TF-AZ-006.http-allowed", target="terraform.resource")
def http_allowed(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-006.http-allowed: HTTPS-only explicitly ``false`` (absent is ``true``)."""
    r = resource_of(target)
    a = first(r, "enable_https_traffic_only", "https_traffic_only_enabled")
    yield from reject_flag(a, False, args={"arg": a.path[-1]})


@check("TF-AZ-006.tls", target="terraform.resource")
def tls(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-006.tls: ``min_tls_version`` set to TLS1_0 or TLS1_1 (absent is TLS1_2)."""
    r = resource_of(target)
    a = arg(r, "min_tls_version")
    if not a.present:
        return
    s = as_str(a.value)
    if s is None:
        yield a.result(unresolved=True, args={"value": str(a.value)})
    elif s.lower() in OLD_TLS:
        yield a.result(args={"value": s})


# -- TF-AZ-007 -----------------------------------------------------------------------------


@check("TF-AZ-007.container-public", target="terraform.resource")
def container_public(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-007.container-public: ``container_access_type`` ``blob`` or ``container``."""
    r = resource_of(target)
    a = arg(r, "container_access_type")
    if not a.present:
        return  # default "private"
    s = as_str(a.value)
    if s is None:
        yield a.result(unresolved=True, args={"value": str(a.value)})
    elif s.lower() in ("blob", "container"):
        yield a.result(args={"value": s})


def _network_rules(m: Module, account: Resource) -> list[Resource]:
    """``azurerm_storage_account_network_rules`` resources for the account."""
    out = by_reference(m, account, NETWORK_RULES, ("storage_account_id", "storage_account_name"))
    name = account.data.get("name")
    if isinstance(name, str) and name and as_str(name) is not None:
        for c in m.resources_of_type(NETWORK_RULES):
            if c not in out and c.data.get("storage_account_name") == name:
                out.append(c)
    return out


@check("TF-AZ-007.network-open", target="terraform.resource")
def network_open(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-007.network-open: neither public access off nor a ``Deny`` default action."""
    r = resource_of(target)
    actions = inline_default_action(r, "network_rules")
    for res in _network_rules(module_of(target), r):
        actions.append(DefaultAction(res.doc, arg(res, "default_action"), False))
    yield from open_network(arg(r, "public_network_access_enabled"), actions)
