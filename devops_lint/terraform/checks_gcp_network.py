"""Firewall and Compute Engine checks: TF-GCP-008 and TF-GCP-013 (standards section 6)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import UNRESOLVED_KEY, Result, Target, Unresolved
from ..registry import check, params_of
from .common import as_bool, known, port_settings, resource_of
from .gcp_common import (
    WORLD_CIDRS,
    at,
    blocks,
    edge_tags,
    first_block,
    has_cloud_platform,
    service_account_kind,
    string_list,
    uncertain_dynamic,
)
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

# -- TF-GCP-008 ---------------------------------------------------------------------

# Rule slugs in the order the standard ranks them (first match wins).
FIREWALL_ORDER = ("world-all-ports", "world-admin-port", "world-data-port", "world-other-port")
PORT_PROTOCOLS = frozenset({"tcp", "udp", "sctp", "6", "17", "132"})
WEB_PORTS = frozenset({80, 443})
MAX_PORT = 65535


@dataclass
class Reach:
    """What the ``allow`` blocks of one firewall admit."""

    best: int | None = None  # index into FIREWALL_ORDER of the first matching rule
    maybe: int | None = None  # best index an unresolved part could reach
    ports: list[str] = field(default_factory=list)  # for messages


def _parse_ports(value: Any) -> list[tuple[int, int]] | None:
    """Port ranges of an ``allow.ports`` list; ``[(0, 65535)]`` when absent; ``None`` if unknown."""
    items = string_list(value)
    if items is None:
        return None
    if not items:
        return [(0, MAX_PORT)]
    out: list[tuple[int, int]] = []
    for item in items:
        if not known(item):
            return None
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            continue  # not a port: the provider rejects it
        lo, _, hi = str(item).strip().partition("-")
        try:
            low = int(lo)
            high = int(hi) if hi else low
        except ValueError:
            continue
        out.append((low, high))
    return out


def _rank_ranges(ranges: list[tuple[int, int]], admin: frozenset[int], data: frozenset[int]) -> int:
    if any(lo <= 1 and hi >= MAX_PORT for lo, hi in ranges):
        return 0
    if any(lo <= p <= hi for p in admin for lo, hi in ranges):
        return 1
    if any(lo <= p <= hi for p in data for lo, hi in ranges):
        return 2
    if any(not (lo == hi and lo in WEB_PORTS) for lo, hi in ranges):
        return 3
    return 4  # only 80/443: no finding


def _min(a: int | None, b: int) -> int:
    return b if a is None else min(a, b)


def firewall_reach(r: Resource, ctx: Context) -> Reach:
    admin, data = port_settings(ctx)
    reach = Reach()
    for allow in blocks(r.data, "allow"):
        proto = allow.get("protocol")
        if proto is None or isinstance(proto, bool):
            continue  # invalid without a protocol: the provider rejects it
        if not isinstance(proto, (str, int)) or not known(proto):
            reach.maybe = _min(reach.maybe, 0)
            continue
        p = str(proto).strip().lower()
        if p == "all":
            reach.best = _min(reach.best, 0)
            reach.ports.append("all")
            continue
        if p not in PORT_PROTOCOLS:
            reach.best = _min(reach.best, 3)
            reach.ports.append(p)
            continue
        ranges = _parse_ports(allow.get("ports"))
        if ranges is None:
            reach.maybe = _min(reach.maybe, 1)
            continue
        rank = _rank_ranges(ranges, admin, data)
        if rank < 4:
            reach.best = _min(reach.best, rank)
        reach.ports.extend(f"{p}/{lo}" if lo == hi else f"{p}/{lo}-{hi}" for lo, hi in ranges)
    if uncertain_dynamic(r, "allow"):
        reach.maybe = _min(reach.maybe, 0)
    return reach


@dataclass
class Exposure:
    slug: str
    where: tuple[str | int, ...]
    unresolved: bool
    cidr: str
    ports: str


def _state_uncertain(r: Resource) -> bool | None:
    """``None`` when the rule admits nothing (egress, disabled); else whether that is unknown."""
    direction = r.data.get("direction")
    disabled = r.data.get("disabled")
    uncertain = False
    if direction is not None:
        if not isinstance(direction, str) or not known(direction):
            uncertain = True
        elif direction.strip().upper() != "INGRESS":
            return None
    if as_bool(disabled) is True:
        return None
    if disabled is not None and as_bool(disabled) is None:
        uncertain = True
    return uncertain


def firewall_exposures(r: Resource, ctx: Context) -> list[Exposure]:
    """One outcome per world source range of an enabled ingress rule (standards TF-GCP-008)."""
    state = _state_uncertain(r)
    if state is None:
        return []
    reach = firewall_reach(r, ctx)
    ports = ", ".join(reach.ports) or "unknown ports"
    out: list[Exposure] = []
    raw = r.data.get("source_ranges")
    sources = string_list(raw)
    world: list[tuple[tuple[str | int, ...], str]] = []
    unknown: list[tuple[str | int, ...]] = []
    if sources is None:
        unknown.append(("source_ranges",))
    elif not sources and not (r.data.get("source_tags") or r.data.get("source_service_accounts")):
        world.append(((), "0.0.0.0/0 (no source given)"))  # the API's default source
    for i, s in enumerate(sources or []):
        where: tuple[str | int, ...] = (
            ("source_ranges", i) if isinstance(raw, list) else ("source_ranges",)
        )
        if not known(s):
            unknown.append(where)
        elif isinstance(s, str) and s.strip() in WORLD_CIDRS:
            world.append((where, s.strip()))
    for where, cidr in world:
        if reach.best is not None:
            out.append(Exposure(FIREWALL_ORDER[reach.best], where, state, cidr, ports))
        if reach.maybe is not None and (reach.best is None or reach.maybe < reach.best):
            out.append(Exposure(FIREWALL_ORDER[reach.maybe], where, True, cidr, ports))
    if not world:
        rank = reach.best if reach.maybe is None else _min(reach.best, reach.maybe)
        if rank is not None:
            for where in unknown[:1]:
                out.append(Exposure(FIREWALL_ORDER[rank], where, True, "unresolved range", ports))
    return out


class FirewallParams(NamedTuple):
    """The exposure class the rule reports (``Exposure.slug``)."""

    slug: str


@check(
    "TF-GCP-008.world-admin-port",
    "TF-GCP-008.world-all-ports",
    "TF-GCP-008.world-data-port",
    "TF-GCP-008.world-other-port",
    target="terraform.resource",
    params=FirewallParams,
)
def firewall(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-008.world-* (``params.slug``)."""
    r = resource_of(target)
    slug = params_of(rule, FirewallParams).slug
    key = f"gcp.firewall:{r.doc.path}:{r.address}"
    exposures: list[Exposure] = ctx.memo(key, lambda: firewall_exposures(r, ctx))
    for e in exposures:
        if e.slug == slug:
            yield at(r, *e.where, unresolved=e.unresolved, cidr=e.cidr, ports=e.ports)


