"""Managed database control TF-AZ-011 (Azure SQL, PostgreSQL and MySQL flexible servers).

Provider defaults relied on (azurerm v3 and v4): ``public_network_access_enabled =
true``, ``azurerm_mssql_server.minimum_tls_version = "1.2"``, backup retention 7 days
(``backup_retention_days`` on flexible servers, ``short_term_retention_policy`` on
``azurerm_mssql_database``), ``geo_redundant_backup_enabled = false``.

Joins: firewall rules and server configurations name their server by ``server_id``
(or ``server_name`` on MySQL), private endpoints by
``private_service_connection.private_connection_resource_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import saferegex
from ..model import UNRESOLVED_KEY, Result, Unresolved
from ..registry import check, params_of
from .azure_common import arg, as_str, refers_to
from .common import as_bool, module_of, resource_of
from .module import Module
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

MSSQL = "azurerm_mssql_server"
POSTGRES = "azurerm_postgresql_flexible_server"
MYSQL = "azurerm_mysql_flexible_server"
FLEXIBLE = frozenset({POSTGRES, MYSQL})
FIREWALL_RULES: dict[str, tuple[str, ...]] = {
    "azurerm_mssql_firewall_rule": (MSSQL,),
    "azurerm_postgresql_flexible_server_firewall_rule": (POSTGRES,),
    "azurerm_mysql_flexible_server_firewall_rule": (MYSQL,),
}
SERVER_ARGS = ("server_id", "server_name")
PRIVATE_ENDPOINT = "azurerm_private_endpoint"
MSSQL_OLD_TLS = frozenset({"1.0", "1.1", "disabled"})
OLD_TLS_PROTOCOLS = frozenset({"tlsv1", "tlsv1.0", "tlsv1.1"})
ENV_TAGS = ("environment", "Environment", "env")
DEFAULT_RETENTION = 7


def _servers_of(m: Module, r: Resource, types: tuple[str, ...]) -> list[Resource]:
    """The servers a firewall rule or configuration belongs to (by reference or name)."""
    own = as_str(r.data.get("server_name"))
    return [
        server
        for type_ in types
        for server in m.resources_of_type(type_)
        if refers_to(r, SERVER_ARGS, server)
        or (own is not None and as_str(server.data.get("name")) == own)
    ]


def _private(m: Module, server: Resource) -> bool:
    """A private endpoint for the server, or VNet integration of a flexible server."""
    if server.type in FLEXIBLE and server.data.get("delegated_subnet_id") is not None:
        return True
    return any(pe.refers_to(server) for pe in m.resources_of_type(PRIVATE_ENDPOINT))


# -- public network ------------------------------------------------------------------------


@check("TF-AZ-011.public-network", target="terraform.resource")
def public_network(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-011.public-network: public access on (default) without private connectivity."""
    r = resource_of(target)
    a = arg(r, "public_network_access_enabled")
    b = as_bool(a.value)
    if b is False or _private(module_of(target), r):
        return
    yield a.result(unresolved=a.present and b is None)


def _firewall(target: Target, slug: str) -> Iterator[Result]:
    r = resource_of(target)
    types = FIREWALL_RULES.get(r.type)
    if types is None:
        return
    start, end = arg(r, "start_ip_address"), arg(r, "end_ip_address")
    s, e = as_str(start.value), as_str(end.value)

    def possible(want_start: str, want_end: str) -> tuple[bool, bool]:
        """(possible, certain) for a range start-end."""
        ok_s = s is None or s.strip() == want_start
        ok_e = e is None or e.strip() == want_end
        return ok_s and ok_e, s is not None and e is not None

    world, world_certain = possible("0.0.0.0", "255.255.255.255")
    azure, azure_certain = possible("0.0.0.0", "0.0.0.0")
    if slug == "world-firewall":
        hit, certain = world, world_certain
    else:
        # An unresolved range that may span the internet is reported as world-firewall.
        hit, certain = azure and (azure_certain or not world), azure_certain
    if not hit:
        return
    maybe = not certain
    servers = _servers_of(module_of(target), r, types)
    if servers:
        flags = [as_bool(sv.data.get("public_network_access_enabled")) for sv in servers]
        written = [sv.data.get("public_network_access_enabled") is not None for sv in servers]
        if all(f is False for f in flags):
            return  # firewall rules do not apply while public network access is disabled
        if any(f is None and w for f, w in zip(flags, written, strict=True)):
            maybe = True
    yield start.result(unresolved=maybe)


