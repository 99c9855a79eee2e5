"""Which format a file (and each YAML document) is, per standards 0.5."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from .structure import PROMETHEUS_CONFIG_SHAPES

YAML_SUFFIXES = (".yaml", ".yml")
RENOVATE_FILES = frozenset(
    {
        "renovate.json",
        "renovate.json5",
        ".github/renovate.json",
        ".github/renovate.json5",
        ".gitlab/renovate.json",
        ".gitlab/renovate.json5",
        ".renovaterc",
        ".renovaterc.json",
        ".renovaterc.json5",
    }
)
LOCK_FILES = frozenset({"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.sum"})
NOT_MANIFESTS = frozenset({"NOTES.txt", "Chart.yaml", "Chart.lock", "values.yaml"})


def file_kind(path: str) -> str:
    """Classification from the path alone; YAML documents are refined by content later.

    Kinds: terraform, tfvars, workflow, action, helm, yaml, json, dependabot, other.
    """
    name = posixpath.basename(path)
    lower = name.lower()
    parts = path.split("/")
    if lower.endswith((".tf", ".tf.json")):
        return "terraform"
    if lower.endswith((".tfvars", ".tfvars.json")):
        return "tfvars"
    if (
        len(parts) >= 3
        and parts[-3:-1] == [".github", "workflows"]
        and lower.endswith(YAML_SUFFIXES)
    ):
        return "workflow"
    if path in (".github/dependabot.yml", ".github/dependabot.yaml"):
        return "dependabot"
    if lower in ("action.yml", "action.yaml"):
        return "action"
    in_templates = "templates" in parts[:-1] and not name.startswith("_")
    if in_templates and name not in NOT_MANIFESTS and lower.endswith((*YAML_SUFFIXES, ".tpl")):
        return "helm"
    if lower.endswith(YAML_SUFFIXES):
        return "yaml"
    if lower.endswith(".json") and name not in LOCK_FILES:
        return "json"
    return "other"


# A Helm action: ``{{`` not preceded by ``$`` (GitHub/Azure expressions) or ``%`` (Jinja).
HELM_ACTION = re.compile(r"(?<![$%{])\{\{")
# Terraform template interpolation or directive: ``${var}``, ``%{ if … }`` (not ``${{``).
TERRAFORM_TEMPLATE = re.compile(r"[$%]\{(?!\{)")


def is_helm_partial(path: str, text: str) -> bool:
    """A ``_``-prefixed file under ``templates/`` holding template actions: by Helm's own
    convention a partial (``define`` blocks such as ``_helpers.yaml``), never a manifest,
    whatever its suffix; ``file_kind`` has already sent ``_helpers.tpl`` away."""
    parts = path.split("/")
    return (
        "templates" in parts[:-1]
        and parts[-1].startswith("_")
        and HELM_ACTION.search(text) is not None
    )


def template_kind(path: str, text: str, in_chart: bool) -> str:
    """What a file that ``file_kind`` put under ``templates/`` really is (standards 0.5).

    In a chart (``Chart.yaml`` beside ``templates/``) it is a Helm template. Outside one,
    other tools keep files in ``templates/`` folders too (Azure Pipelines and CloudFormation
    layouts, Terraform ``templatefile`` sources such as user-data scripts): such a file is a
    Helm template only when it holds a Helm action and is not a script. Otherwise a YAML
    file is read as plain YAML, and anything else (``other``) is not ours.
    """
    if in_chart:
        return "helm"
    fallback = "yaml" if path.lower().endswith(YAML_SUFFIXES) else "other"
    if text.startswith("#!"):
        return fallback
    if path.lower().endswith(".tpl") and TERRAFORM_TEMPLATE.search(text):
        return "other"
    return "helm" if HELM_ACTION.search(text) else fallback


def _is_workflow(data: dict[str, Any]) -> bool:
    jobs = data.get("jobs")
    if "on" not in data or not isinstance(jobs, dict) or not jobs:
        return False
    return any(isinstance(j, dict) and ("runs-on" in j or "uses" in j) for j in jobs.values())


def _mostly_prometheus_keys(data: dict[str, Any]) -> bool:
    """At least half the top-level keys are Prometheus configuration keys.

    A real configuration may have a misspelt key (Prometheus reports it, and so do the
    configuration rules), but a data file that merely has a ``global`` and an ``alerting``
    key among many others is not one and must not be reported as a broken configuration.
    """
    known = sum(1 for key in data if key in PROMETHEUS_CONFIG_SHAPES)
    return 2 * known >= len(data)


def document_format(data: Any) -> str:
    """Format of one YAML/JSON document found outside the path-decided places."""
    if not isinstance(data, dict):
        return "yaml"
    if "format_version" in data and ("planned_values" in data or "resource_changes" in data):
        return "terraform-plan"  # `terraform show -json` of a plan (terraform/plan.py)
    if _is_workflow(data):
        return "workflow"
    has_rules_or_alerting = "rule_files" in data or "alerting" in data
    looks_like_config = "scrape_configs" in data or ("global" in data and has_rules_or_alerting)
    if looks_like_config and _mostly_prometheus_keys(data):
        return "prometheus-config"
    groups = data.get("groups")
    if isinstance(groups, list) and any(isinstance(g, dict) and "rules" in g for g in groups):
        return "prometheus-rules"
    if isinstance(groups, dict) and "rules" in groups and len(data) == 1:
        return "prometheus-rules"  # a rule file with its group list written as a mapping
    if "route" in data and "receivers" in data:
        return "alertmanager"
    if isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str):
        return "kubernetes"
    return "yaml"
