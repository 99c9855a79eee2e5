"""Extract the control catalog of the security standard into ``rules/controls.yaml``.

Maintainer tool, not used at run time (tests/test_controls_catalog.py checks its output is current):

    python tools/extract_controls.py docs/standard.md > rules/controls.yaml

A control is a ``#### <ID> · <title>`` heading followed by ``- **Field:**`` bullets. Its rules
are the backticked IDs in its *Check* text that start with its own ID (``GHA-003.action-ref``);
IDs of other controls mentioned in passing are not its rules. A rule's severity is the word in
parentheses right after it when that word is a severity, else the control's headline severity.
Where the standard states a rule's severity only in prose or in the control's Severity line
("medium (recording duplicates: high)"), or lists a rule without describing it, the override
tables below give the value, each with the text it comes from.
"""

# ruff: noqa: RUF001  (summaries keep the standard's typography: multiplication sign, en dash)
from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

SEVERITIES = ("critical", "high", "medium", "low", "info")
SEVERITY_WORD = re.compile(r"^(critical|high|medium|low|info)\b")

HEADING = re.compile(r"^#### (?P<id>[A-Z][A-Z0-9]*(?:-[A-Z]+)*-\d{3}) · (?P<title>.+?)\s*$")
SECTION = re.compile(r"^#{2,3} (?P<num>\d+(?:\.\d+)?)[.\s]")
FIELD = re.compile(r"^- \*\*(?P<name>[A-Za-z ]+):\*\*\s*(?P<text>.*)$")

# Severities the standard states in prose rather than in parentheses after the rule ID.
SEVERITY_OVERRIDES: dict[str, str] = {
    # "an Ingress-only default deny reports `K8S-NET-001.no-egress-deny` at medium instead"
    "K8S-NET-001.no-egress-deny": "medium",
    # Severity line: "high (`rate` of a sum); medium (average of ratios); low (absolute error
    # rate)"; Fail: "seed `HighErrorRate` (`absolute-error-rate`, low)".
    "PROM-015.avg-of-ratio": "medium",
    "PROM-015.absolute-error-rate": "low",
    # "medium if the pod declares more than one port, low otherwise" (headline is high, which
    # belongs to `non-string-annotation` only); the higher of the two stated values.
    "X-004.port-ignored": "medium",
    # The Severity line names the variant, the Check text lists the rule without a severity:
    "GHA-019.unsound-contains": "medium",  # "high (`unsound-contains`: medium)"
    "K8S-NET-008.snippet": "high",  # "medium (snippet annotations: high)"
    "K8S-RBAC-008.dangling-roleref": "low",  # "medium (dangling reference: low)"
    "TF-AWS-006.managed-admin": "high",  # "critical (managed policy attachment: high)"
    "TF-AWS-009.user-policy": "medium",  # "high (user policy attachment: medium)"
    "TF-AWS-024.wildcard-principal": "critical",  # "medium (wildcard principal: critical)"
    "PROM-017.record": "high",  # "medium (recording duplicates: high)"
    "PROM-018.cross-group": "low",  # "medium (cross-group dependency: low)"
}

