"""Prometheus durations (``1h30m``, ``5m``, ``1d``, ``500ms``)."""

from __future__ import annotations

import re
from typing import Any

# Units in the only order Prometheus accepts, each at most once.
_UNITS: tuple[tuple[str, int], ...] = (
    ("y", 365 * 24 * 3600 * 1000),
    ("w", 7 * 24 * 3600 * 1000),
    ("d", 24 * 3600 * 1000),
    ("h", 3600 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
)
_DURATION_RE = re.compile(
    r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$"
)

MINUTE = 60_000
SECOND = 1000


def parse_duration(value: Any) -> int | None:
    """Milliseconds, or None when ``value`` is not a Prometheus duration.

    YAML integers are read as their text, as Prometheus does, so ``0`` is valid
    and ``300`` (no unit) is not.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value)
    if text == "0":
        return 0
    if not text:
        return None
    m = _DURATION_RE.match(text)
    if m is None:
        return None
    total = 0
    seen = False
    for (_, factor), part in zip(_UNITS, m.groups(), strict=True):
        if part is not None:
            seen = True
            total += int(part) * factor
    return total if seen else None


def format_duration(ms: int) -> str:
    """The shortest Prometheus spelling of ``ms`` milliseconds (``90000`` → ``1m30s``)."""
    if ms == 0:
        return "0s"
    out: list[str] = []
    rest = ms
    for unit, factor in _UNITS:
        if unit in ("y", "w"):
            continue  # spell long durations in days, as people usually do
        n, rest = divmod(rest, factor)
        if n:
            out.append(f"{n}{unit}")
    return "".join(out)
