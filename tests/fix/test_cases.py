"""Every fix on its before/after case: byte for byte, clean after, comments kept, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.fix import registry
from tests.fix.support import Case, cases, comments, copy, findings, fix, tree

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fix_gives_the_after_tree_byte_for_byte(case: Case, tmp_path: Path) -> None:
    work = copy(case.before, tmp_path / "work")
    fix(work, case)
    assert tree(work) == tree(case.after)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_after_tree_has_no_finding_of_the_fixed_rules(case: Case) -> None:
    before = findings(case.before, "--select", ",".join(case.select))
    after = findings(case.after, "--select", ",".join(case.select))
    assert before, "the case must start with findings"
    assert after == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_comments_are_kept_in_order(case: Case) -> None:
    old, new = tree(case.before), tree(case.after)
    for path, text in old.items():
        assert comments(new[path].decode()) == comments(text.decode()), path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixing_twice_is_fixing_once(case: Case, tmp_path: Path) -> None:
    work = copy(case.after, tmp_path / "work")
    fix(work, case)
    assert tree(work) == tree(case.after)


@pytest.mark.parametrize("case", [c for c in CASES if c.unsafe], ids=lambda c: c.name)
def test_unsafe_fixes_wait_for_the_option(case: Case, tmp_path: Path) -> None:
    work = copy(case.before, tmp_path / "work")
    safe_only = Case(case.name, case.folder, case.select, unsafe=False)
    fix(work, safe_only)
    assert tree(work) == tree(case.before)


def test_every_fix_has_a_case() -> None:
    covered = {r for r in registry() for c in CASES for s in c.select if r.startswith(s)}
    assert set(registry()) == covered


def test_fix_reports_what_it_fixed(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "tf-kms")
    work = copy(case.before, tmp_path / "work")
    err = fix(work, case)
    assert "fixed 2 finding(s) in 1 file(s) (TF-AWS-024.rotation 2)" in err


def test_a_safe_run_says_how_many_unsafe_fixes_wait(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "gha-checkout-push")
    work = copy(case.before, tmp_path / "work")
    err = fix(work, Case(case.name, case.folder, case.select, unsafe=False))
    assert "fixed 0 finding(s) in 0 file(s); 1 more with --unsafe-fixes" in err