# Summaries for rules the Check text lists without a description of their own.
SUMMARY_OVERRIDES: dict[str, str] = {
    "K8S-NET-001.no-egress-deny": (
        "The namespace has an Ingress default-deny but no Egress default-deny"
    ),
    # Descriptions that the Check text gives only as a parenthetical remark or a bare pattern.
    "GHA-021.unsigned-image": (
        "A publishing job pushes an image without a signature or provenance/SBOM attestation"
    ),
    "GHA-022": "A PR-reachable publishing job pushes images without a pull-request guard",
    "K8S-RBAC-003.get-unscoped": "`get` on `secrets` without `resourceNames`",
    "K8S-RBAC-008.dangling-roleref": (
        "A `roleRef` that resolves to no Role/ClusterRole in the scanned set and no built-in one"
    ),
    "TF-AWS-006.managed-admin": "AWS-managed `AdministratorAccess` or `IAMFullAccess` attached",
    "TF-AWS-009.user-policy": "Policy attached directly to an IAM user",
    "TF-AWS-010.flag-false": "A public access block flag set to `false` (the message names it)",
    "TF-AWS-011.public-acl": (
        "Bucket ACL `public-read`, `public-read-write` or `authenticated-read`, or a grant to "
        "the `AllUsers`/`AuthenticatedUsers` groups"
    ),
    "TF-AWS-011.public-policy": (
        "Bucket policy allowing `*` principal without a restricting condition"
    ),
    "TF-AWS-016.has-rules": "The default security group has `ingress` or `egress` rules",
    "TF-AWS-022.retention": "`backup_retention_period` absent or below `min_backup_retention_days`",
    "TF-AWS-024.rotation": "Symmetric key without `enable_key_rotation = true`",
    "TF-AZ-005.node-public-ip": "Node pool assigns public IPs to nodes",
    "TF-AZ-007.container-public": (
        "Storage container with `container_access_type` `blob` or `container`"
    ),
    "TF-AZ-011.azure-services-rule": "Firewall rule `0.0.0.0`–`0.0.0.0` (all Azure services)",
    "TF-AZ-011.backup-retention": "Backup retention below `min_backup_retention_days`",
    "TF-AZ-013.https-only": "`https_only` absent or `false`",
    "TF-GCP-002.basic-auth": "Basic-auth `master_auth.username`/`password` set",
    "TF-GCP-006.auto-upgrade": "Node pool `management.auto_upgrade = false`",
    "TF-GCP-009.public-member": "Bucket IAM or ACL grant to `allUsers` or `allAuthenticatedUsers`",
    "TF-GCP-012.owner-only": "Attribute condition pins the owner but not the repository",
    "TF-GCP-012.pool-wide-binding": (
        "Service account binding to the whole pool (`principalSet://…/*`)"
    ),
    "TF-GEN-007.registry-range": (
        "Registry module with a loose version range (`>=`, `~> X.Y`, `~> X`)"
    ),
    "TF-GEN-007.git-tag": "Git module `?ref=` that is not a 40-character commit SHA",
    "TF-GEN-007.insecure-source": "Module source over `http://` or `git::http://`",
    "PROM-002.inline-credential": (
        "Inline `basic_auth.password`, `authorization.credentials`, `bearer_token` or "
        "`oauth2.client_secret`"
    ),
    "PROM-005.missing-external-labels": (
        "`global.external_labels` lacks a required key (only with `remote_write` or "
        "`external_labels_required: true`)"
    ),
    "PROM-009.invalid-value": "`labels.severity` not in `alert_severities` (case-sensitive)",
    "PROM-013.rate-on-gauge": "`rate`/`irate`/`increase` applied to a gauge",
    "PROM-016.record-format": "Recording rule name not in `level:metric:operations` form",
    "PROM-016.alert-name": "Alert name not UpperCamelCase",
    "X-003.missing": "A literal `rule_files` path that matches no file",
    "X-009.k8s-ref": (
        "A Kubernetes object reference (Secret, ConfigMap, ServiceAccount, PriorityClass, pull "
        "secret) that nothing in the repository defines"
    ),
    "K8S-002.host-network": "Pod spec sets `hostNetwork: true`",
    "K8S-002.host-pid": "Pod spec sets `hostPID: true`",
    "K8S-002.host-ipc": "Pod spec sets `hostIPC: true`",
    "K8S-012.volume-type": "A volume of a type outside the core list",
    "K8S-012.git-repo": "A `gitRepo` volume",
    "K8S-015.cpu": "Container without `resources.requests.cpu`",
    "K8S-015.memory": "Container without `resources.requests.memory`",
    "K8S-016.memory-limit": "Container without `resources.limits.memory`",
    "K8S-016.cpu-limit": (
        "Container without `resources.limits.cpu` (unless `require_cpu_limits: false`)"
    ),
    "K8S-016.limit-below-request": "A limit lower than its request, after unit normalisation",
    "K8S-017.readiness": "Long-running container without `readinessProbe`",
    "K8S-017.liveness": "Long-running container without `livenessProbe`",
    "K8S-028.missing": "Namespace without a `pod-security.kubernetes.io/enforce` label",
    "K8S-028.baseline": "Namespace enforcing `baseline` instead of `restricted`",
    "K8S-028.privileged": "Namespace enforcing `privileged`",
    "K8S-NET-006.dangling-policy": "A policy `podSelector` that matches no pod template",
    "K8S-NET-006.dangling-peer": "A peer `podSelector` that matches no pod template",
    "K8S-RBAC-001.cluster-binding": "A ClusterRoleBinding to `cluster-admin`",
    "K8S-RBAC-001.namespace-binding": "A RoleBinding to the ClusterRole `cluster-admin`",
    "K8S-RBAC-002.verbs": "`*` in a rule's `verbs`",
    "K8S-RBAC-002.resources": "`*` in a rule's `resources`",
    "K8S-RBAC-002.api-groups": "`*` in a rule's `apiGroups`",
    "K8S-RBAC-003.list-watch": "`list` or `watch` on `secrets`",
    "K8S-RBAC-004.escalate-bind": "`escalate` or `bind` on roles or clusterroles",
    "K8S-RBAC-004.impersonate": "`impersonate` on users, groups or serviceaccounts",
    "K8S-RBAC-004.token-create": "`create` on `serviceaccounts/token`",
    "K8S-RBAC-004.binding-write": "Write verbs on `rolebindings` or `clusterrolebindings`",
    "K8S-RBAC-005.create-pods": "`create` on `pods` (or on workload controllers cluster-wide)",
    "K8S-RBAC-005.exec-attach": (
        "`create`/`get` on `pods/exec`, `pods/attach` or `pods/portforward`"
    ),
    "K8S-RBAC-005.nodes-proxy": "Any verb on `nodes/proxy`",
    "K8S-RBAC-006.webhooks": "Write verbs on validating or mutating webhook configurations",
    "K8S-RBAC-006.persistent-volumes": "Write verbs on `persistentvolumes`",
    "K8S-RBAC-007.anonymous": "A binding subject `system:anonymous` or `system:unauthenticated`",
    "K8S-RBAC-007.all-authenticated": (
        "A binding subject `system:authenticated` outside the allowed discovery roles"
    ),
    "K8S-RBAC-008.default-sa": "A binding that names the `default` ServiceAccount",
    "TF-AWS-006.star-star": "An `Allow` statement with `Action` `*` on `Resource` `*`",
    "TF-AWS-009.access-key": "An `aws_iam_access_key` resource",
    "TF-AWS-010.missing": "Bucket without a public access block (bucket or account level)",
    "TF-AWS-015.world-all-ports": "World CIDR ingress on every port",
    "TF-AWS-015.world-admin-port": "World CIDR ingress covering an admin port",
    "TF-AWS-015.world-data-port": "World CIDR ingress covering a data port",
    "TF-AWS-015.world-other-port": "World CIDR ingress on any other port (80 and 443 exempt)",
    "TF-AWS-019.volume": "`aws_ebs_volume` without `encrypted = true`",
    "TF-AWS-019.instance-block-device": (
        "`aws_instance` root or EBS block device without `encrypted = true`"
    ),
    "TF-AWS-019.launch-template": (
        "Launch-template EBS block device mapping without `encrypted = true`"
    ),
    "TF-AWS-020.unencrypted": "Database without `storage_encrypted = true`",
    "TF-AWS-020.no-cmk": "Encrypted database without a customer-managed `kms_key_id`",
    "TF-AWS-022.deletion-protection": "Database without `deletion_protection = true`",
    "TF-AWS-022.skip-final-snapshot": "Database with `skip_final_snapshot = true`",
    "TF-AWS-022.dynamodb-pitr": "DynamoDB table without `point_in_time_recovery` enabled",
    "TF-AWS-023.multi-region": "Trail without `is_multi_region_trail = true`",
    "TF-AWS-023.validation": "Trail without `enable_log_file_validation = true`",
    "TF-AWS-023.kms": "Trail without `kms_key_id`",
    "TF-AWS-023.disabled": "Trail with `enable_logging = false`",
    "TF-AWS-024.wildcard-principal": 'Key policy allowing `Principal: "*"` without a condition',
    "TF-AWS-025.kms": "Log group without `kms_key_id`",
    "TF-AWS-026.mutable-tags": 'Repository without `image_tag_mutability = "IMMUTABLE"`',
    "TF-AWS-026.no-scan": "Repository without scan on push (or a registry scanning configuration)",
    "TF-AWS-026.no-kms": "Repository without KMS encryption",
    "TF-AWS-026.public-policy": 'Repository policy allowing `Principal: "*"`',
    "TF-AZ-002.rbac-disabled": "`role_based_access_control_enabled = false`",
    "TF-AZ-002.no-entra": "No `azure_active_directory_role_based_access_control` block",
    "TF-AZ-002.local-accounts": "`local_account_disabled` not `true`",
    "TF-AZ-007.nested-public": "`allow_nested_items_to_be_public` not `false`",
    "TF-AZ-008.world-all-ports": "Internet-source inbound allow rule on every port",
    "TF-AZ-008.world-admin-port": "Internet-source inbound allow rule covering an admin port",
    "TF-AZ-008.world-data-port": "Internet-source inbound allow rule covering a data port",
    "TF-AZ-008.world-other-port": (
        "Internet-source inbound allow rule on any other port (80 and 443 exempt)"
    ),
    "TF-AZ-009.purge-protection": "Key Vault without `purge_protection_enabled = true`",
    "TF-AZ-009.network-open": "Key Vault network access not restricted",
    "TF-AZ-009.access-policies": "Key Vault without RBAC authorisation",
    "TF-AZ-010.secret-expiry": "Key Vault secret without `expiration_date`",
    "TF-AZ-010.key-expiry": "Key Vault key without `expiration_date`",
    "TF-AZ-010.content-type": "Key Vault secret without `content_type`",
    "TF-AZ-012.pull-request-subject": "GitHub federated credential with a `pull_request` subject",
    "TF-AZ-012.unprotected-ref": "Subject on a branch not in `protected_branches`",
    "TF-AZ-012.audience": "Audience other than `api://AzureADTokenExchange`",
    "TF-GCP-002.legacy-abac": "`enable_legacy_abac = true`",
    "TF-GCP-002.client-cert": "`issue_client_certificate = true`",
    "TF-GCP-003.no-workload-identity": "Cluster without `workload_identity_config.workload_pool`",
    "TF-GCP-003.node-metadata": (
        'Node config without `workload_metadata_config.mode = "GKE_METADATA"`'
    ),
    "TF-GCP-005.logging-off": '`logging_service = "none"`',
    "TF-GCP-005.monitoring-off": '`monitoring_service = "none"`',
    "TF-GCP-005.components": (
        "`logging_config.enable_components` lacks `SYSTEM_COMPONENTS` and `APISERVER`"
    ),
    "TF-GCP-006.auto-repair": "Node pool `management.auto_repair = false`",
    "TF-GCP-008.world-all-ports": "World source range allowed on every port",
    "TF-GCP-008.world-admin-port": "World source range allowed to an admin port",
    "TF-GCP-008.world-data-port": "World source range allowed to a data port",
    "TF-GCP-008.world-other-port": (
        "World source range allowed to any other port (80 and 443 exempt)"
    ),
    "TF-GCP-009.ubla": "Bucket without `uniform_bucket_level_access = true`",
    "TF-GCP-010.world-network": "Authorized network `0.0.0.0/0`",
    "TF-GCP-010.tls": "Instance does not enforce TLS",
    "TF-GCP-010.backups": "`backup_configuration` not enabled",
    "TF-GCP-010.pitr": "No point-in-time recovery (PostgreSQL) or binary logging (MySQL)",
    "TF-GCP-010.deletion-protection": "`deletion_protection = false`",
    "TF-GCP-011.basic-role": "Grant of `roles/owner`, `roles/editor` or `roles/viewer`",
    "TF-GCP-011.public-member": "IAM grant to `allUsers` or `allAuthenticatedUsers`",
    "TF-GCP-011.sa-key": "A `google_service_account_key` resource",
    "TF-GCP-011.sa-impersonation": (
        "Service account user or token creator role granted at project level or above"
    ),
    "TF-GCP-012.no-condition": "GitHub provider without `attribute_condition`",
    "TF-GCP-013.default-sa-full-scope": (
        "Default compute service account with `cloud-platform` scope"
    ),
    "TF-GCP-013.external-ip": "External IP on an instance that is not an edge host",
    "TF-GCP-013.shielded-vm": "Shielded VM not enabled",
    "TF-GCP-013.project-ssh-keys": 'Metadata without `block-project-ssh-keys = "true"`',
    "TF-GCP-013.os-login": 'Metadata without `enable-oslogin = "TRUE"`',
    "TF-GCP-013.serial-port": 'Metadata `serial-port-enable = "true"`',
    "TF-GCP-013.ip-forward": "`can_ip_forward = true`",
    "TF-GEN-003.variable-not-sensitive": "Sensitive-named variable without `sensitive = true`",
    "TF-GEN-003.variable-default": "Sensitive-named variable with a `default`",
    "TF-GEN-004.state-file": "A committed `*.tfstate` or `*.tfstate.backup` file",
    "TF-GEN-004.dot-terraform": "A committed `.terraform/` directory",
    "TF-GEN-004.tfvars-secret": "A `*.tfvars` file assigning a literal to a sensitive name",
    "TF-GEN-006.no-required-version": "Root module without `required_version`",
    "TF-GEN-006.no-upper-bound": "`required_version` without an upper bound",
    "TF-GEN-006.provider-unversioned": "`required_providers` entry without `source` or `version`",
    "TF-GEN-006.no-lock-file": "Root module without a committed `.terraform.lock.hcl`",
    "TF-GEN-007.registry-unversioned": "Registry module without `version`",
    "TF-GEN-007.git-no-ref": "Git module source without `?ref=`",
    "TF-GEN-009.world-default": "Allow-list variable defaulting to a world CIDR",
    "TF-GEN-009.world-tfvars": "Allow-list variable assigned a world CIDR in tfvars",
    "TF-GEN-009.no-validation": "Allow-list variable without a `validation` block rejecting one",
    "PROM-002.insecure-skip-verify": "`tls_config.insecure_skip_verify: true`",
    "PROM-003.no-scheme-rewrite": "No `__scheme__` rule sourcing `…_prometheus_io_scheme`",
    "PROM-004.no-alertmanager": "Alerting rules loaded but no `alerting.alertmanagers` target",
    "PROM-005.rule-label-conflict": "A rule sets a label that external labels also set",
    "PROM-006.too-short": "Scrape interval below `min_scrape_interval`",
    "PROM-006.too-long": "Scrape interval above 2m",
    "PROM-006.slow-evaluation": "`evaluation_interval` longer than 1m",
    "PROM-007.yaml": "Rule file is not valid YAML",
    "PROM-007.duplicate-group": "Two groups with the same name in one file",
    "PROM-008.missing": "Alert without `for`",
    "PROM-008.too-short": "`for` below `min_alert_for` or 2× the evaluation interval",
    "PROM-008.absent-without-for": "`absent()` alert with `for` below 2× the scrape interval",
    "PROM-009.missing": "Alert without `labels.severity`",
    "PROM-010.summary": "Alert without `annotations.summary`",
    "PROM-010.description": "Alert without `annotations.description`",
    "PROM-010.runbook-url": (
        "Alert whose severity requires a runbook without `annotations.runbook_url`"
    ),
    "PROM-010.runbook-url-format": "`runbook_url` is not an absolute `https://` URL",
    "PROM-011.template-syntax": "Annotation or label template does not parse",
    "PROM-011.value-in-label": "A label contains `$value`/`.Value`",
    "PROM-013.raw-counter": "Counter-named metric used outside a counter function",
    "PROM-014.below-2x": "Range window below 2× the scrape interval",
    "PROM-014.below-4x": "Range window below 4× the scrape interval",
    "PROM-014.beyond-retention": "Range window longer than `tsdb_retention`",
    "PROM-016.record-total-suffix": "Recorded rate keeps `_total` in its metric part",
    "PROM-017.alert": "Two alerting rules with the same name and static labels",
    "PROM-017.record": "Two recording rules with the same name and static labels",
    "PROM-018.undefined-recorded-series": "A `:` metric used by a rule that no loaded rule records",
    "PROM-018.cross-group": "Recording rule consumes another group's recorded series",
    "PROM-019.interval": "Group `interval` above 5m without matching `keep_firing_for`",
    "PROM-019.duplicate-group-across-files": "Group name used in more than one loaded file",
    "PROM-020.sampling": "`topk`, `bottomk`, `limitk` or `limit_ratio` in an alert",
    "PROM-020.regex-anchor": "Regex matcher with redundant `^`/`$` anchors",
    "X-001.stripe": "Stripe live key `(sk|rk)_live_…`",
    "X-001.npm-token": "An npm access token `npm_…`",
    "X-003.glob-empty": "A `rule_files` glob that matches no file",
    "X-003.not-a-rule-file": "A `rule_files` entry that is not a valid rule file",
    "X-003.orphan": "A rule file no Prometheus config loads",
    "X-009.workflow-needs": "`needs:` names an undefined job",
    "X-009.tf-module-path": "Local Terraform module path does not exist",
}


