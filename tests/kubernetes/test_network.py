"""K8S-NET-* on whole projects: severities, unresolved relations, the seed's outcomes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_lint.defaults import DEFAULT_SETTINGS
from devops_lint.engine import Engine
from devops_lint.model import Document, Finding, Unresolved
from devops_lint.rules import Rule, load_rules
from devops_lint.yamlload import load_documents

MARK = "__U"  # stands for a Helm action: every scalar holding it becomes an Unresolved


def _unresolve(value: Any) -> Any:
    if isinstance(value, str) and MARK in value:
        return Unresolved(value)
    if isinstance(value, dict):
        return {k: _unresolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unresolve(v) for v in value]
    return value


_RULES: list[Rule] = []


def _rules() -> list[Rule]:
    if not _RULES:
        _RULES.extend(
            r for r in load_rules() if r.id.startswith(("K8S-NET-", "K8S-RBAC-", "X-000."))
        )
    return _RULES


def lint(files: dict[str, str], **settings: Any) -> list[Finding]:
    docs: list[Document] = []
    for path, text in files.items():
        loaded, _ = load_documents(text, path)
        for d in loaded:
            d.format = "kubernetes"
            d.data = _unresolve(d.data)
        docs.extend(loaded)
    s = copy.deepcopy(DEFAULT_SETTINGS)
    s.update(settings)
    engine = Engine(Path("."), s, _rules())
    engine.project.documents.extend(docs)
    engine.evaluate()
    return engine.result().findings


def outcomes(findings: list[Finding]) -> set[tuple[str, int, str, str, str]]:
    return {(f.path, f.line, f.rule_id, f.severity, f.outcome) for f in findings}


# The seed's Helm templates, each `{{ … }}` action written as a __U marker.
SEED_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: __U.Values.app.name
  namespace: __U.Values.namespace
  labels:
    app: __U.Values.app.name
    version: __U.Values.app.version
spec:
  replicas: __U.Values.replicaCount
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
  selector:
    matchLabels:
      app: __U.Values.app.name
  template:
    metadata:
      labels:
        app: __U.Values.app.name
        version: __U.Values.app.version
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: __U.Values.serviceAccount.name
      containers:
      - name: __U.Values.app.name
        image: "__U.Values.image.repository:__U.Values.image.tag"
        ports:
        - name: http
          containerPort: 3000
          protocol: TCP
"""
SEED_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: __U.Values.app.name-network-policy
  namespace: __U.Values.namespace
spec:
  podSelector:
    matchLabels:
      app: __U.Values.app.name
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          name: ingress-nginx
    - podSelector:
        matchLabels:
          app: nginx-ingress
    ports:
    - protocol: TCP
      port: 3000
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          name: database
    ports:
    - protocol: TCP
      port: 5432
  - to: []
    ports:
    - protocol: TCP
      port: 443
    - protocol: UDP
      port: 53
"""
DEP = "helm/templates/deployment.yaml"
POL = "helm/templates/networkpolicy.yaml"


def test_seed_as_committed_matches_appendix_b() -> None:
    got = outcomes(lint({DEP: SEED_DEPLOYMENT, POL: SEED_POLICY}))
    assert got == {
        (DEP, 5, "K8S-NET-001.no-default-deny", "medium", "fail"),
        (DEP, 21, "K8S-NET-001.unselected-pod", "info", "unresolved"),
        (POL, 7, "K8S-NET-006.dangling-policy", "info", "unresolved"),
        (POL, 32, "K8S-NET-003.open-destination", "medium", "fail"),
        (POL, 36, "K8S-NET-004.open-dns", "low", "fail"),
        (POL, 36, "K8S-NET-004.udp-only", "low", "fail"),
        (POL, 17, "K8S-NET-005.mutable-ns-label", "low", "fail"),
        (POL, 28, "K8S-NET-005.mutable-ns-label", "low", "fail"),
        (POL, 18, "K8S-NET-005.split-peer", "medium", "fail"),
        (POL, 18, "K8S-NET-006.dangling-peer", "info", "unresolved"),
    }


def _with_values(text: str) -> str:
    return (
        text.replace("__U.Values.app.name", "shop-api")
        .replace("__U.Values.namespace", "production")
        .replace("__U.Values.app.version", "1.4.2")
        .replace("__U.Values.replicaCount", "3")
        .replace("__U.Values.serviceAccount.name", "shop-api")
        .replace("__U.Values.image.repository", "ghcr.io/acme/shop-api")
        .replace("__U.Values.image.tag", "1.4.2")
    )


def test_seed_with_values_matches_appendix_b() -> None:
    got = outcomes(lint({DEP: _with_values(SEED_DEPLOYMENT), POL: _with_values(SEED_POLICY)}))
    rules = {(line, rule, sev, out) for _, line, rule, sev, out in got}
    assert (5, "K8S-NET-001.no-default-deny", "medium", "fail") in rules
    assert (18, "K8S-NET-006.dangling-peer", "low", "fail") in rules
    assert not any(
        r[1].startswith(("K8S-NET-001.unselected", "K8S-NET-006.dangling-pol")) for r in rules
    )
    assert all(out == "fail" for *_, out in got)


NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
"""
WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: nginx
"""


def _only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule]


def test_no_default_deny_is_high_when_the_namespace_is_defined() -> None:
    [f] = _only(lint({"ns.yaml": NAMESPACE, "app.yaml": WORKLOAD}), "K8S-NET-001.no-default-deny")
    assert (f.path, f.line, f.severity) == ("app.yaml", 5, "high")
    [f] = _only(lint({"app.yaml": WORKLOAD}), "K8S-NET-001.no-default-deny")
    assert f.severity == "medium"


DENY_ELSEWHERE = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: other
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"""


