"""What other formats read from Prometheus files: the package's published surface.

Cross-file checks (``crossfile/``) read Prometheus configurations, rule files and
Prometheus Operator objects only through this module: the typed model (configurations,
scrape jobs with their relabelling, rule files and rules with parsed expressions), the
run's index of which configuration loads which rule files, the operator's generated
jobs, and the few PromQL and regex readers they apply to those. Everything else in
``prometheus/`` is private to the package's own checks.
"""

from __future__ import annotations

from .index import PromIndex, build_index, go_glob
from .model import (
    PromConfig,
    RelabelRule,
    Rule,
    RuleFile,
    ScrapeJob,
    config_of,
    rule_file_of,
    scrape_job_of,
)
from .operator import OperatorJob, operator_view
from .promql import job_of, metric_names, vector_selectors
from .re2 import compile_anchored

__all__ = [
    "OperatorJob",
    "PromConfig",
    "PromIndex",
    "RelabelRule",
    "Rule",
    "RuleFile",
    "ScrapeJob",
    "build_index",
    "compile_anchored",
    "config_of",
    "go_glob",
    "job_of",
    "metric_names",
    "operator_view",
    "rule_file_of",
    "scrape_job_of",
    "vector_selectors",
]
