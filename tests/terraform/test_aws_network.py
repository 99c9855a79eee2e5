"""TF-AWS-015 … TF-AWS-017: ingress classification, default groups, flow logs."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from devops_lint.defaults import DEFAULT_ADMIN_PORTS, DEFAULT_DATA_PORTS
from devops_lint.terraform.checks_aws_network import IngressRule, _possible_kinds
from tests.terraform.aws_net_support import lint, outcomes
from tests.terraform.helpers import module

ADMIN = frozenset(DEFAULT_ADMIN_PORTS)
DATA = frozenset(DEFAULT_DATA_PORTS)


def _rule(protocol: object, lo: object, hi: object) -> IngressRule:
    m = module({"main.tf": 'resource "aws_security_group_rule" "r" {}\n'})
    return IngressRule(m.resources()[0], (), protocol, lo, hi, ("cidr_blocks",))


def _oracle(lo: int, hi: int) -> tuple[str, ...]:
    """The standard's wording, port by port."""
    ports = range(min(lo, hi), max(lo, hi) + 1)
    if len(ports) >= 65536:
        return ("all",)
    covered = set(ports)
    if covered & ADMIN:
        return ("admin",)
    if covered & DATA:
        return ("data",)
    if covered <= {80, 443}:
        return ()
    return ("other",)


@settings(max_examples=300, deadline=None)
@given(
    proto=st.sampled_from(["tcp", "udp", "6", "17", "TCP", 6, 17]),
    lo=st.integers(0, 65535),
    width=st.one_of(st.integers(0, 50), st.integers(0, 65535)),
)
def test_tcp_udp_ranges_follow_the_standard(proto: object, lo: int, width: int) -> None:
    hi = min(65535, lo + width)
    assert _possible_kinds(_rule(proto, lo, hi), ADMIN, DATA) == _oracle(lo, hi)


@given(proto=st.sampled_from(["icmp", "icmpv6", "1", "58", "50", "esp"]), port=st.integers(-1, 255))
def test_icmp_and_other_protocols_carry_no_ports(proto: str, port: int) -> None:
    assert _possible_kinds(_rule(proto, port, port), ADMIN, DATA) == ("other",)


def test_all_protocols_mean_every_port() -> None:
    for proto in ("-1", -1, "all", "ALL"):
        assert _possible_kinds(_rule(proto, 22, 22), ADMIN, DATA) == ("all",)


def test_unknown_protocol_or_ports_leave_every_kind_open() -> None:
    from devops_lint.model import Unresolved

    unknown = Unresolved("var.x")
    assert _possible_kinds(_rule(unknown, 22, 22), ADMIN, DATA)[0] == "all"
    assert len(_possible_kinds(_rule("tcp", unknown, 22), ADMIN, DATA)) == 4


INGRESS = """resource "aws_security_group_rule" "r" {
  type              = "ingress"
  security_group_id = "sg-1"
  from_port         = %(port)s
  to_port           = %(port)s
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0", "::/0", "10.0.0.0/8"]
}
"""


def test_one_finding_per_world_cidr(tmp_path: Path) -> None:
    found = lint(tmp_path, {"main.tf": INGRESS % {"port": 22}})
    rules = [f.rule_id for f in found if f.rule_id.startswith("TF-AWS-015")]
    assert rules == ["TF-AWS-015.world-admin-port"] * 2  # 0.0.0.0/0 and ::/0, same line
    assert {f.span.column for f in found} == {24, 37}  # at the list entries


def test_configured_ports(tmp_path: Path) -> None:
    found = lint(tmp_path, {"main.tf": INGRESS % {"port": 8443}}, admin_ports=[8443])
    assert {f.rule_id for f in found} == {"TF-AWS-015.world-admin-port"}
    found = lint(tmp_path, {"main.tf": INGRESS % {"port": 5432}}, data_ports=[9999])
    assert {f.rule_id for f in found} == {"TF-AWS-015.world-other-port"}


def test_severities(tmp_path: Path) -> None:
    found = lint(tmp_path, {"main.tf": INGRESS % {"port": 8080}})
    assert {(f.rule_id, f.severity) for f in found} == {("TF-AWS-015.world-other-port", "medium")}
    found = lint(tmp_path, {"main.tf": INGRESS % {"port": 6379}})
    assert {(f.rule_id, f.severity) for f in found} == {("TF-AWS-015.world-data-port", "critical")}


def test_tfvars_resolve_cidrs(tmp_path: Path) -> None:
    files = {
        "main.tf": """variable "cidrs" {}

resource "aws_security_group_rule" "r" {
  type              = "ingress"
  security_group_id = "sg-1"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = var.cidrs
}
""",
        "terraform.tfvars": 'cidrs = ["0.0.0.0/0"]\n',
    }
    assert outcomes(lint(tmp_path, files)) == {
        ("main.tf", 9, "TF-AWS-015.world-admin-port", "fail")
    }


def test_count_instances_report_once(tmp_path: Path) -> None:
    text = INGRESS.replace('type              = "ingress"', 'count = 3\n  type = "ingress"')
    found = lint(tmp_path, {"main.tf": text % {"port": 3389}})
    assert len({(f.line, f.span.column) for f in found}) == 2


def test_hostile_shapes_do_not_crash(tmp_path: Path) -> None:
    text = """resource "aws_security_group" "odd" {
  ingress = ["x", { from_port = "a", to_port = true, protocol = 6, cidr_blocks = "0.0.0.0/0" }]
}

resource "aws_vpc_security_group_ingress_rule" "odd" {
  ip_protocol = ["tcp"]
  cidr_ipv4   = 7
}

resource "aws_default_security_group" "odd" {
  vpc_id  = aws_vpc.none.id
  ingress = "nope"
}

resource "aws_flow_log" "odd" {
  vpc_id       = [1]
  traffic_type = {}
}

resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
"""
    found = lint(tmp_path, {"main.tf": text})
    assert not [f for f in found if f.rule_id.startswith("X-000")]
    assert ("main.tf", 2, "TF-AWS-015.world-all-ports", "unresolved") in outcomes(found)


def test_default_group_joined_across_files(tmp_path: Path) -> None:
    files = {
        "vpc.tf": 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        "sg.tf": 'resource "aws_default_security_group" "d" {\n  vpc_id = aws_vpc.main.id\n}\n',
        "logs.tf": (
            'resource "aws_flow_log" "f" {\n  vpc_id       = aws_vpc.main.id\n'
            '  traffic_type = "REJECT"\n}\n'
        ),
    }
    assert outcomes(lint(tmp_path, files)) == set()
