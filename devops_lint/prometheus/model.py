"""The Prometheus model: server configuration and rule files, read from located Documents.

Building the model never raises: values of the wrong type are left out here and
reported by the schema checks (PROM-001, PROM-007).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..context import TargetKey
from ..model import Document, JsonPath, mapping_or_empty
from ..saferegex import Regex
from . import promql
from .durations import MINUTE, parse_duration
from .re2 import compile_anchored

DEFAULT_SCRAPE_INTERVAL = MINUTE
DEFAULT_EVALUATION_INTERVAL = MINUTE
DEFAULT_SCRAPE_TIMEOUT = 10_000


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# --- configuration -------------------------------------------------------------------------


@dataclass
class RelabelRule:
    path: JsonPath
    source_labels: list[str]
    target_label: str | None
    action: str  # lower-cased, Prometheus default "replace"
    regex: str
    compiled: Regex | None  # anchored, compiled by RE2; None if RE2 refuses it
    replacement: str


@dataclass
class StaticTarget:
    path: JsonPath
    address: str


@dataclass
class ScrapeJob:
    path: JsonPath
    data: dict[str, Any]
    name: str | None
    scrape_interval: int | None  # explicit, ms
    scrape_timeout: int | None  # explicit, ms
    relabel_configs: list[RelabelRule]
    static_targets: list[StaticTarget]
    sd_configs: list[str]  # keys such as "kubernetes_sd_configs"
    kubernetes_roles: list[str]


@dataclass
class Alertmanager:
    path: JsonPath
    static_targets: list[StaticTarget]
    sd_configs: list[str]


@dataclass
class RemoteEndpoint:
    path: JsonPath
    kind: str  # remote_write / remote_read
    url: str | None


@dataclass
class HttpClient:
    """The HTTP client settings of a scrape job, SD config, Alertmanager or remote endpoint."""

    path: JsonPath
    owner: str  # "scrape_configs", "kubernetes_sd_configs", "alertmanagers", "remote_write" ...
    tls_config: dict[str, Any] | None
    basic_auth: dict[str, Any] | None
    authorization: dict[str, Any] | None
    oauth2: dict[str, Any] | None
    bearer_token: Any
    proxy_url: str | None

    def tls_blocks(self) -> list[tuple[JsonPath, dict[str, Any]]]:
        """Every ``tls_config`` of this client (its own and its OAuth2 token client's)."""
        out: list[tuple[JsonPath, dict[str, Any]]] = []
        if self.tls_config is not None:
            out.append(((*self.path, "tls_config"), self.tls_config))
        if self.oauth2 is not None and isinstance(self.oauth2.get("tls_config"), dict):
            out.append(((*self.path, "oauth2", "tls_config"), self.oauth2["tls_config"]))
        return out


def _client(entry: dict[str, Any], path: JsonPath, owner: str) -> HttpClient:
    def block(key: str) -> dict[str, Any] | None:
        value = entry.get(key)
        return value if isinstance(value, dict) else None

    return HttpClient(
        path=path,
        owner=owner,
        tls_config=block("tls_config"),
        basic_auth=block("basic_auth"),
        authorization=block("authorization"),
        oauth2=block("oauth2"),
        bearer_token=entry.get("bearer_token"),
        proxy_url=_str(entry.get("proxy_url")),
    )


def http_clients(data: Any) -> list[HttpClient]:
    """Every HTTP client of a configuration, service discovery clients included."""
    data = mapping_or_empty(data)
    out: list[HttpClient] = []

    def with_sd(entry: dict[str, Any], path: JsonPath, owner: str) -> None:
        out.append(_client(entry, path, owner))
        for key, value in entry.items():
            if key.endswith("_sd_configs"):
                for i, sd in enumerate(_list(value)):
                    if isinstance(sd, dict):
                        out.append(_client(sd, (*path, key, i), key))

    for i, sc in enumerate(_list(data.get("scrape_configs"))):
        if isinstance(sc, dict):
            with_sd(sc, ("scrape_configs", i), "scrape_configs")
    for i, am in enumerate(_list(mapping_or_empty(data.get("alerting")).get("alertmanagers"))):
        if isinstance(am, dict):
            with_sd(am, ("alerting", "alertmanagers", i), "alertmanagers")
    for key in ("remote_write", "remote_read"):
        for i, rw in enumerate(_list(data.get(key))):
            if isinstance(rw, dict):
                out.append(_client(rw, (key, i), key))
    return out


@dataclass
class PromConfig:
    doc: Document
    scrape_interval: int  # effective global, ms
    evaluation_interval: int
    external_labels: dict[str, str]
    rule_files: list[tuple[JsonPath, str]]
    alerting_present: bool
    alertmanagers: list[Alertmanager]
    jobs: list[ScrapeJob]
    remote: list[RemoteEndpoint]
    clients: list[HttpClient] = field(default_factory=list)

    def job(self, name: str) -> ScrapeJob | None:
        for job in self.jobs:
            if job.name == name:
                return job
        return None

    def job_interval(self, name: str | None) -> int:
        """Scrape interval of job ``name``, else the global one (section 8 preamble)."""
        if name is not None:
            job = self.job(name)
            if job is not None and job.scrape_interval:
                return job.scrape_interval
        return self.scrape_interval


def _relabel_rules(data: Any, base: JsonPath) -> list[RelabelRule]:
    out: list[RelabelRule] = []
    for i, item in enumerate(_list(data)):
        if not isinstance(item, dict):
            continue
        sources = [s for s in _list(item.get("source_labels")) if isinstance(s, str)]
        regex = item.get("regex", "(.*)")
        regex = str(regex) if isinstance(regex, (str, int, float, bool)) else "(.*)"
        if isinstance(item.get("regex"), bool):
            regex = "true" if item["regex"] else "false"
        action = _str(item.get("action")) or "replace"
        out.append(
            RelabelRule(
                path=(*base, i),
                source_labels=sources,
                target_label=_str(item.get("target_label")),
                action=action.lower(),
                regex=regex,
                compiled=compile_anchored(regex),
                replacement=str(item.get("replacement", "$1")),
            )
        )
    return out


def _static_targets(entry: dict[str, Any], base: JsonPath) -> list[StaticTarget]:
    out: list[StaticTarget] = []
    for si, sc in enumerate(_list(entry.get("static_configs"))):
        for ti, target in enumerate(_list(mapping_or_empty(sc).get("targets"))):
            if isinstance(target, str):
                out.append(StaticTarget((*base, "static_configs", si, "targets", ti), target))
    return out


def _sd_keys(entry: dict[str, Any]) -> list[str]:
    return [k for k, v in entry.items() if k.endswith("_sd_configs") and _list(v)]


def read_config(doc: Document) -> PromConfig:
    data = mapping_or_empty(doc.data)
    glob = mapping_or_empty(data.get("global"))
    scrape = parse_duration(glob.get("scrape_interval"))
    evaluation = parse_duration(glob.get("evaluation_interval"))
    ext = {
        str(k): str(v)
        for k, v in mapping_or_empty(glob.get("external_labels")).items()
        if isinstance(v, (str, int, float))
    }
    rule_files: list[tuple[JsonPath, str]] = [
        (("rule_files", i), entry)
        for i, entry in enumerate(_list(data.get("rule_files")))
        if isinstance(entry, str)
    ]
    alerting = data.get("alerting")
    managers: list[Alertmanager] = []
    for i, am in enumerate(_list(mapping_or_empty(alerting).get("alertmanagers"))):
        if isinstance(am, dict):
            path: JsonPath = ("alerting", "alertmanagers", i)
            managers.append(Alertmanager(path, _static_targets(am, path), _sd_keys(am)))
    jobs: list[ScrapeJob] = []
    for i, sc in enumerate(_list(data.get("scrape_configs"))):
        if not isinstance(sc, dict):
            continue
        path = ("scrape_configs", i)
        roles = [
            str(mapping_or_empty(k).get("role", "")).lower()
            for k in _list(sc.get("kubernetes_sd_configs"))
        ]
        jobs.append(
            ScrapeJob(
                path=path,
                data=sc,
                name=_str(sc.get("job_name")),
                scrape_interval=parse_duration(sc.get("scrape_interval")),
                scrape_timeout=parse_duration(sc.get("scrape_timeout")),
                relabel_configs=_relabel_rules(
                    sc.get("relabel_configs"), (*path, "relabel_configs")
                ),
                static_targets=_static_targets(sc, path),
                sd_configs=_sd_keys(sc),
                kubernetes_roles=roles,
            )
        )
    remote: list[RemoteEndpoint] = []
    for key in ("remote_write", "remote_read"):
        for i, rw in enumerate(_list(data.get(key))):
            if isinstance(rw, dict):
                remote.append(RemoteEndpoint((key, i), key, _str(rw.get("url"))))
    return PromConfig(
        doc=doc,
        scrape_interval=scrape if scrape else DEFAULT_SCRAPE_INTERVAL,
        evaluation_interval=evaluation if evaluation else DEFAULT_EVALUATION_INTERVAL,
        external_labels=ext,
        rule_files=rule_files,
        alerting_present=isinstance(alerting, dict),
        alertmanagers=managers,
        jobs=jobs,
        remote=remote,
        clients=http_clients(data),
    )


# --- rule files ----------------------------------------------------------------------------


@dataclass
class Rule:
    doc: Document
    path: JsonPath
    data: dict[str, Any]
    group: Group
    index: int
    kind: str | None  # "alert", "record", or None when malformed (neither or both)
    name: str | None
    expr: str | None  # None when absent or not a string
    for_ms: int | None
    keep_firing_for_ms: int | None
    labels: dict[str, Any]
    annotations: dict[str, Any]

    @property
    def parsed(self) -> promql.ParsedExpr | None:
        return promql.parse(self.expr) if self.expr is not None else None

    @property
    def ast(self) -> Any | None:
        parsed = self.parsed
        return parsed.ast if parsed is not None else None

    @property
    def key(self) -> tuple[str, int, JsonPath]:
        return (self.doc.path, self.doc.index, self.path)


@dataclass
class Group:
    doc: Document
    path: JsonPath
    data: dict[str, Any]
    index: int
    name: str | None
    interval: int | None  # ms
    rules: list[Rule] = field(default_factory=list)


@dataclass
class RuleFile:
    doc: Document
    groups_path: JsonPath  # ("groups",) or ("spec", "groups") for a PrometheusRule
    groups: list[Group]

    @property
    def rules(self) -> list[Rule]:
        return [r for g in self.groups for r in g.rules]


def is_prometheus_rule(doc: Document) -> bool:
    data = doc.data
    return (
        doc.format == "kubernetes"
        and isinstance(data, dict)
        and data.get("kind") == "PrometheusRule"
    )


def groups_path(doc: Document) -> JsonPath | None:
    if doc.format == "prometheus-rules":
        return ("groups",)
    if is_prometheus_rule(doc):
        return ("spec", "groups")
    return None


def read_rule_file(doc: Document) -> RuleFile | None:
    base = groups_path(doc)
    if base is None:
        return None
    groups: list[Group] = []
    for gi, g in enumerate(_list(doc.get(base))):
        if not isinstance(g, dict):
            continue
        gpath: JsonPath = (*base, gi)
        group = Group(
            doc=doc,
            path=gpath,
            data=g,
            index=gi,
            name=_str(g.get("name")),
            interval=parse_duration(g.get("interval")) if "interval" in g else None,
        )
        for ri, r in enumerate(_list(g.get("rules"))):
            if not isinstance(r, dict):
                continue
            has_alert, has_record = "alert" in r, "record" in r
            kind = (
                "alert"
                if has_alert and not has_record
                else "record"
                if has_record and not has_alert
                else None
            )
            name = _str(r.get("alert" if kind == "alert" else "record")) if kind else None
            group.rules.append(
                Rule(
                    doc=doc,
                    path=(*gpath, "rules", ri),
                    data=r,
                    group=group,
                    index=ri,
                    kind=kind,
                    name=name,
                    expr=_str(r.get("expr")),
                    for_ms=parse_duration(r["for"]) if "for" in r else None,
                    keep_firing_for_ms=parse_duration(r["keep_firing_for"])
                    if "keep_firing_for" in r
                    else None,
                    labels=mapping_or_empty(r.get("labels")),
                    annotations=mapping_or_empty(r.get("annotations")),
                )
            )
        groups.append(group)
    return RuleFile(doc, base, groups)


# What the Prometheus target builders put on a target (``targets.py``; the cross-file
# targets reuse the keys).
config_of: TargetKey[PromConfig] = TargetKey("config")
scrape_job_of: TargetKey[ScrapeJob] = TargetKey("job")
group_of: TargetKey[Group] = TargetKey("group")
rule_file_of: TargetKey[RuleFile] = TargetKey("rule_file")
