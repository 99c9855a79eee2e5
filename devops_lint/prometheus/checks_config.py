"""Checks of Prometheus server configurations (PROM-001 … PROM-006)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from ..context import load_data_table
from ..model import JsonPath, Result, Target, is_unresolved
from ..registry import check, params_of
from .checks_common import repeats
from .durations import format_duration, parse_duration
from .index import build_index, setting_duration
from .model import PromConfig, RelabelRule, ScrapeJob, config_of, scrape_job_of
from .schema import config_problems

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

TWO_MINUTES = 120_000
ONE_MINUTE = 60_000


# --- PROM-001 -----------------------------------------------------------------------------


@check("PROM-001.duplicate-job", target="prometheus.config")
def duplicate_job(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for job in repeats(config_of(target).jobs, lambda job: job.name):
        yield Result(
            path=(*job.path, "job_name"),
            args={"job_name": job.name},
            message=f"scrape job name '{job.name}' is used twice; Prometheus rejects the"
            " configuration",
        )


@check("PROM-001.timeout-gt-interval", target="prometheus.config")
def timeout_gt_interval(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    cfg = config_of(target)
    glob = target.doc.get(("global",), {})
    glob = glob if isinstance(glob, dict) else {}
    g_timeout = parse_duration(glob.get("scrape_timeout"))
    if g_timeout is not None and g_timeout > cfg.scrape_interval:
        yield Result(
            path=("global", "scrape_timeout"),
            message=f"global scrape_timeout {format_duration(g_timeout)} is greater than the"
            f" scrape_interval {format_duration(cfg.scrape_interval)}",
        )
    for job in cfg.jobs:
        if job.scrape_timeout is None:
            continue  # an inherited timeout is capped at the job's interval
        interval = job.scrape_interval or cfg.scrape_interval
        if job.scrape_timeout > interval:
            yield Result(
                path=(*job.path, "scrape_timeout"),
                message=f"job '{job.name}': scrape_timeout {format_duration(job.scrape_timeout)}"
                f" is greater than its scrape_interval {format_duration(interval)}",
            )


SCHEMA_TABLE = "prometheus_config_schema.yaml"


def _schema_table(ctx: Context) -> dict[str, Any]:
    """The shipped key table, each type extended (not replaced) by ``data_extensions``."""

    def build() -> dict[str, Any]:
        table = load_data_table(SCHEMA_TABLE)
        merged: dict[str, Any] = {
            k: dict(v) if isinstance(v, dict) else v for k, v in table.items()
        }
        extra = (ctx.settings.get("data_extensions") or {}).get(SCHEMA_TABLE)
        if isinstance(extra, dict):
            for type_name, keys in extra.items():
                if isinstance(keys, dict) and isinstance(merged.get(type_name), dict):
                    merged[type_name].update(keys)
                else:
                    merged[type_name] = keys
        return merged

    result: dict[str, Any] = ctx.memo("prometheus.config_schema", build)
    return result


class SchemaProblemParams(NamedTuple):
    """``problem``: the kind of configuration-schema problem the rule reports."""

    problem: str


@check(
    "PROM-001.bad-duration",
    "PROM-001.unknown-field",
    target="prometheus.config",
    params=SchemaProblemParams,
)
def schema_problem(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """PROM-001: problems of ``problem``'s kind against the configuration schema table."""
    kind = params_of(rule, SchemaProblemParams).problem
    for p in config_problems(target.data, _schema_table(ctx)):
        if p.kind == kind:
            yield Result(path=p.path, key=p.key, message=p.message)


@check("PROM-001.target-format", target="prometheus.config")
def target_format(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    cfg = config_of(target)
    statics = [t for job in cfg.jobs for t in job.static_targets]
    statics += [t for am in cfg.alertmanagers for t in am.static_targets]
    for st in statics:
        addr = st.address
        if is_unresolved(addr):
            continue
        if "://" in addr or "/" in addr:
            yield Result(
                path=st.path,
                message=f"static target '{addr}' has a scheme or path; write host:port and set"
                " scheme/metrics_path on the job",
            )


# --- PROM-002 -----------------------------------------------------------------------------

CREDENTIAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("basic_auth", "password"),
    ("authorization", "credentials"),
    ("oauth2", "client_secret"),
)


