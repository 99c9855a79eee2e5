"""Numeric literals Python cannot hold as Terraform does are unresolved, never infinities."""

from __future__ import annotations

import pytest

from devops_lint.model import Unresolved
from devops_lint.terraform.expr import number


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0), ("42", 42), ("-7", -7), ("1.5", 1.5), ("1e3", 1000.0), ("-2.5e-3", -0.0025)],
)
def test_ordinary_numbers(text: str, value: float) -> None:
    assert number(text) == value and type(number(text)) is type(value)


@pytest.mark.parametrize("text", ["1e400", "-1e400", "9" * 5_000])
def test_numbers_beyond_python_are_unresolved(text: str) -> None:
    got = number(text)
    assert isinstance(got, Unresolved) and str(got) == text  # (an Unresolved equals itself only)