class FirewallParams(NamedTuple):
    """The range the rule reports: ``world-firewall`` (0.0.0.0-255.255.255.255) or
    ``azure-services-rule`` (0.0.0.0-0.0.0.0, every Azure service)."""

    range: str


@check(
    "TF-AZ-011.world-firewall",
    "TF-AZ-011.azure-services-rule",
    target="terraform.resource",
    params=FirewallParams,
)
def firewall_rule(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-011.world-firewall / .azure-services-rule (``params.range``)."""
    yield from _firewall(target, params_of(rule, FirewallParams).range)


# -- TLS -----------------------------------------------------------------------------------


def _weak_tls_setting(name: str, value: str) -> bool:
    v = value.strip().lower()
    if name == "require_secure_transport":
        return v in ("off", "0", "false")
    if name == "ssl_min_protocol_version":
        return v in OLD_TLS_PROTOCOLS
    if name == "tls_version":
        return any(part.strip() in OLD_TLS_PROTOCOLS for part in v.split(","))
    return False


TLS_SETTINGS = ("require_secure_transport", "ssl_min_protocol_version", "tls_version")


@check("TF-AZ-011.tls", target="terraform.resource")
def tls(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-011.tls: Azure SQL minimum TLS below 1.2; flexible-server TLS configurations."""
    r = resource_of(target)
    if r.type == MSSQL:
        a = arg(r, "minimum_tls_version")
        if not a.present:
            return  # default "1.2"
        s = as_str(a.value)
        if s is None:
            yield a.result(unresolved=True, args={"setting": "minimum_tls_version", "value": "?"})
        elif s.strip().lower() in MSSQL_OLD_TLS:
            yield a.result(args={"setting": "minimum_tls_version", "value": s})
        return
    name = as_str(r.data.get("name"))
    if name is None or name.strip().lower() not in TLS_SETTINGS:
        return
    a = arg(r, "value")
    s = as_str(a.value)
    args = {"setting": name, "value": s if s is not None else "?"}
    if s is None:
        if a.present:
            yield a.result(unresolved=True, args=args)
    elif _weak_tls_setting(name.strip().lower(), s):
        yield a.result(args=args)


# -- backups -------------------------------------------------------------------------------


def _min_retention(ctx: Context) -> int:
    try:
        return int(ctx.settings.get("min_backup_retention_days") or DEFAULT_RETENTION)
    except (TypeError, ValueError):
        return DEFAULT_RETENTION


@check("TF-AZ-011.backup-retention", target="terraform.resource")
def backup_retention(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-011.backup-retention: retention below ``min_backup_retention_days``."""
    r = resource_of(target)
    if r.type in FLEXIBLE:
        a = arg(r, "backup_retention_days")
    else:  # azurerm_mssql_database
        a = arg(r, "short_term_retention_policy", 0, "retention_days")
    minimum = _min_retention(ctx)
    value: Any = a.value if a.present else DEFAULT_RETENTION
    if isinstance(value, Unresolved):
        yield a.result(unresolved=True, args={"days": str(value), "minimum": minimum})
        return
    try:
        days = float(value)
    except (TypeError, ValueError):
        yield a.result(unresolved=True, args={"days": str(value), "minimum": minimum})
        return
    if days < minimum:
        yield a.result(args={"days": as_str(value), "minimum": minimum})


def _prod(r: Resource, ctx: Context) -> bool | None:
    """Whether the server's environment tag is a production value (``None``: unknown)."""
    tags = r.data.get("tags")
    if tags is None:
        return False
    if not isinstance(tags, dict):
        return None
    pattern = ctx.settings.get("prod_environment_regex") or r"(?i)^(prod|production|live)(-.*)?$"
    for key in ENV_TAGS:
        if key in tags:
            value = as_str(tags[key])
            if value is None:
                return None
            return saferegex.search(pattern, value)  # repository config: RE2
    return None if UNRESOLVED_KEY in tags else False


@check("TF-AZ-011.geo-backup", target="terraform.resource")
def geo_backup(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-011.geo-backup: prod-tagged flexible server without geo-redundant backup."""
    r = resource_of(target)
    prod = _prod(r, ctx)
    if prod is False:
        return
    a = arg(r, "geo_redundant_backup_enabled")
    b = as_bool(a.value)
    if b is True:
        return
    yield a.result(unresolved=prod is None or (a.present and b is None))
