"""X-004 (pod scrape annotations agree with container ports and scrape jobs) and X-005
(targets are scraped once)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..kubernetes.facts import K8sObject, PodSpec, Tri, object_of, pod_of, tri_any
from ..model import JsonPath, Result, Target, Unresolved
from ..prometheus.facts import ScrapeJob, config_of
from ..registry import check
from .common import first_doc, missing_side
from .k8s import K8sView, declared_ports, k8s_view, pod_labels
from .monitors import monitor_selects, monitored, service_selects

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

SCRAPE = "prometheus.io/scrape"
PORT = "prometheus.io/port"
PATH = "prometheus.io/path"


def _annotations(pod: PodSpec) -> tuple[dict[str, Any], JsonPath]:
    ann = pod.template_metadata.get("annotations")
    return (ann if isinstance(ann, dict) else {}), (*pod.template_metadata_path, "annotations")


def scrape_enabled(pod: PodSpec) -> Tri:
    """``prometheus.io/scrape: "true"`` (an unquoted ``true`` is also meant so)."""
    value = _annotations(pod)[0].get(SCRAPE)
    if isinstance(value, Unresolved):
        return None
    return value is True or value == "true"


def _pod_jobs(ctx: Context) -> list[ScrapeJob]:
    from .prom import annotation_driven, prom_view

    return [j for c in prom_view(ctx).index.configs for j in c.jobs if annotation_driven(j)]


def _has_configs(ctx: Context) -> bool:
    if not any(d.format == "prometheus-config" for d in ctx.project.documents):
        return False
    from .prom import prom_view

    return bool(prom_view(ctx).index.configs)


def _job_picks(job: ScrapeJob, pod: PodSpec) -> Tri:
    from .prom import job_namespaces

    names = job_namespaces(job)
    if names is None:
        return True
    ns = pod.obj.namespace
    if ns is None or isinstance(ns, Unresolved):
        return None
    return ns in names


def _picking(pod: PodSpec, ctx: Context) -> list[tuple[ScrapeJob, Tri]]:
    return [(j, t) for j in _pod_jobs(ctx) for t in [_job_picks(j, pod)] if t is not False]


def _annotated_pods(view: K8sView) -> list[PodSpec]:
    return [p for p in view.pods if scrape_enabled(p) is not False]


def _missing_scrape_side(target: Target, ctx: Context) -> list[Result] | None:
    """None when both sides are present; else the single info finding (or nothing)."""
    view = k8s_view(ctx)
    if _has_configs(ctx) or view.of_kind("PodMonitor", "ServiceMonitor"):
        return None
    return missing_side(
        target.doc,
        first_doc(p.obj.doc for p in _annotated_pods(view)),
        "pods are annotated for scraping but no Prometheus configuration, PodMonitor or "
        "ServiceMonitor is in the scanned set",
    )


@check("X-004.no-scrape-job", target="crossfile.pod")
def no_scrape_job(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    pod = pod_of(target)
    enabled = scrape_enabled(pod)
    if enabled is False:
        return
    side = _missing_scrape_side(target, ctx)
    if side is not None:
        yield from side
        return
    base = _annotations(pod)[1]
    picks = _sd_scraped(pod, ctx)
    if picks is not True:
        yield Result(path=(*base, SCRAPE), unresolved=picks is None or enabled is None)


@check("X-004.non-string-annotation", target="crossfile.pod")
def non_string_annotation(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    pod = pod_of(target)
    ann, base = _annotations(pod)
    if not any(isinstance(k, str) and k.startswith("prometheus.io/") for k in ann):
        return
    for key, value in ann.items():
        if isinstance(value, (bool, int, float)):
            yield Result(path=(*base, key), args={"annotation": key, "value": value})


def _port_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


@check("X-004.port-not-declared", target="crossfile.pod")
def port_not_declared(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    pod = pod_of(target)
    ann, base = _annotations(pod)
    if PORT not in ann or scrape_enabled(pod) is False:
        return
    value = ann[PORT]
    if isinstance(value, Unresolved):
        yield Result(path=(*base, PORT), unresolved=True, args={"port": value})
        return
    number = _port_number(value)
    declared = declared_ports(pod)
    found = declared.has_number(number, None) if number is not None else False
    if found is not True:
        yield Result(path=(*base, PORT), unresolved=found is None, args={"port": value})


def _ignored(target: Target, ctx: Context, key: str, rewrite: tuple[str, str]) -> Iterator[Result]:
    from .prom import rewrites

    pod = pod_of(target)
    ann, base = _annotations(pod)
    if key not in ann or scrape_enabled(pod) is False or not _has_configs(ctx):
        return
    if key == PATH:
        path = ann[key]
        if not isinstance(path, Unresolved) and path == "/metrics":
            return
    lacking = [(j, t) for j, t in _picking(pod, ctx) if not rewrites(j, *rewrite)]
    if not lacking:
        return
    proven = [j for j, t in lacking if t is True]
    job = (proven or [j for j, _ in lacking])[0]
    yield Result(
        path=(*base, key),
        unresolved=not proven or scrape_enabled(pod) is None or isinstance(ann[key], Unresolved),
        args={"job": job.name or "?", "value": ann[key]},
    )


@check("X-004.port-ignored", target="crossfile.pod")
def port_ignored(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    pod = pod_of(target)
    declared = declared_ports(pod)
    single = declared.complete and len(declared.ports) <= 1
    for res in _ignored(target, ctx, PORT, ("__address__", "port")):
        res.severity = "low" if single else "medium"
        yield res


@check("X-004.path-ignored", target="crossfile.pod")
def path_ignored(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    yield from _ignored(target, ctx, PATH, ("__metrics_path__", "path"))


@check("X-004.monitor-port", target="crossfile.k8s_object")
def monitor_port(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    obj = object_of(target)
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return
    view = k8s_view(ctx)
    key = "endpoints" if obj.kind == "ServiceMonitor" else "podMetricsEndpoints"
    endpoints = spec.get(key)
    for i, ep in enumerate(endpoints if isinstance(endpoints, list) else []):
        port = ep.get("port") if isinstance(ep, dict) else None
        if not isinstance(port, str):
            continue
        verdict = _endpoint_port(obj, port, view)
        if verdict is None or verdict is False:
            yield Result(
                path=(*obj.sub("spec", key, i), "port"),
                unresolved=verdict is None,
                args={"port": port},
            )


def _endpoint_port(mon: K8sObject, port: str, view: K8sView) -> Tri | str:
    """True: some selected object names the port; False: selected objects exist, none does;
    "none": nothing selected (not this rule's concern); None: unknown."""
    if isinstance(port, Unresolved):
        return None
    outcomes: list[Tri] = []
    if mon.kind == "ServiceMonitor":
        for svc in view.of_kind("Service"):
            sel = monitor_selects(mon, svc, svc.metadata.get("labels") or {})
            if sel is False:
                continue
            names = _service_port_names(svc)
            outcomes.append(_and3(sel, None if names is None else port in names))
    else:
        for pod in view.pods:
            sel = monitor_selects(mon, pod.obj, pod_labels(pod))
            if sel is False:
                continue
            outcomes.append(_and3(sel, declared_ports(pod).has_name(port)))
    if not outcomes:
        return "none"
    return tri_any(outcomes)


def _service_port_names(svc: K8sObject) -> set[str] | None:
    spec = svc.data.get("spec")
    ports = spec.get("ports") if isinstance(spec, dict) else None
    if isinstance(ports, Unresolved):
        return None
    out: set[str] = set()
    for p in ports if isinstance(ports, list) else []:
        if not isinstance(p, dict):
            return None
        name = p.get("name")
        if isinstance(name, Unresolved):
            return None
        if isinstance(name, str):
            out.add(name)
    return out


# --- X-005 ----------------------------------------------------------------------------------


SERVICE_SUFFIXES = ("", ".svc", ".svc.cluster.local")


def service_shaped(host: str) -> bool:
    """``svc``, ``svc.ns``, ``svc.ns.svc`` or ``svc.ns.svc.cluster.local``: not an IP,
    ``localhost`` or an external domain name."""
    labels = host.split(".")
    if host == "localhost" or all(p.isdigit() for p in labels) or ":" in host:
        return False
    if host.endswith((".svc", ".svc.cluster.local")):
        return len(labels) in (3, 5)
    return len(labels) <= 2


def _services_by_name(view: K8sView) -> dict[str | None, list[K8sObject]]:
    """The run's Services by literal name; None for those whose name is empty or templated
    (they may be any host)."""
    out: dict[str | None, list[K8sObject]] = {}
    for svc in view.of_kind("Service"):
        name = svc.name
        known = name and not isinstance(svc.metadata.get("name"), Unresolved)
        out.setdefault(name if known else None, []).append(svc)
    return out


def _named_candidates(
    host: str, services: dict[str | None, list[K8sObject]]
) -> Iterator[K8sObject]:
    """The Services ``_service_host`` may not rule out for ``host``: a literal name must be
    the host or a prefix of it ending at a dot. Looking those up instead of comparing every
    Service keeps X-005 linear in large repositories."""
    yield from services.get(None, ())
    labels = host.split(".")
    for end in range(1, len(labels) + 1):
        yield from services.get(".".join(labels[:end]), ())


def _service_host(host: str, svc: K8sObject) -> Tri:
    """Whether a static target host names the Service (``svc``, ``svc.ns``, ``svc.ns.svc``…)."""
    name = svc.name
    if not name or isinstance(svc.metadata.get("name"), Unresolved):
        return None if host.split(".")[0] else False
    if host == name:
        return True
    if not host.startswith(name + "."):
        return False
    rest = host[len(name) + 1 :]
    ns = svc.namespace
    for suffix in SERVICE_SUFFIXES:
        if suffix and not rest.endswith(suffix):
            continue
        want = rest[: len(rest) - len(suffix)] if suffix else rest
        if "." in want:
            continue
        if ns is None:
            return None  # the Service's namespace is set at deploy time
        if isinstance(ns, Unresolved):
            return None
        return want == ns
    return False


def _sd_scraped(pod: PodSpec, ctx: Context) -> Tri:
    """Whether an annotation-driven job or a monitor scrapes the pod (monitors are only
    looked at when no job provably does: they are the costlier join)."""
    enabled = scrape_enabled(pod)
    by_jobs = _and3(enabled, tri_any([t for _, t in _picking(pod, ctx)]))
    if by_jobs is True:
        return True
    return tri_any([by_jobs, monitored(pod, k8s_view(ctx))])


@check("X-005.static-and-sd", target="crossfile.prometheus_config")
def static_and_sd(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    from .prom import prom_view

    cfg = config_of(target)
    view = k8s_view(ctx)
    statics = [(j, t) for j in cfg.jobs for t in j.static_targets]
    if not statics:
        return
    if not view.objects:
        has_sd = any(j.kubernetes_roles for c in prom_view(ctx).index.configs for j in c.jobs)
        if has_sd:
            configs = [
                c.doc for c in prom_view(ctx).index.configs if any(j.static_targets for j in c.jobs)
            ]
            yield from missing_side(
                target.doc, first_doc(configs), "no Kubernetes manifests in the scanned set"
            )
        return
    services = ctx.memo("crossfile.services_by_name", lambda: _services_by_name(view))
    for job, st in statics:
        host = st.address.rsplit(":", 1)[0] if ":" in st.address else st.address
        if not service_shaped(host):
            continue
        outcomes: list[Tri] = []
        for svc in _named_candidates(host, services):
            named = _service_host(host, svc)
            if named is False:
                continue
            for pod in view.pods_near(svc.namespace):
                sel = service_selects(svc, pod)
                if sel is False:
                    continue
                outcomes.append(_and3(named, sel, _sd_scraped(pod, ctx)))
        verdict = tri_any(outcomes)
        if verdict is not False:
            yield Result(
                path=st.path,
                unresolved=verdict is None,
                args={"target": st.address, "job": job.name or "?"},
            )


def _and3(*values: Tri) -> Tri:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _sd_signature(job: ScrapeJob) -> tuple[str, str] | None:
    import json

    sd = {k: job.data[k] for k in job.sd_configs}
    if not sd:
        return None
    filters = [
        (r.action, tuple(r.source_labels), r.regex)
        for r in job.relabel_configs
        if r.action in ("keep", "drop", "keepequal", "dropequal")
    ]
    try:
        return json.dumps(sd, sort_keys=True, default=str), json.dumps(filters, default=str)
    except (TypeError, ValueError):
        return None


@check("X-005.duplicate-sd", target="crossfile.prometheus_config")
def duplicate_sd(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    cfg = config_of(target)
    seen: dict[tuple[str, str], ScrapeJob] = {}
    for job in cfg.jobs:
        sig = _sd_signature(job)
        if sig is None:
            continue
        if sig in seen:
            first = seen[sig]
            yield Result(
                path=job.path,
                args={"job": job.name or "?", "other": first.name or "?"},
            )
        else:
            seen[sig] = job
