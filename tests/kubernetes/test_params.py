"""Typed params of the Kubernetes checks: built from the rule files, typed as declared."""

from __future__ import annotations

from devops_lint.kubernetes.checks_rbac import GrantParams, SubjectParams
from devops_lint.rules import load_rules


def test_every_kubernetes_rule_with_params_gets_its_params_type() -> None:
    rules = [r for r in load_rules() if r.format == "kubernetes" and r.params]
    assert len(rules) > 40
    for rule in rules:
        params = rule.typed_params
        assert isinstance(params, rule.check_spec.params or type(None)), rule.id
        assert {k: getattr(params, k) for k in rule.params} == rule.params, rule.id


def test_subject_params_defaults() -> None:
    params = SubjectParams(names=("default",), kind="ServiceAccount")
    assert params.except_roles == ()
    rule = {r.id: r for r in load_rules()}["K8S-RBAC-007.all-authenticated"]
    built = rule.typed_params
    assert isinstance(built, SubjectParams)
    assert built.kind is None and "system:basic-user" in built.except_roles


def test_grant_params_default_to_no_extra_condition() -> None:
    rule = {r.id: r for r in load_rules()}["K8S-RBAC-004.impersonate"]
    params = rule.typed_params
    assert isinstance(params, GrantParams)
    assert params.grants[0]["verbs"] == ["impersonate"]
    assert not (params.unscoped or params.critical_when_cluster_bound or params.human_admins_info)
    assert not params.cluster_bound_grants
