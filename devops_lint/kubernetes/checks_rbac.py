"""Checks of standards section 3.2: Roles, ClusterRoles and their bindings (K8S-RBAC-*).

"Grants verb V on resource R" (section 3.2 preamble): some rule has ``apiGroups``
containing R's group or ``*``, ``resources`` containing R or ``*`` and ``verbs``
containing V or ``*``. Which grants a rule looks for is data in the rule file
(``params.grants``), so one function serves K8S-RBAC-003 to K8S-RBAC-006.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import JsonPath, Result, Severity, Span, Target, Unresolved
from ..registry import check, params_of
from .network_index import located
from .objects import K8sObject
from .selectors import Tri, in_api_groups, same_namespace, tri_all, tri_any

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

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


def _eq(a: Any, b: Any) -> Tri:
    if isinstance(a, Unresolved) or isinstance(b, Unresolved):
        return None
    return bool(a == b)


def binds(binding: K8sObject, role: K8sObject) -> Tri:
    """Whether ``binding`` grants ``role`` (a RoleBinding reaches a Role of its namespace)."""
    ref = role_ref(binding)
    same = tri_all([_eq(ref.kind, role.kind), _eq(ref.name, role.name)])
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


def _obj(target: Target) -> K8sObject | None:
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


# ----------------------------------------------------------------- role checks
@dataclass(frozen=True)
class GrantParams:
    """What a role must not grant (K8S-RBAC-003 … K8S-RBAC-006).

    ``grants``: ``{groups, resources, verbs}`` entries (verb ``write`` stands for the write
    verbs); ``cluster_bound_grants``: more entries, only for a ClusterRole that a
    ClusterRoleBinding references; ``unscoped``: only rules without ``resourceNames``;
    ``critical_when_cluster_bound`` and ``human_admins_info``: severity changes.
    """

    grants: list[dict[str, Any]] = field(default_factory=list)
    cluster_bound_grants: list[dict[str, Any]] = field(default_factory=list)
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
@located
def role_grant(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """A role rule grants one of the rule's ``grants`` (``GrantParams``)."""
    role = _obj(target)
    if role is None:
        return
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


@dataclass(frozen=True)
class WildcardFieldParams:
    """The rule field where ``*`` is reported: ``verbs``, ``resources`` or ``apiGroups``."""

    field: str


