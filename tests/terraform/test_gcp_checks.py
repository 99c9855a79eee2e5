"""The TF-GCP rules end to end: severities, messages, configuration, hostile input."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_lint.config import build_settings
from devops_lint.context import Context
from devops_lint.defaults import DEFAULT_SETTINGS
from devops_lint.engine import run
from devops_lint.model import Finding, ParseError
from devops_lint.project import Project
from devops_lint.rules import load_rules
from devops_lint.targets import resolve_kind
from devops_lint.terraform.module import modules_of
from devops_lint.terraform.parser import parse_file

RULES = [r for r in load_rules() if r.id.startswith("TF-GCP")]
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("TF-GCP-*/**/*.tf"))]


def lint(tmp_path: Path, files: dict[str, str]) -> list[Finding]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    conf, _ = build_settings(tmp_path, None, {})
    result = run(tmp_path, [tmp_path], conf, RULES)
    return [f for f in result.findings if f.rule_id.startswith(("TF-GCP", "X-000"))]


def by_rule(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id]


def test_every_catalog_rule_of_section_6_is_implemented() -> None:
    from devops_lint.rules import load_controls

    catalog = {
        r["id"] for c in load_controls().values() if c["domain"] == "TF-GCP" for r in c["rules"]
    }
    assert catalog == {r.id for r in RULES}
    severities = {
        r["id"]: r["severity"]
        for c in load_controls().values()
        if c["domain"] == "TF-GCP"
        for r in c["rules"]
    }
    assert {r.id: r.severity for r in RULES} == severities


SQL = """
resource "google_sql_database_instance" "db" {
  name             = "db"
  database_version = "POSTGRES_16"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      ssl_mode = "ENCRYPTED_ONLY"
%s    }
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }
  }
}
"""


def test_public_ip_severity_depends_on_authorized_networks(tmp_path: Path) -> None:
    (none,) = by_rule(lint(tmp_path, {"main.tf": SQL % ""}), "TF-GCP-010.public-ip")
    assert none.severity == "medium" and none.line == 7
    assert "lists no authorized networks" in none.message
    nets = '      authorized_networks {\n        value = "198.51.100.0/24"\n      }\n'
    (some,) = by_rule(lint(tmp_path, {"main.tf": SQL % nets}), "TF-GCP-010.public-ip")
    assert some.severity == "high"


def test_firewall_message_and_config_ports(tmp_path: Path) -> None:
    fw = """
resource "google_compute_firewall" "f" {
  name          = "f"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["2222"]
  }
}
"""
    (f,) = [x for x in lint(tmp_path, {"main.tf": fw}) if x.rule_id.startswith("TF-GCP-008")]
    assert f.rule_id == "TF-GCP-008.world-other-port" and f.severity == "medium"
    assert "0.0.0.0/0" in f.message and "tcp/2222" in f.message
    (tmp_path / ".devops-lint.yaml").write_text("admin_ports: [22, 2222]\n", encoding="utf-8")
    (g,) = [x for x in lint(tmp_path, {"main.tf": fw}) if x.rule_id.startswith("TF-GCP-008")]
    assert g.rule_id == "TF-GCP-008.world-admin-port" and g.severity == "critical"


VM = """
resource "google_compute_instance" "vm" {
  name         = "vm"
  machine_type = "e2-small"
  tags         = ["bastion"]
  network_interface {
    network = "default"
    access_config {}
  }
  shielded_instance_config {}
  metadata = {
    block-project-ssh-keys = "true"
    enable-oslogin         = "TRUE"
  }
}
"""


def test_edge_host_tags_setting(tmp_path: Path) -> None:
    (f,) = lint(tmp_path, {"main.tf": VM})
    assert f.rule_id == "TF-GCP-013.external-ip" and f.line == 8
    (tmp_path / ".devops-lint.yaml").write_text("edge_host_tags: [bastion]\n", encoding="utf-8")
    assert lint(tmp_path, {"main.tf": VM}) == []


def test_suppression_on_resource_header(tmp_path: Path) -> None:
    text = VM.replace(
        'resource "google_compute_instance" "vm" {',
        'resource "google_compute_instance" "vm" { # devops-lint: ignore[TF-GCP-013] bastion',
    )
    result = lint(tmp_path, {"main.tf": text})
    assert all(f.suppression for f in result if f.rule_id.startswith("TF-GCP-013"))


def test_findings_in_another_file_of_the_module(tmp_path: Path) -> None:
    files = {
        "policy.tf": """
data "google_iam_policy" "p" {
  binding {
    role    = "roles/owner"
    members = ["user:a@acme.example"]
  }
}
""",
        "project.tf": """
resource "google_project_iam_policy" "p" {
  project     = "acme"
  policy_data = data.google_iam_policy.p.policy_data
}
""",
    }
    (f,) = lint(tmp_path, files)
    assert (f.rule_id, f.path, f.line) == ("TF-GCP-011.basic-role", "policy.tf", 4)


def _run_rules(text: str) -> None:
    try:
        docs = parse_file("main.tf", text)
    except ParseError:
        return
    project = Project(root=Path("/nonexistent"), documents=docs)
    ctx = Context(settings=dict(DEFAULT_SETTINGS), project=project)
    modules_of(project, ctx)
    for rule in RULES:
        for target in resolve_kind(rule.target).project_targets(project, ctx):
            if rule.applies(target):  # the engine's prefilter
                list(rule.check_fn(target, rule, ctx))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.integers(min_value=0, max_value=4000),
    insert=st.sampled_from(
        ["var.x", "null", "[]", "{}", "true", "42", '"x"', "[var.y]", "{ a = var.z }", "\n}\n"]
    ),
)
def test_mutated_fixtures_never_crash(seed: str, cut: int, insert: str) -> None:
    """Replacing any value with another shape or an unknown never raises from a check."""
    pos = min(cut, len(seed))
    eq = seed.find("= ", pos)
    if eq < 0:
        _run_rules(seed[:pos] + insert + seed[pos:])
        return
    end = seed.find("\n", eq)
    _run_rules(seed[: eq + 2] + insert + seed[end if end >= 0 else len(seed) :])
