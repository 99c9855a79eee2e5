"""Scrape jobs that the Prometheus Operator generates from ``ServiceMonitor``, ``PodMonitor``
and ``ScrapeConfig`` objects, named and labelled the way the operator names them.

The operator writes one scrape job per monitor endpoint, ``serviceMonitor/<ns>/<name>/<i>``
(``podMonitor/…``, ``scrapeConfig/<ns>/<name>``), and sets the ``job`` label of the scraped
series to:

- ServiceMonitor: the value of the Service label named by ``spec.jobLabel`` when the Service
  has it, else the Service's name;
- PodMonitor: the value of the pod label named by ``spec.jobLabel`` when the pod has it,
  else ``<namespace>/<name>`` of the PodMonitor;
- ScrapeConfig: ``spec.jobName`` when set, else the generated job name;

unless an endpoint ``relabelings`` entry writes ``job`` itself. A value that cannot be known
from the scanned objects is left out (``job_values`` is None), so nothing is decided on it.
Intervals follow the endpoint's ``interval``, else the scanned ``Prometheus`` objects'
``spec.scrapeInterval``, else the operator's default of 30s (section 8 preamble).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..kubernetes.objects import K8sObject, objects
from ..kubernetes.selectors import matches, same_namespace
from ..model import JsonPath, is_unresolved
from .durations import parse_duration

if TYPE_CHECKING:
    from ..context import Context

OPERATOR_GROUP = "monitoring.coreos.com/"
OPERATOR_DEFAULT_INTERVAL = 30_000
MONITOR_KINDS = ("ServiceMonitor", "PodMonitor", "ScrapeConfig")


@dataclass(frozen=True)
class OperatorJob:
    """One generated scrape job (one endpoint of a monitor)."""

    kind: str  # ServiceMonitor, PodMonitor or ScrapeConfig
    obj: K8sObject
    endpoint_path: JsonPath  # the endpoint entry (the object for a ScrapeConfig)
    job_name: str  # the generated job_name
    job_values: frozenset[str] | None  # values of the series' `job` label; None: unknown
    metrics_path: str
    port: Any  # the endpoint's port name or target port, as written
    interval_ms: int | None  # the endpoint's own interval, if written
    hosts: tuple[str, ...]  # static targets (ScrapeConfig)

    @property
    def texts(self) -> list[str]:
        """Names that may tell which exporter the job scrapes."""
        out = [self.job_name, self.obj.name, *sorted(self.job_values or ())]
        spec = self.obj.data.get("spec")
        selector = spec.get("selector") if isinstance(spec, dict) else None
        labels = selector.get("matchLabels") if isinstance(selector, dict) else None
        if isinstance(labels, dict):
            out.extend(v for v in labels.values() if isinstance(v, str) and not is_unresolved(v))
        return out


@dataclass(frozen=True)
class OperatorView:
    jobs: tuple[OperatorJob, ...]
    default_interval_ms: int | None  # largest `spec.scrapeInterval` of the Prometheus objects

    def interval(self, job: OperatorJob) -> int:
        return job.interval_ms or self.default_interval_ms or OPERATOR_DEFAULT_INTERVAL

    def interval_for(self, job_value: str) -> int | None:
        """The largest interval of the generated jobs whose series carry ``job=job_value``."""
        found = [self.interval(j) for j in self.jobs if j.job_values and job_value in j.job_values]
        return max(found) if found else None


def _is_operator(obj: K8sObject, kinds: tuple[str, ...]) -> bool:
    return obj.kind in kinds and obj.api_version.startswith(OPERATOR_GROUP)


def _literal(value: Any) -> str | None:
    return value if isinstance(value, str) and not is_unresolved(value) and value else None


def _relabelled_job(endpoint: dict[str, Any]) -> tuple[bool, str | None]:
    """(whether an endpoint relabeling writes `job`, the literal value it writes if known)."""
    rules = endpoint.get("relabelings")
    written = False
    value: str | None = None
    for r in rules if isinstance(rules, list) else []:
        if not isinstance(r, dict):
            continue
        target = r.get("targetLabel", r.get("target_label"))
        action = str(r.get("action") or "replace").lower()
        if target == "job" and action == "replace":
            written = True
            sources = r.get("sourceLabels", r.get("source_labels"))
            replacement = _literal(r.get("replacement"))
            value = replacement if not sources and replacement and "$" not in replacement else None
        elif action == "labelmap":
            written = True
            value = None
    return written, value


def _selected(
    mon: K8sObject, candidates: list[K8sObject], labels_of: Any
) -> list[K8sObject] | None:
    """Scanned objects the monitor selects; None when some match depends on unknown values."""
    spec = mon.data.get("spec")
    if not isinstance(spec, dict):
        return []
    nsel = spec.get("namespaceSelector")
    out: list[K8sObject] = []
    for obj in candidates:
        if isinstance(nsel, dict) and nsel.get("any") is True:
            in_ns: bool | None = True
        elif isinstance(nsel, dict) and isinstance(nsel.get("matchNames"), list):
            names = nsel["matchNames"]
            ns = obj.namespace
            in_ns = None if ns is None or is_unresolved(ns) else ns in names
        elif nsel is None or (isinstance(nsel, dict) and not nsel):
            in_ns = same_namespace(mon.namespace, obj.namespace)
        else:
            in_ns = None
        if in_ns is False:
            continue
        sel = matches(spec.get("selector"), labels_of(obj))
        if sel is False:
            continue
        if in_ns is None or sel is None:
            return None
        out.append(obj)
    return out


def _match_label(spec: dict[str, Any], label: str) -> str | None:
    """The value the monitor's selector requires for ``label`` (so every target has it)."""
    selector = spec.get("selector")
    ml = selector.get("matchLabels") if isinstance(selector, dict) else None
    return _literal(ml.get(label)) if isinstance(ml, dict) else None


