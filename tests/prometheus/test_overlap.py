"""Whether two recording expressions can write the same series (PROM-017)."""

from __future__ import annotations

import pytest

from devops_lint.prometheus import promql as q
from devops_lint.prometheus.overlap import can_overlap


def _ast(text: str) -> object:
    parsed = q.parse(text)
    assert parsed.ast is not None, parsed.error
    return parsed.ast


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (
            'sum by (code) (rate(x_total{code=~"2.."}[5m]))',
            'sum by (code) (rate(x_total{code=~"5.."}[5m]))',
            False,
        ),
        (
            'sum by (code) (rate(x_total{code=~"2.."}[5m]))',
            'sum by (code) (rate(x_total{code=~"20."}[5m]))',
            True,
        ),
        (
            'sum by (job) (rate(x_total{code=~"2.."}[5m]))',
            'sum by (job) (rate(x_total{code=~"5.."}[5m]))',
            True,
        ),
        ('x{code="200"}', 'x{code="500"}', False),
        ('x{code="200"}', 'x{code=~"2.."}', True),
        ('x{code="500"}', 'x{code=~"2..|3.."}', False),
        ('x{code="200"}', "x", True),
        ('x{code=~"(2|3).."}', 'x{code=~"5.."}', True),
        ('x{code=~"2.*"}', 'x{code=~"5.*"}', False),
        ('x{code=~"2?5"}', 'x{code=~"5"}', True),
        ('x{code=~"2.."} / y{code=~"2.."}', 'x{code=~"5.."} / y{code=~"5.."}', False),
        ('x{code=~"2.."} / y', 'x{code=~"5.."} / y', True),
    ],
)
def test_can_overlap(a: str, b: str, overlap: bool) -> None:
    assert can_overlap(_ast(a), _ast(b)) is overlap


def test_static_label_overwrites_the_expression_label() -> None:
    a, b = _ast('x{code="200"}'), _ast('x{code="500"}')
    assert can_overlap(a, b, ["code"]) is True
