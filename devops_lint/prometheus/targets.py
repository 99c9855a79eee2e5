"""Target kinds of Prometheus configurations and rule files.

- ``prometheus.config``: a server configuration (``prometheus.yml``), anchored at line 1.
- ``prometheus.scrape_job``: one ``scrape_configs`` entry, anchored at its ``- job_name:`` line.
- ``prometheus.rule_file``: a rule file, or a ``PrometheusRule`` object (its ``spec.groups``).
- ``prometheus.group``: one rule group.
- ``prometheus.rule``: one alerting or recording rule (exactly one of ``alert``/``record``),
  anchored at its ``- alert:``/``- record:`` line (standards 0.6 item 9), with its group,
  parsed PromQL and effective intervals (section 8 preamble) in ``context``.

Checks that need other files (the configuration loading a rule file, duplicates across
loaded files) read the run's ``PromIndex`` (``index.build_index``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import FILE_START, Document, Target
from ..targets import TargetKind, kind
from .index import build_index, intervals
from .model import Group, Rule, RuleFile, ScrapeJob, is_prometheus_rule
from .operator import operator_view

if TYPE_CHECKING:
    from ..context import Context

CONFIG_FORMATS = ("prometheus-config",)
RULE_FORMATS = ("prometheus-rules", "kubernetes")


def _object_name(doc: Document) -> str:
    """``PrometheusRule/<namespace>/<name>`` as Kubernetes locators spell objects."""
    meta = doc.data.get("metadata") if isinstance(doc.data, dict) else None
    meta = meta if isinstance(meta, dict) else {}
    ns = meta.get("namespace")
    name = meta.get("name", "?")
    return f"PrometheusRule/{ns}/{name}" if ns else f"PrometheusRule/{name}"


def _object_prefix(doc: Document) -> str:
    return f"{_object_name(doc)}:spec." if is_prometheus_rule(doc) else ""


def group_locator(group: Group) -> str:
    label = group.name if group.name is not None else str(group.index)
    return f"{_object_prefix(group.doc)}groups[{label}]"


def rule_locator(rule: Rule) -> str:
    label = rule.name if rule.name else str(rule.index)
    return f"{group_locator(rule.group)}.rules[{label}]"


def _rule_file(doc: Document, ctx: Context) -> RuleFile | None:
    if doc.format == "kubernetes" and not is_prometheus_rule(doc):
        return None
    return build_index(ctx).rule_file(doc)


@kind(CONFIG_FORMATS)
def config_targets(doc: Document, ctx: Context) -> Iterator[Target]:
    cfg = build_index(ctx).config(doc)
    if cfg is None or not isinstance(doc.data, dict):
        return
    context = {"name": doc.path, "config": cfg}
    yield Target.of_file("prometheus.config", doc, doc.data, "prometheus config", context)


def _job_target(doc: Document, job: ScrapeJob) -> Target:
    label = job.name if job.name is not None else str(job.path[-1])
    locator = f"scrape_configs[{label}]"
    context = {"name": label, "job": job}
    span = doc.span(job.path)
    return Target.of_span("prometheus.scrape_job", doc, job.path, job.data, locator, span, context)


@kind(CONFIG_FORMATS)
def scrape_job_targets(doc: Document, ctx: Context) -> Iterator[Target]:
    cfg = build_index(ctx).config(doc)
    if cfg is None or not isinstance(doc.data, dict):
        return
    for job in cfg.jobs:
        yield _job_target(doc, job)


@kind(RULE_FORMATS)
def rule_file_targets(doc: Document, ctx: Context) -> Iterator[Target]:
    rf = _rule_file(doc, ctx)
    if rf is None:
        return
    anchor = doc.span(()) if is_prometheus_rule(doc) else FILE_START
    yield Target(
        kind="prometheus.rule_file",
        doc=doc,
        path=(),
        data=doc.data,
        locator=_object_name(doc) if is_prometheus_rule(doc) else doc.path,
        anchor=anchor,
        object_span=anchor,
        context={"name": doc.path, "rule_file": rf},
    )


@kind(RULE_FORMATS)
def group_targets(doc: Document, ctx: Context) -> Iterator[Target]:
    rf = _rule_file(doc, ctx)
    for group in rf.groups if rf is not None else ():
        span = doc.span(group.path)
        context = {"name": group.name or "", "group": group}
        locator = group_locator(group)
        yield Target.of_span(
            "prometheus.group", doc, group.path, group.data, locator, span, context
        )


def rule_target(rule: Rule, ctx: Context) -> Target:
    span = rule.doc.span(rule.path)
    index = build_index(ctx)
    # A rule file no scanned configuration loads takes its intervals from operator objects.
    operator = None if index.configs_of(rule.doc) else operator_view(ctx)
    context: dict[str, Any] = {
        "name": rule.name or "",
        "kind": rule.kind,
        "group": rule.group.name or "",
        "expr": rule.expr or "",
        "rule": rule,
        "intervals": intervals(rule, index, operator),
    }
    return Target.of_span(
        "prometheus.rule", rule.doc, rule.path, rule.data, rule_locator(rule), span, context
    )


@kind(RULE_FORMATS)
def rule_targets(doc: Document, ctx: Context) -> Iterator[Target]:
    rf = _rule_file(doc, ctx)
    for rule in rf.rules if rf is not None else ():
        if rule.kind is not None:
            yield rule_target(rule, ctx)


TARGETS: dict[str, TargetKind] = {
    "prometheus.config": config_targets,
    "prometheus.scrape_job": scrape_job_targets,
    "prometheus.rule_file": rule_file_targets,
    "prometheus.group": group_targets,
    "prometheus.rule": rule_targets,
}
