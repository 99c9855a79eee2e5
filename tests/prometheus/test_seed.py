"""The Prometheus seed examples give exactly the PROM rows of the standard's Appendix B."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.fixture_support import lint_folder

SEED = Path(__file__).parent / "data" / "seed"

# Appendix B.1/B.2, PROM rows only (X-* rows belong to the cross-file controls).
EXPECTED = Counter(
    {
        ("prometheus.yml", 28, "PROM-003.no-port-rewrite", "medium"): 1,
        ("prometheus.yml", 28, "PROM-003.no-scheme-rewrite", "low"): 1,
        ("prometheus.yml", 28, "PROM-003.no-workload-labels", "low"): 1,
        ("prometheus.yml", 13, "PROM-004.single-alertmanager", "low"): 1,
        ("prometheus.yml", 41, "PROM-006.too-short", "low"): 1,
        ("alert_rules.yml", 9, "PROM-010.runbook-url", "medium"): 1,
        ("alert_rules.yml", 27, "PROM-010.runbook-url", "medium"): 1,
        ("alert_rules.yml", 11, "PROM-011.unformatted-value", "low"): 1,
        ("alert_rules.yml", 23, "PROM-013.counter-like-name", "low"): 1,
        ("alert_rules.yml", 5, "PROM-015.absolute-error-rate", "low"): 1,
    }
)


def test_seed_gives_exactly_appendix_b_prom_rows() -> None:
    result = lint_folder(SEED)
    got = Counter(
        (f.path, f.line, f.rule_id, f.severity)
        for f in result.findings
        if f.rule_id.startswith("PROM-") and f.suppression is None
    )
    assert got == EXPECTED
    assert all(f.outcome == "fail" for f in result.findings if f.rule_id.startswith("PROM-"))


def test_seed_with_metadata_reports_raw_counter(tmp_path: Path) -> None:
    """With metadata typing the metric as a counter, the seed's hint becomes raw-counter."""
    for name in ("prometheus.yml", "alert_rules.yml"):
        (tmp_path / name).write_text((SEED / name).read_text())
    (tmp_path / "metadata.json").write_text(
        '{"status": "success", "data": {"database_connections_failed":'
        ' [{"type": "counter", "help": "", "unit": ""}]}}'
    )
    (tmp_path / ".devops-lint.yaml").write_text("metrics_metadata: metadata.json\n")
    result = lint_folder(tmp_path)
    rows = {(f.path, f.line, f.rule_id, f.severity) for f in result.findings}
    assert ("alert_rules.yml", 23, "PROM-013.raw-counter", "medium") in rows
    assert not any(f.rule_id == "PROM-013.counter-like-name" for f in result.findings)


def test_schema_table_is_extended_by_configuration(tmp_path: Path) -> None:
    (tmp_path / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 15s\n  brand_new_key: 1\n  other_new_key: 2\n"
        "scrape_configs: []\n"
    )
    (tmp_path / ".devops-lint.yaml").write_text(
        "data_extensions:\n  prometheus_config_schema.yaml:\n"
        "    global:\n      brand_new_key: any\n"
    )
    result = lint_folder(tmp_path)
    unknown = [f.line for f in result.findings if f.rule_id == "PROM-001.unknown-field"]
    assert unknown == [4]