@check("PROM-002.insecure-skip-verify", target="prometheus.config")
def insecure_skip_verify(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for client in config_of(target).clients:
        for path, tls in client.tls_blocks():
            flag = tls.get("insecure_skip_verify")
            if flag is True:
                yield Result(path=(*path, "insecure_skip_verify"))
            elif is_unresolved(flag):
                yield Result(path=(*path, "insecure_skip_verify"), unresolved=True)


def _inline(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


@check("PROM-002.inline-credential", target="prometheus.config")
def inline_credential(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for client in config_of(target).clients:
        found: list[tuple[JsonPath, str, Any]] = []
        for block, field in CREDENTIAL_FIELDS:
            data = getattr(client, block)
            if data is not None and _inline(data.get(field)):
                found.append(((*client.path, block, field), f"{block}.{field}", data.get(field)))
        if _inline(client.bearer_token):
            found.append(((*client.path, "bearer_token"), "bearer_token", client.bearer_token))
        for path, name, value in found:
            better = {"bearer_token": "authorization.credentials_file"}.get(name, f"{name}_file")
            yield Result(
                path=path,
                unresolved=is_unresolved(value),
                message=f"{name} is written inline; use {better} (a mounted secret)",
            )


def _cluster_local(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or "." not in host:
        return True  # bare names resolve through the cluster's search domains
    if host.endswith((".svc", ".svc.cluster.local", ".cluster.local")):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@check("PROM-002.plain-http-remote", target="prometheus.config")
def plain_http_remote(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for ep in config_of(target).remote:
        url = ep.url
        if url is None or is_unresolved(url) or not url.lower().startswith("http://"):
            continue
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            continue
        if not _cluster_local(host):
            yield Result(
                path=(*ep.path, "url"),
                message=f"{ep.kind} url '{url}' sends samples over plain http to a host outside"
                " the cluster",
            )


# --- PROM-003 -----------------------------------------------------------------------------

POD_ANN = "__meta_kubernetes_pod_annotation_prometheus_io_"
SVC_ANN = "__meta_kubernetes_service_annotation_prometheus_io_"
PRESENT = (
    "__meta_kubernetes_pod_annotationpresent_prometheus_io_",
    "__meta_kubernetes_service_annotationpresent_prometheus_io_",
)


def _annotation_driven(job: ScrapeJob) -> bool:
    for r in job.relabel_configs:
        if r.action != "keep":
            continue
        for src in r.source_labels:
            if src in (POD_ANN + "scrape", SVC_ANN + "scrape") or src in (
                p + "scrape" for p in PRESENT
            ):
                return True
    return False


def _rewrites(job: ScrapeJob, target_label: str, annotation: str) -> bool:
    wanted = {POD_ANN + annotation, SVC_ANN + annotation}
    return any(
        r.action == "replace" and r.target_label == target_label and wanted & set(r.source_labels)
        for r in job.relabel_configs
    )


def _maps(rule: RelabelRule, meta: str) -> bool:
    if rule.action == "replace":
        return (
            meta in rule.source_labels
            and bool(rule.target_label)
            and not str(rule.target_label).startswith("__")
        )
    if rule.action == "labelmap":
        return rule.compiled is not None and rule.compiled.match(meta) is not None
    return False


def _job_results(target: Target, ok: bool) -> Iterator[Result]:
    job = scrape_job_of(target)
    if not ok:
        yield Result(path=(*job.path, "relabel_configs"), key=True)


def _missing_rewrite(target: Target, label: str, annotation: str) -> Iterator[Result]:
    """An annotation-driven job that does not set ``label`` from its ``annotation``."""
    job = scrape_job_of(target)
    if _annotation_driven(job):
        yield from _job_results(target, _rewrites(job, label, annotation))


@check("PROM-003.no-port-rewrite", target="prometheus.scrape_job")
def no_port_rewrite(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    yield from _missing_rewrite(target, "__address__", "port")


@check("PROM-003.no-path-rewrite", target="prometheus.scrape_job")
def no_path_rewrite(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    yield from _missing_rewrite(target, "__metrics_path__", "path")


@check("PROM-003.no-scheme-rewrite", target="prometheus.scrape_job")
def no_scheme_rewrite(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    yield from _missing_rewrite(target, "__scheme__", "scheme")


@check("PROM-003.no-workload-labels", target="prometheus.scrape_job")
def no_workload_labels(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    job = scrape_job_of(target)
    if not _annotation_driven(job):
        return
    metas = ("__meta_kubernetes_namespace", "__meta_kubernetes_pod_name")
    mapped = any(_maps(r, m) for r in job.relabel_configs for m in metas)
    yield from _job_results(target, mapped)


# --- PROM-004 -----------------------------------------------------------------------------


@check("PROM-004.no-alertmanager", target="prometheus.config")
def no_alertmanager(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    cfg = config_of(target)
    if any(am.static_targets or am.sd_configs for am in cfg.alertmanagers):
        return
    loaded = build_index(ctx).loads[id(cfg)]
    alerts = [r for rf in loaded.files for r in rf.rules if r.kind == "alert"]
    where: JsonPath = ("alerting",) if cfg.alerting_present else ("rule_files",)
    if alerts:
        yield Result(
            path=where,
            key=True,
            message=f"{len(alerts)} alerting rule(s) are loaded but no Alertmanager is configured"
            " under alerting.alertmanagers",
        )
    elif not loaded.complete and cfg.rule_files:
        yield Result(
            path=where,
            key=True,
            unresolved=True,
            message="rule_files cannot all be resolved in the scanned files, and no Alertmanager"
            " is configured",
        )


@check("PROM-004.single-alertmanager", target="prometheus.config")
def single_alertmanager(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    cfg = config_of(target)
    if any(am.sd_configs for am in cfg.alertmanagers):
        return
    statics = [t for am in cfg.alertmanagers for t in am.static_targets]
    if len(statics) == 1:
        yield Result(path=statics[0].path, args={"address": statics[0].address})


# --- PROM-005 -----------------------------------------------------------------------------


@check("PROM-005.missing-external-labels", target="prometheus.config")
def missing_external_labels(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    cfg = config_of(target)
    if not cfg.remote and not ctx.settings.get("external_labels_required", False):
        return
    required = [str(k) for k in ctx.settings.get("required_external_labels") or []]
    missing = [k for k in required if k not in cfg.external_labels]
    if not missing:
        return
    doc = target.doc
    if doc.get(("global", "external_labels")) is not None:
        path: JsonPath = ("global", "external_labels")
    elif isinstance(doc.get(("global",)), dict):
        path = ("global",)
    else:
        path = ("remote_write",) if cfg.remote else ()
    yield Result(
        path=path,
        key=True,
        message="global.external_labels lacks " + ", ".join(f"'{k}'" for k in missing),
    )


# --- PROM-006 -----------------------------------------------------------------------------


def _intervals(cfg: PromConfig, doc_get: Any) -> Iterator[tuple[JsonPath, int, str]]:
    # 0 means "unset" to Prometheus (the default or the global value applies)
    g = parse_duration(doc_get(("global", "scrape_interval")))
    if g:
        yield ("global", "scrape_interval"), g, "global scrape_interval"
    for job in cfg.jobs:
        if job.scrape_interval:
            yield (
                (*job.path, "scrape_interval"),
                job.scrape_interval,
                f"job '{job.name}' scrape_interval",
            )


@check("PROM-006.too-short", target="prometheus.config")
def too_short(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    minimum = setting_duration(ctx, "min_scrape_interval", "10s")
    for path, ms, what in _intervals(config_of(target), target.doc.get):
        if ms < minimum:
            yield Result(
                path=path,
                message=f"{what} {format_duration(ms)} is below the minimum"
                f" {format_duration(minimum)}",
            )


@check("PROM-006.too-long", target="prometheus.config")
def too_long(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for path, ms, what in _intervals(config_of(target), target.doc.get):
        if ms > TWO_MINUTES:
            yield Result(
                path=path,
                message=f"{what} {format_duration(ms)} is above 2m: series go stale within the"
                " 5-minute lookback",
            )


@check("PROM-006.slow-evaluation", target="prometheus.config")
def slow_evaluation(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    ms = parse_duration(target.doc.get(("global", "evaluation_interval")))
    if ms is not None and ms > ONE_MINUTE:
        yield Result(
            path=("global", "evaluation_interval"),
            message=f"evaluation_interval {format_duration(ms)} is longer than 1m",
        )
