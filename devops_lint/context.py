"""Run-wide state that checks share: settings, data tables and caches."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    from .model import Finding, Target
    from .project import Project

T = TypeVar("T")

DATA_DIR = Path(__file__).parent / "data"


@functools.cache
def load_data_table(name: str) -> Any:
    """A shipped data table from ``devops_lint/data/<name>`` (YAML)."""
    from .yamlload import load_plain

    return load_plain((DATA_DIR / name).read_text(encoding="utf-8"))


@functools.cache
def shipped_strings(name: str) -> frozenset[str]:
    """Every string of a shipped data table, before config extensions: what the package itself
    wrote (a pattern from it is trusted, one from an extension is the scanned repository's)."""
    out: set[str] = set()
    stack = [load_data_table(name)]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            out.add(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return frozenset(out)


class TargetKey(Generic[T]):
    """A typed reader of one key of ``Target.context``: what a format's target builder puts
    there (the Terraform resource, the Prometheus rule ...). Declared once per key beside the
    format's types, ``resource_of: TargetKey[Resource] = TargetKey("resource")``, and called
    as ``resource_of(target)``; the key's type is then written in one place."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, target: Target) -> T:
        # The target builder of the format is the one writer of the key: no check on read.
        return cast(T, target.context[self.key])


@dataclass
class Context:
    settings: dict[str, Any]  # Appendix A keys, defaults merged with the config file
    project: Project
    cache: dict[str, Any] = field(default_factory=dict)  # per-run memo for checks
    # The run's findings so far, append-only during evaluation: checks that run last read
    # what format rules reported (the secrets scan skips those lines; plan findings fold
    # into configuration findings).
    findings: list[Finding] = field(default_factory=list)
    # Texts of files checks read without a parsed document of the run (installed modules,
    # files with no document): the suppression pass reads their comments too.
    texts: dict[str, str] = field(default_factory=dict)

    def setting(self, key: str) -> Any:
        return self.settings[key]

    def data(self, name: str) -> Any:
        """A shipped data table extended (never replaced) by config ``data_extensions``."""
        table = load_data_table(name)
        extra = self.settings.get("data_extensions", {}).get(name)
        if extra is None:
            return table
        if isinstance(table, list) and isinstance(extra, list):
            return [*table, *extra]
        if isinstance(table, dict) and isinstance(extra, dict):
            merged = dict(table)
            for k, v in extra.items():
                if isinstance(merged.get(k), list) and isinstance(v, list):
                    merged[k] = [*merged[k], *v]
                else:
                    merged[k] = v
            return merged
        return table

    def data_entries(self, name: str, key: str, required: str) -> list[dict[str, Any]]:
        """The mappings listed under ``key`` of data table ``name`` (as extended) that have a
        string ``required`` field; any other item (a config extension's slip) is skipped."""
        table = self.data(name) or {}
        return [
            entry
            for entry in table.get(key) or []
            if isinstance(entry, dict) and isinstance(entry.get(required), str)
        ]

    def memo(self, key: str, build: Any) -> Any:
        """Compute once per run (e.g. an index of all workloads)."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]
