"""The seed examples give exactly the X-003 … X-010 rows of the standard's Appendix B."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.fixture_support import FIXTURES, lint_folder

SEED = FIXTURES / "seed" / "examples"
HELM = FIXTURES / "helm"
CROSS_FILE = tuple(f"X-{n:03d}" for n in range(3, 11))

EXPECTED = Counter(
    {
        ("prometheus/prometheus.yml", 7, "X-003.missing", "high", "fail"): 1,
        ("prometheus/alert_rules.yml", 1, "X-006.no-alertmanager-config", "info", "fail"): 1,
        ("prometheus/alert_rules.yml", 32, "X-007.exporter-missing", "medium", "fail"): 1,
        ("helm/templates/deployment.yaml", 26, "X-004.port-ignored", "low", "fail"): 1,
        ("helm/templates/networkpolicy.yaml", 22, "X-008.netpol-port", "info", "unresolved"): 1,
        ("helm/templates/deployment.yaml", 29, "X-009.k8s-ref", "info", "unresolved"): 1,
        ("helm/templates/deployment.yaml", 48, "X-009.k8s-ref", "info", "unresolved"): 1,
        ("github/workflows/deploy.yml", 108, "X-009.workflow-local-path", "medium", "fail"): 1,
        ("github/workflows/deploy.yml", 131, "X-009.workflow-local-path", "medium", "fail"): 1,
    }
)


def _rows(folder: Path) -> Counter[tuple[str, int, str, str, str]]:
    return Counter(
        (f.path, f.line, f.rule_id, f.severity, f.outcome)
        for f in lint_folder(folder).findings
        if f.rule_id.startswith(CROSS_FILE) and f.suppression is None
    )


def test_seed_gives_exactly_appendix_b_cross_file_rows() -> None:
    assert _rows(SEED) == EXPECTED


def test_seed_with_values_resolves_the_references() -> None:
    """With the Appendix B values the references are provably dangling (low) and the
    NetworkPolicy port matches the selected pods; no Prometheus config: one advisory."""
    got = _rows(HELM / "seed-with-values")
    assert got == Counter(
        {
            ("helm/templates/deployment.yaml", 1, "X-004.no-scrape-job", "info", "fail"): 1,
            ("helm/templates/deployment.yaml", 29, "X-009.k8s-ref", "low", "fail"): 1,
            ("helm/templates/deployment.yaml", 48, "X-009.k8s-ref", "low", "fail"): 1,
        }
    )


def test_seed_with_chart_and_secret_passes_x009(tmp_path: Path) -> None:
    """The standard's pass case: helm-chart/Chart.yaml exists, the secret is external."""
    for src in SEED.rglob("*"):
        if src.is_file() and src.suffix != ".expect":
            dest = tmp_path / "seed" / src.relative_to(SEED)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(src.read_text())
    (tmp_path / "seed" / "helm-chart").mkdir()
    (tmp_path / "seed" / "helm-chart" / "Chart.yaml").write_text("apiVersion: v2\nname: app\n")
    got = _rows(tmp_path / "seed")
    assert not any(r[2] == "X-009.workflow-local-path" for r in got)
