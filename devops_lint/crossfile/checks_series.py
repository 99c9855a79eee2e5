"""X-007: rules reference only jobs and exporters that the loading configuration scrapes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Result, Target
from ..prometheus.facts import (
    OperatorJob,
    RuleFile,
    ScrapeJob,
    job_of,
    metric_names,
    operator_view,
    rule_file_of,
    vector_selectors,
)
from ..registry import check
from .common import first_doc, missing_side
from .prom import Exporter, exporters, identifies, operator_identifies, prom_view, relabels_job

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


def _jobs(rf: RuleFile, ctx: Context) -> list[ScrapeJob]:
    return [j for cfg in prom_view(ctx).loading_configs(rf) for j in cfg.jobs]


def _monitors(rf: RuleFile, ctx: Context) -> list[OperatorJob]:
    """Jobs generated from ServiceMonitors/PodMonitors/ScrapeConfigs: the scrape side of a
    ``PrometheusRule`` (the operator's Prometheus), not of plain rule files."""
    if rf.groups_path != ("spec", "groups"):
        return []
    return list(operator_view(ctx).jobs)


def _recorded(ctx: Context) -> set[str]:
    def build() -> set[str]:
        return {
            r.name
            for rf in prom_view(ctx).index.rule_files
            for r in rf.rules
            if r.kind == "record" and r.name
        }

    result: set[str] = ctx.memo("crossfile.recorded", build)
    return result


@check("X-007.exporter-missing", target="crossfile.rule_file")
def exporter_missing(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    rf = rule_file_of(target)
    view = prom_view(ctx)
    monitors = _monitors(rf, ctx)
    if not view.index.configs and not _any_monitors(ctx):
        with_rules = [r.doc for r in view.index.rule_files if r.rules]
        yield from missing_side(
            target.doc,
            first_doc(with_rules),
            "no Prometheus configuration in the scanned set to check scraped jobs and exporters",
        )
        return
    if not view.index.configs and not monitors:
        return  # a plain rule file whose configuration is not in the scan
    jobs = _jobs(rf, ctx)
    table = exporters(ctx)
    recorded = _recorded(ctx)
    # Standards 0.5: a rendered chart whose dependency charts are not in the scan may get
    # its exporters (and their monitors) from them, so what is missing is unknown.
    unknown_side = bool(target.doc.meta.get("helm_missing_dependencies"))
    # Whether an exporter is scraped depends on the file's jobs only: asked once per
    # exporter, not once per metric name (kube-prometheus: 3,334 walks of every job).
    scraped: dict[int, bool] = {}

    def is_scraped(i: int, exp: Exporter) -> bool:
        if i not in scraped:
            scraped[i] = any(identifies(j, exp) for j in jobs) or any(
                operator_identifies(m, exp) for m in monitors
            )
        return scraped[i]

    for r in rf.rules:
        ast = r.ast
        if ast is None:
            continue
        reported: set[str] = set()
        for name in metric_names(ast):
            if name in recorded or ":" in name:
                continue  # produced by a recording rule, not scraped
            for i, exp in enumerate(table):
                if exp.name in reported or not name.startswith(exp.prefixes):
                    continue
                if not is_scraped(i, exp):
                    reported.add(exp.name)
                    args = _args(name, exp, r.name)
                    yield Result(path=(*r.path, "expr"), args=args, unresolved=unknown_side)


def _args(metric: str, exp: Exporter, rule_name: str | None) -> dict[str, str]:
    return {"metric": metric, "exporter": exp.name, "rule": rule_name or "?"}


def _any_monitors(ctx: Context) -> bool:
    if not any(d.format == "kubernetes" for d in ctx.project.documents):
        return False
    return bool(operator_view(ctx).jobs)


def _job_values_open(jobs: list[ScrapeJob]) -> bool:
    """Series may carry job values other than job names (relabelled, federated)."""
    if relabels_job(jobs):
        return True
    for job in jobs:
        if job.data.get("honor_labels") is True:
            return True
        mp = job.data.get("metrics_path")
        if isinstance(mp, str) and mp.rstrip("/").endswith("/federate"):
            return True
    return False


@check("X-007.unknown-job", target="crossfile.rule_file")
def unknown_job(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    rf = rule_file_of(target)
    if not prom_view(ctx).index.configs:
        return  # the missing side is reported once, by X-007.exporter-missing
    if _monitors(rf, ctx):
        return  # operator jobs are named after Services and monitors, not job_name
    jobs = _jobs(rf, ctx)
    if _job_values_open(jobs):
        return
    names = {j.name for j in jobs if j.name}
    for r in rf.rules:
        ast = r.ast
        if ast is None:
            continue
        reported: set[str] = set()
        for sel, _ in vector_selectors(ast):
            job = job_of(sel)
            if job is not None and job not in names and job not in reported:
                reported.add(job)
                yield Result(path=(*r.path, "expr"), args={"job": job, "rule": r.name or "?"})
