"""AKS controls TF-AZ-001 … TF-AZ-005 (``azurerm_kubernetes_cluster`` and node pools).

Provider defaults relied on (azurerm v3 and v4): ``private_cluster_enabled = false``,
``role_based_access_control_enabled = true``, ``local_account_disabled = false``, no
network policy, ``enable_node_public_ip``/``node_public_ip_enabled = false``, no
automatic upgrade channel, node OS channel ``NodeImage`` (v4), diagnostic ``log``
blocks ``enabled = true`` (v3).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import JsonPath, Result, Unresolved
from ..registry import check
from .azure_common import (
    Arg,
    arg,
    as_str,
    block_uncertain,
    blocks,
    by_reference,
    by_slug,
    first,
    reject_flag,
    version_tuple,
)
from .common import as_bool, module_of, resource_of
from .expr import references
from .module import Module
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

CLUSTER = "azurerm_kubernetes_cluster"
NODE_POOL = "azurerm_kubernetes_cluster_node_pool"
DIAGNOSTIC = "azurerm_monitor_diagnostic_setting"
WORLD_RANGES = frozenset({"0.0.0.0/0", "::/0", "0.0.0.0", "*"})
NETWORK_POLICIES = frozenset({"azure", "calico", "cilium"})
AUDIT_CATEGORIES = frozenset({"kube-audit", "kube-audit-admin"})
AUDIT_GROUPS = frozenset({"audit", "alllogs"})


# -- TF-AZ-001 -----------------------------------------------------------------------------


@check(
    "TF-AZ-001.public-restricted",
    "TF-AZ-001.public-world",
    "TF-AZ-001.world-range",
    target="terraform.resource",
)
@by_slug
def api_server(r: Resource, ctx: Context) -> Iterator[tuple[str, Result]]:
    """TF-AZ-001.public-world / world-range / public-restricted."""
    private = arg(r, "private_cluster_enabled")
    if as_bool(private.value) is True:
        return
    # Unknown privacy: whatever the ranges say is only a possibility.
    maybe = private.present and as_bool(private.value) is None
    written: list[Arg] = []
    entries: list[tuple[JsonPath, Any]] = []
    for a in (
        arg(r, "api_server_access_profile", 0, "authorized_ip_ranges"),
        arg(r, "api_server_authorized_ip_ranges"),  # v3 only
    ):
        if not a.present:
            continue
        if isinstance(a.value, list) and not a.unresolved:
            entries.extend(((*a.path, i), v) for i, v in enumerate(a.value))
            if a.value:
                written.append(a)
        else:
            written.append(a)  # a whole unresolved list: some ranges, unknown which
    if not written:
        yield "public-world", private.result(unresolved=maybe)
        return
    world = [
        p
        for p, v in entries
        if isinstance(v, str) and not isinstance(v, Unresolved) and v.strip() in WORLD_RANGES
    ]
    for p in world:
        yield "world-range", Result(path=p, unresolved=maybe)
    if not world:
        # Ranges that do not resolve still make the endpoint public-with-ranges: the
        # finding rests on the resolved part (public), like TF-AWS-001.
        yield "public-restricted", written[0].result(unresolved=maybe)


# -- TF-AZ-002 -----------------------------------------------------------------------------


@check("TF-AZ-002.rbac-disabled", target="terraform.resource")
def rbac_disabled(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-002.rbac-disabled: ``role_based_access_control_enabled = false``."""
    r = resource_of(target)
    yield from reject_flag(arg(r, "role_based_access_control_enabled"), False)


