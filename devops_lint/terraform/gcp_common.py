"""Helpers shared by the Google Cloud checks (``checks_gcp_*.py``, standards section 6).

- values: ``known``, ``as_bool``, ``blocks``/``first_block``, ``get_in`` (a nested value,
  unresolved when an enclosing value is), ``nonempty`` (a template with literal text is
  known to be non-empty even when its interpolations are not), ``literal_affixes``;
- locations: ``at`` (a result on an argument of a resource; an absent argument falls
  back to the header of the nearest written block, standards 0.6 item 9);
- GKE: ``node_configs`` (every node configuration of a cluster or node pool, with the
  owning cluster), ``cluster_of`` (the cluster a ``google_container_node_pool`` names);
- IAM: ``grants`` (role and member of every IAM member/binding/policy resource, with
  where each is written), ``matches`` (a string, possibly a template, against known values);
- settings: ``edge_tags``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import UNRESOLVED_KEY, JsonPath, Result, Severity, Unresolved
from .common import as_bool, known
from .expr import Expr, Template
from .objects import Resource
from .resolve import value_references
from .syntax import Body

if TYPE_CHECKING:
    from ..context import Context

WORLD_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})
DEFAULT_COMPUTE_SA_SUFFIX = "-compute@developer.gserviceaccount.com"
CLOUD_PLATFORM_SCOPES = frozenset(
    {"cloud-platform", "https://www.googleapis.com/auth/cloud-platform"}
)


# -- values -------------------------------------------------------------------------


def blocks(data: Any, name: str) -> list[dict[str, Any]]:
    """Every nested block ``name`` of resolved data (dicts only)."""
    if not isinstance(data, dict):
        return []
    found = data.get(name)
    return [b for b in found if isinstance(b, dict)] if isinstance(found, list) else []


def first_block(data: Any, name: str) -> dict[str, Any] | None:
    found = blocks(data, name)
    return found[0] if found else None


def get_in(data: Any, *parts: str | int) -> Any:
    """A nested value; ``None`` when absent, the ``Unresolved`` when an enclosing value is.

    A string part selects a key (or, on a list of blocks, the key of its first block).
    """
    cur = data
    for part in parts:
        if isinstance(cur, Unresolved):
            return cur
        if isinstance(part, int):
            if not isinstance(cur, list) or not 0 <= part < len(cur):
                return None
            cur = cur[part]
            continue
        if isinstance(cur, list):
            cur = cur[0] if cur else None
        if not isinstance(cur, dict):
            return None
        if part not in cur:
            return Unresolved(UNRESOLVED_KEY) if UNRESOLVED_KEY in cur else None
        cur = cur[part]
    return cur


def expr_of(value: Any) -> Expr | None:
    expr = getattr(value, "expr", None)
    return expr if isinstance(expr, Expr) else None


def literal_affixes(value: Any) -> tuple[str, str] | None:
    """(literal prefix, literal suffix) of a string template, for known and unresolved strings.

    ``"principalSet://${local.pool}/*"`` gives ``("principalSet://", "/*")``; ``None`` when
    nothing about the text is known (a bare reference or call).
    """
    if isinstance(value, str) and known(value):
        return value, value
    expr = expr_of(value)
    if not isinstance(expr, Template):
        return None
    parts = expr.parts
    prefix = parts[0] if parts and isinstance(parts[0], str) else ""
    suffix = parts[-1] if parts and isinstance(parts[-1], str) else ""
    return prefix, suffix


def nonempty(value: Any) -> bool | None:
    """Whether a string argument is set to a non-empty value; ``None`` when unknown."""
    if value is None:
        return False
    if isinstance(value, str) and known(value):
        return bool(value.strip())
    expr = expr_of(value)
    if isinstance(expr, Template) and any(isinstance(p, str) and p.strip() for p in expr.parts):
        return True
    if isinstance(value, Unresolved):
        return None
    return True


def string_list(value: Any) -> list[Any] | None:
    """A list argument's items (a single string counts as one item); ``None`` when unknown."""
    if value is None:
        return []
    if isinstance(value, Unresolved):
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return list(value)
    return None


def refers_to_type(value: Any, *types: str) -> bool:
    """True when an unresolved value is a reference to a resource/data source of ``types``."""
    for ref in value_references(value):
        addr = ref.resource_address()
        if addr is not None and addr[1] in types:
            return True
    return False


def uncertain_dynamic(resource: Resource, label: str) -> bool:
    """True when a ``dynamic "<label>"`` block of the resource has an unknown ``for_each``.

    The module view then holds one representative block, which may not exist at all.
    """
    stack: list[Body] = [resource.block.body]
    while stack:
        body = stack.pop()
        for b in body.blocks:
            if b.type == "dynamic" and b.labels and b.labels[0] == label:
                fe = b.body.get("for_each")
                coll = resource.resolve(fe) if fe is not None else None
                # A known non-empty collection makes at least one block, whatever its items.
                if isinstance(coll, dict):
                    if UNRESOLVED_KEY in coll and len(coll) == 1:
                        return True
                elif not isinstance(coll, list):
                    return True
            stack.append(b.body)
    return False


