"""Shipped defaults of every configuration key (standards Appendix A)."""

from __future__ import annotations

from typing import Any

# Standards 4.4: ports of data stores and control planes never to be open to the internet.
DEFAULT_DATA_PORTS: tuple[int, ...] = (
    1433, 1521, 2375, 2376, 2379, 2380, 3306, 5432, 5601, 6379, 9042, 9200, 9300, 10250, 11211,
    27017,
)  # fmt: skip
DEFAULT_ADMIN_PORTS: tuple[int, ...] = (22, 3389, 5985, 5986)

# A repository's config may lower `max_file_size` or raise it up to this, never further: the
# cap is what keeps one hostile file from costing unbounded time and memory (docs/security.md).
MAX_FILE_SIZE_CEILING = 32 * 1024 * 1024

# Standards 0.6 item 5 and Appendix A: the controls that skip objects in a namespace the
# `system_namespaces` setting lists; every other control still applies there.
SYSTEM_NAMESPACE_CONTROLS: frozenset[str] = frozenset(
    [f"K8S-{n:03d}" for n in range(1, 13)] + ["K8S-028", "K8S-NET-001"]
)

DEFAULT_SETTINGS: dict[str, Any] = {
    "fail_on": "high",
    "select": [],
    "ignore": [],
    "exclude": [],
    "severity_overrides": {},
    "rule_paths": [],
    "data_extensions": {},
    "max_file_size": 5 * 1024 * 1024,
    "strict_unresolved": False,
    "helm_values_files": [],
    # .Release.Namespace of rendered charts (0.5): unset renders `default`, as `helm template`
    # does, but only a configured namespace is taken as where the chart is installed.
    "helm_release_namespace": None,
    "baseline": None,
    # GitHub Actions
    "repository": None,
    "default_branch": "main",
    "protected_branches": ["main"],
    "first_party_action_owners": ["actions", "github"],
    "trusted_action_owners": [],
    "cloud_auth_actions": [],
    "deploy_actions": [],
    "deploy_command_patterns": [],
    "prod_environment_regex": r"(?i)^(prod|production|live)(-.*)?$",
    "max_job_timeout_minutes": 120,
    "self_hosted_labels": ["self-hosted"],
    "sast_actions": [],
    "allowed_egress_hosts": ["github.com", "api.github.com", "ghcr.io", "*.amazonaws.com"],
    # Kubernetes
    # Namespaces exempt from SYSTEM_NAMESPACE_CONTROLS.
    "system_namespaces": ["kube-system", "kube-public", "kube-node-lease"],
    "prod_namespace_regex": r"(?i)^(prod|production)(-.*)?$",
    "allowed_registries": [],
    "require_cpu_limits": True,
    "prefer_secret_files": False,
    "required_workload_labels": [
        ["app.kubernetes.io/name", "app"],
        ["app.kubernetes.io/part-of", "team", "owner"],
    ],
    "min_replicas": 2,
    "min_kubernetes_version": "1.35",
    "cluster_dns_selector": {"namespace": "kube-system", "pods": {"k8s-app": "kube-dns"}},
    "ingress_controller_labels": [{"app.kubernetes.io/name": "ingress-nginx"}],
    "cluster_admin_allowlist": [],
    "human_admin_groups": [],
    # Terraform
    "sensitive_services": ["iam", "sts", "kms", "organizations", "secretsmanager", "ssm"],
    "data_bucket_regex": None,
    "admin_ports": list(DEFAULT_ADMIN_PORTS),
    "data_ports": list(DEFAULT_DATA_PORTS),
    "min_backup_retention_days": 7,
    "min_log_retention_days": 90,
    "min_audit_log_retention_days": 365,
    "edge_host_tags": ["edge"],
    "sensitive_name_rule": None,
    "sensitive_provider_args": None,
    "required_tags": ["Environment", "Owner", "Service"],
    # Secrets
    "secret_scan_exclude": [],
    # Prometheus
    "metrics_metadata": None,
    "tsdb_retention": "15d",
    "required_external_labels": ["cluster", "environment"],
    "external_labels_required": False,
    "min_scrape_interval": "10s",
    "alert_severities": ["critical", "warning", "info"],
    "routing_only_alerts": ["Watchdog", "InfoInhibitor"],
    "runbook_required_for": ["critical"],
    "min_alert_for": "1m",
    "rule_files_path_map": {},
    # Cross-file
    "external_k8s_objects": [],
}
