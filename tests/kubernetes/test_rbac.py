"""RBAC rule analysis (section 3.2): grants with wildcards and subresources, bindings."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devops_lint.defaults import DEFAULT_SETTINGS
from devops_lint.engine import Engine
from devops_lint.kubernetes.rbac import grants, grants_any, resource_matches, unscoped
from devops_lint.model import Document, Finding, Unresolved
from devops_lint.rules import Rule, load_rules
from devops_lint.yamlload import load_documents

U = Unresolved


def rule(groups: list[Any], resources: list[Any], verbs: list[Any], **extra: Any) -> dict[str, Any]:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs, **extra}


@pytest.mark.parametrize(
    ("r", "expected"),
    [
        (rule([""], ["secrets"], ["get"]), True),
        (rule(["*"], ["secrets"], ["get"]), True),
        (rule([""], ["*"], ["get"]), True),
        (rule([""], ["secrets"], ["*"]), True),
        (rule(["apps"], ["secrets"], ["get"]), False),
        (rule([""], ["configmaps"], ["get"]), False),
        (rule([""], ["secrets"], ["list"]), False),
        (rule([""], ["secrets/status"], ["get"]), False),
        (rule([U("{{ .Values.groups }}")], ["secrets"], ["get"]), None),
        (rule([""], U("{{ toYaml .Values.resources }}"), ["get"]), None),
        (rule(["apps", U("{{ x }}")], ["secrets"], ["get"]), None),
        (U("{{ toYaml . }}"), None),
        ({"resources": ["secrets"], "verbs": ["get"]}, False),  # no apiGroups: grants nothing
    ],
)
def test_grants(r: Any, expected: Any) -> None:
    assert grants(r, "", "secrets", ["get"]) is expected


@pytest.mark.parametrize(
    ("resources", "wanted", "expected"),
    [
        (["pods/exec"], "pods/exec", True),
        (["pods"], "pods/exec", False),
        (["pods/*"], "pods/exec", True),
        (["*/exec"], "pods/exec", True),
        (["*"], "pods/exec", True),
        (["pods/*"], "pods", False),
        (["*/exec"], "pods/attach", False),
        (["deployments/scale"], "deployments", False),
    ],
)
def test_subresources(resources: list[str], wanted: str, expected: bool) -> None:
    assert resource_matches(resources, wanted) is expected


def test_write_verbs_and_several_specs() -> None:
    specs = [
        {"groups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings"], "verbs": ["write"]}
    ]
    for verb in ("create", "update", "patch", "delete", "deletecollection", "*"):
        assert (
            grants_any(rule(["rbac.authorization.k8s.io"], ["rolebindings"], [verb]), specs) is True
        )
    assert (
        grants_any(rule(["rbac.authorization.k8s.io"], ["rolebindings"], ["get"]), specs) is False
    )


def test_unscoped() -> None:
    assert unscoped(rule([""], ["secrets"], ["get"])) is True
    assert unscoped(rule([""], ["secrets"], ["get"], resourceNames=[])) is True
    assert unscoped(rule([""], ["secrets"], ["get"], resourceNames=["db"])) is False
    assert unscoped(rule([""], ["secrets"], ["get"], resourceNames=U("{{ x }}"))) is None


_RULES: list[Rule] = []


def lint(text: str, **settings: Any) -> list[Finding]:
    if not _RULES:
        _RULES.extend(r for r in load_rules() if r.id.startswith("K8S-RBAC-"))
    loaded, _ = load_documents(text, "rbac.yaml")
    docs: list[Document] = []
    for d in loaded:
        d.format = "kubernetes"
        docs.append(d)
    s = copy.deepcopy(DEFAULT_SETTINGS)
    s.update(settings)
    engine = Engine(Path("."), s, _RULES)
    engine.project.documents.extend(docs)
    engine.evaluate()
    return engine.result().findings


SECRET_CLUSTER_ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secrets}
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [list]
"""
CRB = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secrets}
subjects:
  - {kind: ServiceAccount, name: sync, namespace: tools}
"""
RB = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: tools}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secrets}
subjects:
  - {kind: ServiceAccount, name: sync, namespace: tools}
"""


