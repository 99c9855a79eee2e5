"""Benchmark: lint a generated corpus of Prometheus rule files and configurations.

Generates 320 rule files (16 rules each, 5,120 rules: alerts and recording rules with
realistic PromQL and templates) and 60 server configurations loading them, then times a
full ``devops-lint`` run over the corpus (discovery, YAML parsing, PromQL parsing and every
rule), in process and as a CLI subprocess. Reference point: ``promtool check rules`` checks
954 alerts in about 0.25 s; the target is to stay within 3x of that rate (>= 1,272 rules/s).

    python bench/prometheus.py [--files 320] [--configs 60] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import time_cli  # noqa: E402
from devops_lint.config import build_settings  # noqa: E402
from devops_lint.engine import run  # noqa: E402
from devops_lint.rules import load_rules  # noqa: E402

PROMTOOL_RULES_PER_SECOND = 954 / 0.25

EXPRS = [
    'sum by (job) (rate(http_requests_total{{job="{job}", status=~"5.."}}[5m]))'
    ' / sum by (job) (rate(http_requests_total{{job="{job}"}}[5m])) > 0.05',
    "histogram_quantile(0.99, sum by (le, job)"
    ' (rate(http_request_duration_seconds_bucket{{job="{job}"}}[5m]))) > 1',
    'up{{job="{job}"}} == 0',
    'absent(up{{job="{job}"}})',
    'increase(kube_pod_container_status_restarts_total{{namespace="{job}"}}[1h]) > 3',
    'node_filesystem_avail_bytes{{job="{job}"}} / node_filesystem_size_bytes{{job="{job}"}} < 0.1',
    'predict_linear(node_filesystem_avail_bytes{{job="{job}"}}[6h], 4 * 3600) < 0',
    'avg_over_time(cpu_usage_percent{{job="{job}"}}[10m]) > 90',
    'rate(errors_total{{job="{job}"}}[1m]) > 10',
    'topk(3, rate(errors_total{{job="{job}"}}[5m])) > 1',
]
RECORDS = [
    ("job:http_requests:rate5m", 'sum by (job) (rate(http_requests_total{{job="{job}"}}[5m]))'),
    (
        "job:http_errors:ratio5m",
        'sum by (job) (rate(http_errors_total{{job="{job}"}}[5m]))'
        ' / sum by (job) (rate(http_requests_total{{job="{job}"}}[5m]))',
    ),
    (
        "instance:node_cpu:rate5m",
        'sum without (cpu, mode) (rate(node_cpu_seconds_total{{job="{job}", mode!="idle"}}[5m]))',
    ),
]


def rule_file(i: int, rng: random.Random, rules_per_file: int) -> str:
    job = f"svc{i % 40}"
    out = ["groups:"]
    for g in range(2):
        out.append(f"  - name: svc{i}.group{g}")
        out.append("    rules:")
        for r in range(rules_per_file // 2):
            if r % 4 == 0:
                name, expr = RECORDS[(i + r) % len(RECORDS)]
                level, rest = name.split(":", 1)
                out.append(f"      - record: {level}{i}_{g}_{r}:{rest}")
                out.append(f"        expr: {expr.format(job=job)}")
                continue
            expr = rng.choice(EXPRS).format(job=job)
            severity = rng.choice(["critical", "warning", "info", "page"])
            out += [
                f"      - alert: Svc{i}Group{g}Rule{r}",
                f"        expr: '{expr}'",
                f"        for: {rng.choice(['1m', '2m', '5m', '30s'])}",
                "        labels:",
                f"          severity: {severity}",
                "        annotations:",
                f'          summary: "Problem on {{{{ $labels.instance }}}} ({i}/{r})"',
                '          description: "Value {{ $value | humanize }} for {{ $labels.job }}"',
            ]
            if severity == "critical":
                out.append(f"          runbook_url: https://runbooks.example.com/Svc{i}Rule{r}")
    return "\n".join(out) + "\n"


def config_file(c: int, files: int, stride: int = 60) -> str:
    """Configuration ``c``, loading rule files c, c + stride, c + 2 * stride … (of ``files``)."""
    loaded = [f"rules/svc{i}.yml" for i in range(c, files, stride)]
    jobs = "\n".join(
        f"  - job_name: svc{j}\n    scrape_interval: {15 + j % 3 * 15}s\n"
        f"    static_configs:\n      - targets: ['svc{j}:8080', 'svc{j}-b:8080']"
        for j in range(c % 40, c % 40 + 5)
    )
    rule_files = "\n".join(f"  - ../{p}" for p in loaded) or "  []"
    return (
        "global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n"
        f"  external_labels: {{cluster: c{c}, environment: production}}\n"
        f"rule_files:\n{rule_files}\n"
        "alerting:\n  alertmanagers:\n    - static_configs:\n"
        "        - targets: ['am-0:9093', 'am-1:9093']\n"
        f"scrape_configs:\n{jobs}\n"
    )


def generate(root: Path, files: int, configs: int, rules_per_file: int, stride: int = 60) -> int:
    """Rule files and configurations; with ``stride=configs`` each file has one loader."""
    rng = random.Random(42)
    (root / "rules").mkdir(parents=True, exist_ok=True)
    (root / "configs").mkdir(exist_ok=True)
    for i in range(files):
        (root / "rules" / f"svc{i}.yml").write_text(rule_file(i, rng, rules_per_file))
    for c in range(configs):
        (root / "configs" / f"prometheus-{c}.yml").write_text(config_file(c, files, stride))
    return files * (rules_per_file // 2) * 2


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--files", type=int, default=320)
    parser.add_argument("--configs", type=int, default=60)
    parser.add_argument("--rules-per-file", type=int, default=16)
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="prom-bench-"))
    try:
        n_rules = generate(root, args.files, args.configs, args.rules_per_file)
        rules = load_rules()
        settings, _ = build_settings(root, None, {})
        start = time.perf_counter()
        result = run(root, [root], settings, rules)
        in_process = time.perf_counter() - start
        elapsed, peak_kib, _ = time_cli([str(root)])
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    internal = sum(1 for f in result.findings if f.rule_id == "X-000.internal-error")
    rate = n_rules / elapsed
    ratio = PROMTOOL_RULES_PER_SECOND / rate
    verdict = "OK" if ratio <= 3 else "SLOW"
    print(f"rule files: {args.files}, configs: {args.configs}, rules: {n_rules}")
    print(f"findings: {len(result.findings)} (internal errors: {internal})")
    print(f"engine in process: {in_process:.2f} s, {n_rules / in_process:,.0f} rules/s")
    print(
        f"CLI, best of 3 with start-up: {elapsed:.2f} s, {rate:,.0f} rules/s,"
        f" peak RSS {peak_kib / 1024:.0f} MiB"
    )
    print(
        f"promtool reference: {PROMTOOL_RULES_PER_SECOND:,.0f} rules/s; devops-lint takes"
        f" {ratio:.2f}x promtool's time per rule (target <= 3x): {verdict}"
    )
    return 0 if internal == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
