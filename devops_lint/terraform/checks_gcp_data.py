"""Cloud Storage and Cloud SQL checks: TF-GCP-009 and TF-GCP-010 (standards section 6)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..checkargs import given
from ..model import Result, Severity, Target
from ..registry import check
from .common import as_bool, known, resource_of
from .gcp_common import (
    PUBLIC_MEMBERS,
    WORLD_CIDRS,
    at,
    blocks,
    first_block,
    get_in,
    grants,
    literal_affixes,
    matches,
    string_list,
    uncertain_dynamic,
)
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

# -- TF-GCP-009 ---------------------------------------------------------------------

BUCKET_IAM = frozenset(
    {
        "google_storage_bucket_iam_member",
        "google_storage_bucket_iam_binding",
        "google_storage_bucket_iam_policy",
    }
)
# ACL resources: ``role_entity`` entries are ``ROLE:entity``; the access-control
# resources name one ``entity``.
ROLE_ENTITY_ACLS = frozenset(
    {"google_storage_bucket_acl", "google_storage_default_object_acl", "google_storage_object_acl"}
)
ENTITY_ACLS = frozenset(
    {
        "google_storage_bucket_access_control",
        "google_storage_default_object_access_control",
        "google_storage_object_access_control",
    }
)
PUBLIC_PREDEFINED_ACLS = frozenset({"publicRead", "publicReadWrite"})


def _entity_public(value: Any) -> bool | None:
    """Whether an ACL entity (``allUsers``) or ``ROLE:entity`` entry names the public."""
    if isinstance(value, str) and known(value):
        entity = value.rsplit(":", 1)[-1].strip()
        return entity in PUBLIC_MEMBERS
    affixes = literal_affixes(value)
    if affixes is None:
        return None
    suffix = affixes[1]
    if suffix and not any(m.endswith(suffix) or suffix.endswith(":" + m) for m in PUBLIC_MEMBERS):
        return False
    return None


@check("TF-GCP-009.public-member", target="terraform.resource")
def bucket_public_member(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-009.public-member: bucket IAM or ACL grants to allUsers/allAuthenticatedUsers."""
    r = resource_of(target)
    if r.type in BUCKET_IAM:
        for g in grants(r):
            state = matches(g.member, PUBLIC_MEMBERS)
            if state is not False:
                yield g.member_result(unresolved=state is None, member=str(g.member))
        return
    if r.type in ROLE_ENTITY_ACLS:
        predefined = r.data.get("predefined_acl")
        if (
            isinstance(predefined, str)
            and known(predefined)
            and predefined in PUBLIC_PREDEFINED_ACLS
        ):
            yield at(r, "predefined_acl", member=predefined)
        elif predefined is not None and not known(predefined):
            yield at(r, "predefined_acl", unresolved=True, member=str(predefined))
        entries = string_list(r.data.get("role_entity"))
        if entries is None:
            yield at(r, "role_entity", unresolved=True, member="unresolved")
            return
        raw_is_list = isinstance(r.data.get("role_entity"), list)
        for i, entry in enumerate(entries):
            state = _entity_public(entry)
            if state is not False:
                where = ("role_entity", i) if raw_is_list else ("role_entity",)
                yield at(r, *where, unresolved=state is None, member=str(entry))
        return
    if r.type == "google_storage_bucket_object":
        predefined = r.data.get("predefined_acl")
        if isinstance(predefined, str) and known(predefined):
            if predefined in PUBLIC_PREDEFINED_ACLS:
                yield at(r, "predefined_acl", member=predefined)
        elif predefined is not None:
            yield at(r, "predefined_acl", unresolved=True, member=str(predefined))
        return
    if r.type in ENTITY_ACLS:
        entity = r.data.get("entity")
        state = _entity_public(entity)
        if state is not False:
            yield at(r, "entity", unresolved=state is None, member=str(entity))