# -- locations ----------------------------------------------------------------------


def at(
    resource: Resource,
    *parts: str | int,
    unresolved: bool = False,
    severity: Severity | None = None,
    **args: Any,
) -> Result:
    """A result on ``parts`` of ``resource``; missing parts fall back to the nearest block."""
    _ = resource.data  # building the data registers its spans on the document
    return Result(
        doc=resource.doc,
        path=(*resource.path, *parts),
        unresolved=unresolved,
        severity=severity,
        locator=resource.address,
        args={"address": resource.address, **args},
    )


# -- GKE ----------------------------------------------------------------------------


@dataclass
class NodeConfig:
    """One node configuration: a node pool (resource or inline block) or the default pool.

    ``base`` is the path of the pool inside ``resource`` (``()`` for a node-pool resource
    or the cluster's default pool, ``("node_pool", i)`` for an inline pool);
    ``config`` the ``node_config`` block (``None`` when absent); ``pool`` the data of
    the pool (``management`` lives there; ``None`` for the default pool).
    """

    resource: Resource
    base: tuple[str | int, ...]
    config: dict[str, Any] | None
    pool: dict[str, Any] | None
    cluster: Resource | None

    def path(self, *parts: str | int) -> tuple[str | int, ...]:
        """Path of ``node_config.<parts>`` relative to the resource."""
        return (*self.base, "node_config", 0, *parts)

    def result(
        self, *parts: str | int, unresolved: bool = False, severity: Severity | None = None
    ) -> Result:
        return at(self.resource, *self.path(*parts), unresolved=unresolved, severity=severity)

    def pool_result(self, *parts: str | int, unresolved: bool = False) -> Result:
        return at(self.resource, *self.base, *parts, unresolved=unresolved)


def is_autopilot(cluster: Resource) -> bool:
    return as_bool(cluster.data.get("enable_autopilot")) is True


def autopilot_unknown(cluster: Resource) -> bool:
    value = cluster.data.get("enable_autopilot")
    return value is not None and as_bool(value) is None


def cluster_of(pool: Resource) -> Resource | None:
    """The ``google_container_cluster`` a node pool names in ``cluster`` (reference or name)."""
    value = pool.data.get("cluster")
    clusters = pool.module.resources_of_type("google_container_cluster")
    for ref in value_references(value):
        addr = ref.resource_address()
        if addr is not None and addr[1] == "google_container_cluster":
            found = pool.module.find(ref)
            if found:
                return found[0]
    if isinstance(value, str) and known(value) and value:
        for c in clusters:
            name = c.data.get("name")
            if (
                isinstance(name, str)
                and known(name)
                and (value == name or value.endswith("/" + name))
            ):
                return c
    return None


def node_configs(r: Resource) -> Iterator[NodeConfig]:
    """The node configurations a GKE resource defines.

    A cluster contributes its inline ``node_pool`` blocks, or its top-level ``node_config``
    (the default pool) when it has no inline pools, is not Autopilot and does not set
    ``remove_default_node_pool = true`` (an unresolved value skips the default pool).
    """
    if r.type == "google_container_node_pool":
        yield NodeConfig(r, (), first_block(r.data, "node_config"), r.data, cluster_of(r))
        return
    if r.type != "google_container_cluster" or is_autopilot(r) or autopilot_unknown(r):
        return  # Autopilot manages the nodes (an unknown mode checks no node settings)
    pools = r.data.get("node_pool")
    if isinstance(pools, list) and pools:
        for i, pool in enumerate(pools):
            if isinstance(pool, dict):
                yield NodeConfig(r, ("node_pool", i), first_block(pool, "node_config"), pool, r)
        return
    remove = r.data.get("remove_default_node_pool")
    if remove is None or as_bool(remove) is False:
        yield NodeConfig(r, (), first_block(r.data, "node_config"), None, r)


def workload_identity(cluster: Resource) -> bool | None:
    """Whether a cluster enables Workload Identity; ``None`` when unresolved."""
    if is_autopilot(cluster):
        return True
    state = nonempty(get_in(cluster.data, "workload_identity_config", "workload_pool"))
    return None if state is False and autopilot_unknown(cluster) else state


def service_account_kind(value: Any) -> str:
    """``"default"``, ``"dedicated"`` or ``"unknown"`` for a node/instance service account.

    Absent or ``"default"`` means the Compute Engine default account, and so does a
    reference to ``data.google_compute_default_service_account``; a reference to a
    ``google_service_account`` is a dedicated account.
    """
    if value is None:
        return "default"
    if isinstance(value, str) and known(value):
        v = value.strip()
        if not v or v == "default" or v.endswith(DEFAULT_COMPUTE_SA_SUFFIX):
            return "default"
        return "dedicated"
    if refers_to_type(value, "google_compute_default_service_account"):
        return "default"
    if refers_to_type(value, "google_service_account"):
        return "dedicated"
    affixes = literal_affixes(value)
    if affixes is not None and affixes[1].endswith(DEFAULT_COMPUTE_SA_SUFFIX):
        return "default"
    return "unknown"


