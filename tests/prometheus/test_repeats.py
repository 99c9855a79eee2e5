"""checks_common.repeats: the second and later uses of a name, in order."""

from __future__ import annotations

from devops_lint.prometheus.checks_common import repeats


def test_repeats_yields_each_later_use_of_a_name() -> None:
    items = [("a", 1), ("b", 2), (None, 3), ("a", 4), (None, 5), ("a", 6), ("b", 7)]
    assert [n for _, n in repeats(items, lambda item: item[0])] == [4, 6, 7]


def test_unnamed_items_never_repeat() -> None:
    assert list(repeats([None, None], lambda item: item)) == []
