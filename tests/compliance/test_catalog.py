"""The framework catalog stays in sync with the standard's references."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from devops_lint.compliance.catalog import STANDARD, framework_ids, load_framework
from devops_lint.rules import load_controls

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import gen_frameworks  # noqa: E402
from tools.framework_catalog import FRAMEWORKS  # noqa: E402


def test_framework_files_are_generated_from_the_standard() -> None:
    """Every file equals what tools/gen_frameworks.py writes today (run it to update)."""
    built = gen_frameworks.build()
    folder = ROOT / "rules" / "frameworks"
    assert sorted(p.stem for p in folder.glob("*.yaml")) == sorted(built)
    for fid, doc in built.items():
        text = (folder / f"{fid}.yaml").read_text(encoding="utf-8")
        assert text == gen_frameworks.render(doc), (
            f"{fid}.yaml is stale: run tools/gen_frameworks.py"
        )


def test_every_framework_citation_of_every_control_is_mapped() -> None:
    """Each control citing a framework key appears under a requirement (or section) of it."""
    keys = {fw["key"]: fid for fid, fw in FRAMEWORKS.items()}
    built = gen_frameworks.build()
    for cid, control in load_controls().items():
        for ref in control["references"]:
            fid = keys.get(ref.split(" ")[0])
            if fid is None:
                continue
            doc = built[fid]
            mapped = {c for r in doc["requirements"] for c in r["controls"]}
            mapped |= {c for s in doc.get("related_sections", []) for c in s["controls"]}
            assert cid in mapped, f"{cid}: {ref!r} not in {fid}"


def test_citation_parsing() -> None:
    assert gen_frameworks.citations("CIS-AZ", "8.1\u20138.4") == (["8.1", "8.2", "8.3", "8.4"], [])
    assert gen_frameworks.citations("CIS-K8S", "5.5.1 (image provenance)") == (["5.5.1"], [])
    assert gen_frameworks.citations("CIS-AWS", "section 2.1") == ([], ["2.1"])
    assert gen_frameworks.citations("OSSF-SC", "SAST, CI-Tests") == (["SAST", "CI-Tests"], [])
    quoted = 'GH-HARD "Using OpenID Connect…" (subject claims) and GitHub Docs "Managing envs"'
    assert gen_frameworks.citations("GH-HARD", quoted.split(" ", 1)[1]) == (
        ["Using OpenID Connect to access cloud resources"],
        [],
    )


def test_unknown_citation_is_an_error() -> None:
    with pytest.raises(gen_frameworks.CitationError):
        gen_frameworks._expand("8.1", "9.4")


def test_pod_security_standards_are_complete_and_fully_covered() -> None:
    baseline = load_framework("pss-baseline")
    restricted = load_framework("pss-restricted")
    assert baseline.complete and restricted.complete
    assert len(baseline.requirements) == 12
    # Restricted holds Baseline's twelve controls and its own six.
    assert len(restricted.requirements) == 18
    assert baseline.covered == 12 and restricted.covered == 18


def test_uncovered_requirements_are_listed_honestly() -> None:
    k8s = load_framework("cis-k8s")
    uncovered = [r.id for r in k8s.requirements if not r.controls]
    assert uncovered == ["5.3.1", "5.7.3"]
    assert {r.id for r in k8s.requirements if "K8S-001" in r.controls} == {"5.2.2"}


def test_standard_is_every_control() -> None:
    std = load_framework(STANDARD)
    assert len(std.requirements) == 160 == len(load_controls())
    assert std.covered == 160
    assert framework_ids()[0] == STANDARD and "cis-k8s" in framework_ids()


def test_framework_names_are_case_insensitive() -> None:
    assert load_framework("PSS-Restricted").id == "pss-restricted"
