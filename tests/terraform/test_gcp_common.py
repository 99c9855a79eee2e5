"""Helpers of the Google Cloud checks: value tests, grants, node configurations."""

from __future__ import annotations

from typing import Any

import pytest

from devops_lint.defaults import DEFAULT_ADMIN_PORTS, DEFAULT_DATA_PORTS
from devops_lint.model import Unresolved
from devops_lint.terraform.checks_gcp_iam import classify_condition
from devops_lint.terraform.checks_gcp_network import _parse_ports, _rank_ranges
from devops_lint.terraform.common import as_bool
from devops_lint.terraform.gcp_common import (
    PUBLIC_MEMBERS,
    get_in,
    grants,
    literal_affixes,
    matches,
    node_configs,
    nonempty,
    service_account_kind,
    uncertain_dynamic,
)

from .helpers import module


def _value(expr_text: str, extra: str = "") -> Any:
    """The resolved value of ``a = <expr_text>`` in a throwaway resource."""
    m = module({"main.tf": f'{extra}\nresource "x" "y" {{\n  a = {expr_text}\n}}\n'})
    return next(r for r in m.resources() if r.type == "x").data["a"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), ("TRUE", True), ("false", False), (False, False), ("yes", None), (None, None)],
)
def test_as_bool(value: Any, expected: bool | None) -> None:
    assert as_bool(value) is expected


def test_as_bool_unresolved() -> None:
    assert as_bool(Unresolved("var.x")) is None


def test_get_in_blocks_and_unresolved() -> None:
    data = {"a": [{"b": {"c": 1}}], "u": Unresolved("var.u")}
    assert get_in(data, "a", "b", "c") == 1
    assert get_in(data, "a", 0, "b", "c") == 1
    assert get_in(data, "missing", "x") is None
    assert isinstance(get_in(data, "u", "x"), Unresolved)
    assert isinstance(get_in({"<unresolved>": True}, "k"), Unresolved)


def test_literal_affixes_and_nonempty() -> None:
    assert literal_affixes("abc") == ("abc", "abc")
    templ = _value('"principalSet://${var.pool}/*"')
    assert literal_affixes(templ) == ("principalSet://", "/*")
    assert literal_affixes(_value("var.x")) is None
    assert nonempty(_value('"${var.project}.svc.id.goog"')) is True
    assert nonempty(_value("var.project")) is None
    assert nonempty("") is False
    assert nonempty(None) is False


def test_matches_uses_literal_text() -> None:
    assert matches("allUsers", PUBLIC_MEMBERS) is True
    assert matches("user:a@b.c", PUBLIC_MEMBERS) is False
    assert matches(_value('"serviceAccount:${var.sa}"'), PUBLIC_MEMBERS) is False
    assert matches(_value("var.member"), PUBLIC_MEMBERS) is None
    assert matches(_value('"roles/${var.r}"'), frozenset({"roles/owner"})) is None
    assert matches(_value('"roles/storage.${var.r}"'), frozenset({"roles/owner"})) is False


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("google_service_account.nodes.email", "dedicated"),
        ("data.google_compute_default_service_account.default.email", "default"),
        ('"123-compute@developer.gserviceaccount.com"', "default"),
        ('"default"', "default"),
        ('"nodes@acme.iam.gserviceaccount.com"', "dedicated"),
        ('"${var.number}-compute@developer.gserviceaccount.com"', "default"),
        ("var.sa", "unknown"),
    ],
)
def test_service_account_kind(text: str, kind: str) -> None:
    extra = 'resource "google_service_account" "nodes" {}\n'
    assert service_account_kind(_value(text, extra)) == kind


def test_service_account_absent_is_default() -> None:
    assert service_account_kind(None) == "default"


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        (None, [(0, 65535)]),
        ([], [(0, 65535)]),
        (["22", "8000-8100", 443], [(22, 22), (8000, 8100), (443, 443)]),
        (["abc", "22"], [(22, 22)]),
    ],
)
def test_parse_ports(ports: Any, expected: list[tuple[int, int]]) -> None:
    assert _parse_ports(ports) == expected


def test_parse_ports_unresolved() -> None:
    assert _parse_ports(Unresolved("var.ports")) is None
    assert _parse_ports(["22", Unresolved("var.p")]) is None


@pytest.mark.parametrize(
    ("ranges", "rank"),
    [
        ([(0, 65535)], 0),
        ([(1, 65535)], 0),
        ([(20, 23)], 1),
        ([(5432, 5432)], 2),
        ([(8080, 8080)], 3),
        ([(80, 80), (443, 443)], 4),
        ([(80, 443)], 3),
    ],
)
def test_rank_ranges(ranges: list[tuple[int, int]], rank: int) -> None:
    admin, data = frozenset(DEFAULT_ADMIN_PORTS), frozenset(DEFAULT_DATA_PORTS)
    assert _rank_ranges(ranges, admin, data) == rank


