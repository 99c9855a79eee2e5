"""RBAC semantics of standards section 3.2: what a role rule grants, which binding
reaches which role, and the run's index of roles and bindings.

"Grants verb V on resource R" (section 3.2 preamble): some rule has ``apiGroups``
containing R's group or ``*``, ``resources`` containing R or ``*`` and ``verbs``
containing V or ``*``. Templated values make a relation unresolved (three-valued).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import JsonPath, Target, Unresolved
from .objects import K8sObject
from .selectors import Tri, in_api_groups, same_namespace, tri_all, tri_any

if TYPE_CHECKING:
    from ..context import Context

RBAC_GROUP = "rbac.authorization.k8s.io"
ROLE_KINDS = frozenset({"Role", "ClusterRole"})
BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})
WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")


# ----------------------------------------------------------------- rule analysis
def _strings(value: Any) -> tuple[list[str], bool]:
    """The string items of a rule field and whether any item (or the field) is templated."""
    if isinstance(value, Unresolved):
        return [], True
    if not isinstance(value, list):
        return [], False
    unknown = any(isinstance(v, Unresolved) for v in value)
    return [v for v in value if isinstance(v, str) and not isinstance(v, Unresolved)], unknown


def _contains(value: Any, wanted: str) -> Tri:
    items, unknown = _strings(value)
    if "*" in items or wanted in items:
        return True
    return None if unknown else False


def resource_matches(value: Any, resource: str) -> Tri:
    """Whether a ``resources`` list covers ``resource`` (``pods`` or ``pods/exec``).

    Besides exact names and ``*``, RBAC accepts ``pods/*`` (every subresource of
    pods) and ``*/exec`` (that subresource of every resource).
    """
    items, unknown = _strings(value)
    base, _, sub = resource.partition("/")
    for item in items:
        if item in ("*", resource):
            return True
        if sub and item in (f"{base}/*", f"*/{sub}"):
            return True
    return None if unknown else False


def grants(rule: Any, group: str, resource: str, verbs: Iterable[str]) -> Tri:
    """Whether a role rule grants any of ``verbs`` on ``resource`` in API group ``group``."""
    if isinstance(rule, Unresolved):
        return None
    if not isinstance(rule, dict):
        return False
    verb = tri_any(_contains(rule.get("verbs"), v) for v in verbs)
    return tri_all(
        [
            _contains(rule.get("apiGroups"), group),
            resource_matches(rule.get("resources"), resource),
            verb,
        ]
    )


def grants_any(rule: Any, specs: Iterable[dict[str, Any]]) -> Tri:
    """Whether a role rule grants any of the ``{groups, resources, verbs}`` combinations."""
    results: list[Tri] = []
    for spec in specs:
        verbs = _expand_verbs(spec.get("verbs", []))
        for group in spec.get("groups", [""]):
            for res in spec.get("resources", []):
                results.append(grants(rule, group, res, verbs))
    return tri_any(results)


def _expand_verbs(verbs: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in verbs:
        out.extend(WRITE_VERBS if v == "write" else [v])
    return out


def full_wildcard(rule: Any) -> bool:
    """A rule entry granting ``*`` verbs on ``*`` resources (in any API group).

    K8S-RBAC-002: such an entry is reported once, as ``K8S-RBAC-002.verbs``; the other
    wildcard rules and K8S-RBAC-003…006 would only restate it, about fourteen times.
    """
    if not isinstance(rule, dict):
        return False
    verbs, _ = _strings(rule.get("verbs"))
    resources, _ = _strings(rule.get("resources"))
    return "*" in verbs and "*" in resources


def unscoped(rule: Any) -> Tri:
    """True when a rule names no ``resourceNames`` (it applies to every object)."""
    if not isinstance(rule, dict):
        return None
    names = rule.get("resourceNames")
    if isinstance(names, Unresolved):
        return None
    return not names


def role_rules(obj: K8sObject) -> Iterator[tuple[JsonPath, Any]]:
    """(path, rule) for each rule of a role; one templated entry for a templated ``rules``."""
    rules = obj.data.get("rules")
    if isinstance(rules, Unresolved):
        yield obj.sub("rules"), rules
        return
    if isinstance(rules, list):
        for i, r in enumerate(rules):
            yield obj.sub("rules", i), r


# ----------------------------------------------------------------- bindings index
@dataclass
class RoleRef:
    kind: Any
    name: Any


def role_ref(binding: K8sObject) -> RoleRef:
    ref = binding.data.get("roleRef")
    if isinstance(ref, Unresolved):
        return RoleRef(ref, ref)
    if not isinstance(ref, dict):
        return RoleRef(None, None)
    return RoleRef(ref.get("kind"), ref.get("name"))


def same_value(a: Any, b: Any) -> Tri:
    if isinstance(a, Unresolved) or isinstance(b, Unresolved):
        return None
    return bool(a == b)


def binds(binding: K8sObject, role: K8sObject) -> Tri:
    """Whether ``binding`` grants ``role`` (a RoleBinding reaches a Role of its namespace)."""
    ref = role_ref(binding)
    same = tri_all([same_value(ref.kind, role.kind), same_value(ref.name, role.name)])
    if role.kind == "Role":
        ns = same_namespace(binding.namespace, role.namespace)
        return tri_all([same, binding.kind == "RoleBinding", ns])
    return same


def subjects(binding: K8sObject) -> Iterator[tuple[int, dict[str, Any]]]:
    items = binding.data.get("subjects")
    if isinstance(items, list):
        for j, s in enumerate(items):
            if isinstance(s, dict):
                yield j, s


def _objects(target: Target) -> list[K8sObject]:
    objs = target.context.get("objects")
    return list(objs) if isinstance(objs, list) else []


@dataclass
class RbacIndex:
    """Roles by (kind, name) and bindings by the role they reference, for the whole run.

    Objects whose name (or roleRef) is a placeholder are kept apart: they may relate to
    anything, and ``binds`` decides such pairs as unresolved.
    """

    roles: dict[tuple[str, str], list[K8sObject]]
    templated_roles: list[K8sObject]
    bindings: dict[tuple[str, str], list[K8sObject]]
    templated_bindings: list[K8sObject]

    def bindings_of(self, role: K8sObject) -> list[K8sObject]:
        """Bindings that may reference ``role`` (``binds`` gives the exact relation)."""
        if isinstance(role.name, Unresolved):
            return [b for bs in self.bindings.values() for b in bs] + self.templated_bindings
        return self.bindings.get((role.kind, role.name), []) + self.templated_bindings

    def roles_for(self, binding: K8sObject) -> list[K8sObject]:
        """Roles that ``binding`` may reference."""
        ref = role_ref(binding)
        if not _plain(ref.kind) or not _plain(ref.name):
            return [r for rs in self.roles.values() for r in rs] + self.templated_roles
        return self.roles.get((ref.kind, ref.name), []) + self.templated_roles


def _plain(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, Unresolved)


def build_rbac_index(objs: Iterable[K8sObject]) -> RbacIndex:
    idx = RbacIndex({}, [], {}, [])
    for o in objs:
        if not _rbac(o):
            continue
        if o.kind in ROLE_KINDS:
            if isinstance(o.name, Unresolved):
                idx.templated_roles.append(o)
            else:
                idx.roles.setdefault((o.kind, o.name), []).append(o)
        elif o.kind in BINDING_KINDS:
            ref = role_ref(o)
            if _plain(ref.kind) and _plain(ref.name):
                idx.bindings.setdefault((ref.kind, ref.name), []).append(o)
            else:
                idx.templated_bindings.append(o)
    return idx


def rbac_index(target: Target, ctx: Context) -> RbacIndex:
    objs = _objects(target)
    return ctx.memo("kubernetes.rbac-index", lambda: build_rbac_index(objs))  # type: ignore[no-any-return]


def rbac_object(target: Target) -> K8sObject | None:
    """The role or binding of a target (its rule's ``applies_to`` names the kinds), when it
    is of the RBAC API group rather than a CRD of the same kind."""
    obj = target.context.get("object")
    if isinstance(obj, K8sObject) and _rbac(obj):
        return obj
    return None


def _rbac(obj: K8sObject) -> bool:
    return in_api_groups(obj.data.get("apiVersion"), (RBAC_GROUP,))


def cluster_bound(role: K8sObject, bindings: Iterable[K8sObject]) -> bool:
    """A ClusterRole referenced by a ClusterRoleBinding of the scanned set."""
    return role.kind == "ClusterRole" and any(
        b.kind == "ClusterRoleBinding" and binds(b, role) is True for b in bindings
    )


def only_human_admins(role: K8sObject, bindings: Iterable[K8sObject], groups: list[str]) -> bool:
    """Bound, and only ever to groups listed in ``human_admin_groups``."""
    found = False
    for b in bindings:
        rel = binds(b, role)
        if rel is False:
            continue
        if rel is None:
            return False
        found = True
        for _, s in subjects(b):
            if s.get("kind") != "Group" or s.get("name") not in groups:
                return False
    return found