@check("TF-AZ-002.no-entra", target="terraform.resource")
def no_entra(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-002.no-entra: no ``azure_active_directory_role_based_access_control`` block."""
    r = resource_of(target)
    name = "azure_active_directory_role_based_access_control"
    present = bool(blocks(r, name))
    if not present or block_uncertain(r, name):
        yield Result(unresolved=present)


# -- TF-AZ-003 -----------------------------------------------------------------------------


@check("TF-AZ-003", target="terraform.resource")
def network_policy(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-003: ``network_profile.network_policy`` is azure, calico or cilium."""
    r = resource_of(target)
    if not blocks(r, "network_profile"):
        yield Result()
        return
    a = arg(r, "network_profile", 0, "network_policy")
    if not a.present:
        # Azure CNI powered by Cilium enforces NetworkPolicy without a network_policy value.
        plane = first(r, "ebpf_data_plane", "network_data_plane", within=("network_profile", 0))
        s = as_str(plane.value)
        if s is not None and s.lower() == "cilium":
            return
        # A missing nested argument is reported at the resource header.
        yield Result(unresolved=plane.present and s is None)
        return
    value = as_str(a.value)
    if value is None:
        yield a.result(unresolved=True)
    elif value.lower() not in NETWORK_POLICIES:
        yield a.result(args={"value": value})
    elif block_uncertain(r, "network_profile"):
        yield Result(unresolved=True)


# -- TF-AZ-004 -----------------------------------------------------------------------------


def _audit_state(setting: Resource) -> bool | None:
    """Whether a diagnostic setting exports the audit logs (``None``: cannot tell)."""
    unknown = False
    for kind in ("enabled_log", "log"):
        uncertain = block_uncertain(setting, kind)
        for block in blocks(setting, kind):
            if kind == "log":  # v3: `enabled` defaults to true
                enabled = block.get("enabled")
                on = True if enabled is None else as_bool(enabled)
                if on is False:
                    continue
                if on is None:
                    unknown = True
                    continue
            cat, grp = block.get("category"), block.get("category_group")
            hit = False
            for value, wanted in ((cat, AUDIT_CATEGORIES), (grp, AUDIT_GROUPS)):
                s = as_str(value)
                if value is not None and s is None:
                    unknown = True
                elif s is not None and s.lower() in wanted:
                    hit = True
            if hit and not uncertain:
                return True
            if hit:
                unknown = True
    return None if unknown else False


def _target_unknown(setting: Resource) -> bool:
    """The setting's target is neither a resource of this module nor a literal ID."""
    value = setting.data.get("target_resource_id")
    if not isinstance(value, Unresolved):
        return False
    expr = setting.expr("target_resource_id")
    refs = references(expr) if expr is not None else []
    return not any(ref.resource_address() is not None for ref in refs)


def _literal_target(m: Module, cluster: Resource) -> list[Resource]:
    name = cluster.data.get("name")
    if not isinstance(name, str) or isinstance(name, Unresolved) or not name:
        return []
    suffix = f"/managedclusters/{name.lower()}"
    out = []
    for s in m.resources_of_type(DIAGNOSTIC):
        tid = as_str(s.data.get("target_resource_id"))
        if tid is not None and tid.lower().rstrip("/").endswith(suffix):
            out.append(s)
    return out


@check("TF-AZ-004.no-audit-export", target="terraform.resource")
def audit_export(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-004.no-audit-export: no diagnostic setting exports kube-audit(-admin)."""
    r = resource_of(target)
    m = module_of(target)
    ours = by_reference(m, r, DIAGNOSTIC, ("target_resource_id",))
    ours += [s for s in _literal_target(m, r) if s not in ours]
    states = [_audit_state(s) for s in ours]
    if True in states:
        return
    # A setting of this module whose target is an input or module output, or a setting
    # of a calling module that targets this module's outputs, may be this cluster's.
    others = [s for s in m.resources_of_type(DIAGNOSTIC) if s not in ours and _target_unknown(s)]
    others += _caller_settings(m)
    maybe = None in states or any(_audit_state(s) is not False for s in others)
    yield Result(unresolved=maybe)


def _caller_settings(m: Module, depth: int = 0) -> list[Resource]:
    """Diagnostic settings of calling modules whose target is an output of ``m``."""
    out: list[Resource] = []
    if depth > 10:
        return out
    for call in m.callers:
        for s in call.caller.resources_of_type(DIAGNOSTIC):
            expr = s.expr("target_resource_id")
            refs = references(expr) if expr is not None else []
            if any(r.root == "module" and r.parts[1:2] == (call.name,) for r in refs):
                out.append(s)
        out += _caller_settings(call.caller, depth + 1)
    return out


@check("TF-AZ-004.no-monitoring", target="terraform.resource")
def monitoring(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-004.no-monitoring: neither ``oms_agent`` nor ``monitor_metrics``."""
    r = resource_of(target)
    names = ("oms_agent", "monitor_metrics")
    present = [n for n in names if blocks(r, n)]
    if present and not all(block_uncertain(r, n) for n in present):
        return
    yield Result(unresolved=bool(present))


# -- TF-AZ-005 -----------------------------------------------------------------------------


def _pools(r: Resource) -> list[tuple[tuple[str | int, ...], Resource]]:
    """(path prefix of the node-pool arguments, resource) for a cluster or node pool."""
    if r.type == CLUSTER:
        return [(("default_node_pool", 0), r)] if blocks(r, "default_node_pool") else []
    if r.type == NODE_POOL:
        return [((), r)]
    return []


@check("TF-AZ-005.node-public-ip", target="terraform.resource")
def node_public_ip(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-005.node-public-ip: ``enable_node_public_ip`` (v3) / ``node_public_ip_enabled``."""
    r = resource_of(target)
    for within, res in _pools(r):
        a = first(res, "enable_node_public_ip", "node_public_ip_enabled", within=within)
        yield from reject_flag(a, True)


@check("TF-AZ-005.outdated", target="terraform.resource")
def outdated(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-005.outdated: version below ``min_kubernetes_version`` (major.minor)."""
    r = resource_of(target)
    minimum = version_tuple(ctx.settings.get("min_kubernetes_version") or "1.35")
    if minimum is None:
        return
    versions: list[Arg] = []
    if r.type == CLUSTER:
        versions.append(arg(r, "kubernetes_version"))
    versions += [arg(res, *within, "orchestrator_version") for within, res in _pools(r)]
    for a in versions:
        if not a.present:
            continue  # AKS then uses its current default version
        v = version_tuple(a.value)
        if v is None:
            yield a.result(unresolved=True, args={"version": str(a.value), "minimum": _v(minimum)})
        elif v < minimum:
            yield a.result(args={"version": str(a.value), "minimum": _v(minimum)})


def _v(v: tuple[int, int]) -> str:
    return f"{v[0]}.{v[1]}"


@check("TF-AZ-005.no-upgrade-channel", target="terraform.resource")
def upgrade_channel(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AZ-005.no-upgrade-channel: no automatic channel and node OS upgrades off."""
    r = resource_of(target)
    auto = first(r, "automatic_channel_upgrade", "automatic_upgrade_channel")
    node_os = first(r, "node_os_channel_upgrade", "node_os_upgrade_channel")
    maybe = False
    if auto.present:
        s = as_str(auto.value)
        if s is None:
            maybe = True
        elif s.lower() != "none":
            return
    if not node_os.present:
        return  # absent is NodeImage (azurerm v4 default): node images are patched
    s = as_str(node_os.value)
    if s is None:
        maybe = True
    elif s.lower() not in ("none", "unmanaged"):
        return
    yield auto.result(unresolved=maybe)
