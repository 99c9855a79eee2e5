"""GHA-017's decision on cache inputs, table-driven (standards GHA-017)."""

from __future__ import annotations

from typing import Any

import pytest

from devops_lint.github.checks_cache import cache_value
from devops_lint.github.evaluate import RunInfo

PUSH = [RunInfo("push", frozenset({"refs/heads/main"}))]


@pytest.mark.parametrize(
    ("value", "want_gha", "auto_on", "expected"),
    [
        ("npm", False, True, True),
        ("", False, True, False),
        (None, False, True, False),
        (True, False, True, True),
        (False, False, True, False),
        ("false", False, True, False),
        ("FALSE ", False, True, False),
        ("auto", False, True, True),
        ("auto", False, False, False),
        ("${{ github.event_name == 'push' }}", False, True, True),
        ("${{ github.event_name == 'pull_request' }}", False, True, False),
        ("${{ github.event_name == 'pull_request' && 'npm' || '' }}", False, True, False),
        ("${{ vars.CACHE }}", False, True, None),
        ("type=gha", True, True, True),
        ("type=registry,ref=x", True, True, False),
        ("${{ github.event_name == 'push' && 'type=gha' || '' }}", True, True, True),
        ("${{ github.event_name == 'pull_request' && 'type=gha' || '' }}", True, True, False),
        ("type=${{ github.event_name == 'push' && 'gha' || 'local' }}", True, True, True),
    ],
)
def test_cache_value(value: Any, want_gha: bool, auto_on: bool, expected: bool | None) -> None:
    assert cache_value(value, PUSH, want_gha, auto_on) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, True),
        ("", True),
        (False, True),
        ("false", True),
        (True, False),
        ("yes", False),
        (1, False),
    ],
)
def test_inverted_switch(value: Any, expected: bool) -> None:
    # ``ignore-cache``: a true value turns the cache off.
    assert cache_value(value, PUSH, False, True, inverted=True) is expected


def test_auto_is_decided_per_run() -> None:
    release = RunInfo("release", prefix="refs/tags/")
    push_and_release = [*PUSH, release]
    assert cache_value("auto", push_and_release, False, lambda i: i.event != "release") is True
    assert cache_value("auto", [release], False, lambda i: i.event != "release") is False
    assert cache_value("auto", [release], False, lambda i: None) is None
