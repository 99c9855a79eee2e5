"""The placeholder allowlist (standards X-001), one list for every secret detector.

A value is a placeholder, not a credential, when it contains one of the allowlist's words
(``example``, ``changeme``, …; ``REPLACE``/``TODO`` only in upper case), is one of its whole
values (``AKIAIOSFODNN7EXAMPLE``), is a generic word that names the credential instead of
holding it (``password``, ``your_password``), or is wholly template syntax (``${…}``,
``{{ … }}``, ``$(…)``, ``<…>``).

The list is the data table ``placeholders.yaml``, extended (never replaced) by config
``data_extensions: {placeholders.yaml: {...}}``: ``placeholders_of(ctx)`` gives a run's list,
``SHIPPED`` the table as shipped (for callers outside a run, such as report redaction).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .context import load_data_table

if TYPE_CHECKING:
    from .context import Context

TABLE = "placeholders.yaml"
_SEPARATORS = re.compile(r"[_\-\s]")


def _strings(table: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


class Placeholders:
    """A compiled placeholder allowlist."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        self.table = dict(table)
        self.any_case = tuple(w.lower() for w in _strings(table, "any_case"))
        self.exact_case = _strings(table, "exact_case")
        self.values = frozenset(_strings(table, "values"))
        self.generic = frozenset(w.lower() for w in _strings(table, "generic_words"))
        self.generic_prefixes = tuple(p.lower() for p in _strings(table, "generic_prefixes"))
        templates: list[re.Pattern[str]] = []
        for pattern in _strings(table, "templates"):
            try:
                templates.append(re.compile(pattern, re.S))
            except re.error:
                continue  # a broken extension pattern: ignore it rather than crash the run
        self.templates = tuple(templates)

    def extended(self, extra: Mapping[str, Any]) -> Placeholders:
        """This list with the entries of ``extra`` (same keys) added."""
        merged: dict[str, Any] = dict(self.table)
        for key, value in extra.items():
            if isinstance(value, list):
                merged[key] = [*(merged.get(key) or []), *value]
        return Placeholders(merged)

    def is_generic(self, value: str) -> bool:
        word = _SEPARATORS.sub("", value.strip().strip("\"'")).lower()
        if word in self.generic:
            return True
        for prefix in self.generic_prefixes:
            if word.startswith(prefix) and word[len(prefix) :] in self.generic:
                return True
        return False

    def __call__(self, value: str) -> bool:
        if value in self.values:
            return True
        lower = value.lower()
        if any(w in lower for w in self.any_case) or any(w in value for w in self.exact_case):
            return True
        if self.is_generic(value):
            return True
        stripped = value.strip().strip("\"'")
        return any(t.match(stripped) for t in self.templates)


@functools.cache
def shipped() -> Placeholders:
    """The allowlist as shipped (no config extension)."""
    table = load_data_table(TABLE)
    return Placeholders(table if isinstance(table, Mapping) else {})


def placeholders_of(ctx: Context) -> Placeholders:
    """The run's allowlist: the shipped table plus config ``data_extensions``."""

    def build() -> Placeholders:
        extra = (ctx.settings.get("data_extensions") or {}).get(TABLE)
        return shipped().extended(extra) if isinstance(extra, Mapping) else shipped()

    result: Placeholders = ctx.memo("placeholders", build)
    return result


def is_placeholder(value: str, placeholders: Placeholders | None = None) -> bool:
    """True for values that are obviously not real credentials (X-001 allowlist)."""
    return (placeholders or shipped())(value)
