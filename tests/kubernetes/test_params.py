"""Typed params of the Kubernetes checks: built from the rule files, typed as declared."""

from __future__ import annotations

import dataclasses

from devops_lint.kubernetes.checks_rbac import GrantParams, SubjectParams
from devops_lint.rules import load_rules


def test_every_kubernetes_rule_with_params_gets_its_dataclass() -> None:
    rules = [r for r in load_rules() if r.format == "kubernetes" and r.params]
    assert len(rules) > 40
    for rule in rules:
        params = rule.typed_params
        assert dataclasses.is_dataclass(params), rule.id
        assert {f.name for f in dataclasses.fields(params)} >= set(rule.params), rule.id


def test_subject_lists_from_yaml_become_tuples() -> None:
    params = SubjectParams(names=["system:anonymous"], except_roles=["system:basic-user"])  # type: ignore[arg-type]
    assert params.names == ("system:anonymous",)
    assert params.except_roles == ("system:basic-user",)
    assert SubjectParams(names=("default",), kind="ServiceAccount").except_roles == ()


def test_grant_params_default_to_no_extra_condition() -> None:
    rule = {r.id: r for r in load_rules()}["K8S-RBAC-004.impersonate"]
    params = rule.typed_params
    assert isinstance(params, GrantParams)
    assert params.grants[0]["verbs"] == ["impersonate"]
    assert not (params.unscoped or params.critical_when_cluster_bound or params.human_admins_info)
    assert params.cluster_bound_grants == []
