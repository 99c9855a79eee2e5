"""``applies_to`` prefilters change no finding on the annotated rules' own fixtures.

Each folder is linted with the prefilters and without them (``Rule.applies_to`` None);
the unfiltered run also records any result a check gives on a target its prefilter
skips. ``python tools/check_applies_to.py`` does the same over every fixture folder,
``fixtures/seed/`` and ``examples/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.rules import load_rules
from tools.check_applies_to import FIXTURES, compare, fixture_folders


def _folders() -> list[Path]:
    annotated = [r for r in load_rules() if r.applies_to is not None]
    return [
        f
        for f in fixture_folders()
        if any(
            f.name == r.id or f.name in r.controls or r.id.startswith(f.name + ".")
            for r in annotated
        )
    ]


FOLDERS = _folders()


def test_some_rules_are_prefiltered() -> None:
    assert FOLDERS


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_prefilter_changes_no_finding(folder: Path) -> None:
    problems: list[str] = []
    diff, _ = compare(folder, problems)
    assert not diff, "\n".join(diff)
    assert not problems, "\n".join(sorted(set(problems)))
