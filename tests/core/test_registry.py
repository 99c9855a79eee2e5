"""The check registry: shipped rules bound to checks by ID, agreement verified on load."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import NamedTuple

import pytest

from devops_lint import registry
from devops_lint.rules import Rule, RuleError, load_rules


def test_every_shipped_rule_and_registered_check_agree() -> None:
    """Target kinds and params of all rules, and no check registered for a missing rule."""
    assert list(registry.agreement_problems(load_rules())) == []


def test_no_rule_file_names_a_function() -> None:
    rules = load_rules()
    assert [r.id for r in rules if r.check is not None] == []
    with_checks = [r for r in rules if r.require is None and r.target != "core.input"]
    assert len(with_checks) > 400
    assert all(callable(r.check_fn) for r in with_checks)


def _rule(rule_id: str, target: str, **fields: object) -> Rule:
    return Rule(
        id=rule_id,
        controls=[rule_id],
        title="t",
        severity="low",
        target=target,
        message="m",
        why="w",
        fix="f",
        source="custom.yaml",
        **fields,  # type: ignore[arg-type]
    )


def test_a_rule_on_another_target_than_its_check_is_refused() -> None:
    rule = _rule("K8S-001", "kubernetes.pod")
    with pytest.raises(RuleError, match=r"targets kubernetes.pod, but its check .* reads"):
        _ = rule.check_fn


def test_a_rule_without_registered_check_is_refused() -> None:
    rule = _rule("K8S-999.nothing", "kubernetes.container")
    with pytest.raises(RuleError, match=r"rule K8S-999\.nothing has no check"):
        _ = rule.check_fn


def test_custom_rule_reuses_a_check_by_rule_id_or_by_name() -> None:
    shipped = {r.id: r for r in load_rules()}["K8S-016.memory-limit"]
    storage = {"section": "limits", "resource": "ephemeral-storage"}
    by_id = _rule("ACME-001", "kubernetes.container", check="K8S-016.memory-limit", params=storage)
    by_name = _rule(
        "ACME-002",
        "kubernetes.container",
        check="devops_lint.kubernetes.checks_resources:require_resource",
        params=storage,
    )
    assert by_id.check_fn is shipped.check_fn is by_name.check_fn


def test_a_name_outside_the_registry_is_never_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    imported: list[str] = []
    real = importlib.import_module

    def spy(name: str, package: str | None = None) -> object:
        imported.append(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", spy)
    for name in ("os:system", "devops_lint.__main__:main", "devops_lint.cli:main", "x.y:z"):
        assert registry.spec_by_name(name) is None
    assert all(n.startswith("devops_lint.") and ".checks" in n for n in imported), imported


@dataclasses.dataclass(frozen=True)
class _Limits:
    section: str
    resource: str = "memory"


class _LimitsTuple(NamedTuple):
    section: str
    resource: str = "memory"


@pytest.mark.parametrize("params", [_Limits, _LimitsTuple])
def test_params_build_the_declared_type(params: type) -> None:
    spec = registry.CheckSpec(lambda *_: (), "kubernetes.container", params)
    assert registry.build_params(spec, {"section": "limits"}) == params("limits")
    with pytest.raises(registry.RegistryError, match=r"unknown params \['sectoin'\]"):
        registry.build_params(spec, {"sectoin": "limits"})
    with pytest.raises(registry.RegistryError, match="missing 1 required"):
        registry.build_params(spec, {})
    untyped = registry.CheckSpec(lambda *_: (), "kubernetes.container", None)
    assert registry.build_params(untyped, {}) is None
    with pytest.raises(registry.RegistryError, match="takes no params"):
        registry.build_params(untyped, {"section": "limits"})


def test_registering_one_id_for_two_functions_fails() -> None:
    @registry.check("TEST-001.twice", target="kubernetes.object")
    def first() -> None: ...

    with pytest.raises(registry.RegistryError, match="registered twice"):

        @registry.check("TEST-001.twice", target="kubernetes.object")
        def second() -> None: ...

    registry._REGISTRY.pop("TEST-001.twice")


def test_registry_module_imports_nothing_named_by_rule_files() -> None:
    source = (Path(registry.__file__)).read_text(encoding="utf-8")
    # The only dynamic import takes file names of the installed package's checks modules.
    assert source.count("importlib.import_module(") == 1
    assert 'importlib.import_module(f"devops_lint.{package}.{module.stem}")' in source


def test_params_type_must_name_its_fields() -> None:
    with pytest.raises(registry.RegistryError, match="NamedTuple or dataclass"):
        registry.check("TEST-001.bad", target="kubernetes.object", params=dict)


def _custom_role_rule(tmp_path: Path, check: str, applies_to: str = "") -> Rule:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "ACME-001.yaml").write_text(
        "id: ACME-001\ncontrols: [ACME-001]\ntitle: Roles read config maps\n"
        f"severity: low\ntarget: kubernetes.project_object\ncheck: {check}\n{applies_to}"
        "params: {grants: [{groups: [''], resources: [configmaps], verbs: [get]}]}\n"
        "message: role grants get on config maps\n"
        "why: Config maps may hold settings that should not be read by everyone.\n"
        "fix: Narrow the role's rules.\nreferences: []\n",
        encoding="utf-8",
    )
    return {r.id: r for r in load_rules([folder])}["ACME-001"]


@pytest.mark.parametrize(
    "check", ["K8S-RBAC-003.list-watch", "devops_lint.kubernetes.checks_rbac:role_grant"]
)
def test_custom_rule_reusing_a_check_inherits_its_prefilter(tmp_path: Path, check: str) -> None:
    """Shipped checks do not re-test their rules' applies_to, so a custom rule reusing one
    gets the same prefilter; it would otherwise run on every object."""
    rule = _custom_role_rule(tmp_path, check)
    assert rule.applies_to == {"kind": frozenset({"Role", "ClusterRole"})}


def test_custom_rule_keeps_its_own_prefilter(tmp_path: Path) -> None:
    rule = _custom_role_rule(tmp_path, "K8S-RBAC-003.list-watch", "applies_to: {kind: [Role]}\n")
    assert rule.applies_to == {"kind": frozenset({"Role"})}


def test_params_a_check_does_not_read_are_a_load_error() -> None:
    rule = _rule("ACME-003", "kubernetes.object", check="K8S-020", params={"kind": "x"})
    with pytest.raises(RuleError, match=r"ACME-003: .* takes no params, got \['kind'\]"):
        _ = rule.check_fn
