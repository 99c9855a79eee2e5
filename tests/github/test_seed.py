"""The GitHub seed pipeline gives exactly the GHA rows of the standard's Appendix B.

The X-009 rows of Appendix B belong to the cross-file controls and are not compared here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.fixture_support import lint_folder

SEED = Path(__file__).parent / "data" / "seed"
DEPLOY = "github/workflows/deploy.yml"


def _rows(rule: str, severity: str, *lines: int) -> dict[tuple[str, int, str, str], int]:
    out: Counter[tuple[str, int, str, str]] = Counter()
    for line in lines:
        out[(DEPLOY, line, rule, severity)] += 1
    return dict(out)


EXPECTED = Counter(
    {
        **_rows("GHA-001.missing", "high", 1),
        **_rows("GHA-003.action-ref", "high", 61, 64, 72, 82, 100, 123),
        **_rows("GHA-003.action-ref", "medium", 17, 19, 25, 34, 36, 58, 97, 120),
        **_rows("GHA-004.runner-latest", "low", 15, 28, 53, 92, 115),
        **_rows(
            "GHA-005.deprecated-version",
            "medium",
            *(17, 25, 34, 36, 58, 61, 64, 72, 82, 97, 100, 120, 123),
        ),
        **_rows("GHA-005.archived-action", "medium", 19),
        **_rows("GHA-006.aws-static-keys", "high", 102, 125),
        **_rows("GHA-008.pr-reachable-deploy", "medium", 91),
        **_rows("GHA-011", "low", 17, 34, 58, 97, 120),
        **_rows("GHA-015", "low", 14, 27, 52, 91, 114),
        **_rows("GHA-016", "low", 91, 114),
        **_rows("GHA-017", "medium", 88),
        **_rows("GHA-020.codeql-no-init", "high", 25),
        **_rows("GHA-020.codeql-permissions", "medium", 14),
        **_rows("GHA-020.no-deps-scan", "low", 1),
        **_rows("GHA-021.unsigned-image", "low", 82),
        **_rows("GHA-021.digest-unused", "low", 56),
        **_rows("GHA-022", "medium", 85),
        **_rows("GHA-024", "low", 1),
    }
)


def test_seed_gives_exactly_appendix_b_gha_rows() -> None:
    result = lint_folder(SEED)
    got = Counter(
        (f.path, f.line, f.rule_id, f.severity)
        for f in result.findings
        if f.rule_id.startswith("GHA-") and f.suppression is None
    )
    assert got == EXPECTED
    assert all(f.outcome == "fail" for f in result.findings if f.rule_id.startswith("GHA-"))


def test_seed_is_structurally_valid() -> None:
    result = lint_folder(SEED)
    assert not [f for f in result.findings if f.rule_id.startswith("X-000.")]
