"""JUnit XML: golden output, validated against schemas/junit.xsd (the project's own schema of
the common Jenkins/Surefire structure; see the comment at its top)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from devops_lint.report.junit import clean
from tests.report.reader_support import assert_golden, lint, make_repo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("junit"))


def _validate(text: str) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(ROOT / "schemas" / "junit.xsd"))
    schema.validate(text)


def test_golden_and_valid(repo: Path) -> None:
    proc = lint(repo, "--format", "junit")
    assert proc.returncode == 1, proc.stderr
    _validate(proc.stdout)
    assert_golden("junit.xml", proc.stdout)


def test_one_case_per_control_and_file(repo: Path) -> None:
    root = ET.fromstring(lint(repo, "--format", "junit").stdout)
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    failing = cases[("K8S-001", "k8s/pods.yaml")]
    failure = failing.find("failure")
    assert failure is not None and failure.get("message") == "1 finding (1 critical)"
    assert "k8s/pods.yaml:11:21: critical K8S-001 container 'app' runs privileged" in (
        failure.text or ""
    )
    # Evaluated and clean: a passing case.
    assert list(cases[("K8S-001", "k8s/api.yaml")]) == []
    # Suppressed only: skipped with the reason.
    skipped = cases[("K8S-002", "k8s/pods.yaml")].find("skipped")
    assert skipped is not None and "node debugging pod" in (skipped.get("message") or "")
    assert root.get("failures") == str(
        sum(1 for c in cases.values() if c.find("failure") is not None)
    )


def test_compliance_limits_suites_to_the_framework(repo: Path) -> None:
    root = ET.fromstring(lint(repo, "--compliance", "pss-baseline", "--format", "junit").stdout)
    suites = [s.get("name", "").split(" ")[0] for s in root.iter("testsuite")]
    assert "GHA-001" not in suites and "K8S-001" in suites
    _validate(lint(repo, "--compliance", "pss-baseline", "--format", "junit").stdout)


def test_characters_xml_cannot_hold_are_replaced() -> None:
    assert clean("a\x00b\x1bc\ttab") == "a\ufffdb\ufffdc\ttab"


def test_invalid_structure_is_rejected_by_the_schema() -> None:
    """The schema is not vacuous: a case without classname or two outcomes fails it."""
    from xmlschema import XMLSchemaValidationError

    with pytest.raises(XMLSchemaValidationError, match="classname"):
        _validate(
            '<testsuites><testsuite name="s" tests="1" failures="0" errors="0">'
            '<testcase name="c"/></testsuite></testsuites>'
        )
    with pytest.raises(XMLSchemaValidationError):
        _validate(
            '<testsuites><testsuite name="s" tests="1" failures="1" errors="0">'
            '<testcase name="c" classname="k"><failure/><skipped/></testcase>'
            "</testsuite></testsuites>"
        )