def split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside backticks, parentheses and double quotes."""
    parts: list[str] = []
    depth, tick, quote, start = 0, False, False, 0
    for i, ch in enumerate(text):
        if ch == "`":
            tick = not tick
        elif tick:
            continue
        elif ch == '"':
            quote = not quote
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0 and not quote:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def first_sentence(text: str) -> str:
    """Text up to the first sentence end outside backticks and parentheses."""
    depth, tick = 0, False
    for i, ch in enumerate(text):
        if ch == "`":
            tick = not tick
        elif tick:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "." and depth == 0 and text[i + 1 : i + 2] == " ":
            nxt = text[i + 2 : i + 3]
            before = text[max(0, i - 4) : i + 1]
            if (nxt.isupper() or nxt == "`") and not before.endswith(("e.g.", "i.e.")):
                return text[:i]
    return text


def balanced_paren(text: str, pos: int) -> int:
    """Index just past the parenthesis group that opens at ``text[pos]``."""
    depth, tick = 0, False
    for i in range(pos, len(text)):
        ch = text[i]
        if ch == "`":
            tick = not tick
        elif tick:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def clean(text: str) -> str:
    text = " ".join(text.split())
    return text.strip().rstrip(".;,:").strip()


def parse_rules(control_id: str, title: str, headline: str, check: str) -> list[dict[str, str]]:
    """Rules named by a control's Check text, in order of first appearance."""
    own = re.compile(r"`(" + re.escape(control_id) + r"(?:\.[a-z0-9][a-z0-9-]*)?)`")
    rules: dict[str, dict[str, str]] = {}
    for line in check.splitlines():
        matches = list(own.finditer(line))
        for n, m in enumerate(matches):
            rule_id = m.group(1)
            if rule_id in rules:
                continue
            # A description runs until the next rule of a list ("; `ID`", ", `ID`"); an own ID
            # mentioned inside a description does not end it.
            end = len(line)
            for later in matches[n + 1 :]:
                if line[: later.start()].rstrip().endswith((";", ",", ".")):
                    end = later.start()
                    break
            rest = line[m.end() : end]
            severity, note, desc = "", "", ""
            stripped = rest.lstrip()
            if stripped.startswith("("):
                start = len(rest) - len(stripped)
                close = balanced_paren(rest, start)
                inner = rest[start + 1 : close - 1].strip()
                word = SEVERITY_WORD.match(inner)
                if word:
                    severity = word.group(1)
                    note = inner[word.end() :].lstrip(" ;,")
                else:
                    note = inner
                stripped = rest[close:].lstrip()
            if stripped.startswith(("— ", "- ")):
                desc = re.sub(r"[;,.]\s*$", "", stripped[2:])
            summary = SUMMARY_OVERRIDES.get(rule_id) or clean(first_sentence(desc or note))
            if not summary and rule_id == control_id:
                summary = title
            if not summary:
                raise ValueError(f"{rule_id}: no description in the Check text; add a summary")
            summary = summary[0].upper() + summary[1:]
            rules[rule_id] = {
                "id": rule_id,
                "severity": SEVERITY_OVERRIDES.get(rule_id) or severity or headline,
                "summary": summary,
            }
    # The bare control ID only stands for the single rule when no slugged rule exists.
    if len(rules) > 1:
        rules.pop(control_id, None)
    return list(rules.values())


