"""The Prometheus side of the cross-file controls: which file each ``rule_files`` entry
names, which scrape jobs are annotation-driven (PROM-003's definition), which jobs a
rule file's series come from, and which exporters those jobs scrape."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import saferegex
from ..model import JsonPath
from ..prometheus.facts import (
    OperatorJob,
    PromConfig,
    PromIndex,
    RelabelRule,
    RuleFile,
    ScrapeJob,
    build_index,
    go_glob,
)
from .common import files

if TYPE_CHECKING:
    from ..context import Context

POD_ANN = "__meta_kubernetes_pod_annotation_prometheus_io_"
POD_ANN_PRESENT = "__meta_kubernetes_pod_annotationpresent_prometheus_io_"
SVC_ANN = "__meta_kubernetes_service_annotation_prometheus_io_"
SVC_ANN_PRESENT = "__meta_kubernetes_service_annotationpresent_prometheus_io_"


@dataclass
class PromView:
    index: PromIndex

    def loading_configs(self, rf: RuleFile) -> list[PromConfig]:
        """The configurations that load ``rf``; every configuration when none does (a
        ``PrometheusRule`` or a file loaded from outside the scan could go to any)."""
        return self.index.configs_of(rf.doc) or list(self.index.configs)


def prom_view(ctx: Context) -> PromView:
    result: PromView = ctx.memo("crossfile.prom", lambda: PromView(build_index(ctx)))
    return result


# --- rule_files entries (X-003) ------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    path: JsonPath
    raw: str
    resolved: str | None  # scan-relative path or glob; None when it cannot be resolved
    is_glob: bool
    matches: tuple[str, ...]  # discovered files it names


def resolve_entry(cfg: PromConfig, path: JsonPath, raw: str, ctx: Context) -> Entry:
    """Resolve a ``rule_files`` entry against the config's directory, or through
    ``rule_files_path_map`` for an absolute container path (unmapped: unresolved)."""
    if "{{" in raw or "${" in raw:
        return Entry(path, raw, None, False, ())
    entry = raw
    if entry.startswith("/"):
        path_map = ctx.settings.get("rule_files_path_map") or {}
        for prefix, target in sorted(path_map.items(), key=lambda kv: -len(str(kv[0]))):
            prefix = str(prefix)
            if entry == prefix.rstrip("/") or entry.startswith(prefix.rstrip("/") + "/"):
                rest = entry[len(prefix.rstrip("/")) :].lstrip("/")
                entry = posixpath.join(str(target), rest)
                break
        else:
            return Entry(path, raw, None, False, ())
        rel = posixpath.normpath(entry)
    else:
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(cfg.doc.path), entry))
    if rel.startswith("../") or rel == "..":
        return Entry(path, raw, None, False, ())  # outside the scanned tree
    every = files(ctx)
    if any(c in rel for c in "*?["):
        rx = go_glob(rel)
        found = tuple(sorted(p for p in every.paths if rx.match(p)))
        return Entry(path, raw, rel, True, found)
    return Entry(path, raw, rel, False, (rel,) if every.is_file(rel) else ())


# --- scrape jobs (X-004, X-005, X-007) -----------------------------------------------------


def annotation_driven(job: ScrapeJob, kinds: tuple[str, ...] = ("pod",)) -> bool:
    """PROM-003's definition: a ``keep`` rule reads the ``prometheus.io/scrape`` annotation
    (of pods, or of services for ``kinds=("service",)``)."""
    wanted: set[str] = set()
    if "pod" in kinds:
        wanted |= {POD_ANN + "scrape", POD_ANN_PRESENT + "scrape"}
    if "service" in kinds:
        wanted |= {SVC_ANN + "scrape", SVC_ANN_PRESENT + "scrape"}
    return any(r.action == "keep" and wanted & set(r.source_labels) for r in job.relabel_configs)


def rewrites(job: ScrapeJob, target_label: str, annotation: str) -> bool:
    """A ``replace`` rule builds ``target_label`` from the pod or service annotation."""
    wanted = {POD_ANN + annotation, SVC_ANN + annotation}
    return any(
        r.action == "replace" and r.target_label == target_label and wanted & set(r.source_labels)
        for r in job.relabel_configs
    )


def job_namespaces(job: ScrapeJob) -> list[str] | None:
    """Namespaces a Kubernetes SD job is limited to (None: all, or not readable)."""
    names: list[str] = []
    for sd in job.data.get("kubernetes_sd_configs") or []:
        if not isinstance(sd, dict):
            return None
        ns = sd.get("namespaces")
        listed = ns.get("names") if isinstance(ns, dict) else None
        if not isinstance(listed, list) or not listed:
            return None
        names.extend(str(n) for n in listed)
    return names or None


def relabels_job(cfg_jobs: list[ScrapeJob]) -> bool:
    """Some relabel rule sets the ``job`` label, so job values are not only job names."""
    for job in cfg_jobs:
        for r in job.relabel_configs:
            if r.target_label == "job" and r.action in ("replace", "labelmap"):
                return True
            if r.action == "labelmap" and "job" in r.replacement:
                return True
        metric = job.data.get("metric_relabel_configs")
        for item in metric if isinstance(metric, list) else []:
            if isinstance(item, dict) and item.get("target_label") == "job":
                return True
    return False


NAME_META = (
    "__meta_kubernetes_service_name",
    "__meta_kubernetes_pod_name",
    "__meta_kubernetes_endpoints_name",
    "__meta_kubernetes_pod_container_name",
    "__meta_kubernetes_service_label_app",
    "__meta_kubernetes_service_label_k8s_app",
    "__meta_kubernetes_service_label_app_kubernetes_io_name",
    "__meta_kubernetes_pod_label_app",
    "__meta_kubernetes_pod_label_k8s_app",
    "__meta_kubernetes_pod_label_app_kubernetes_io_name",
)


@dataclass(frozen=True)
class Exporter:
    name: str
    prefixes: tuple[str, ...]
    job_names: tuple[str, ...]  # case-insensitive regex searches on job_name
    hosts: tuple[str, ...]  # case-insensitive regex searches on static target hosts
    names: tuple[str, ...]  # service/pod names a keep relabel may name
    metrics_paths: tuple[str, ...]
    ports: tuple[int, ...]  # port a static target or an __address__ rewrite points at
    node_role: bool  # a role-node job without an __address__ rewrite scrapes it (kubelet)


def exporters(ctx: Context) -> list[Exporter]:
    def build() -> list[Exporter]:
        out: list[Exporter] = []
        for item in ctx.data_entries("exporter_signatures.yaml", "exporters", required="name"):

            def strings(key: str, src: dict[str, Any] = item) -> tuple[str, ...]:
                v = src.get(key)
                return tuple(str(x) for x in v) if isinstance(v, list) else ()

            out.append(
                Exporter(
                    name=item["name"],
                    prefixes=strings("prefixes"),
                    job_names=strings("job_names"),
                    hosts=strings("hosts"),
                    names=strings("names"),
                    metrics_paths=strings("metrics_paths"),
                    ports=tuple(int(p) for p in item.get("ports") or [] if isinstance(p, int)),
                    node_role=bool(item.get("node_role")),
                )
            )
        return out

    result: list[Exporter] = ctx.memo("crossfile.exporters", build)
    return result


def _search(patterns: tuple[str, ...], value: str) -> bool:
    """Exporter signature patterns (a data table configuration can extend) on RE2."""
    return any(saferegex.search(p, value, ignorecase=True) for p in patterns)


def _address_rewrite(job: ScrapeJob) -> list[RelabelRule]:
    return [
        r for r in job.relabel_configs if r.action == "replace" and r.target_label == "__address__"
    ]


def _metrics_paths(job: ScrapeJob) -> list[str]:
    out: list[str] = []
    mp = job.data.get("metrics_path")
    if isinstance(mp, str):
        out.append(mp)
    for r in job.relabel_configs:
        if r.action == "replace" and r.target_label == "__metrics_path__":
            out.append(r.replacement)
    return out


def identifies(job: ScrapeJob, exp: Exporter) -> bool:
    """Whether a job's name, targets, keep relabels, metrics path or port name the exporter."""
    if job.name and _search(exp.job_names, job.name):
        return True
    for t in job.static_targets:
        host, _, port = t.address.rpartition(":") if ":" in t.address else (t.address, "", "")
        if _search(exp.hosts, host or t.address):
            return True
        if port.isdigit() and int(port) in exp.ports:
            return True
    for r in job.relabel_configs:
        names_meta = r.action == "keep" and set(r.source_labels) & set(NAME_META)
        if names_meta and any(n.lower() in r.regex.lower() for n in exp.names):
            return True
    for path in _metrics_paths(job):
        if any(path.rstrip("/").endswith(m.rstrip("/")) for m in exp.metrics_paths):
            return True
    for r in _address_rewrite(job):
        m = re.search(r":(\d+)\s*$", r.replacement)
        if m and int(m.group(1)) in exp.ports:
            return True
    if exp.node_role and "node" in job.kubernetes_roles and not _address_rewrite(job):
        mp = job.data.get("metrics_path")
        if mp is None or mp == "/metrics":
            return True
    return False


def _port_of(address: str) -> int | None:
    _, sep, port = address.rpartition(":")
    return int(port) if sep and port.isdigit() else None


def operator_identifies(job: OperatorJob, exp: Exporter) -> bool:
    """Whether an operator-generated job names the exporter: by its generated job name,
    monitor name, ``job`` label values or selector label values, by its metrics path
    (the kubelet ServiceMonitor's ``/metrics/cadvisor`` endpoint), or by the port of a
    numeric endpoint port or a ``ScrapeConfig`` static target."""
    for text in job.texts:
        if any(n.lower() in text.lower() for n in exp.names) or _search(exp.job_names, text):
            return True
    if any(job.metrics_path.rstrip("/").endswith(m.rstrip("/")) for m in exp.metrics_paths):
        return True
    if isinstance(job.port, int) and not isinstance(job.port, bool) and job.port in exp.ports:
        return True
    for host in job.hosts:
        if _search(exp.hosts, host.rpartition(":")[0] or host) or _port_of(host) in exp.ports:
            return True
    return False