def test_templated_namespace_fails_only_without_any_default_deny() -> None:
    templated = WORKLOAD.replace("namespace: shop", "namespace: __U.Values.ns")
    [f] = _only(lint({"app.yaml": templated}), "K8S-NET-001.no-default-deny")
    assert (f.severity, f.outcome) == ("medium", "fail")
    [f] = _only(
        lint({"app.yaml": templated, "deny.yaml": DENY_ELSEWHERE}), "K8S-NET-001.no-default-deny"
    )
    assert (f.line, f.severity, f.outcome) == (5, "info", "unresolved")


def test_templated_policy_namespace_makes_the_deny_unresolved() -> None:
    deny = DENY_ELSEWHERE.replace("namespace: other", "namespace: __U.Release.Namespace")
    [f] = _only(lint({"app.yaml": WORKLOAD, "deny.yaml": deny}), "K8S-NET-001.no-default-deny")
    assert f.outcome == "unresolved"
    deny_here = DENY_ELSEWHERE.replace("namespace: other", "namespace: shop")
    assert not _only(
        lint({"app.yaml": WORKLOAD, "deny.yaml": deny_here}), "K8S-NET-001.no-default-deny"
    )


def test_system_namespaces_are_exempt_from_k8s_net_001_only() -> None:
    system = WORKLOAD.replace("namespace: shop", "namespace: kube-system")
    found = lint({"app.yaml": system})
    assert not [f for f in found if f.rule_id.startswith("K8S-NET-001")]
    custom = lint({"app.yaml": WORKLOAD}, system_namespaces=["shop"])
    assert not [f for f in custom if f.rule_id.startswith("K8S-NET-001")]


def test_exempted_internet_egress_is_info() -> None:
    policy = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: crawler
  annotations:
    devops-lint.io/allow-internet-egress: "crawls public sites"
spec:
  podSelector: {matchLabels: {app: crawler}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
"""
    [f] = _only(lint({"p.yaml": policy}), "K8S-NET-003.open-all")
    assert f.severity == "info" and f.outcome == "fail"
    empty = policy.replace('"crawls public sites"', '""')
    [f] = _only(lint({"p.yaml": empty}), "K8S-NET-003.open-all")
    assert f.severity == "high"


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({"app.kubernetes.io/name": "ingress-nginx"}, []),
        ({"app": "web"}, ["fail"]),
        ({"app.kubernetes.io/name": "__U.Values.name"}, ["unresolved"]),
    ],
)
def test_open_ingress_skips_ingress_controllers(
    labels: dict[str, str], expected: list[str]
) -> None:
    ml = ", ".join(f"{k}: {v}" for k, v in labels.items())
    policy = f"""\
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {{name: p}}
spec:
  podSelector: {{matchLabels: {{{ml}}}}}
  policyTypes: [Ingress]
  ingress:
    - ports: [{{port: 443}}]
"""
    got = [f.outcome for f in _only(lint({"p.yaml": policy}), "K8S-NET-005.open-ingress")]
    assert got == expected


def test_ingress_controller_labels_setting() -> None:
    policy = """\
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: p}
spec:
  podSelector: {matchLabels: {app: traefik}}
  policyTypes: [Ingress]
  ingress: [{}]
"""
    assert _only(lint({"p.yaml": policy}), "K8S-NET-005.open-ingress")
    assert not _only(
        lint({"p.yaml": policy}, ingress_controller_labels=[{"app": "traefik"}]),
        "K8S-NET-005.open-ingress",
    )


def test_namespace_selector_uses_namespace_object_labels() -> None:
    ns = NAMESPACE.replace("name: shop", "name: shop\n  labels:\n    team: blue")
    policy = """\
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: p, namespace: web}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {team: blue}}
          podSelector: {matchLabels: {app: api}}
