"""The project view of Prometheus: which configuration loads which rule file, and with
which intervals (section 8 preamble), built once per run."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import safeio
from ..model import Document
from .durations import MINUTE, parse_duration
from .model import PromConfig, Rule, RuleFile, read_config, read_rule_file

if TYPE_CHECKING:
    from ..context import Context
    from .operator import OperatorView

DEFAULT_INTERVAL = MINUTE


def go_glob(pattern: str) -> re.Pattern[str]:
    """Go ``filepath.Glob`` as a regex: ``*``/``?`` never cross ``/``; ``[...]`` classes
    (``^`` or ``!`` negates). The Prometheus index and the cross-file rule-file checks
    resolve ``rule_files`` globs with it, so both see the same files."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[" and pattern.find("]", i + 1) > i:
            end = pattern.find("]", i + 1)
            body = pattern[i + 1 : end]
            if body[:1] in ("^", "!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


@dataclass
class Loaded:
    """The rule files one configuration loads."""

    files: list[RuleFile] = field(default_factory=list)
    complete: bool = True  # False when some entry could not be resolved statically


@dataclass
class PromIndex:
    configs: list[PromConfig]
    rule_files: list[RuleFile]  # plain rule files and PrometheusRule objects, in path order
    loads: dict[int, Loaded]  # id(config) -> what it loads
    loaded_by: dict[tuple[str, int], list[PromConfig]]  # rule doc -> loading configs

    def configs_of(self, doc: Document) -> list[PromConfig]:
        return self.loaded_by.get((doc.path, doc.index), [])

    by_doc: dict[int, PromConfig | RuleFile] = field(default_factory=dict)  # id(doc) -> model
    _unloaded: list[Rule] | None = None
    # Per-run memos: every rule of a set asks for the same set, so each is built once.
    _sets: dict[tuple[int, ...], tuple[list[Rule], bool]] = field(default_factory=dict)
    _records: dict[int, dict[str, list[Rule]]] = field(default_factory=dict)

    def config(self, doc: Document) -> PromConfig | None:
        found = self.by_doc.get(id(doc))
        return found if isinstance(found, PromConfig) and found.doc is doc else None

    def rule_file(self, doc: Document) -> RuleFile | None:
        found = self.by_doc.get(id(doc))
        return found if isinstance(found, RuleFile) and found.doc is doc else None

    def rule_set(self, doc: Document) -> tuple[list[Rule], bool]:
        """Rules evaluated together with ``doc``'s rules, and whether that set is complete.

        A loaded file sees every file its configurations load; a file no scanned
        configuration loads (a ``PrometheusRule`` included) sees every such file, so
        that a series recorded elsewhere in the repository is found.
        """
        configs = self.configs_of(doc)
        if not configs:
            if self._unloaded is None:
                self._unloaded = [
                    r for rf in self.rule_files if not self.configs_of(rf.doc) for r in rf.rules
                ]
            return self._unloaded, True
        key = tuple(id(cfg) for cfg in configs)
        if key not in self._sets:
            seen: dict[tuple[str, int], RuleFile] = {}
            complete = True
            for cfg in configs:
                loaded = self.loads[id(cfg)]
                complete = complete and loaded.complete
                for rf in loaded.files:
                    seen.setdefault((rf.doc.path, rf.doc.index), rf)
            self._sets[key] = [r for rf in seen.values() for r in rf.rules], complete
        return self._sets[key]

    def records(self, doc: Document) -> dict[str, list[Rule]]:
        """The recording rules of ``doc``'s rule set by the series they record, in set order."""
        rules, _ = self.rule_set(doc)
        if id(rules) not in self._records:
            by_name: dict[str, list[Rule]] = {}
            for r in rules:
                if r.kind == "record" and r.name:
                    by_name.setdefault(r.name, []).append(r)
            self._records[id(rules)] = by_name
        return self._records[id(rules)]


def _resolve(
    entry: str, cfg: PromConfig, by_path: dict[str, list[RuleFile]], path_map: dict[str, str]
) -> tuple[list[RuleFile], bool]:
    if "{{" in entry or "${" in entry:
        return [], False
    if entry.startswith("/"):
        for prefix, target in sorted(path_map.items(), key=lambda kv: -len(kv[0])):
            if entry.startswith(prefix):
                entry = posixpath.join(str(target), entry[len(prefix) :].lstrip("/"))
                break
        else:
            return [], False
        rel = posixpath.normpath(entry)
    else:
        base = posixpath.dirname(cfg.doc.path)
        rel = posixpath.normpath(posixpath.join(base, entry))
    if any(c in rel for c in "*?["):
        rx = go_glob(rel)
        return [rf for p, rfs in by_path.items() if rx.match(p) for rf in rfs], True
    return list(by_path.get(rel, [])), True


def build_index(ctx: Context) -> PromIndex:
    def make() -> PromIndex:
        project = ctx.project
        configs = [read_config(d) for d in project.documents if d.format == "prometheus-config"]
        rule_files: list[RuleFile] = []
        for d in sorted(project.documents, key=lambda d: (d.path, d.index)):
            rf = read_rule_file(d)
            if rf is not None:
                rule_files.append(rf)
        by_path: dict[str, list[RuleFile]] = {}
        for rf in rule_files:
            if rf.doc.format == "prometheus-rules":
                by_path.setdefault(rf.doc.path, []).append(rf)
        path_map = ctx.settings.get("rule_files_path_map") or {}
        loads: dict[int, Loaded] = {}
        loaded_by: dict[tuple[str, int], list[PromConfig]] = {}
        for cfg in configs:
            loaded = Loaded()
            for _, entry in cfg.rule_files:
                files, ok = _resolve(
                    entry, cfg, by_path, path_map if isinstance(path_map, dict) else {}
                )
                loaded.complete = loaded.complete and ok
                for rf in files:
                    if rf not in loaded.files:
                        loaded.files.append(rf)
                        loaded_by.setdefault((rf.doc.path, rf.doc.index), []).append(cfg)
            loads[id(cfg)] = loaded
        index = PromIndex(configs, rule_files, loads, loaded_by)
        for cfg in configs:
            index.by_doc[id(cfg.doc)] = cfg
        for rf in rule_files:
            index.by_doc[id(rf.doc)] = rf
        return index

    result: PromIndex = ctx.memo("prometheus.index", make)
    return result


@dataclass(frozen=True)
class Intervals:
    """Effective intervals of one rule (section 8 preamble), in ms."""

    evaluation: int
    scrape_global: int
    scrape_jobs: tuple[tuple[str, int], ...]  # largest interval per job among loading configs
    # No scanned configuration, monitor or Prometheus object gives the global interval.
    global_assumed: bool = False

    def scrape(self, job: str | None) -> int:
        if job is not None:
            for name, ms in self.scrape_jobs:
                if name == job:
                    return ms
        return self.scrape_global

    def assumed(self, job: str | None) -> bool:
        """Whether ``scrape(job)`` is the assumed 1m rather than a scanned interval."""
        return self.global_assumed and (job is None or job not in dict(self.scrape_jobs))


def intervals(rule: Rule, index: PromIndex, operator: OperatorView | None = None) -> Intervals:
    """``operator`` gives the intervals of a rule file no scanned configuration loads."""
    configs = index.configs_of(rule.doc)
    group_interval = rule.group.interval
    if not configs:
        evaluation = group_interval or DEFAULT_INTERVAL
        if operator is None:
            return Intervals(evaluation, DEFAULT_INTERVAL, (), True)
        by_job: dict[str, int] = {}
        for job in operator.jobs:
            for value in job.job_values or ():
                by_job[value] = max(by_job.get(value, 0), operator.interval(job))
        given = operator.default_interval_ms
        return Intervals(
            evaluation, given or DEFAULT_INTERVAL, tuple(sorted(by_job.items())), given is None
        )
    evaluation = group_interval or max(c.evaluation_interval for c in configs)
    scrape_global = max(c.scrape_interval for c in configs)
    jobs: dict[str, int] = {}
    names = {j.name for c in configs for j in c.jobs if j.name}
    for name in names:
        jobs[name] = max(c.job_interval(name) for c in configs)
    return Intervals(evaluation, scrape_global, tuple(sorted(jobs.items())))


# --- metric metadata (PROM-013) ------------------------------------------------------------


def metric_types(ctx: Context) -> dict[str, str]:
    """Metric name -> type from the optional ``metrics_metadata`` file (``/api/v1/metadata``)."""

    def load() -> dict[str, str]:
        name = ctx.settings.get("metrics_metadata")
        if not name or not isinstance(name, str):
            return {}
        path = Path(name)
        if not path.is_absolute():
            path = Path(ctx.project.root) / path
        try:
            raw = json.loads(safeio.read_text(path))
        except (OSError, ValueError):
            return {}
        data: Any = raw.get("data", raw) if isinstance(raw, dict) else {}
        out: dict[str, str] = {}
        if isinstance(data, dict):
            for metric, entries in data.items():
                if isinstance(entries, list) and entries and isinstance(entries[0], dict):
                    kind = entries[0].get("type")
                    if isinstance(kind, str):
                        out[str(metric)] = kind.lower()
        return out

    result: dict[str, str] = ctx.memo("prometheus.metric_types", load)
    return result


def setting_duration(ctx: Context, key: str, default: str) -> int:
    value = parse_duration(ctx.settings.get(key, default))
    if value is None:
        value = parse_duration(default)
    assert value is not None
    return value
