"""The control catalog (rules/controls.yaml) matches its schema and the standard's Appendix C."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]

# Appendix C of docs/standard.md: controls per domain and headline severity.
APPENDIX_C: dict[str, dict[str, int]] = {
    "GHA": {"critical": 3, "high": 8, "medium": 9, "low": 4},
    "K8S": {"critical": 1, "high": 8, "medium": 16, "low": 3},
    "K8S-NET": {"critical": 0, "high": 1, "medium": 4, "low": 3},
    "K8S-RBAC": {"critical": 3, "high": 4, "medium": 1, "low": 0},
    "TF-AWS": {"critical": 5, "high": 7, "medium": 13, "low": 2},
    "TF-AZ": {"critical": 1, "high": 6, "medium": 6, "low": 0},
    "TF-GCP": {"critical": 2, "high": 6, "medium": 5, "low": 0},
    "TF-GEN": {"critical": 3, "high": 1, "medium": 4, "low": 1},
    "PROM": {"critical": 0, "high": 5, "medium": 11, "low": 4},
    "X": {"critical": 2, "high": 2, "medium": 4, "low": 2},
}
DOMAIN_TOTALS = {
    "GHA": 24,
    "K8S": 28,
    "K8S-NET": 8,
    "K8S-RBAC": 8,
    "TF-AWS": 27,
    "TF-AZ": 13,
    "TF-GCP": 13,
    "TF-GEN": 9,
    "PROM": 20,
    "X": 10,
}
SEVERITY_TOTALS = {"critical": 20, "high": 48, "medium": 73, "low": 19}


@pytest.fixture(scope="module")
def catalog() -> Any:
    return YAML(typ="safe").load((ROOT / "rules" / "controls.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def controls(catalog: Any) -> list[dict[str, Any]]:
    return list(catalog["controls"])


def test_catalog_matches_schema(catalog: Any) -> None:
    schema = json.loads((ROOT / "schemas" / "controls.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = sorted(Draft202012Validator(schema).iter_errors(catalog), key=lambda e: e.path)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])


def test_total_count(controls: list[dict[str, Any]]) -> None:
    assert len(controls) == 160


def test_counts_per_domain(controls: list[dict[str, Any]]) -> None:
    assert Counter(c["domain"] for c in controls) == DOMAIN_TOTALS


def test_headline_severities_per_domain(controls: list[dict[str, Any]]) -> None:
    for domain, expected in APPENDIX_C.items():
        got = Counter(c["severity"] for c in controls if c["domain"] == domain)
        assert {sev: got.get(sev, 0) for sev in expected} == expected, domain
        assert sum(got.values()) == DOMAIN_TOTALS[domain], domain


def test_headline_severity_totals(controls: list[dict[str, Any]]) -> None:
    assert Counter(c["severity"] for c in controls) == SEVERITY_TOTALS


def test_control_ids_are_unique(controls: list[dict[str, Any]]) -> None:
    ids = [c["id"] for c in controls]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_rule_ids_are_unique_and_belong_to_their_control(controls: list[dict[str, Any]]) -> None:
    seen: Counter[str] = Counter()
    for control in controls:
        assert control["id"].rsplit("-", 1)[0] == control["domain"]
        assert control["severity_text"].startswith(control["severity"])
        rule_ids = [rule["id"] for rule in control["rules"]]
        seen.update(rule_ids)
        for rule_id in rule_ids:
            assert rule_id == control["id"] or rule_id.startswith(control["id"] + "."), rule_id
        # The bare control ID is a rule only when it is the control's single rule.
        if control["id"] in rule_ids:
            assert rule_ids == [control["id"]]
    assert [i for i, n in seen.items() if n > 1] == []


def test_catalog_is_extracted_from_the_standard() -> None:
    """rules/controls.yaml is what tools/extract_controls.py makes of docs/standard.md, so a
    change of the standard's controls or rule IDs cannot go unnoticed."""
    from tools.extract_controls import parse_standard, render

    standard = (ROOT / "docs" / "standard.md").read_text(encoding="utf-8")
    catalog = (ROOT / "rules" / "controls.yaml").read_text(encoding="utf-8")
    assert catalog == render(parse_standard(standard)), (
        "run: python tools/extract_controls.py docs/standard.md > rules/controls.yaml"
    )


def _body(markdown: str) -> str:
    """The standard without its header (the lines before the first section heading)."""
    lines = markdown.splitlines()
    first = next((i for i, line in enumerate(lines) if line.startswith("## ")), 0)
    return "\n".join(lines[first:])


SHARED_STANDARD = ROOT.parent / "shared" / "security" / "standards.md"


@pytest.mark.skipif(not SHARED_STANDARD.is_file(), reason="no shared standard beside the checkout")
def test_project_copy_of_the_standard_matches_the_shared_one() -> None:
    ours = (ROOT / "docs" / "standard.md").read_text(encoding="utf-8")
    assert _body(ours) == _body(SHARED_STANDARD.read_text(encoding="utf-8")), (
        "docs/standard.md differs from the shared standard: copy it (keep the header)"
    )
