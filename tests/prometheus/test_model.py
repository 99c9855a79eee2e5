"""The Prometheus model and project index: rule-file resolution and effective intervals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devops_lint.classify import document_format
from devops_lint.context import Context
from devops_lint.defaults import DEFAULT_SETTINGS
from devops_lint.project import Project
from devops_lint.prometheus.index import build_index, intervals
from devops_lint.prometheus.model import http_clients, read_config, read_rule_file
from devops_lint.yamlload import load_documents

RULES = """\
groups:
  - name: g
    interval: 30s
    rules:
      - alert: A
        expr: up{job="api"} == 0
        for: 5m
        keep_firing_for: 10m
        labels: {severity: critical}
      - record: job:up:sum
        expr: sum by (job) (up)
  - name: h
    rules:
      - alert: B
        expr: up == 0
      - expr: no name
"""


def _ctx(files: dict[str, str], **settings: Any) -> Context:
    project = Project(root=Path("."))
    for path, text in files.items():
        docs, _ = load_documents(text, path)
        for doc in docs:
            doc.format = document_format(doc.data)
        project.documents.extend(docs)
    return Context(settings={**DEFAULT_SETTINGS, **settings}, project=project)


def test_rule_file_model() -> None:
    docs, _ = load_documents(RULES, "rules.yml")
    docs[0].format = "prometheus-rules"
    rf = read_rule_file(docs[0])
    assert rf is not None
    g, h = rf.groups
    assert (g.name, g.interval, h.interval) == ("g", 30_000, None)
    a, rec = g.rules
    assert (a.kind, a.name, a.for_ms, a.keep_firing_for_ms) == ("alert", "A", 300_000, 600_000)
    assert a.path == ("groups", 0, "rules", 0)
    assert rec.kind == "record" and rec.ast is not None
    assert [r.kind for r in h.rules] == ["alert", None]


def test_prometheus_rule_object() -> None:
    text = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: x}\n"
    text += "spec:\n" + "".join("  " + line + "\n" for line in RULES.splitlines())
    docs, _ = load_documents(text, "pr.yaml")
    docs[0].format = "kubernetes"
    rf = read_rule_file(docs[0])
    assert rf is not None and rf.groups_path == ("spec", "groups")
    assert rf.rules[0].path == ("spec", "groups", 0, "rules", 0)


def test_config_model() -> None:
    docs, _ = load_documents(
        """\
global: {scrape_interval: 30s, external_labels: {cluster: a}}
rule_files: [rules/*.yml]
alerting:
  alertmanagers:
    - static_configs: [{targets: ['am:9093']}]
      basic_auth: {username: u, password: p}
scrape_configs:
  - job_name: api
    scrape_interval: 10s
    relabel_configs:
      - source_labels: [__address__]
        regex: '(.*):10250'
        action: Replace
    kubernetes_sd_configs:
      - role: pod
        tls_config: {insecure_skip_verify: true}
remote_write:
  - url: https://x/write
    oauth2: {client_id: a, client_secret: b, tls_config: {ca_file: c}}
""",
        "prometheus.yml",
    )
    cfg = read_config(docs[0])
    assert (cfg.scrape_interval, cfg.evaluation_interval) == (30_000, 60_000)
    assert cfg.external_labels == {"cluster": "a"}
    assert cfg.job_interval("api") == 10_000 and cfg.job_interval("other") == 30_000
    relabel = cfg.jobs[0].relabel_configs[0]
    assert relabel.action == "replace" and relabel.compiled is not None
    assert relabel.compiled.match("node:10250") and not relabel.compiled.match("node:9100")
    assert cfg.jobs[0].kubernetes_roles == ["pod"]
    assert [t.address for t in cfg.alertmanagers[0].static_targets] == ["am:9093"]
    owners = [c.owner for c in http_clients(docs[0].data)]
    assert owners == ["scrape_configs", "kubernetes_sd_configs", "alertmanagers", "remote_write"]
    assert len(cfg.clients[-1].tls_blocks()) == 1


def test_index_resolves_globs_relative_paths_and_path_map() -> None:
    cfg = "global: {scrape_interval: 20s, evaluation_interval: 20s}\nscrape_configs: []\n"
    ctx = _ctx(
        {
            "mon/prometheus.yml": cfg + "rule_files: ['rules/*.yml', '/etc/prometheus/x.yml']\n",
            "mon/other.yml": "global: {scrape_interval: 45s}\nscrape_configs: [{job_name: api,"
            " scrape_interval: 1m}]\nrule_files: ['/etc/prometheus/x.yml']\n",
            "mon/rules/a.yml": RULES,
            "mon/rules/deep/b.yml": RULES,
            "shared/x.yml": RULES,
        },
        rule_files_path_map={"/etc/prometheus/": "shared/"},
    )
    index = build_index(ctx)
    main, other = index.configs
    assert [rf.doc.path for rf in index.loads[id(main)].files] == [
        "mon/rules/a.yml",
        "shared/x.yml",
    ]
    assert index.loads[id(main)].complete
    x = next(rf for rf in index.rule_files if rf.doc.path == "shared/x.yml")
    assert index.configs_of(x.doc) == [main, other]
    alert, _record = x.groups[0].rules
    iv = intervals(alert, index)
    assert iv.evaluation == 30_000  # the group's own interval
    assert iv.scrape(None) == 45_000  # the largest global among the loading configurations
    assert iv.scrape("api") == 60_000
    b_alert = intervals(x.groups[1].rules[0], index)
    assert b_alert.evaluation == 60_000  # the largest: other.yml keeps the 1m default
    deep = next(rf for rf in index.rule_files if rf.doc.path == "mon/rules/deep/b.yml")
    assert index.configs_of(deep.doc) == []  # `*` does not cross directories
    unloaded = intervals(deep.groups[1].rules[0], index)
    assert (unloaded.evaluation, unloaded.scrape("api")) == (60_000, 60_000)


def test_unmapped_absolute_path_is_incomplete() -> None:
    ctx = _ctx({"prometheus.yml": "rule_files: ['/etc/rules/*.yml']\nscrape_configs: []\n"})
    index = build_index(ctx)
    assert not index.loads[id(index.configs[0])].complete