# -- TF-GCP-013 ---------------------------------------------------------------------


@check("TF-GCP-013.default-sa-full-scope", target="terraform.resource")
def default_sa_full_scope(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-013.default-sa-full-scope: default account with the ``cloud-platform`` scope."""
    r = resource_of(target)
    for i, sa in enumerate(blocks(r.data, "service_account")):
        kind = service_account_kind(sa.get("email"))
        if kind == "dedicated":
            continue
        index, uncertain = has_cloud_platform(sa.get("scopes"))
        if index is not None:
            yield at(r, "service_account", i, "scopes", index, unresolved=kind == "unknown")
        elif uncertain and kind == "default":
            yield at(r, "service_account", i, "scopes", unresolved=True)


@check("TF-GCP-013.external-ip", target="terraform.resource")
def external_ip(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-013.external-ip: ``access_config`` on an instance without an edge tag."""
    r = resource_of(target)
    tags = string_list(r.data.get("tags"))
    edge = edge_tags(ctx)
    if tags is not None and any(isinstance(t, str) and known(t) and t in edge for t in tags):
        return
    tags_unknown = tags is None or any(not (isinstance(t, str) and known(t)) for t in tags)
    for i, nic in enumerate(blocks(r.data, "network_interface")):
        for label in ("access_config", "ipv6_access_config"):
            maybe = uncertain_dynamic(r, label)
            for j, _ in enumerate(blocks(nic, label)):
                yield at(r, "network_interface", i, label, j, unresolved=tags_unknown or maybe)


@check("TF-GCP-013.shielded-vm", target="terraform.resource")
def shielded_vm(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-013.shielded-vm: no ``shielded_instance_config``, or vTPM/integrity monitoring off.

    The provider documents Shielded VM as disabled when the block is absent; inside the
    block ``enable_vtpm`` and ``enable_integrity_monitoring`` default to true.
    """
    r = resource_of(target)
    sic = first_block(r.data, "shielded_instance_config")
    if sic is None:
        yield at(
            r,
            "shielded_instance_config",
            unresolved=uncertain_dynamic(r, "shielded_instance_config"),
        )
        return
    for name in ("enable_vtpm", "enable_integrity_monitoring"):
        value = sic.get(name)
        if as_bool(value) is False:
            yield at(r, "shielded_instance_config", 0, name)
            return
        if value is not None and as_bool(value) is None:
            yield at(r, "shielded_instance_config", 0, name, unresolved=True)
            return


_MISSING = object()


def _metadata(r: Resource, key: str) -> tuple[Any, tuple[str | int, ...], bool]:
    """(value or ``_MISSING``, where to report, whether the metadata map is uncertain)."""
    md = r.data.get("metadata")
    if md is None:
        return _MISSING, (), False
    if not isinstance(md, dict):
        return _MISSING, ("metadata",), True
    if key in md:
        return md[key], ("metadata", key), False
    return _MISSING, ("metadata",), UNRESOLVED_KEY in md


def _project_metadata_true(r: Resource, key: str) -> bool:
    """True when the module sets ``key`` to true in project-wide metadata."""
    m = r.module
    for pm in m.resources_of_type("google_compute_project_metadata"):
        md = pm.data.get("metadata")
        if isinstance(md, dict) and as_bool(md.get(key)) is True:
            return True
    for item in m.resources_of_type("google_compute_project_metadata_item"):
        if item.data.get("key") == key and as_bool(item.data.get("value")) is True:
            return True
    return False


def _metadata_required(r: Resource, key: str, project_level: bool) -> Iterator[Result]:
    value, where, uncertain = _metadata(r, key)
    if value is _MISSING:
        if project_level and _project_metadata_true(r, key):
            return
        yield at(r, *where, unresolved=uncertain, key=key)
        return
    flag = as_bool(value)
    if flag is True:
        return
    yield at(r, *where, unresolved=flag is None and not known(value), key=key)


@check("TF-GCP-013.project-ssh-keys", target="terraform.resource")
def project_ssh_keys(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-013.project-ssh-keys: metadata ``block-project-ssh-keys`` not true."""
    r = resource_of(target)
    yield from _metadata_required(r, "block-project-ssh-keys", project_level=False)


@check("TF-GCP-013.os-login", target="terraform.resource")
def os_login(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-013.os-login: ``enable-oslogin`` not true on the instance or the project."""
    r = resource_of(target)
    yield from _metadata_required(r, "enable-oslogin", project_level=True)


@check("TF-GCP-013.serial-port", target="terraform.resource")
def serial_port(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-013.serial-port: metadata ``serial-port-enable`` true."""
    r = resource_of(target)
    value, where, uncertain = _metadata(r, "serial-port-enable")
    if value is _MISSING:
        if uncertain:
            yield at(r, *where, unresolved=True)
        return
    if as_bool(value) is True or (isinstance(value, (str, int)) and str(value).strip() == "1"):
        yield at(r, *where)
    elif isinstance(value, Unresolved):
        yield at(r, *where, unresolved=True)
