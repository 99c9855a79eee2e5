"""``context.py``: the typed target-context readers and the data-table entry reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devops_lint.context import Context, TargetKey, load_data_table
from devops_lint.model import Document, Target
from devops_lint.project import Project


def _target(context: dict[str, Any]) -> Target:
    doc = Document(path="x.yaml", format="yaml", data={})
    return Target(kind="test", doc=doc, path=(), data={}, locator="x", context=context)


def test_target_key_reads_its_key_and_only_it() -> None:
    count: TargetKey[int] = TargetKey("count")
    target = _target({"count": 3, "other": 4})
    assert count(target) == 3
    with pytest.raises(KeyError):
        TargetKey[int]("missing")(target)


def _ctx(extensions: dict[str, Any] | None = None) -> Context:
    settings: dict[str, Any] = {"data_extensions": extensions or {}}
    return Context(settings=settings, project=Project(root=Path(".")))


def test_data_entries_keeps_mappings_with_the_required_string_field() -> None:
    shipped = load_data_table("cache_aware_actions.yaml")["actions"]
    extension = [
        {"action": "acme/cache-thing", "input": "cache"},
        {"action": 7},  # not a string: skipped
        "acme/not-a-mapping",  # not a mapping: skipped
        {"input": "cache"},  # no action: skipped
    ]
    ctx = _ctx({"cache_aware_actions.yaml": {"actions": extension}})
    entries = ctx.data_entries("cache_aware_actions.yaml", "actions", required="action")
    assert entries == [*shipped, extension[0]]


def test_data_entries_of_a_missing_key_is_empty() -> None:
    ctx = _ctx()
    assert ctx.data_entries("cache_aware_actions.yaml", "no-such-key", required="action") == []
