"""GKE checks: TF-GCP-001 … TF-GCP-007 (standards section 6).

Cluster settings are read from ``google_container_cluster``; node settings from every
node configuration ``gcp_common.node_configs`` yields (node-pool resources, inline
``node_pool`` blocks and the default pool's ``node_config``). Provider defaults are
those of google v5/v6 as the standard's review notes fix them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import Result, Target, Unresolved
from ..registry import check, params_of
from .common import EndpointParams, as_bool, known, resource_of
from .gcp_common import (
    NodeConfig,
    at,
    autopilot_unknown,
    blocks,
    first_block,
    get_in,
    has_cloud_platform,
    is_autopilot,
    node_configs,
    nonempty,
    service_account_kind,
    workload_identity,
)
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

CLUSTER = "google_container_cluster"
WORLD = frozenset({"0.0.0.0/0", "::/0"})


def _nodes(target: Target) -> Iterator[NodeConfig]:
    yield from node_configs(resource_of(target))


# -- TF-GCP-001 ---------------------------------------------------------------------


def endpoint_exposure(c: Resource) -> tuple[str, tuple[str | int, ...], bool]:
    """(``private``/``world``/``restricted``, where to report, whether it rests on unknowns)."""
    data = c.data
    ip_endpoint = get_in(data, "control_plane_endpoints_config", "ip_endpoints_config", "enabled")
    if as_bool(ip_endpoint) is False:  # v6 DNS-only control plane: no IP endpoint at all
        return "private", (), False
    pcc = first_block(data, "private_cluster_config")
    epe = pcc.get("enable_private_endpoint") if pcc is not None else None
    if as_bool(epe) is True:
        return "private", (), False
    uncertain = epe is not None and as_bool(epe) is None
    where: tuple[str | int, ...] = (
        ("private_cluster_config", 0, "enable_private_endpoint") if epe is not None else ()
    )
    man = first_block(data, "master_authorized_networks_config")
    if man is None:
        return "world", where, uncertain
    raw = man.get("cidr_blocks")
    cidrs = blocks(man, "cidr_blocks")
    unknown = isinstance(raw, Unresolved)
    for i, block in enumerate(cidrs):
        value = block.get("cidr_block")
        if isinstance(value, str) and known(value) and value.strip() in WORLD:
            return (
                "world",
                ("master_authorized_networks_config", 0, "cidr_blocks", i, "cidr_block"),
                uncertain,
            )
        if not known(value):
            unknown = True
    if not cidrs and not unknown:
        # An authorized-networks block without CIDRs admits no external address.
        return "private", (), False
    return "restricted", where, uncertain


@check(
    "TF-GCP-001.public-restricted",
    "TF-GCP-001.public-world",
    target="terraform.resource",
    params=EndpointParams,
)
def public_endpoint(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-001.public-world / .public-restricted (``params.exposure``)."""
    c = resource_of(target)
    exposure, where, uncertain = endpoint_exposure(c)
    if exposure == params_of(rule, EndpointParams).exposure:
        yield at(c, *where, unresolved=uncertain)


