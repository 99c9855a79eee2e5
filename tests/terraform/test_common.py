"""Helpers every Terraform check family shares (terraform/common.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devops_lint.model import Unresolved
from devops_lint.terraform.common import any_true, as_bool, known


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([], False),
        ([False, False], False),
        ([False, None], None),
        ([None, True], True),
        ([True, None], True),
        ([None, None, False], None),
    ],
)
def test_any_true_is_a_three_valued_or(verdicts: list[bool | None], expected: bool | None) -> None:
    assert any_true(verdicts) is expected


def test_any_true_stops_at_the_first_true() -> None:
    seen: list[int] = []

    def verdicts() -> Iterator[bool | None]:
        for i, v in enumerate([None, True, False]):
            seen.append(i)
            yield v

    assert any_true(verdicts()) is True
    assert seen == [0, 1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        (" FALSE ", False),
        ("yes", None),
        (1, None),
        (None, None),
        (Unresolved("var.x"), None),
        (Unresolved("true"), None),
    ],
)
def test_as_bool_is_terraforms_conversion_of_resolved_values(
    value: object, expected: bool | None
) -> None:
    assert as_bool(value) is expected


def test_known_counts_absent_values_as_known() -> None:
    assert known(None) and known("x") and not known(Unresolved("var.x"))
