"""Azure helpers: port ranges, NSG classification, versions, templates, dynamic blocks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from devops_lint.defaults import DEFAULT_ADMIN_PORTS, DEFAULT_DATA_PORTS
from devops_lint.terraform.azure_common import (
    HOLE,
    arg,
    as_str,
    block_uncertain,
    first,
    template_skeleton,
    version_tuple,
)
from devops_lint.terraform.checks_azure_network import classify_ports, parse_port_range
from devops_lint.terraform.common import as_bool
from tests.terraform.helpers import module

ADMIN = list(DEFAULT_ADMIN_PORTS)
DATA = list(DEFAULT_DATA_PORTS)


def test_parse_port_range() -> None:
    assert parse_port_range("*") == (0, 65535)
    assert parse_port_range("22") == (22, 22)
    assert parse_port_range(" 1000-2000 ") == (1000, 2000)
    assert parse_port_range("2000-1000") == (1000, 2000)
    for bad in ("", "-", "ssh", "1-x", "-5"):
        assert parse_port_range(bad) is None


def test_classify_ports_order() -> None:
    assert classify_ports([(0, 65535)], ADMIN, DATA) == "world-all-ports"
    assert classify_ports([(1, 65535)], ADMIN, DATA) == "world-all-ports"
    assert classify_ports([(20, 25)], ADMIN, DATA) == "world-admin-port"
    assert classify_ports([(443, 443), (5432, 5432)], ADMIN, DATA) == "world-data-port"
    assert classify_ports([(8080, 8080)], ADMIN, DATA) == "world-other-port"
    assert classify_ports([(80, 80), (443, 443)], ADMIN, DATA) is None
    assert classify_ports([(80, 443)], ADMIN, DATA) == "world-other-port"  # 81…442 too
    assert classify_ports([], ADMIN, DATA) is None
    assert classify_ports([(2222, 2222)], [*ADMIN, 2222], DATA) == "world-admin-port"


ranges = st.lists(
    st.tuples(st.integers(0, 65535), st.integers(0, 65535)).map(lambda t: (min(t), max(t))),
    max_size=5,
)


@given(ranges)
def test_classification_is_sound(rs: list[tuple[int, int]]) -> None:
    slug = classify_ports(rs, ADMIN, DATA)
    covered_admin = any(lo <= p <= hi for lo, hi in rs for p in ADMIN)
    covered_data = any(lo <= p <= hi for lo, hi in rs for p in DATA)
    if covered_admin:
        assert slug in ("world-all-ports", "world-admin-port")
    elif covered_data:
        assert slug in ("world-all-ports", "world-data-port")
    if slug is None:
        assert all(p in (80, 443) for lo, hi in rs for p in range(lo, min(hi, lo + 400) + 1))


@given(ranges, ranges)
def test_more_ranges_never_lower_the_severity(
    a: list[tuple[int, int]], b: list[tuple[int, int]]
) -> None:
    order = [None, "world-other-port", "world-data-port", "world-admin-port", "world-all-ports"]
    critical = {"world-all-ports", "world-admin-port", "world-data-port"}
    one, both = classify_ports(a, ADMIN, DATA), classify_ports(a + b, ADMIN, DATA)
    if one in critical:
        assert both in critical
    else:
        assert order.index(both) >= order.index(one)


def test_scalars() -> None:
    assert as_bool(True) is True and as_bool("false") is False and as_bool("yes") is None
    assert as_str(1.2) == "1.2" and as_str(3) == "3" and as_str(None) is None
    assert as_str([1]) is None
    assert version_tuple("1.28.3") == (1, 28) and version_tuple("v1.35") == (1, 35)
    assert version_tuple("latest") is None and version_tuple(None) is None


TF = """
variable "enabled" {
  type = bool
}

variable "repo" {
  type = string
}

resource "azurerm_kubernetes_cluster" "c" {
  name                            = "c"
  enable_node_public_ip           = null
  api_server_authorized_ip_ranges = ["10.0.0.0/8"]

  dynamic "oms_agent" {
    for_each = var.enabled ? [1] : []
    content {
      log_analytics_workspace_id = "x"
    }
  }

  dynamic "monitor_metrics" {
    for_each = ["a"]
    content {}
  }
}

resource "azurerm_federated_identity_credential" "f" {
  subject = "repo:${var.repo}:environment:prod"
}
"""


def test_arguments_and_blocks() -> None:
    m = module({"main.tf": TF})
    c, f = m.resources()
    assert arg(c, "name").value == "c"
    null = arg(c, "enable_node_public_ip")
    assert not null.present and null.written  # `null` means absent, but is written
    assert arg(c, "missing").result().path is None  # missing: at the resource header
    a = first(c, "api_server_authorized_ip_ranges", "other")
    assert a.present and a.path[-1] == "api_server_authorized_ip_ranges"
    assert block_uncertain(c, "oms_agent")
    assert not block_uncertain(c, "monitor_metrics")
    assert template_skeleton(f, f.expr("subject")) == f"repo:{HOLE}:environment:prod"


class _Ctx:
    def __init__(self, settings: dict[str, object]) -> None:
        self.settings = settings


def test_port_settings() -> None:
    from typing import Any, cast

    from devops_lint.terraform.common import port_settings

    defaults = cast(Any, _Ctx({"admin_ports": None, "data_ports": None}))
    assert port_settings(defaults) == (frozenset(ADMIN), frozenset(DATA))
    assert 5432 in DATA and 27017 in DATA and len(DATA) == 16  # standards 4.4
    custom = cast(Any, _Ctx({"admin_ports": ["22", 2222, "x"], "data_ports": [8080]}))
    assert port_settings(custom) == (frozenset({22, 2222}), frozenset({8080}))
