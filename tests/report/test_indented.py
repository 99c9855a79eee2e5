"""The fast indented writer gives exactly ``json.dumps(indent=2, ensure_ascii=False)``."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from enum import Enum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from devops_lint.report.indented import dumps

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.text(max_size=8), inner, max_size=5),
    ),
    max_leaves=40,
)


def _standard(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_any_json_value_gives_the_standard_text(value: Any) -> None:
    assert dumps(value) == _standard(value)


class Colour(str, Enum):
    RED = "red"


def test_edge_values() -> None:
    for value in [
        {},
        [],
        (),
        {"a": [], "b": {}, "c": [[]], "d": ({},)},
        ["\u2028", "\x00", "é", "\ud800", '"\\'],
        [math.nan, math.inf, -math.inf, 0.1, -0.0, 1e300, 10**30],
        {"tuple": (1, "two", None, True, False)},
    ]:
        assert dumps(value) == _standard(value), value


def test_other_types_are_left_to_the_standard_encoder() -> None:
    # Subclasses and non-string keys: json.dumps decides (and converts keys).
    for value in [
        {1: "int key", None: "none key", 2.5: "float key", False: "bool key"},
        OrderedDict([("b", 1), ("a", 2)]),
        [Colour.RED],
        {"nested": [{"deep": {3: "x"}}]},
    ]:
        assert dumps(value) == _standard(value), value


def test_circular_values_raise_as_the_standard_encoder_does() -> None:
    loop: list[Any] = []
    loop.append(loop)
    try:
        dumps(loop)
    except ValueError as exc:
        assert "Circular" in str(exc)
    else:
        raise AssertionError("a circular list must not encode")
