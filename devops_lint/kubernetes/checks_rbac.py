"""Checks of standards section 3.2 on Roles, ClusterRoles and their bindings (K8S-RBAC-*).

Which grants a rule looks for is data in the rule file (``params.grants``), so one
function serves K8S-RBAC-003 to K8S-RBAC-006; what "grants" means is in ``rbac``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import Result, Severity, Target, Unresolved
from ..registry import check, params_of
from .network_index import located_on
from .objects import K8sObject
from .rbac import (
    RoleRef,
    binds,
    cluster_bound,
    full_wildcard,
    grants_any,
    only_human_admins,
    rbac_index,
    rbac_object,
    role_ref,
    role_rules,
    same_value,
    subjects,
    unscoped,
)
from .selectors import Tri, tri_all, tri_any

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


# ----------------------------------------------------------------- role checks
class GrantParams(NamedTuple):
    """What a role must not grant (K8S-RBAC-003 … K8S-RBAC-006).

    ``grants``: ``{groups, resources, verbs}`` entries (verb ``write`` stands for the write
    verbs); ``cluster_bound_grants``: more entries, only for a ClusterRole that a
    ClusterRoleBinding references; ``unscoped``: only rules without ``resourceNames``;
    ``critical_when_cluster_bound`` and ``human_admins_info``: severity changes.
    """

    grants: Sequence[dict[str, Any]] = ()
    cluster_bound_grants: Sequence[dict[str, Any]] = ()
    unscoped: bool = False
    critical_when_cluster_bound: bool = False
    human_admins_info: bool = False


@check(
    "K8S-RBAC-004.binding-write",
    "K8S-RBAC-004.escalate-bind",
    "K8S-RBAC-004.impersonate",
    "K8S-RBAC-004.token-create",
    "K8S-RBAC-006.csr-approval",
    "K8S-RBAC-006.persistent-volumes",
    "K8S-RBAC-006.webhooks",
    target="kubernetes.object",
    params=GrantParams,
)
@check(
    "K8S-RBAC-003.get-unscoped",
    "K8S-RBAC-003.list-watch",
    "K8S-RBAC-005.create-pods",
    "K8S-RBAC-005.exec-attach",
    "K8S-RBAC-005.nodes-proxy",
    target="kubernetes.project_object",
    params=GrantParams,
)
@located_on(rbac_object)
def role_grant(target: Target, rule: Rule, ctx: Context, role: K8sObject) -> Iterator[Result]:
    """A role rule grants one of the rule's ``grants`` (``GrantParams``)."""
    params = params_of(rule, GrantParams)
    bindings = rbac_index(target, ctx).bindings_of(role) if "objects" in target.context else []
    specs = list(params.grants)
    if params.cluster_bound_grants and cluster_bound(role, bindings):
        specs.extend(params.cluster_bound_grants)
    severity: Severity | None = None
    if params.critical_when_cluster_bound and cluster_bound(role, bindings):
        severity = "critical"
    groups = ctx.settings.get("human_admin_groups") or []
    if params.human_admins_info and groups and only_human_admins(role, bindings, groups):
        severity = "info"
    for path, r in role_rules(role):
        if full_wildcard(r):
            continue  # reported once, by K8S-RBAC-002.verbs
        outcome = grants_any(r, specs)
        if params.unscoped:
            outcome = tri_all([outcome, unscoped(r)])
        if outcome is False:
            continue
        yield Result(path=path, unresolved=outcome is None, severity=severity)


class WildcardFieldParams(NamedTuple):
    """The rule field where ``*`` is reported: ``verbs``, ``resources`` or ``apiGroups``."""

    field: str


@check(
    "K8S-RBAC-002.api-groups",
    "K8S-RBAC-002.resources",
    "K8S-RBAC-002.verbs",
    target="kubernetes.object",
    params=WildcardFieldParams,
)
@located_on(rbac_object)
def role_wildcard(target: Target, rule: Rule, ctx: Context, role: K8sObject) -> Iterator[Result]:
    """K8S-RBAC-002: ``*`` in a rule's ``field`` (verbs, resources, apiGroups)."""
    fld = params_of(rule, WildcardFieldParams).field
    for path, r in role_rules(role):
        if isinstance(r, Unresolved):
            yield Result(path=path, unresolved=True, args={"field": fld})
            continue
        if not isinstance(r, dict) or (fld != "verbs" and full_wildcard(r)):
            continue
        value = r.get(fld)
        if isinstance(value, Unresolved):
            yield Result(path=(*path, fld), unresolved=True, args={"field": fld})
            continue
        for k, item in enumerate(value if isinstance(value, list) else []):
            if item == "*":
                yield Result(path=(*path, fld, k), args={"field": fld})
                break