def _service_job_values(mon: K8sObject, services: list[K8sObject]) -> frozenset[str] | None:
    spec = mon.data["spec"]
    job_label = _literal(spec.get("jobLabel"))
    if job_label is not None:
        required = _match_label(spec, job_label)
        if required is not None:
            return frozenset({required})
    selected = _selected(mon, services, lambda s: s.metadata.get("labels") or {})
    if not selected:
        return None  # the Services are not in the scan: their names are unknown
    values: set[str] = set()
    for svc in selected:
        labels = svc.metadata.get("labels")
        raw = labels.get(job_label) if job_label and isinstance(labels, dict) else None
        if job_label and not isinstance(labels, dict) and labels:
            return None  # a templated label block may hold the job label
        if raw is not None and _literal(raw) is None:
            return None  # the job label is templated
        value = _literal(raw) or _literal(svc.name)
        if value is None:
            return None
        values.add(value)
    return frozenset(values)


def _pod_job_values(mon: K8sObject) -> frozenset[str] | None:
    spec = mon.data["spec"]
    job_label = _literal(spec.get("jobLabel"))
    if job_label is not None:
        required = _match_label(spec, job_label)
        return frozenset({required}) if required is not None else None
    ns, name = _literal(mon.namespace), _literal(mon.name)
    return frozenset({f"{ns}/{name}"}) if ns and name else None


def _endpoints(mon: K8sObject) -> Iterator[tuple[int, JsonPath, dict[str, Any]]]:
    spec = mon.data["spec"]
    key = "endpoints" if mon.kind == "ServiceMonitor" else "podMetricsEndpoints"
    items = spec.get(key)
    for i, ep in enumerate(items if isinstance(items, list) else []):
        if isinstance(ep, dict):
            yield i, (*mon.path, "spec", key, i), ep


def _monitor_jobs(mon: K8sObject, services: list[K8sObject]) -> Iterator[OperatorJob]:
    prefix = "serviceMonitor" if mon.kind == "ServiceMonitor" else "podMonitor"
    base = (
        _service_job_values(mon, services) if mon.kind == "ServiceMonitor" else _pod_job_values(mon)
    )
    ns = _literal(mon.namespace) or "default"
    for i, path, ep in _endpoints(mon):
        written, value = _relabelled_job(ep)
        values = (frozenset({value}) if value else None) if written else base
        yield OperatorJob(
            kind=mon.kind,
            obj=mon,
            endpoint_path=path,
            job_name=f"{prefix}/{ns}/{mon.name}/{i}",
            job_values=values,
            metrics_path=_literal(ep.get("path")) or "/metrics",
            port=ep.get("port", ep.get("targetPort")),
            interval_ms=parse_duration(ep.get("interval")) or None,
            hosts=(),
        )


def _scrape_config_job(obj: K8sObject) -> OperatorJob:
    spec = obj.data["spec"]
    ns = _literal(obj.namespace) or "default"
    job_name = f"scrapeConfig/{ns}/{obj.name}"
    written, value = _relabelled_job(spec)
    if written:
        values = frozenset({value}) if value else None
    else:
        jn = spec.get("jobName")
        values = frozenset({_literal(jn) or job_name}) if jn is None or _literal(jn) else None
    hosts: list[str] = []
    for sc in (
        spec.get("staticConfigs") or [] if isinstance(spec.get("staticConfigs"), list) else []
    ):
        targets = sc.get("targets") if isinstance(sc, dict) else None
        for t in targets if isinstance(targets, list) else []:
            if _literal(t):
                hosts.append(str(t))
    return OperatorJob(
        kind=obj.kind,
        obj=obj,
        endpoint_path=obj.path,
        job_name=job_name,
        job_values=values,
        metrics_path=_literal(spec.get("metricsPath")) or "/metrics",
        port=None,
        interval_ms=parse_duration(spec.get("scrapeInterval")) or None,
        hosts=tuple(hosts),
    )


def _scrape_interval(prometheus: K8sObject) -> int | None:
    spec = prometheus.data.get("spec")
    return parse_duration(spec.get("scrapeInterval")) if isinstance(spec, dict) else None


def operator_view(ctx: Context) -> OperatorView:
    def build() -> OperatorView:
        monitors: list[K8sObject] = []
        services: list[K8sObject] = []
        defaults: list[int] = []
        for doc in ctx.project.documents:
            if doc.format != "kubernetes":
                continue
            for obj in objects(doc):
                if obj.kind == "Service" and obj.api_version == "v1":
                    services.append(obj)
                elif _is_operator(obj, MONITOR_KINDS) and isinstance(obj.data.get("spec"), dict):
                    monitors.append(obj)
                elif _is_operator(obj, ("Prometheus", "PrometheusAgent")):
                    spec = obj.data.get("spec")
                    ms = (
                        parse_duration(spec.get("scrapeInterval"))
                        if isinstance(spec, dict)
                        else None
                    )
                    defaults.append(ms or OPERATOR_DEFAULT_INTERVAL)
        jobs: list[OperatorJob] = []
        for mon in monitors:
            if mon.kind == "ScrapeConfig":
                jobs.append(_scrape_config_job(mon))
            else:
                jobs.extend(_monitor_jobs(mon, services))
        return OperatorView(tuple(jobs), max(defaults) if defaults else None)

    result: OperatorView = ctx.memo("prometheus.operator", build)
    return result


def has_operator_objects(ctx: Context) -> bool:
    """Whether the scan holds monitors or a ``Prometheus`` object (the operator's side)."""
    view = operator_view(ctx)
    return bool(view.jobs) or view.default_interval_ms is not None
