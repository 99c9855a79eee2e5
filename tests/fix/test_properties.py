"""Over the fixture corpus and the examples: fixing never breaks a file and never adds findings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from devops_lint.fix.registry import parse_for_fix
from tests.fix.support import copy, findings, lint, tree
from tests.fixture_support import FIXTURES, ROOT

CORPORA = [FIXTURES / f for f in ("github", "kubernetes", "terraform", "prometheus")]
CORPORA.append(ROOT / "examples")


def _per_file(root: Path) -> Counter[str]:
    # One parser process: worker processes change speed, never results
    # (tests/core/test_parallel.py), and here they would only add forks of the test process.
    # Paths relative to ``root``, so that counts of two copies of a corpus compare.
    prefix = root.as_posix().rstrip("/") + "/"
    return Counter(f["path"].removeprefix(prefix) for f in findings(root, "--jobs", "1"))


# A corpus's files and findings before fixing, from its first copy: two runs (safe and
# unsafe fixes) start from the same bytes, outside the checkout like every copy.
_BEFORE: dict[Path, tuple[dict[str, bytes], Counter[str]]] = {}


def _before(corpus: Path, work: Path) -> tuple[dict[str, bytes], Counter[str]]:
    if corpus not in _BEFORE:
        _BEFORE[corpus] = (tree(work), _per_file(work))
    cached_tree, cached_findings = _BEFORE[corpus]
    assert tree(work) == cached_tree  # the copy is the corpus as first seen
    return cached_tree, cached_findings


def _parses(rel: str, data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(parse_for_fix(rel, text))


# Unsafe fixes on every corpus (they include the safe ones); safe fixes alone where a safe
# fix can turn unsafe for one finding (workflows) and on the examples.
RUNS = [(c, True) for c in CORPORA] + [(FIXTURES / "github", False), (ROOT / "examples", False)]


@pytest.mark.parametrize(
    ("corpus", "unsafe"), RUNS, ids=[f"{c.name}-{'unsafe' if u else 'safe'}" for c, u in RUNS]
)
def test_fix_keeps_files_parsable_and_adds_no_finding(
    corpus: Path, unsafe: bool, tmp_path: Path
) -> None:
    work = copy(corpus, tmp_path / corpus.name)
    before_tree, before = _before(corpus, work)
    args = ["--fix", "-q", "--fail-on", "none", "--jobs", "1"]
    args += ["--unsafe-fixes"] if unsafe else []
    code, _, err = lint(work, *args)
    assert code == 0, err
    after_tree = tree(work)
    changed = [p for p in before_tree if after_tree[p] != before_tree[p]]
    # Every Kubernetes fix is unsafe: a safe run there must change nothing.
    expect_change = unsafe or corpus.name != "kubernetes"
    assert bool(changed) == expect_change
    for rel in changed:
        if _parses(rel, before_tree[rel]):
            assert _parses(rel, after_tree[rel]), rel
    after = _per_file(work)
    grown = {p: (before[p], after[p]) for p in after if after[p] > before[p]}
    assert grown == {}
    if expect_change:
        assert sum(after.values()) < sum(before.values())