@check("TF-GCP-009.ubla", target="terraform.resource")
def ubla(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-009.ubla: ``uniform_bucket_level_access`` absent or false (default false)."""
    r = resource_of(target)
    value = r.data.get("uniform_bucket_level_access")
    if as_bool(value) is True:
        return
    yield at(r, "uniform_bucket_level_access", unresolved=value is not None and not known(value))


@check("TF-GCP-009.pap", target="terraform.resource")
def pap(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-009.pap: ``public_access_prevention`` absent or ``inherited``."""
    r = resource_of(target)
    value = r.data.get("public_access_prevention")
    if isinstance(value, str) and known(value):
        if value.strip().lower() != "enforced":
            yield at(r, "public_access_prevention")
    elif value is None:
        yield at(r, "public_access_prevention")
    else:
        yield at(r, "public_access_prevention", unresolved=True)


# -- TF-GCP-010 ---------------------------------------------------------------------

SQL = "google_sql_database_instance"
IP = ("settings", 0, "ip_configuration", 0)
BACKUP = ("settings", 0, "backup_configuration", 0)
TLS_MODES = frozenset({"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"})


def _ip_config(r: Resource) -> dict[str, Any] | None:
    return first_block(first_block(r.data, "settings"), "ip_configuration")


def _networks(r: Resource) -> list[dict[str, Any]]:
    return blocks(_ip_config(r), "authorized_networks")


@check("TF-GCP-010.world-network", target="terraform.resource")
def world_network(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-010.world-network: an authorized network of ``0.0.0.0/0``."""
    r = resource_of(target)
    for i, net in enumerate(_networks(r)):
        value = net.get("value")
        if isinstance(value, str) and known(value):
            if value.strip() in WORLD_CIDRS:
                yield at(r, *IP, "authorized_networks", i, "value", cidr=value)
        elif value is not None:
            yield at(r, *IP, "authorized_networks", i, "value", unresolved=True, cidr=str(value))


@check("TF-GCP-010.public-ip", target="terraform.resource")
def public_ip(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-010.public-ip: ``ipv4_enabled`` absent (default true) or true.

    High when authorized networks are listed, medium when none are (the instance is then
    reachable only through the IAM-checked Cloud SQL Auth Proxy and connectors).
    """
    r = resource_of(target)
    value = get_in(r.data, *IP, "ipv4_enabled")
    if as_bool(value) is False:
        return
    nets = _networks(r)
    severity: Severity = "high" if nets else "medium"
    state = "lists authorized networks" if nets else "lists no authorized networks"
    uncertain = (value is not None and as_bool(value) is None) or (
        bool(nets) and uncertain_dynamic(r, "authorized_networks")
    )
    yield Result(
        doc=r.doc,
        path=(*r.path, *IP, "ipv4_enabled"),
        unresolved=uncertain,
        severity=None if uncertain else severity,
        locator=r.address,
        args={"address": r.address, "networks": state},
    )


@check("TF-GCP-010.tls", target="terraform.resource")
def tls(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-010.tls: neither ``ssl_mode`` enforcing TLS nor legacy ``require_ssl = true``."""
    r = resource_of(target)
    ip = _ip_config(r)
    mode = ip.get("ssl_mode") if ip is not None else None
    legacy = ip.get("require_ssl") if ip is not None else None
    if isinstance(mode, str) and known(mode):
        if mode.strip().upper() in TLS_MODES:
            return
        yield at(r, *IP, "ssl_mode")
        return
    if mode is not None:
        yield at(r, *IP, "ssl_mode", unresolved=True)
        return
    if as_bool(legacy) is True:
        return
    yield at(
        r,
        *IP,
        "require_ssl" if legacy is not None else "ssl_mode",
        unresolved=legacy is not None and as_bool(legacy) is None,
    )


def _primary_db(target: Target) -> Resource | None:
    """The target's Cloud SQL instance unless it is a read replica (replicas take their
    backups from the primary)."""
    r = resource_of(target)
    return None if r.data.get("master_instance_name") is not None else r


@check("TF-GCP-010.backups", target="terraform.resource")
@given(_primary_db)
def backups(target: Target, rule: Rule, ctx: Context, r: Resource) -> Iterator[Result]:
    """TF-GCP-010.backups: ``backup_configuration.enabled`` not true (default false)."""
    value = get_in(r.data, *BACKUP, "enabled")
    if as_bool(value) is True:
        return
    yield at(r, *BACKUP, "enabled", unresolved=value is not None and as_bool(value) is None)


@check("TF-GCP-010.pitr", target="terraform.resource")
@given(_primary_db)
def pitr(target: Target, rule: Rule, ctx: Context, r: Resource) -> Iterator[Result]:
    """TF-GCP-010.pitr: PostgreSQL without point-in-time recovery, MySQL without binary logs."""
    version = r.data.get("database_version")
    if not isinstance(version, str) or not known(version):
        if version is not None:
            yield at(r, "database_version", unresolved=True, setting="point-in-time recovery")
        return
    v = version.strip().upper()
    if v.startswith("POSTGRES"):
        field, setting = "point_in_time_recovery_enabled", "point-in-time recovery"
    elif v.startswith("MYSQL"):
        field, setting = "binary_log_enabled", "binary logging"
    else:
        return
    value = get_in(r.data, *BACKUP, field)
    if as_bool(value) is True:
        return
    unresolved = value is not None and as_bool(value) is None
    yield at(r, *BACKUP, field, unresolved=unresolved, setting=setting)
