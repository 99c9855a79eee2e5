"""Every hostile input finishes in bounded time and memory with its located finding.

Each case runs the CLI in a subprocess with a timeout: a segfault (C composer,
promql-parser) shows as a failed case with its exit signal, a hang as a timeout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rule_cache import seeded
from tests.security.hostile_cases import CASES, Case, run

# A guard against hangs and gross regressions, loose enough for a busy CI machine running
# tests in parallel: the figures themselves come from bench/hostile.py (worst case 8.8 s on
# the reference machine). The subprocess itself is killed at hostile_cases.TIMEOUT.
SECONDS = 45.0
PEAK_KIB = 1024 * 1024  # 1 GiB


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_gives_its_located_finding(case: Case, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    # The packaged rules come parsed from the cache: the figures are the input's own.
    outcome = run(case, root, seeded(tmp_path / "cache"))
    assert outcome.code in (0, 1), (
        f"exit {outcome.code} (negative: killed by signal {-outcome.code}); "
        f"stderr: {outcome.stderr[-2000:]}"
    )
    assert "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    assert outcome.seconds < SECONDS, f"took {outcome.seconds:.1f} s"
    assert outcome.peak_kib < PEAK_KIB, f"peak {outcome.peak_kib // 1024} MiB"
    located = outcome.located()
    with_column = outcome.located_with_column()
    for expected in case.expected:
        if len(expected) == 4:
            assert expected in with_column, sorted(with_column)
        else:
            assert expected in located, sorted(located)
    for rule in case.absent_rules:
        assert not any(f["rule"] == rule for f in outcome.findings)


def test_catastrophic_config_regex_still_decides(tmp_path: Path) -> None:
    """``prod_namespace_regex: "^(a+)+$"`` on a 100,000-character namespace: RE2 answers
    (no match: the tag-pinned image is a low finding) instead of backtracking for hours."""
    case = next(c for c in CASES if c.name == "catastrophic-prod-namespace-regex")
    root = tmp_path / "repo"
    root.mkdir()
    # The packaged rules come parsed from the cache: the figures are the input's own.
    outcome = run(case, root, seeded(tmp_path / "cache"))
    digests = [f for f in outcome.findings if str(f["rule"]).startswith("K8S-013.digest")]
    assert digests, sorted(outcome.located())
    assert {f["severity"] for f in digests} == {"low"}