def parse_references(text: str) -> list[str]:
    """The References line split on ``;``; a lone ``—`` (no peer check) is dropped."""
    items = [clean(part) for part in split_top(text.strip().removesuffix("."), ";")]
    return [item for item in items if item and not item.startswith("—")]


def parse_standard(text: str) -> list[dict[str, Any]]:
    controls: list[dict[str, Any]] = []
    section = ""
    current: dict[str, Any] | None = None
    fields: dict[str, str] = {}
    last_field = ""
    in_controls = False

    def finish() -> None:
        if current is None:
            return
        sev_text = clean(fields["Severity"])
        word = SEVERITY_WORD.match(sev_text)
        if not word:
            raise ValueError(f"{current['id']}: no headline severity in {sev_text!r}")
        headline = word.group(1)
        current.update(
            severity=headline,
            severity_text=sev_text,
            requirement=" ".join(fields["Requirement"].split()),
            rationale=" ".join(fields["Rationale"].split()),
            references=parse_references(fields["References"]),
            rules=parse_rules(current["id"], current["title"], headline, fields["Check"]),
            status="active",
        )
        controls.append(current)

    for line in text.splitlines():
        sec = SECTION.match(line)
        if line.startswith("## "):
            finish()
            current, last_field = None, ""
            top = sec.group("num") if sec else ""
            in_controls = top.isdigit() and 1 <= int(top) <= 9
            section = top
            continue
        if sec and in_controls:
            # "N.0" subsections are term lists; the controls after them belong to section N.
            num = sec.group("num")
            section = num.split(".")[0] if num.endswith(".0") else num
            last_field = ""
            continue
        if not in_controls:
            continue
        head = HEADING.match(line)
        if head:
            finish()
            current = {
                "id": head.group("id"),
                "title": head.group("title"),
                "domain": head.group("id").rsplit("-", 1)[0],
                "section": section,
            }
            fields, last_field = {}, ""
            continue
        if current is None:
            continue
        fld = FIELD.match(line)
        if fld:
            last_field = fld.group("name")
            fields[last_field] = fld.group("text")
        elif line.startswith("  ") and last_field:
            fields[last_field] += "\n" + line.strip()
        elif line.startswith("#"):
            last_field = ""
    finish()
    return controls


def render(controls: list[dict[str, Any]]) -> str:
    yaml = YAML()
    yaml.width = 96
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump({"controls": controls}, out)
    # ruamel leaves a space before each line break of a wrapped scalar; YAML folding drops it.
    body = "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"
    if YAML(typ="safe").load(body) != {"controls": controls}:
        raise AssertionError("rendered YAML does not load back to the extracted data")
    return (
        "# Control catalog of the infrastructure security standard (docs/standard.md).\n"
        "# Generated by tools/extract_controls.py, then checked by hand against the standard.\n"
        "# Schema: schemas/controls.schema.json.\n" + body
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: extract_controls.py STANDARD.md > rules/controls.yaml", file=sys.stderr)
        return 2
    controls = parse_standard(Path(argv[1]).read_text(encoding="utf-8"))
    rule_ids = {rule["id"] for control in controls for rule in control["rules"]}
    stale = (set(SEVERITY_OVERRIDES) | set(SUMMARY_OVERRIDES)) - rule_ids
    if stale:
        raise ValueError(f"overrides for rules the standard no longer has: {sorted(stale)}")
    sys.stdout.write(render(controls))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