@pytest.mark.parametrize(
    ("condition", "mapping", "kind"),
    [
        ("assertion.repository == 'acme/shop'", {}, "repository"),
        ("'acme/shop' == assertion.repository", {}, "repository"),
        ("assertion.repository in ['acme/a', 'acme/b']", {}, "repository"),
        ("assertion.repository_id == '42'", {}, "repository"),
        ("attribute.repo == 'acme/shop'", {"attribute.repo": "assertion.repository"}, "repository"),
        ("attribute.repo == 'acme/shop'", {}, "none"),
        ("assertion.repository_owner == 'acme'", {}, "owner"),
        ("assertion.repository_owner_id == '7'", {}, "owner"),
        ("assertion.repository.startsWith('acme/')", {}, "owner"),
        ("assertion.ref == 'refs/heads/main'", {}, "none"),
        ("assertion.repository_owner == 'acme' && assertion.ref == 'x'", {}, "owner"),
    ],
)
def test_classify_condition(condition: str, mapping: dict[str, str], kind: str) -> None:
    assert classify_condition(condition, mapping) == kind


def test_classify_condition_templates() -> None:
    extra = 'variable "repo" {}\nvariable "cond" {}\n'
    assert classify_condition(_value("\"assertion.repository == '${var.repo}'\"", extra), {}) == (
        "repository"
    )
    # An interpolated clause outside quotes may pin the repository: unknown.
    value = _value("\"${var.cond} && assertion.ref == 'refs/heads/main'\"", extra)
    assert classify_condition(value, {}) == "unknown"
    assert classify_condition(_value("var.cond", extra), {}) == "unknown"


def test_grants_from_policy_data_source() -> None:
    m = module(
        {
            "main.tf": """
data "google_iam_policy" "p" {
  binding {
    role    = "roles/viewer"
    members = ["allUsers", "group:a@b.c"]
  }
}
resource "google_project_iam_policy" "p" {
  project     = "x"
  policy_data = data.google_iam_policy.p.policy_data
}
resource "google_project_iam_binding" "b" {
  project = "x"
  role    = "roles/editor"
  members = var.members
}
"""
        }
    )
    policy = next(r for r in m.resources() if r.type == "google_project_iam_policy")
    found = grants(policy)
    assert [(g.role, g.member, g.member_path) for g in found] == [
        ("roles/viewer", "allUsers", ("binding", 0, "members", 0)),
        ("roles/viewer", "group:a@b.c", ("binding", 0, "members", 1)),
    ]
    assert found[0].owner.mode == "data"
    binding = next(r for r in m.resources() if r.type == "google_project_iam_binding")
    (g,) = grants(binding)
    assert isinstance(g.member, Unresolved) and g.member_path == ("members",)


def test_node_configs() -> None:
    m = module(
        {
            "main.tf": """
resource "google_container_cluster" "default_pool" {
  node_config {
    machine_type = "e2"
  }
}
resource "google_container_cluster" "removed" {
  remove_default_node_pool = true
}
resource "google_container_cluster" "inline" {
  node_pool {
    name = "a"
  }
  node_pool {
    name = "b"
    node_config {
      image_type = "COS_CONTAINERD"
    }
  }
}
resource "google_container_cluster" "autopilot" {
  enable_autopilot = true
}
resource "google_container_node_pool" "np" {
  cluster = google_container_cluster.removed.id
}
resource "google_container_node_pool" "by_name" {
  cluster = "removed"
}
"""
        }
    )
    by_name = {r.name: r for r in m.resources()}
    (d,) = node_configs(by_name["default_pool"])
    assert d.base == () and d.config == {"machine_type": "e2"} and d.pool is None
    assert list(node_configs(by_name["removed"])) == []
    inline = list(node_configs(by_name["inline"]))
    assert [n.base for n in inline] == [("node_pool", 0), ("node_pool", 1)]
    assert inline[0].config is None and inline[1].config == {"image_type": "COS_CONTAINERD"}
    assert list(node_configs(by_name["autopilot"])) == []
    (np,) = node_configs(by_name["np"])
    assert np.cluster is by_name["removed"]
    # A literal cluster name matches a cluster's name argument only.
    (named,) = node_configs(by_name["by_name"])
    assert named.cluster is None


def test_uncertain_dynamic() -> None:
    m = module(
        {
            "main.tf": """
resource "google_compute_instance" "vm" {
  network_interface {
    dynamic "access_config" {
      for_each = var.public ? [1] : []
      content {}
    }
  }
}
resource "google_compute_instance" "known" {
  network_interface {
    dynamic "access_config" {
      for_each = [var.a]
      content {}
    }
  }
}
"""
        }
    )
    vm, known = m.resources()
    assert uncertain_dynamic(vm, "access_config") is True
    assert uncertain_dynamic(known, "access_config") is False
