"""X-003: Prometheus ``rule_files`` entries name real rule files, and every rule file is
loaded by some configuration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import FILE_START, Document, Result, Target
from ..prometheus.facts import PromConfig, RuleFile, config_of, rule_file_of
from ..registry import check
from .common import first_doc, missing_side, unresolved_message
from .prom import Entry, prom_view, resolve_entry

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


def _plain_rule_files(ctx: Context) -> list[RuleFile]:
    """The run's rule files that are plain files (not ``PrometheusRule`` objects), once."""
    found: list[RuleFile] = ctx.memo(
        "crossfile.plain_rule_files",
        lambda: [
            rf for rf in prom_view(ctx).index.rule_files if rf.doc.format == "prometheus-rules"
        ],
    )
    return found


def _documents_by_path(ctx: Context) -> dict[str, list[Document]]:
    """The run's documents by file, built once (each rule_files match looks one up)."""

    def build() -> dict[str, list[Document]]:
        out: dict[str, list[Document]] = {}
        for doc in ctx.project.documents:
            out.setdefault(doc.path, []).append(doc)
        return out

    index: dict[str, list[Document]] = ctx.memo("crossfile.documents_by_path", build)
    return index


def _entries(cfg: PromConfig, ctx: Context) -> list[Entry]:
    def build() -> list[Entry]:
        return [resolve_entry(cfg, path, raw, ctx) for path, raw in cfg.rule_files]

    result: list[Entry] = ctx.memo(f"crossfile.entries:{id(cfg)}", build)
    return result


def _configs_side(target: Target, ctx: Context) -> tuple[PromConfig, list[Result] | None]:
    """The config, and the missing-side outcome when no rule file is in the scan."""
    cfg = config_of(target)
    if _plain_rule_files(ctx):
        return cfg, None
    with_entries = [c.doc for c in prom_view(ctx).index.configs if c.rule_files]
    return cfg, missing_side(
        target.doc, first_doc(with_entries), "no Prometheus rule file in the scanned set"
    )


def _entries_if_rules_scanned(target: Target, ctx: Context) -> list[Entry]:
    """The config's ``rule_files`` entries; none when the scan holds no rule file at all
    (``X-003.missing`` reports that once, instead of a finding per entry)."""
    cfg, side = _configs_side(target, ctx)
    return [] if side is not None else _entries(cfg, ctx)


@check("X-003.missing", target="crossfile.prometheus_config")
def missing(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    cfg, side = _configs_side(target, ctx)
    if side is not None:
        yield from side
        return
    for e in _entries(cfg, ctx):
        if e.resolved is None and not _looks_glob(e.raw):
            yield Result(path=e.path, unresolved=True, message=_unmapped(e), args={"entry": e.raw})
        elif e.resolved is not None and not e.is_glob and not e.matches:
            yield Result(path=e.path, args={"entry": e.raw, "resolved": e.resolved})


@check("X-003.glob-empty", target="crossfile.prometheus_config")
def glob_empty(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for e in _entries_if_rules_scanned(target, ctx):
        if e.resolved is None and _looks_glob(e.raw):
            yield Result(path=e.path, unresolved=True, message=_unmapped(e), args={"entry": e.raw})
        elif e.is_glob and not e.matches:
            yield Result(path=e.path, args={"entry": e.raw, "resolved": e.resolved})


def _unmapped(e: Entry) -> str:
    return (
        f"rule_files entry '{e.raw}' is templated, outside the scanned tree, or an absolute "
        "path that rule_files_path_map does not map"
    )


def _looks_glob(raw: str) -> bool:
    return any(c in raw for c in "*?[")


def _is_rule_file(path: str, ctx: Context) -> bool | None:
    """Whether a named file loads as rule groups (None: not scanned, e.g. excluded)."""
    project = ctx.project
    if path in project.failed:
        return False
    docs = _documents_by_path(ctx).get(path, [])
    if not docs:
        # An empty file loads as no groups; a file of a kind no parser reads is not rules.
        sf = project.file(path)
        return None if sf is None else sf.kind == "yaml"
    return all(d.format == "prometheus-rules" for d in docs if d.data is not None)


@check("X-003.not-a-rule-file", target="crossfile.prometheus_config")
def not_a_rule_file(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for e in _entries_if_rules_scanned(target, ctx):
        bad = [p for p in e.matches if _is_rule_file(p, ctx) is False]
        if bad:
            yield Result(path=e.path, args={"entry": e.raw, "file": bad[0]})


@check("X-003.orphan", target="crossfile.rule_file")
def orphan(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    rf = rule_file_of(target)
    if rf.doc.format != "prometheus-rules":
        return  # a PrometheusRule is loaded by the operator, not by rule_files
    view = prom_view(ctx)
    if not view.index.configs:
        firsts: list[Document] = [r.doc for r in _plain_rule_files(ctx)]
        yield from missing_side(
            target.doc, first_doc(firsts), "no Prometheus configuration in the scanned set"
        )
        return
    if rf.doc.index != min(
        r.doc.index for r in _plain_rule_files(ctx) if r.doc.path == rf.doc.path
    ):
        return  # one finding per file, for its first document
    if any(
        view.index.configs_of(r.doc) for r in _plain_rule_files(ctx) if r.doc.path == rf.doc.path
    ):
        return
    incomplete = any(not view.index.loads[id(c)].complete for c in view.index.configs)
    yield Result(
        span=FILE_START,
        unresolved=incomplete,
        message=unresolved_message(
            incomplete,
            "some rule_files entries cannot be resolved, so whether this file is loaded is unknown",
        ),
    )
