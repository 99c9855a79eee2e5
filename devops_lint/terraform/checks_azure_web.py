"""App Service control TF-AZ-013: web and function apps are HTTPS-only with modern TLS.

Provider defaults relied on: ``https_only = false``; ``site_config.minimum_tls_version
= "1.2"`` on the current resources (``min_tls_version = "1.2"`` on the legacy
``azurerm_app_service``/``azurerm_function_app``); ``ftps_state = "Disabled"`` on the
current resources and ``"AllAllowed"`` on the legacy ones. Deployment slots
(``*_slot``) are checked like their apps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Result
from ..registry import check
from .azure_common import arg, as_str, blocks, first, version_tuple
from .common import resource_of

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

_APPS = (
    "azurerm_linux_web_app",
    "azurerm_windows_web_app",
    "azurerm_linux_function_app",
    "azurerm_windows_function_app",
)
# Deployment slots take the same arguments and defaults as their app, and serve the
# same traffic after a swap, so they are held to the same rules.
CURRENT = frozenset({*_APPS, *(f"{t}_slot" for t in _APPS)})
LEGACY = frozenset(
    {
        "azurerm_app_service",
        "azurerm_function_app",
        "azurerm_app_service_slot",
        "azurerm_function_app_slot",
    }
)


@check("TF-AZ-013.tls", target="terraform.resource")
def tls(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-013.tls: ``site_config`` TLS version set below 1.2 (absent passes)."""
    r = resource_of(target)
    if not blocks(r, "site_config"):
        return
    names = ("min_tls_version", "minimum_tls_version")
    if r.type in CURRENT:
        names = ("minimum_tls_version", "min_tls_version")
    a = first(r, *names, within=("site_config", 0))
    if not a.present:
        return
    s = as_str(a.value)
    v = version_tuple(s) if s is not None else None
    if v is None:
        yield a.result(unresolved=True, args={"value": str(a.value)})
    elif v < (1, 2):
        yield a.result(args={"value": s})


@check("TF-AZ-013.ftp", target="terraform.resource")
def ftp(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-013.ftp: ``ftps_state = "AllAllowed"``, or absent on the legacy resources."""
    r = resource_of(target)
    a = arg(r, "site_config", 0, "ftps_state")
    if not a.present:
        if r.type in LEGACY:
            yield Result(args={"value": "AllAllowed (default)"})
        return
    s = as_str(a.value)
    if s is None:
        yield a.result(unresolved=True, args={"value": str(a.value)})
    elif s.strip().lower() == "allallowed":
        yield a.result(args={"value": s})