def _sev(findings: list[Finding], rule_id: str) -> list[str]:
    return [f.severity for f in findings if f.rule_id == rule_id]


def test_secret_access_is_critical_only_when_bound_cluster_wide() -> None:
    assert _sev(lint(SECRET_CLUSTER_ROLE), "K8S-RBAC-003.list-watch") == ["high"]
    assert _sev(lint(SECRET_CLUSTER_ROLE + RB), "K8S-RBAC-003.list-watch") == ["high"]
    assert _sev(lint(SECRET_CLUSTER_ROLE + CRB), "K8S-RBAC-003.list-watch") == ["critical"]


def test_a_role_is_bound_only_from_its_namespace() -> None:
    role = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: a}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: b}
roleRef: {kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: api}]
"""
    assert [f.line for f in lint(role) if f.rule_id == "K8S-RBAC-008.dangling-roleref"] == [9]
    same = role.replace("namespace: b}", "namespace: a}")
    assert not [f for f in lint(same) if f.rule_id == "K8S-RBAC-008.dangling-roleref"]


def test_templated_roleref_is_unresolved() -> None:
    text = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: a}
roleRef: {kind: Role, name: "{{ .Values.role }}"}
subjects: [{kind: ServiceAccount, name: api}]
"""
    loaded, _ = load_documents(text, "rbac.yaml")
    loaded[0].data["roleRef"]["name"] = U("{{ .Values.role }}")
    loaded[0].format = "kubernetes"
    engine = Engine(
        Path("."),
        copy.deepcopy(DEFAULT_SETTINGS),
        [r for r in load_rules() if r.id.startswith("K8S-RBAC-008")],
    )
    engine.project.documents.extend(loaded)
    engine.evaluate()
    [f] = engine.result().findings
    assert (f.rule_id, f.outcome, f.severity) == (
        "K8S-RBAC-008.dangling-roleref",
        "unresolved",
        "info",
    )


def test_pod_exec_downgraded_for_human_admin_groups_only() -> None:
    text = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: debug}
rules:
  - apiGroups: [""]
    resources: [pods/exec]
    verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: debug}
roleRef: {kind: ClusterRole, name: debug}
subjects:
  - {kind: Group, name: sre}
"""
    assert _sev(lint(text), "K8S-RBAC-005.exec-attach") == ["high"]
    assert _sev(lint(text, human_admin_groups=["sre"]), "K8S-RBAC-005.exec-attach") == ["info"]
    mixed = text + "  - {kind: ServiceAccount, name: ci, namespace: ci}\n"
    assert _sev(lint(mixed, human_admin_groups=["sre"]), "K8S-RBAC-005.exec-attach") == ["high"]


@pytest.mark.parametrize(
    ("allow", "reported"),
    [
        ([], True),
        (["deployer"], False),
        (["ServiceAccount/deployer"], False),
        (["ServiceAccount/ci/deployer"], False),
        (["system:serviceaccount:ci:deployer"], False),
        (["system:serviceaccount:other:deployer"], True),
        (["Group/deployer"], True),
    ],
)
def test_cluster_admin_allowlist_forms(allow: list[str], reported: bool) -> None:
    text = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci}
roleRef: {kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: ServiceAccount, name: deployer, namespace: ci}
"""
    found = [
        f for f in lint(text, cluster_admin_allowlist=allow) if f.rule_id.startswith("K8S-RBAC-001")
    ]
    assert bool(found) is reported
    # cluster-admin is a built-in ClusterRole: never a dangling roleRef
    assert not [f for f in lint(text) if f.rule_id == "K8S-RBAC-008.dangling-roleref"]


def test_full_wildcard_rule_entry_is_reported_once() -> None:
    """Standards K8S-RBAC-002: a ``*``/``*``/``*`` entry is one K8S-RBAC-002.verbs finding,
    not one per wildcard field and per grant of K8S-RBAC-003…006 (about fourteen)."""
    text = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: all}
rules:
  - apiGroups: [apps, "*"]
    resources: ["*"]
    verbs: ["*"]