# ----------------------------------------------------------------- binding checks
def _allowlisted(subject: dict[str, Any], binding: K8sObject, allow: list[str]) -> bool:
    """Allow-list entries: the subject name, ``Kind/name``, ``ServiceAccount/ns/name``
    or the service account's user name ``system:serviceaccount:ns:name``."""
    kind, name = subject.get("kind"), subject.get("name")
    if not isinstance(name, str) or isinstance(name, Unresolved):
        return False
    forms = {name, f"{kind}/{name}"}
    if kind == "ServiceAccount":
        ns = subject.get("namespace") or binding.namespace
        if isinstance(ns, str) and not isinstance(ns, Unresolved):
            forms |= {f"ServiceAccount/{ns}/{name}", f"system:serviceaccount:{ns}:{name}"}
    return bool(forms & set(allow))


@check("K8S-RBAC-001.cluster-binding", "K8S-RBAC-001.namespace-binding", target="kubernetes.object")
@located_on(rbac_object)
def cluster_admin(target: Target, rule: Rule, ctx: Context, binding: K8sObject) -> Iterator[Result]:
    """K8S-RBAC-001: a binding (each rule's ``applies_to`` names its kind) to cluster-admin."""
    ref = role_ref(binding)
    is_admin = tri_all([same_value(ref.kind, "ClusterRole"), same_value(ref.name, "cluster-admin")])
    if is_admin is False:
        return
    allow = ctx.settings.get("cluster_admin_allowlist") or []
    subs = list(subjects(binding))
    if not subs:
        return  # bound to nobody
    if all(_allowlisted(s, binding, allow) for _, s in subs):
        return
    yield Result(path=binding.sub("roleRef", "name"), unresolved=is_admin is None)


class SubjectParams(NamedTuple):
    """``names``: forbidden subject names; ``kind``: only subjects of this kind;
    ``except_roles``: roleRef names for which such a subject is acceptable."""

    names: Sequence[str]
    kind: str | None = None
    except_roles: Sequence[str] = ()


@check(
    "K8S-RBAC-007.all-authenticated",
    "K8S-RBAC-007.anonymous",
    "K8S-RBAC-008.default-sa",
    target="kubernetes.object",
    params=SubjectParams,
)
@located_on(rbac_object)
def subject_names(target: Target, rule: Rule, ctx: Context, binding: K8sObject) -> Iterator[Result]:
    """K8S-RBAC-007 / K8S-RBAC-008.default-sa: binding subjects with a forbidden name."""
    params = params_of(rule, SubjectParams)
    names = set(params.names)
    want_kind = params.kind
    ref = role_ref(binding)
    exempt = params.except_roles
    if isinstance(ref.name, str) and not isinstance(ref.name, Unresolved) and ref.name in exempt:
        return
    for j, s in subjects(binding):
        name = s.get("name")
        if want_kind is not None and s.get("kind") != want_kind:
            continue
        if isinstance(name, str) and not isinstance(name, Unresolved) and name in names:
            unresolved = bool(exempt) and isinstance(ref.name, Unresolved)
            yield Result(
                path=binding.sub("subjects", j), unresolved=unresolved, args={"subject": name}
            )


def bootstrap_role(ref: RoleRef, binding: K8sObject, ctx: Context) -> Tri:
    """Whether ``ref`` names a role of the RBAC bootstrap policy (data ``bootstrap_rbac.yaml``).

    A Role is one only in its namespace: a binding without a namespace may be applied
    there, so it counts; a templated namespace leaves the question open.
    """
    name = ref.name
    if not isinstance(name, str) or isinstance(name, Unresolved):
        return False
    table = ctx.data("bootstrap_rbac.yaml")
    if ref.kind == "ClusterRole":
        return any(fnmatch.fnmatchcase(name, p) for p in table.get("cluster_roles", []))
    if ref.kind != "Role":
        return False
    namespace = binding.namespace
    outcomes: list[Tri] = []
    for entry in table.get("roles", []):
        ns_pattern, _, name_pattern = str(entry).rpartition("/")
        if not fnmatch.fnmatchcase(name, name_pattern):
            continue
        if namespace is None:
            return True
        if isinstance(namespace, Unresolved):
            outcomes.append(None)
        else:
            outcomes.append(fnmatch.fnmatchcase(namespace, ns_pattern))
    return tri_any(outcomes)


@check("K8S-RBAC-008.dangling-roleref", target="kubernetes.project_object")
@located_on(rbac_object)
def dangling_roleref(
    target: Target, rule: Rule, ctx: Context, binding: K8sObject
) -> Iterator[Result]:
    """K8S-RBAC-008.dangling-roleref: a ``roleRef`` to no role of the scanned set."""
    ref = role_ref(binding)
    if ref.kind is None and ref.name is None:
        return
    builtin = bootstrap_role(ref, binding, ctx)
    if builtin is True:
        return
    roles = rbac_index(target, ctx).roles_for(binding)
    found = tri_any([builtin, *(binds(binding, role) for role in roles)])
    if found is True:
        return
    if isinstance(ref.name, Unresolved) or isinstance(ref.kind, Unresolved):
        found = None
    yield Result(
        path=binding.sub("roleRef", "name"),
        unresolved=found is None,
        args={"ref_kind": ref.kind, "ref_name": ref.name},
    )
