"""Every fixture folder gives exactly the findings annotated in its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixture_support import (
    FIXTURES,
    actual,
    all_rules,
    expectations,
    expectations_with_severity,
    fixture_folders,
    in_scope,
    lint_folder,
)

FOLDERS = fixture_folders()


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_folder(folder: Path) -> None:
    written, severities = expectations_with_severity(folder)
    expected = {e for e in written if in_scope(folder.name, e[2])}
    result = lint_folder(folder)
    got = actual(folder, result)
    wrong = sorted(
        (f.path, f.span.line, f.rule_id, f.severity, severities[(f.path, f.span.line, f.rule_id)])
        for f in result.findings
        if severities.get((f.path, f.span.line, f.rule_id), f.severity) != f.severity
    )
    assert not wrong, f"wrong severity (path, line, rule, got, expected): {wrong}"
    missing = sorted(expected - got)
    unexpected = sorted(got - expected)
    assert not missing and not unexpected, (
        f"\nmissing (expected, not reported): {missing}\n"
        f"unexpected (reported, not expected): {unexpected}"
    )


def _all_expected() -> dict[str, set[Path]]:
    seen: dict[str, set[Path]] = {}
    for folder in FOLDERS:
        for _, _, rule, _ in expectations(folder):
            seen.setdefault(rule, set()).add(folder)
    return seen


def test_every_rule_has_failing_and_passing_fixtures() -> None:
    expected = _all_expected()
    problems = []
    for rule in all_rules():
        own = [
            f
            for f in FOLDERS
            if f.name == rule.id or f.name in rule.controls or rule.id.startswith(f.name + ".")
        ]
        if not any(f in expected.get(rule.id, set()) for f in own):
            problems.append(f"{rule.id}: no failing fixture (fixtures/*/{rule.id}/ with expect)")
        has_pass = any(
            "pass" in p.relative_to(f).as_posix() for f in own for p in f.rglob("*") if p.is_file()
        )
        if not has_pass:
            problems.append(f"{rule.id}: no passing fixture (a file named pass* in its folder)")
    assert not problems, "\n".join(problems)


def test_fixture_expectations_name_real_rules() -> None:
    ids = {r.id for r in all_rules()}
    unknown = sorted({rule for rule in _all_expected() if rule not in ids})
    assert not unknown, f"expectations name unknown rules: {unknown}"


def test_fixture_folders_are_named_after_rules() -> None:
    ids = {r.id for r in all_rules()}
    controls = {c for r in all_rules() for c in r.controls}
    bad = [
        f.relative_to(FIXTURES).as_posix()
        for f in FOLDERS
        if f.name[0].isupper() and f.name not in ids | controls
    ]
    assert not bad, f"fixture folders named after no rule or control: {bad}"