"""
    found = [(f.rule_id, f.span.line) for f in lint(text) if f.rule_id.startswith("K8S-RBAC-00")]
    assert found == [("K8S-RBAC-002.verbs", 7)]


def test_wildcard_resources_with_listed_verbs_are_still_grants() -> None:
    text = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: [get, list, watch]
"""
    ids = {f.rule_id for f in lint(text)}
    assert {
        "K8S-RBAC-002.resources",
        "K8S-RBAC-002.api-groups",
        "K8S-RBAC-003.list-watch",
        "K8S-RBAC-003.get-unscoped",
    } <= ids
    assert "K8S-RBAC-002.verbs" not in ids


AWS_AUTH = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    # system:masters must never be used
    - rolearn: arn:aws:iam::1:role/ci
      groups:
        - ci
  mapUsers: "- userarn: arn:aws:iam::1:user/a\\n  groups: [system:masters]\\n"
"""


def test_aws_auth_system_masters_is_read_structurally() -> None:
    found = [f for f in lint(AWS_AUTH) if f.rule_id == "K8S-RBAC-007.system-masters"]
    assert [(f.line, f.outcome) for f in found] == [(10, "fail")]


def test_templated_aws_auth_mapping_is_unresolved() -> None:
    loaded, _ = load_documents(AWS_AUTH, "auth.yaml")
    loaded[0].format = "kubernetes"
    loaded[0].data["data"]["mapRoles"] = U("{{ toYaml .Values.mapRoles }}")
    engine = Engine(
        Path("."),
        copy.deepcopy(DEFAULT_SETTINGS),
        [r for r in load_rules() if r.id == "K8S-RBAC-007.system-masters"],
    )
    engine.project.documents.extend(loaded)
    engine.evaluate()
    got = sorted((f.line, f.outcome) for f in engine.result().findings)
    assert got == [(5, "unresolved"), (10, "fail")]


_groups = st.sampled_from(["", "apps", "rbac.authorization.k8s.io", "*"])
_resources = st.sampled_from(["pods", "pods/exec", "secrets", "pods/*", "*/exec", "*"])
_verbs = st.sampled_from(["get", "list", "create", "bind", "*"])


@given(
    st.lists(_groups, max_size=3),
    st.lists(_resources, max_size=3),
    st.lists(_verbs, max_size=3),
    _groups,
    _resources,
    _verbs,
    st.sampled_from(["", "apps"]),
    st.sampled_from(["pods", "pods/exec", "secrets"]),
    st.sampled_from(["get", "create"]),
)
def test_grants_are_monotonic(
    gs: list[str],
    rs: list[str],
    vs: list[str],
    extra_g: str,
    extra_r: str,
    extra_v: str,
    group: str,
    resource: str,
    verb: str,
) -> None:
    """Adding entries to a rule never takes a permission away; full wildcards grant all."""
    before = grants(rule(gs, rs, vs), group, resource, [verb])
    after = grants(rule([*gs, extra_g], [*rs, extra_r], [*vs, extra_v]), group, resource, [verb])
    assert before in (True, False)
    assert not before or after
    assert grants(rule(["*"], ["*"], ["*"]), group, resource, [verb]) is True


BINDING_TO_ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: %s}
roleRef: {kind: Role, name: platform-reader}
subjects:
  - {kind: ServiceAccount, name: api, namespace: shop}
"""


@pytest.mark.parametrize(
    ("namespace", "extension", "outcome"),
    [
        ("shop", [], "fail"),
        ("shop", ["shop/platform-*"], None),  # a site's own bootstrap roles, from config
        ("other", ["shop/platform-*"], "fail"),
    ],
)
def test_bootstrap_roles_table_is_extendable(
    namespace: str, extension: list[str], outcome: str | None
) -> None:
    ext = {"bootstrap_rbac.yaml": {"roles": extension}} if extension else {}
    found = [
        f.outcome
        for f in lint(BINDING_TO_ROLE % namespace, data_extensions=ext)
        if f.rule_id == "K8S-RBAC-008.dangling-roleref"
    ]
    assert found == ([outcome] if outcome else [])
