"""Which format a file (and each YAML document) is, per standards 0.5."""

from __future__ import annotations

import posixpath
from typing import Any

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


def _is_workflow(data: dict[str, Any]) -> bool:
    jobs = data.get("jobs")
    if "on" not in data or not isinstance(jobs, dict) or not jobs:
        return False
    return any(isinstance(j, dict) and ("runs-on" in j or "uses" in j) for j in jobs.values())


def document_format(data: Any) -> str:
    """Format of one YAML/JSON document found outside the path-decided places."""
    if not isinstance(data, dict):
        return "yaml"
    if _is_workflow(data):
        return "workflow"
    has_rules_or_alerting = "rule_files" in data or "alerting" in data
    if "scrape_configs" in data or ("global" in data and has_rules_or_alerting):
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
