"""Run-wide state that checks share: settings, data tables and caches."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Finding
    from .project import Project

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

    def memo(self, key: str, build: Any) -> Any:
        """Compute once per run (e.g. an index of all workloads)."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]