@check("TF-GCP-001.public-nodes", target="terraform.resource")
def public_nodes(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-001.public-nodes: ``enable_private_nodes`` absent or false."""
    c = resource_of(target)
    where = ("private_cluster_config", 0, "enable_private_nodes")
    value = get_in(c.data, *where)
    if as_bool(value) is True:
        return
    yield at(c, *where, unresolved=value is not None and as_bool(value) is None)


# -- TF-GCP-002 ---------------------------------------------------------------------


def _flag_true(c: Resource, *where: str | int) -> Iterator[Result]:
    value = get_in(c.data, *where)
    if as_bool(value) is True:
        yield at(c, *where)
    elif value is not None and as_bool(value) is None:
        yield at(c, *where, unresolved=True)


@check("TF-GCP-002.legacy-abac", target="terraform.resource")
def legacy_abac(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-002.legacy-abac."""
    c = resource_of(target)
    yield from _flag_true(c, "enable_legacy_abac")


@check("TF-GCP-002.client-cert", target="terraform.resource")
def client_cert(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-002.client-cert."""
    c = resource_of(target)
    where = ("master_auth", 0, "client_certificate_config", 0, "issue_client_certificate")
    yield from _flag_true(c, *where)


@check("TF-GCP-002.basic-auth", target="terraform.resource")
def basic_auth(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-002.basic-auth: ``master_auth.username``/``password`` set (pre-v4 configurations)."""
    c = resource_of(target)
    for field in ("username", "password"):
        value = get_in(c.data, "master_auth", 0, field)
        state = nonempty(value)
        if state is True:
            yield at(c, "master_auth", 0, field)
            return
        if state is None:
            yield at(c, "master_auth", 0, field, unresolved=True)
            return


# -- TF-GCP-003 ---------------------------------------------------------------------


@check("TF-GCP-003.no-workload-identity", target="terraform.resource")
def no_workload_identity(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-003.no-workload-identity (Autopilot always enables it)."""
    c = resource_of(target)
    state = workload_identity(c)
    if state is True:
        return
    where = ("workload_identity_config", 0, "workload_pool")
    yield at(c, *where, unresolved=state is None)


METADATA_MODES = frozenset({"GKE_METADATA", "GKE_METADATA_SERVER"})


@check("TF-GCP-003.node-metadata", target="terraform.resource")
def node_metadata(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-003.node-metadata.

    An absent ``workload_metadata_config`` takes GKE's default: the GKE metadata server
    when the cluster enables Workload Identity, the Compute Engine metadata otherwise.
    """
    for n in _nodes(target):
        mode = get_in(n.config, "workload_metadata_config", "mode")
        if mode is None:
            if n.cluster is None:
                yield n.result("workload_metadata_config", unresolved=True)
                continue
            state = workload_identity(n.cluster)
            if state is not True:
                yield n.result("workload_metadata_config", unresolved=state is None)
        elif not isinstance(mode, str) or not known(mode):
            yield n.result("workload_metadata_config", 0, "mode", unresolved=True)
        elif mode.strip().upper() not in METADATA_MODES:
            yield n.result("workload_metadata_config", 0, "mode")


@check("TF-GCP-003.default-sa", target="terraform.resource")
def default_sa(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-003.default-sa: node service account absent or the Compute Engine default."""
    for n in _nodes(target):
        kind = service_account_kind(get_in(n.config, "service_account"))
        if kind != "dedicated":
            yield n.result("service_account", unresolved=kind == "unknown")


@check("TF-GCP-003.broad-scope", target="terraform.resource")
def broad_scope(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-003.broad-scope: ``cloud-platform`` scope together with the default account."""
    for n in _nodes(target):
        kind = service_account_kind(get_in(n.config, "service_account"))
        if kind == "dedicated":
            continue
        index, uncertain = has_cloud_platform(get_in(n.config, "oauth_scopes"))
        if index is not None:
            yield n.result("oauth_scopes", index, unresolved=kind == "unknown")
        elif uncertain and kind == "default":
            yield n.result("oauth_scopes", unresolved=True)


# -- TF-GCP-004 ---------------------------------------------------------------------


@check("TF-GCP-004", target="terraform.resource")
def network_policy(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-004: ``network_policy { enabled = true }`` or Dataplane V2."""
    c = resource_of(target)
    if is_autopilot(c):  # Autopilot always runs Dataplane V2
        return
    datapath = c.data.get("datapath_provider")
    enabled = get_in(c.data, "network_policy", "enabled")
    if isinstance(datapath, str) and known(datapath) and datapath == "ADVANCED_DATAPATH":
        return
    if as_bool(enabled) is True:
        return
    uncertain = (
        not known(datapath)
        or (enabled is not None and as_bool(enabled) is None)
        or autopilot_unknown(c)
    )
    if enabled is not None:
        yield at(c, "network_policy", 0, "enabled", unresolved=uncertain)
    elif datapath is not None:
        yield at(c, "datapath_provider", unresolved=uncertain)
    else:
        yield at(c, unresolved=uncertain)


# -- TF-GCP-005 ---------------------------------------------------------------------


def _service_off(c: Resource, service: str, config: str) -> Iterator[Result]:
    value = c.data.get(service)
    if isinstance(value, str) and known(value):
        if value.strip().lower() == "none":
            yield at(c, service)
            return
    elif value is not None:
        yield at(c, service, unresolved=True)
        return
    # An empty component list turns the service off as well.
    components = get_in(c.data, config, "enable_components")
    if isinstance(components, list) and not components:
        yield at(c, config, 0, "enable_components")


@check("TF-GCP-005.logging-off", target="terraform.resource")
def logging_off(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-005.logging-off: ``logging_service = "none"`` or no logging components."""
    c = resource_of(target)
    yield from _service_off(c, "logging_service", "logging_config")


@check("TF-GCP-005.monitoring-off", target="terraform.resource")
def monitoring_off(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-005.monitoring-off: ``monitoring_service = "none"`` or no monitoring components."""
    c = resource_of(target)
    yield from _service_off(c, "monitoring_service", "monitoring_config")


@check("TF-GCP-005.components", target="terraform.resource")
def logging_components(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-005.components: a set component list lacks system or API-server/workload logs."""
    c = resource_of(target)
    where = ("logging_config", 0, "enable_components")
    value = get_in(c.data, *where)
    if value is None or (isinstance(value, list) and not value):
        return  # absent: GKE default (system and workload logs); empty: logging-off
    if not isinstance(value, list):
        yield at(c, *where, unresolved=True, missing="components (unresolved)")
        return
    names = {v.strip().upper() for v in value if isinstance(v, str) and known(v)}
    uncertain = any(not (isinstance(v, str) and known(v)) for v in value)
    missing = []
    if "SYSTEM_COMPONENTS" not in names:
        missing.append("SYSTEM_COMPONENTS")
    if not names & {"APISERVER", "WORKLOADS"}:
        missing.append("APISERVER or WORKLOADS")
    if missing:
        yield at(c, *where, unresolved=uncertain, missing=", ".join(missing))


# -- TF-GCP-006 ---------------------------------------------------------------------


@check("TF-GCP-006.secure-boot", target="terraform.resource")
def secure_boot(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-006.secure-boot: ``enable_secure_boot`` absent or false (default false)."""
    for n in _nodes(target):
        where = ("shielded_instance_config", 0, "enable_secure_boot")
        value = get_in(n.config, *where)
        if as_bool(value) is not True:
            yield n.result(*where, unresolved=value is not None and as_bool(value) is None)


@check("TF-GCP-006.image-type", target="terraform.resource")
def image_type(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-006.image-type: ``image_type`` set to a non-COS image (absent is COS)."""
    for n in _nodes(target):
        value = get_in(n.config, "image_type")
        if value is None:
            continue
        if not isinstance(value, str) or not known(value):
            yield n.result("image_type", unresolved=True)
        elif not value.strip().upper().startswith("COS"):
            yield n.result("image_type")


class ManagementParams(NamedTuple):
    """The ``management`` flag that must not be false."""

    field: str


@check(
    "TF-GCP-006.auto-repair",
    "TF-GCP-006.auto-upgrade",
    target="terraform.resource",
    params=ManagementParams,
)
def management(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-006.auto-repair / .auto-upgrade (``params.field``): explicitly false."""
    field = params_of(rule, ManagementParams).field
    for n in _nodes(target):
        if n.pool is None:
            continue
        value = get_in(n.pool, "management", field)
        if as_bool(value) is False:
            yield n.pool_result("management", 0, field)
        elif value is not None and as_bool(value) is None:
            yield n.pool_result("management", 0, field, unresolved=True)


@check("TF-GCP-006.release-channel", target="terraform.resource")
def release_channel(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-006.release-channel: no ``release_channel`` block or ``UNSPECIFIED``."""
    c = resource_of(target)
    block = first_block(c.data, "release_channel")
    if block is None:
        yield at(c)
        return
    channel = block.get("channel")
    if channel is None or (isinstance(channel, str) and known(channel) and _unspecified(channel)):
        yield at(c, "release_channel", 0, "channel")
    elif not known(channel):
        yield at(c, "release_channel", 0, "channel", unresolved=True)


def _unspecified(channel: str) -> bool:
    return channel.strip().upper() in ("UNSPECIFIED", "")


# -- TF-GCP-007 ---------------------------------------------------------------------


@check("TF-GCP-007", target="terraform.resource")
def database_encryption(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GCP-007: ``database_encryption { state = "ENCRYPTED", key_name = … }``."""
    c = resource_of(target)
    block = first_block(c.data, "database_encryption")
    if block is None:
        yield at(c)
        return
    state: Any = block.get("state")
    if not known(state):
        yield at(c, "database_encryption", 0, "state", unresolved=True)
        return
    if not (isinstance(state, str) and state.strip().upper() == "ENCRYPTED"):
        yield at(c, "database_encryption", 0, "state")
        return
    key = nonempty(block.get("key_name"))
    if key is False:
        yield at(c, "database_encryption", 0, "key_name")
