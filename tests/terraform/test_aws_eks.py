"""EKS controls TF-AWS-001 … TF-AWS-005 on the seed example and its Appendix B.3 variants."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from devops_lint.terraform.aws_common import major_minor

from .aws_support import lint, outcomes

# The seed example as committed (standards Appendix B), kept in the fixture tree.
SEED_EKS = (
    Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "examples" / "terraform" / "eks.tf"
).read_text(encoding="utf-8")

EKS_CONTROLS = tuple(f"TF-AWS-00{i}" for i in range(1, 6))

# Appendix B rows for TF-AWS-001 … TF-AWS-005 (TF-AWS-002 and .private-off pass).
SEED_EXPECTED = {
    ("terraform/eks.tf", 10, "TF-AWS-001.public-restricted", "fail", "high"),
    ("terraform/eks.tf", 2, "TF-AWS-003", "fail", "medium"),
    ("terraform/eks.tf", 5, "TF-AWS-004.outdated", "fail", "medium"),
    ("terraform/eks.tf", 30, "TF-AWS-005.public-subnet", "unresolved", "info"),
}


def test_seed_gives_appendix_b_rows(tmp_path: Path) -> None:
    found = lint(tmp_path, {"terraform/eks.tf": SEED_EKS})
    assert outcomes(found, EKS_CONTROLS) == SEED_EXPECTED


def test_seed_world_default_is_public_world(tmp_path: Path) -> None:
    variables = (
        'variable "allowed_cidrs" {\n  type    = list(string)\n  default = ["0.0.0.0/0"]\n}\n'
    )
    found = lint(tmp_path, {"terraform/eks.tf": SEED_EKS, "terraform/variables.tf": variables})
    expected = (SEED_EXPECTED - {next(e for e in SEED_EXPECTED if "001" in e[2])}) | {
        ("terraform/eks.tf", 10, "TF-AWS-001.public-world", "fail", "critical")
    }
    assert outcomes(found, EKS_CONTROLS) == expected


def test_disagreeing_var_files_leave_the_cidrs_unresolved(tmp_path: Path) -> None:
    files = {
        "eks.tf": SEED_EKS,
        "variables.tf": 'variable "allowed_cidrs" {\n  type = list(string)\n}\n',
        "prod.tfvars": 'allowed_cidrs = ["10.0.0.0/8"]\n',
        "dev.tfvars": 'allowed_cidrs = ["0.0.0.0/0"]\n',
    }
    rules = {f.rule_id for f in lint(tmp_path, files) if f.rule_id.startswith("TF-AWS-001")}
    assert rules == {"TF-AWS-001.public-restricted"}


def test_auto_tfvars_world_cidr_is_public_world(tmp_path: Path) -> None:
    files = {
        "eks.tf": SEED_EKS,
        "variables.tf": 'variable "allowed_cidrs" {\n  type = list(string)\n}\n',
        "terraform.tfvars": 'allowed_cidrs = ["10.0.0.0/8", "::/0"]\n',
    }
    rules = {f.rule_id for f in lint(tmp_path, files) if f.rule_id.startswith("TF-AWS-001")}
    assert rules == {"TF-AWS-001.public-world"}


def test_min_kubernetes_version_is_configurable(tmp_path: Path) -> None:
    found = lint(tmp_path, {"eks.tf": SEED_EKS}, min_kubernetes_version="1.28")
    assert not [f for f in found if f.rule_id == "TF-AWS-004.outdated"]
    found = lint(tmp_path, {"eks.tf": SEED_EKS}, min_kubernetes_version="1.29")
    assert [f.line for f in found if f.rule_id == "TF-AWS-004.outdated"] == [5]


def test_strict_unresolved_raises_public_subnet(tmp_path: Path) -> None:
    found = lint(tmp_path, {"eks.tf": SEED_EKS}, strict_unresolved=True)
    subnet = [f for f in found if f.rule_id == "TF-AWS-005.public-subnet"]
    assert [(f.outcome, f.severity) for f in subnet] == [("unresolved", "high")]


def test_logs_missing_audit_names_every_missing_type(tmp_path: Path) -> None:
    text = SEED_EKS.replace(
        '["api", "audit", "authenticator", "controllerManager", "scheduler"]', '["api"]'
    )
    found = [f for f in lint(tmp_path, {"eks.tf": text}) if f.rule_id.startswith("TF-AWS-002")]
    assert [(f.rule_id, f.line) for f in found] == [("TF-AWS-002.missing-audit", 14)]
    assert "audit, authenticator" in found[0].message
    assert "controllerManager, scheduler" in found[0].message


def test_node_group_key_without_groups_opens_ssh(tmp_path: Path) -> None:
    text = SEED_EKS.replace(
        "  update_config {", '  remote_access {\n    ec2_ssh_key = "ops"\n  }\n\n  update_config {'
    )
    found = [f for f in lint(tmp_path, {"eks.tf": text}) if f.rule_id == "TF-AWS-005.open-ssh"]
    assert [(f.line, f.severity) for f in found] == [(38, "high")]


def test_unparseable_file_gives_no_aws_findings(tmp_path: Path) -> None:
    found = lint(tmp_path, {"eks.tf": SEED_EKS + "\nresource {{{\n"})
    assert not outcomes(found)
    assert [f.rule_id for f in found] == ["X-000.parse-error"]


@given(st.integers(0, 30), st.integers(0, 200), st.integers(0, 30), st.integers(0, 200))
def test_versions_compare_numerically(a: int, b: int, c: int, d: int) -> None:
    left, right = major_minor(f"{a}.{b}"), major_minor(f"{c}.{d}.7")
    assert left is not None and right is not None
    assert (left < right) == ((a, b) < (c, d))


def test_major_minor_rejects_non_versions() -> None:
    assert major_minor("latest") is None
    assert major_minor(True) is None
    assert major_minor(None) is None
    assert major_minor("v1.30") == (1, 30)
