from __future__ import annotations

import pytest

from devops_lint.prometheus.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("5m", 300_000),
        ("1h30m", 5_400_000),
        ("15s", 15_000),
        ("500ms", 500),
        ("1d", 86_400_000),
        ("1w", 604_800_000),
        ("1y", 31_536_000_000),
        (
            "1y2w3d4h5m6s7ms",
            31_536_000_000
            + 2 * 604_800_000
            + 3 * 86_400_000
            + 4 * 3_600_000
            + 5 * 60_000
            + 6000
            + 7,
        ),
        ("0", 0),
        (0, 0),
        ("0s", 0),
    ],
)
def test_valid(text: object, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize(
    "text",
    ["", "5", 300, "1.5m", "5 m", "m", "30m1h", "1h1h", "-5m", "5M", "1s500", True, None, [1]],
)
def test_invalid(text: object) -> None:
    assert parse_duration(text) is None


def test_format() -> None:
    assert format_duration(90_000) == "1m30s"
    assert format_duration(0) == "0s"
    assert format_duration(86_400_000 * 15) == "15d"
    assert format_duration(1500) == "1s500ms"
