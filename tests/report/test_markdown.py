"""The Markdown job summary: golden output, escaping, and the CLI's markdown paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.report.markdown import cell
from tests.report.reader_support import assert_golden, lint, make_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("md"))


def test_golden_summary_with_compliance(repo: Path) -> None:
    proc = lint(repo, "--compliance", "pss-baseline", "--format", "markdown")
    assert proc.returncode == 1, proc.stderr
    assert_golden("summary.md", proc.stdout)


def test_summary_is_inferred_from_the_md_extension(repo: Path) -> None:
    proc = lint(repo, "-o", "summary.md")
    assert proc.returncode == 1, proc.stderr
    assert (repo / "summary.md").read_text(encoding="utf-8").startswith("## devops-lint: ")


def test_exception_reasons_and_expiry_are_shown(repo: Path) -> None:
    out = lint(repo, "--compliance", "pss-baseline", "--format", "markdown").stdout
    assert "K8S-002 (exception: node debugging pod, OPS-12, until 2099-06-30)" in out


def test_scanned_values_cannot_add_markup() -> None:
    text = cell("a|b <img src=x onerror=alert(1)> [link](http://x) `code` *em*\nnext")
    assert "<" not in text and "|" not in text and "[" not in text and "`" not in text
    assert "\n" not in text and "*" not in text
    assert text.startswith("a&#124;b &lt;img")


def test_list_rules_markdown_still_works(repo: Path) -> None:
    proc = lint(repo, "--list-rules", "--format", "markdown")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("| Rule |")
