"""The scanned tree is hostile: fixes never write through a link, outside the root, or over
a file that changed meanwhile; writes replace the file whole and keep its mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from devops_lint.fix.edits import Edit, Source, apply_edits
from devops_lint.fix.runner import FixOutcome, write_back
from tests.fix.support import lint

WORKFLOW = """name: CI
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""
KMS = 'resource "aws_kms_key" "k" {\n  description = "k"\n}\n'


def _fix(root: Path) -> str:
    _, _, err = lint(root, "--fix", "-q", "--fail-on", "none")
    return err


def test_a_linked_workflow_is_not_written_through(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "real").mkdir(parents=True)
    (root / "real" / "ci.yml").write_text(WORKFLOW)
    (root / ".github" / "workflows").mkdir(parents=True)
    link = root / ".github" / "workflows" / "ci.yml"
    link.symlink_to("../../real/ci.yml")
    err = _fix(root)
    assert link.is_symlink()
    assert (root / "real" / "ci.yml").read_text() == WORKFLOW
    assert "not fixed (symbolic link): .github/workflows/ci.yml" in err


def test_a_file_reached_through_a_linked_folder_is_fixed_at_its_own_path(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "store" / "workflows").mkdir(parents=True)
    (root / "store" / "workflows" / "ci.yml").write_text(WORKFLOW)
    (root / ".github").symlink_to("store")
    _fix(root)
    assert (root / ".github").is_symlink()
    assert "permissions:" in (root / "store" / "workflows" / "ci.yml").read_text()
    assert not (root / "store" / "workflows" / "ci.yml").is_symlink()


def test_files_outside_the_root_are_never_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kms.tf").write_text(KMS)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "kms.tf").write_text(KMS)
    (root / "elsewhere").symlink_to(outside)
    _fix(root)
    assert (outside / "kms.tf").read_text() == KMS
    assert "enable_key_rotation = true" in (root / "kms.tf").read_text()


def test_write_back_skips_a_file_changed_meanwhile_and_keeps_the_mode(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text("old\n")
    (tmp_path / "b.tf").write_text("old\n")
    os.chmod(tmp_path / "b.tf", 0o640)
    outcome = FixOutcome(
        originals={"a.tf": "older\n", "b.tf": "old\n"},
        fixed={"a.tf": "new\n", "b.tf": "new\n"},
    )
    assert write_back(tmp_path, outcome) == ["b.tf"]
    assert (tmp_path / "a.tf").read_text() == "old\n"
    assert (tmp_path / "b.tf").read_text() == "new\n"
    assert stat.S_IMODE((tmp_path / "b.tf").stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tf", "b.tf"]  # no temp file left


def test_standard_input_is_not_fixed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from devops_lint.cli import main

    result = CliRunner().invoke(main, ["check", "-", "--fix"], input=KMS)
    assert result.exit_code == 2
    assert "standard input" in result.stderr


def test_overlapping_edits_wait_for_the_next_pass() -> None:
    text = "abcdef"
    edits = [Edit(1, 3, "X"), Edit(2, 4, "Y"), Edit(5, 5, "1"), Edit(5, 5, "2")]
    new, applied, deferred = apply_edits(text, edits)
    assert new == "aXde1f"
    assert deferred == [Edit(2, 4, "Y"), Edit(5, 5, "2")]
    assert applied == [Edit(1, 3, "X"), Edit(5, 5, "1")]


def test_identical_edits_apply_once() -> None:
    new, _, deferred = apply_edits("ab", [Edit(1, 1, "-"), Edit(1, 1, "-")])
    assert (new, deferred) == ("a-b", [])


def test_odd_line_breaks_make_a_file_uneditable() -> None:
    assert Source("a: 1\n").editable
    assert not Source("a: 1\rb: 2\n").editable
    assert not Source("a: 1\u2028b: 2\n").editable
    assert not Source("\ufeffa: 1\n").editable