def has_cloud_platform(scopes: Any) -> tuple[int | None, bool]:
    """(index of a ``cloud-platform`` scope or ``None``, whether some scope is unresolved)."""
    items = string_list(scopes)
    if items is None:
        return None, True
    uncertain = False
    for i, s in enumerate(items):
        if not isinstance(s, str) or not known(s):
            uncertain = True
        elif s.strip() in CLOUD_PLATFORM_SCOPES:
            return i, False
    return None, uncertain


# -- settings -----------------------------------------------------------------------


def edge_tags(ctx: Context) -> frozenset[str]:
    value = ctx.settings.get("edge_host_tags")
    if not isinstance(value, list):
        return frozenset({"edge"})
    return frozenset(str(v) for v in value)


def path_of(resource: Resource, *parts: str | int) -> JsonPath:
    return (*resource.path, *parts)


# -- IAM grants ---------------------------------------------------------------------
# ``grants(resource)`` reads ``google_*_iam_member`` (``role``/``member``),
# ``google_*_iam_binding`` (``role``/``members``) and ``google_*_iam_policy``
# (``policy_data`` from ``data.google_iam_policy`` blocks or JSON): one ``Grant`` per
# member, with the resource (or data source) and path each part is written at.
# ``matches`` decides a possibly unresolved string with the literal text of templates
# (``"serviceAccount:${…}"`` is never ``allUsers``).

IAM_TYPE = re.compile(r"^google_(?P<scope>[a-z0-9_]+?)_iam_(?P<kind>member|binding|policy)$")


@dataclass
class Grant:
    owner: Resource  # resource or data source the paths are relative to
    role: Any
    role_path: tuple[str | int, ...]
    member: Any
    member_path: tuple[str | int, ...]

    def role_result(self, unresolved: bool = False, **args: Any) -> Result:
        return at(self.owner, *self.role_path, unresolved=unresolved, **args)

    def member_result(self, unresolved: bool = False, **args: Any) -> Result:
        return at(self.owner, *self.member_path, unresolved=unresolved, **args)


def iam_kind(type_: str) -> tuple[str, str] | None:
    """(scope, kind) of an IAM resource type: ``("project", "member")``."""
    m = IAM_TYPE.match(type_)
    return (m.group("scope"), m.group("kind")) if m else None


def matches(value: Any, candidates: frozenset[str]) -> bool | None:
    """Whether a string equals one of ``candidates``; ``None`` when it cannot be known."""
    if isinstance(value, str) and known(value):
        return value.strip() in candidates
    affixes = literal_affixes(value)
    if affixes is None:
        return None
    prefix, suffix = affixes
    if any(c.startswith(prefix) and c.endswith(suffix) for c in candidates):
        return None
    return False


def _policy_grants(r: Resource) -> list[Grant]:
    value = r.data.get("policy_data")
    out: list[Grant] = []
    if isinstance(value, str) and known(value):
        try:
            doc = json.loads(value)
        except ValueError:
            return out
        for b in doc.get("bindings", []) if isinstance(doc, dict) else []:
            if not isinstance(b, dict):
                continue
            for member in b.get("members", []) or []:
                out.append(Grant(r, b.get("role"), ("policy_data",), member, ("policy_data",)))
        return out
    for ref in value_references(value):
        addr = ref.resource_address()
        if addr is None or addr[:2] != ("data", "google_iam_policy"):
            continue
        for ds in r.module.find(ref):
            for i, b in enumerate(blocks(ds.data, "binding")):
                members = b.get("members")
                if isinstance(members, list):
                    for j, member in enumerate(members):
                        out.append(
                            Grant(
                                ds,
                                b.get("role"),
                                ("binding", i, "role"),
                                member,
                                ("binding", i, "members", j),
                            )
                        )
                else:
                    out.append(
                        Grant(
                            ds,
                            b.get("role"),
                            ("binding", i, "role"),
                            members,
                            ("binding", i, "members"),
                        )
                    )
        return out
    if value is not None:
        out.append(Grant(r, value, ("policy_data",), value, ("policy_data",)))
    return out


def grants(r: Resource) -> list[Grant]:
    kind = iam_kind(r.type)
    if kind is None:
        return []
    role = r.data.get("role")
    if kind[1] == "member":
        return [Grant(r, role, ("role",), r.data.get("member"), ("member",))]
    if kind[1] == "binding":
        members = r.data.get("members")
        if isinstance(members, list):
            return [Grant(r, role, ("role",), m, ("members", i)) for i, m in enumerate(members)]
        return [Grant(r, role, ("role",), members, ("members",))]
    return _policy_grants(r)


def public_member(value: Any) -> bool | None:
    return matches(value, PUBLIC_MEMBERS)
