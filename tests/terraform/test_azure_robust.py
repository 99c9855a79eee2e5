"""TF-AZ checks never raise, whatever types the arguments hold (bad input is not a crash)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_lint.config import build_settings
from devops_lint.engine import run
from devops_lint.rules import load_rules

RULES = [r for r in load_rules() if r.id.startswith(("TF-AZ-", "X-000."))]
TYPES = [
    "azurerm_kubernetes_cluster",
    "azurerm_kubernetes_cluster_node_pool",
    "azurerm_monitor_diagnostic_setting",
    "azurerm_storage_account",
    "azurerm_storage_container",
    "azurerm_storage_account_network_rules",
    "azurerm_network_security_group",
    "azurerm_network_security_rule",
    "azurerm_key_vault",
    "azurerm_key_vault_secret",
    "azurerm_key_vault_key",
    "azurerm_mssql_server",
    "azurerm_mssql_firewall_rule",
    "azurerm_mssql_database",
    "azurerm_postgresql_flexible_server",
    "azurerm_postgresql_flexible_server_configuration",
    "azurerm_mysql_flexible_server_firewall_rule",
    "azurerm_federated_identity_credential",
    "azuread_application_federated_identity_credential",
    "azurerm_linux_web_app",
    "azurerm_app_service",
]
ARGS = [
    "name",
    "private_cluster_enabled",
    "api_server_authorized_ip_ranges",
    "local_account_disabled",
    "role_based_access_control_enabled",
    "kubernetes_version",
    "orchestrator_version",
    "node_public_ip_enabled",
    "automatic_upgrade_channel",
    "node_os_upgrade_channel",
    "target_resource_id",
    "min_tls_version",
    "allow_nested_items_to_be_public",
    "public_network_access_enabled",
    "container_access_type",
    "default_action",
    "storage_account_name",
    "access",
    "direction",
    "protocol",
    "source_address_prefix",
    "source_address_prefixes",
    "destination_port_range",
    "destination_port_ranges",
    "purge_protection_enabled",
    "expiration_date",
    "start_ip_address",
    "end_ip_address",
    "server_id",
    "server_name",
    "value",
    "backup_retention_days",
    "tags",
    "issuer",
    "subject",
    "audience",
    "audiences",
    "https_only",
]
BLOCKS = [
    "security_rule",
    "network_rules",
    "network_acls",
    "network_profile",
    "api_server_access_profile",
    "default_node_pool",
    "enabled_log",
    "log",
    "site_config",
    "short_term_retention_policy",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.sampled_from(["*", "22", "1-65535", "Allow", "Inbound", "0.0.0.0", "TLS1_0", "none", ""]),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
exprs = st.one_of(
    values.map(json.dumps),
    st.sampled_from(
        ["var.unknown", "local.missing", "data.x.y.id", '[var.a, "*"]', "{ a = var.b }"]
    ),
)


def _body(args: dict[str, str], depth: int = 0) -> str:
    return "\n".join(f"  {'  ' * depth}{k} = {v}" for k, v in args.items())


@st.composite
def configs(draw: st.DrawFn) -> str:
    out = []
    for i in range(draw(st.integers(1, 4))):
        type_ = draw(st.sampled_from(TYPES))
        args = draw(st.dictionaries(st.sampled_from(ARGS), exprs, max_size=8))
        lines = [f'resource "{type_}" "r{i}" {{', _body(args)]
        for block in draw(st.lists(st.sampled_from(BLOCKS), max_size=3)):
            inner = draw(st.dictionaries(st.sampled_from(ARGS), exprs, max_size=5))
            lines += [f"  {block} {{", _body(inner, 1), "  }"]
        lines.append("}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(configs())
def test_checks_never_raise(tmp_path: Path, text: str) -> None:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    settings_, _ = build_settings(tmp_path, None, {})
    result = run(tmp_path, [tmp_path], settings_, RULES)
    internal = [f for f in result.findings if f.rule_id.startswith("X-000.internal")]
    assert not internal, (text, internal[0].message)
