"""The cache's shape checks accept exactly the JSON types they name and refuse the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devops_lint.cache.errors import Invalid
from devops_lint.cache.shapes import as_int, as_list, as_span, as_str, as_strs
from devops_lint.model import Span

ACCEPTED: list[tuple[Callable[[Any], Any], Any, Any]] = [
    (as_str, "x", "x"),
    (as_str, "", ""),
    (as_int, 0, 0),
    (as_int, -3, -3),
    (as_list, [], []),
    (as_list, [1, "a"], [1, "a"]),
    (as_strs, [], []),
    (as_strs, ["a", "b"], ["a", "b"]),
    (as_span, [1, 2, 3, 4], Span(1, 2, 3, 4)),
]

REFUSED: list[tuple[Callable[[Any], Any], Any]] = [
    (as_str, None),
    (as_str, 1),
    (as_str, ["x"]),
    (as_int, True),  # a bool is an int to isinstance, never to the cache
    (as_int, 1.0),
    (as_int, "1"),
    (as_list, None),
    (as_list, {"a": 1}),
    (as_strs, ["a", 1]),
    (as_strs, "ab"),
    (as_strs, None),
    (as_span, [1, 2, 3]),
    (as_span, [1, 2, 3, 4, 5]),
    (as_span, [1, 2, 3, "4"]),
    (as_span, [1, 2, 3, False]),
    (as_span, (1, 2, 3, 4)),
    (as_span, None),
]


@pytest.mark.parametrize(("check", "value", "expected"), ACCEPTED)
def test_accepted(check: Callable[[Any], Any], value: Any, expected: Any) -> None:
    assert check(value) == expected


@pytest.mark.parametrize(("check", "value"), REFUSED)
def test_refused(check: Callable[[Any], Any], value: Any) -> None:
    with pytest.raises(Invalid):
        check(value)
