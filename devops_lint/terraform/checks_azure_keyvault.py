"""Key Vault controls TF-AZ-009 and TF-AZ-010.

Provider defaults relied on (azurerm v3 and v4): ``purge_protection_enabled = false``,
``public_network_access_enabled = true``, ``enable_rbac_authorization`` (v3) /
``rbac_authorization_enabled`` (v4) ``false``; secrets and keys have no expiry and
secrets no content type unless set.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Result
from ..registry import check
from .azure_common import arg, inline_default_action, open_network
from .common import resource_of
from .expr import references
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

VAULT = "azurerm_key_vault"
KEY = "azurerm_key_vault_key"


# -- TF-AZ-009 -----------------------------------------------------------------------------


@check("TF-AZ-009.network-open", target="terraform.resource")
def network_open(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-009.network-open: neither public access off nor ``network_acls`` ``Deny``."""
    r = resource_of(target)
    actions = inline_default_action(r, "network_acls")
    yield from open_network(arg(r, "public_network_access_enabled"), actions)


# -- TF-AZ-010 -----------------------------------------------------------------------------


def _vault_name(r: Resource) -> str:
    """The vault a secret or key lives in (its address), for the message."""
    expr = r.expr("key_vault_id")
    for ref in references(expr) if expr is not None else []:
        addr = ref.resource_address()
        if addr is not None and addr[1] == VAULT:
            return ".".join(addr[1:]) if addr[0] == "resource" else ".".join(addr)
    return "its key vault"


def _missing(target: Target, name: str) -> Iterator[Result]:
    r = resource_of(target)
    a = arg(r, name)
    if not a.present:
        yield a.result(args={"vault": _vault_name(r)})


@check("TF-AZ-010.secret-expiry", "TF-AZ-010.key-expiry", target="terraform.resource")
def expiry(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-010.secret-expiry / .key-expiry: secret or key without ``expiration_date``."""
    yield from _missing(target, "expiration_date")


@check("TF-AZ-010.content-type", target="terraform.resource")
def content_type(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-010.content-type: secret without ``content_type``."""
    yield from _missing(target, "content_type")