"""
    assert not _only(
        lint({"ns.yaml": ns, "app.yaml": WORKLOAD, "p.yaml": policy}), "K8S-NET-006.dangling-peer"
    )
    wrong = policy.replace("app: api}", "app: apx}")
    [f] = _only(
        lint({"ns.yaml": ns, "app.yaml": WORKLOAD, "p.yaml": wrong}), "K8S-NET-006.dangling-peer"
    )
    assert (f.path, f.line) == ("p.yaml", 9)
    # Without the Namespace object, "team: blue" selects no namespace: nothing to evaluate.
    assert not _only(lint({"app.yaml": WORKLOAD, "p.yaml": wrong}), "K8S-NET-006.dangling-peer")


def test_templated_peer_namespace_label_is_unresolved() -> None:
    ns = NAMESPACE.replace("name: shop", "name: shop\n  labels:\n    team: __U.Values.team")
    policy = """\
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: p, namespace: web}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {team: blue}}
          podSelector: {matchLabels: {app: api}}
"""
    [f] = _only(
        lint({"ns.yaml": ns, "app.yaml": WORKLOAD, "p.yaml": policy}), "K8S-NET-006.dangling-peer"
    )
    assert f.outcome == "unresolved"


# ------------------------------------------------------------------ robustness

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.sampled_from(["", "*", "TCP", "UDP", "0.0.0.0/0", "::/0", "app", "Ingress", "Egress", "In"]),
    st.builds(Unresolved, st.sampled_from(["{{ .Values.a }}", '{{ include "x" . }}'])),
)
_keys = st.sampled_from(
    [
        "podSelector",
        "namespaceSelector",
        "matchLabels",
        "matchExpressions",
        "key",
        "operator",
        "values",
        "policyTypes",
        "ingress",
        "egress",
        "from",
        "to",
        "ports",
        "port",
        "endPort",
        "protocol",
        "ipBlock",
        "cidr",
        "app",
        "type",
        "externalIPs",
        "loadBalancerSourceRanges",
        "tls",
        "hosts",
        "rules",
        "host",
        "apiGroups",
        "resources",
        "verbs",
        "resourceNames",
        "roleRef",
        "subjects",
        "kind",
        "name",
        "namespace",
        "labels",
        "template",
        "spec",
    ]
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=25,
)
_kinds = st.sampled_from(
    [
        "NetworkPolicy",
        "Deployment",
        "Pod",
        "Namespace",
        "Service",
        "Ingress",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
        "ConfigMap",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_kinds, _json, _json, _json), min_size=1, max_size=4))
def test_random_objects_never_break_a_check(objs: list[tuple[str, Any, Any, Any]]) -> None:
    docs = []
    for i, (kind, meta, spec, extra) in enumerate(objs):
        data = {"apiVersion": "v1", "kind": kind, "metadata": meta, "spec": spec}
        data.update({"rules": extra, "subjects": extra, "roleRef": extra, "data": extra})
        docs.append(Document(path=f"f{i}.yaml", format="kubernetes", data=data))
    engine = Engine(Path("."), copy.deepcopy(DEFAULT_SETTINGS), _rules())
    engine.project.documents.extend(docs)
    engine.evaluate()
    # A random pod spec without containers is a located schema violation, not a failure.
    errors = [
        f.message
        for f in engine.result().findings
        if f.rule_id.startswith("X-000") and f.rule_id != "X-000.schema-violation"
    ]
    assert not errors


def test_only_built_in_network_policies_count() -> None:
    calico = """\
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  selector: all()
  types: [Ingress, Egress]
"""
    found = lint({"app.yaml": WORKLOAD, "calico.yaml": calico})
    assert _only(found, "K8S-NET-001.no-default-deny")
    assert not _only(found, "K8S-NET-002")
    templated = DENY_ELSEWHERE.replace("networking.k8s.io/v1", "__U.Capabilities").replace(
        "namespace: other", "namespace: shop"
    )
    assert not _only(
        lint({"app.yaml": WORKLOAD, "deny.yaml": templated}), "K8S-NET-001.no-default-deny"
    )


def test_pod_templates_are_not_workloads() -> None:
    template = """\
apiVersion: v1
kind: PodTemplate
metadata: {name: t, namespace: shop}
template:
  metadata:
    labels: {app: t}
  spec:
    containers: [{name: c, image: nginx}]
"""
    assert not [f for f in lint({"t.yaml": template}) if f.rule_id.startswith("K8S-NET-001")]


def test_locators_point_inside_the_policy() -> None:
    [f] = _only(lint({POL: SEED_POLICY}), "K8S-NET-003.open-destination")
    assert f.locator.endswith(":spec.egress[1].to")
