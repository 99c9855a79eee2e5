"""Message placeholders are checked when a rule loads (a typo is no longer printed as is)."""

from __future__ import annotations

import importlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from devops_lint import engine
from devops_lint.config import build_settings
from devops_lint.engine import scheduler
from devops_lint.messages import CONTEXT_KEYS, placeholders
from devops_lint.rules import RuleError, load_rules
from devops_lint.targets import PACKAGE_FORMATS
from tests.security.support import ROOT, copy_evil_repo, run_cli


def _rule(message: str, target: str = "kubernetes.container", extra: str = "") -> str:
    return (
        "id: ACME-001\ncontrols: [ACME-001]\ntitle: Containers set a memory limit\n"
        f"severity: low\ntarget: {target}\n"
        + (extra or "require: {required: [resources]}\n")
        + f"message: {message!r}\n"
        "why: A limit bounds what one container can take from the node.\n"
        "fix: Set resources.limits.memory.\nreferences: []\n"
    )


def _load(tmp_path: Path, text: str) -> Any:
    folder = tmp_path / "policies"
    folder.mkdir(exist_ok=True)
    (folder / "ACME-001.yaml").write_text(text)
    return load_rules([folder])


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("container {nmae} has no limit", "unknown placeholder {nmae}"),
        ("container {name has no limit", "expected '}' before end of string"),
        ("container {} has no limit", "{} is not a placeholder name"),
        ("container {0} has no limit", "{0} is not a placeholder name"),
        ("in { x = 1 }", "{ x = 1 } is not a placeholder name"),
    ],
)
def test_bad_placeholder_names_file_and_line(tmp_path: Path, message: str, problem: str) -> None:
    with pytest.raises(RuleError) as info:
        _load(tmp_path, _rule(message))
    assert f"{tmp_path / 'policies' / 'ACME-001.yaml'}:7: field message: " in str(info.value)
    assert problem in str(info.value)


def test_typo_through_the_cli_exits_2(tmp_path: Path) -> None:
    repo = copy_evil_repo(tmp_path)
    (repo / "mine").mkdir()
    (repo / "mine" / "ACME-001.yaml").write_text(_rule("container {nmae} has no limit"))
    (repo / ".devops-lint.yaml").write_text("rule_paths: [mine]\n")
    proc = run_cli("console-script", repo, "deploy.yaml")
    assert proc.returncode == 2
    assert "ACME-001.yaml:7: field message: unknown placeholder {nmae}" in proc.stderr
    assert "(this target provides: " in proc.stderr


def test_good_placeholders_load(tmp_path: Path) -> None:
    message = "{kind} {workload}: container {name!r:>5} in {namespace} {{literal}}"
    rules = _load(tmp_path, _rule(message))
    assert any(r.id == "ACME-001" for r in rules)


def test_a_shipped_check_brings_its_own_arguments(tmp_path: Path) -> None:
    """A check returns arguments its shipped rules' messages use: a custom rule may too."""
    extra = "check: devops_lint.github.checks_schema:schema_violation\n"
    _load(tmp_path, _rule("{name}: {where}: {reason}", "github.document", extra))
    with pytest.raises(RuleError, match=r"unknown placeholder \{reasn\}"):
        _load(tmp_path, _rule("{where}: {reasn}", "github.document", extra))


def test_unknown_target_kind(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"ACME-001.yaml:5: field target: unknown target kind"):
        _load(tmp_path, _rule("{name}", "kubernetes.contianer"))


def test_shipped_schema_rules_use_their_targets_context() -> None:
    bad = [
        (r.id, name)
        for r in load_rules()
        if r.require is not None and r.target in CONTEXT_KEYS
        for name in placeholders(r.message)
        if name not in CONTEXT_KEYS[r.target]
    ]
    assert bad == []


def _declared_kinds() -> set[str]:
    kinds = set()
    for pkg in PACKAGE_FORMATS:
        module = importlib.import_module(f"devops_lint.{pkg}.targets")
        kinds.update(module.TARGETS)
    return kinds | {"secrets.file", "core.input"}


def test_every_target_kind_is_in_the_table() -> None:
    assert sorted(_declared_kinds() - set(CONTEXT_KEYS)) == []
    assert sorted(set(CONTEXT_KEYS) - _declared_kinds()) == []


def test_table_matches_the_contexts_targets_carry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys listed for a kind are those every target of that kind carries."""
    seen: dict[str, set[frozenset[str]]] = defaultdict(set)

    def record(state: Any, rule: Any, target: Any) -> None:
        seen[target.kind].add(frozenset(target.context))

    monkeypatch.setattr(scheduler, "run_rule", record)
    rules = load_rules()
    fixtures = ROOT / "fixtures"
    trees = [
        ROOT / "examples",
        fixtures / "seed",
        *sorted((fixtures / "terraform").glob("TF-*")),
        *sorted((fixtures / "helm").iterdir()),
        *sorted((fixtures / "kubernetes").glob("K8S-0*")),
    ]
    for tree in trees:
        settings, _ = build_settings(tree, None, {})
        engine.run(tree, [tree], settings, rules, jobs=1)
    # The keys every target of a kind carries (some add optional ones, e.g. Terraform's
    # refine_finding for instances of called modules): exactly what placeholders may use.
    always = {kind: frozenset.intersection(*keys) for kind, keys in seen.items()}
    wrong = {
        kind: sorted(keys ^ CONTEXT_KEYS[kind])
        for kind, keys in always.items()
        if keys != CONTEXT_KEYS[kind]
    }
    assert wrong == {}
    assert len(seen) >= 30  # most kinds were exercised
