"""Any finding the engine could produce gives a valid, GitHub-acceptable SARIF result."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_lint.engine import RunResult
from devops_lint.model import SEVERITIES, Finding, Span
from devops_lint.project import Project
from devops_lint.report import sarif
from tests.fixture_support import all_rules
from tests.report.sarif_schema import assert_valid_log

RULE_IDS = [r.id for r in all_rules()][:20]
numbers = st.integers(min_value=-3, max_value=10_000)
segment = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
    min_size=1,
    max_size=12,
).filter(lambda s: s not in (".", ".."))
paths = st.lists(segment, min_size=1, max_size=4).map("/".join)

findings = st.builds(
    Finding,
    rule_id=st.sampled_from(RULE_IDS),
    controls=st.just(["K8S-001"]),
    severity=st.sampled_from(SEVERITIES),
    path=paths,
    span=st.builds(Span, numbers, numbers, numbers, numbers),
    message=st.text(max_size=200),
    locator=st.text(max_size=40),
    outcome=st.sampled_from(["fail", "unresolved", "error"]),
    suppression=st.none() | st.text(min_size=1, max_size=40),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(findings, max_size=8))
def test_any_findings_give_a_valid_log(items: list[Finding]) -> None:
    root = Path("/nonexistent-scan-root")
    result = RunResult(items, Project(root=root), all_rules(), len(items))
    log = sarif.build(result, base=root, warn=lambda _: None)
    assert_valid_log(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(items)
    prints = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results]
    assert len(set(prints)) == len(prints)  # never two alerts folded into one
    for res in results:
        assert res["message"]["text"].strip()
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        assert uri and not uri.startswith("/") and "://" not in uri
        assert all(v >= 1 for v in loc["region"].values())