@check(
    "K8S-RBAC-002.api-groups",
    "K8S-RBAC-002.resources",
    "K8S-RBAC-002.verbs",
    target="kubernetes.object",
    params=WildcardFieldParams,
)
@located
def role_wildcard(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-RBAC-002: ``*`` in a rule's ``field`` (verbs, resources, apiGroups)."""
    role = _obj(target)
    if role is None:
        return
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
@located
def cluster_admin(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-RBAC-001: a binding (each rule's ``applies_to`` names its kind) to cluster-admin."""
    binding = _obj(target)
    if binding is None:
        return
    ref = role_ref(binding)
    is_admin = tri_all([_eq(ref.kind, "ClusterRole"), _eq(ref.name, "cluster-admin")])
    if is_admin is False:
        return
    allow = ctx.settings.get("cluster_admin_allowlist") or []
    subs = list(subjects(binding))
    if not subs:
        return  # bound to nobody
    if all(_allowlisted(s, binding, allow) for _, s in subs):
        return
    yield Result(path=binding.sub("roleRef", "name"), unresolved=is_admin is None)


@dataclass(frozen=True)
class SubjectParams:
    """``names``: forbidden subject names; ``kind``: only subjects of this kind;
    ``except_roles``: roleRef names for which such a subject is acceptable."""

    names: tuple[str, ...]
    kind: str | None = None
    except_roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:  # the rule file gives YAML lists
        object.__setattr__(self, "names", tuple(self.names))
        object.__setattr__(self, "except_roles", tuple(self.except_roles))


@check(
    "K8S-RBAC-007.all-authenticated",
    "K8S-RBAC-007.anonymous",
    "K8S-RBAC-008.default-sa",
    target="kubernetes.object",
    params=SubjectParams,
)
@located
def subject_names(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-RBAC-007 / K8S-RBAC-008.default-sa: binding subjects with a forbidden name."""
    binding = _obj(target)
    if binding is None:
        return
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
@located
def dangling_roleref(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-RBAC-008.dangling-roleref: a ``roleRef`` to no role of the scanned set."""
    binding = _obj(target)
    if binding is None:
        return
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


# ----------------------------------------------------------------- cluster access in Terraform
EKS_CLUSTER_ADMIN = "AmazonEKSClusterAdminPolicy"


@check("K8S-RBAC-001.eks-access-policy", target="kubernetes.terraform_resource")
def eks_cluster_admin(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-RBAC-001.eks-access-policy: cluster-wide AmazonEKSClusterAdminPolicy association."""
    body = target.data  # applies_to: type aws_eks_access_policy_association
    if not isinstance(body, dict):
        return
    arn = body.get("policy_arn")
    if not isinstance(arn, str) or EKS_CLUSTER_ADMIN not in arn:
        return
    scopes = body.get("access_scope")
    scope = scopes[0] if isinstance(scopes, list) and scopes else None
    kind = scope.get("type") if isinstance(scope, dict) else None
    if isinstance(kind, Unresolved):
        cluster: Tri = None
    else:
        cluster = kind == "cluster"
    if cluster is False:
        return
    principal = body.get("principal_arn")
    allow = ctx.settings.get("cluster_admin_allowlist") or []
    if isinstance(principal, Unresolved):
        allowed: Tri = None if allow else False
    else:
        allowed = principal in allow
    outcome = tri_all([cluster, None if allowed is None else not allowed])
    if outcome is False:
        return
    yield Result(
        path=(*target.path, "policy_arn"),
        unresolved=outcome is None,
        args={"principal": principal},
    )


SYSTEM_MASTERS = "system:masters"


def _text_line(target: Target, path: JsonPath, needle: str) -> Span | None:
    """Where ``needle`` is written inside the value at ``path`` (comment lines skipped)."""
    doc = target.doc
    span = doc.span(path)
    lines = doc.text.splitlines()
    for n in range(span.line, min(span.end_line, len(lines)) + 1):
        text = lines[n - 1]
        if text.lstrip().startswith(("#", "//")):
            continue
        col = text.find(needle)
        if col >= 0:
            return Span(n, col + 1, n, col + len(needle))
    return None


def _maps_masters(text: str) -> Tri:
    """Whether an ``aws-auth`` mapRoles/mapUsers YAML string puts anyone in system:masters."""
    from ..model import ParseError
    from ..yamlload import load_plain

    try:
        entries = load_plain(text)
    except (ParseError, RecursionError):
        return SYSTEM_MASTERS in text
    if not isinstance(entries, list):
        return False
    for e in entries:
        groups = e.get("groups") if isinstance(e, dict) else None
        if isinstance(groups, list) and SYSTEM_MASTERS in groups:
            return True
    return False


@check("K8S-RBAC-007.system-masters", target="kubernetes.aws_auth")
def system_masters(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-RBAC-007.system-masters: an ``aws-auth`` identity mapped to system:masters."""
    data = target.data
    if target.doc.format != "kubernetes":
        # Terraform: mapRoles is usually yamlencode(...) or a heredoc; the group name is
        # a literal inside it, found in the attribute's source text.
        span = _text_line(target, target.path, SYSTEM_MASTERS)
        if span is not None:
            yield Result(span=span)
        return
    if not isinstance(data, dict):
        return
    for key in ("mapRoles", "mapUsers"):
        value = data.get(key)
        if not isinstance(value, str):
            continue
        path = (*target.path, key)
        if isinstance(value, Unresolved) and SYSTEM_MASTERS not in value:
            yield Result(path=path, unresolved=True)  # a templated mapping could hold it
            continue
        hit = SYSTEM_MASTERS in value if isinstance(value, Unresolved) else _maps_masters(value)
        if hit:
            yield Result(span=_text_line(target, path, SYSTEM_MASTERS) or target.doc.span(path))
