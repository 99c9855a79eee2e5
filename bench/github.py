"""GitHub Actions benchmark: N generated workflows (default 600), good and bad practices mixed.

Run: ``python bench/github.py [--workflows N] [--repeat R]``. Reports workflows/s for a full
run of ``devops-lint -j 1`` (one parser process; target: at least 200 workflows/s on one
core), both by wall time and by CPU time (the honest figure on a shared machine), and for the
in-process engine alone (no interpreter start-up, no report rendering).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import corpus_size, print_row, time_cli

SHA = "08c6903cd8c0fde910a37f88322edcfb5dd907a8"

HEADER = """name: {name}
on:
{triggers}
{permissions}
env:
  REGISTRY: ghcr.io
  IMAGE: ${{{{ github.repository }}}}
jobs:
"""

TRIGGERS = [
    "  push:\n    branches: [main]\n  pull_request:\n    branches: [main]",
    "  pull_request_target:\n    types: [opened]",
    "  workflow_dispatch:\n    inputs:\n      version:\n        description: v",
    "  push:\n    tags: ['v*']\n  release:\n    types: [published]",
    "  issues:\n    types: [opened]",
]

JOBS = [
    """  test-{i}:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: [20, 22]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v3
        with:
          node-version: ${{{{ matrix.node }}}}
          cache: npm
      - run: npm ci
      - name: unit tests {n}-{i}
        run: npm run test:unit -- --shard={i}/{n}
""",
    """  build-{i}:
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    permissions:
      contents: read
      packages: write
    outputs:
      digest: ${{{{ steps.build.outputs.digest }}}}
    steps:
      - uses: actions/checkout@{sha} # v5.0.0
        with:
          persist-credentials: false
      - uses: docker/login-action@v2
        with:
          registry: ${{{{ env.REGISTRY }}}}
          username: ${{{{ github.actor }}}}
          password: ${{{{ secrets.GITHUB_TOKEN }}}}
      - id: build
        uses: docker/build-push-action@v4
        with:
          push: ${{{{ github.event_name != 'pull_request' }}}}
          cache-from: type=gha
          tags: ${{{{ env.REGISTRY }}}}/${{{{ env.IMAGE }}}}-{n}:${{{{ github.sha }}}}
""",
    """  deploy-{i}:
    runs-on: ubuntu-latest
    needs: [build-{i}]
    if: github.ref == 'refs/heads/main'
    environment: production
    steps:
      - uses: aws-actions/configure-aws-credentials@v2
        with:
          aws-access-key-id: ${{{{ secrets.AWS_ACCESS_KEY_ID }}}}
          aws-secret-access-key: ${{{{ secrets.AWS_SECRET_ACCESS_KEY }}}}
          aws-region: us-west-2
      - name: deploy {n}
        run: |
          helm upgrade --install app-{n} ./chart \\
            --set image.tag=${{{{ github.sha }}}} \\
            --wait
""",
    """  triage-{i}:
    runs-on: [self-hosted, linux]
    env:
      TITLE: ${{{{ github.event.issue.title }}}}
    steps:
      - run: |
          echo "{n}: ${{{{ github.event.issue.title }}}}"
          echo "$TITLE" >> "$GITHUB_ENV"
          curl -sSL https://example.sh/install | bash
      - uses: actions/github-script@v7
        with:
          script: core.info('${{{{ github.head_ref }}}}')
""",
    """  scan-{i}:
    runs-on: ubuntu-24.04
    permissions:
      security-events: write
    steps:
      - uses: github/codeql-action/init@v4
      - uses: github/codeql-action/analyze@v4
        with:
          category: /language:js-{n}
      - uses: aquasecurity/trivy-action@v0
        continue-on-error: true
""",
]


def workflow(n: int, rng: random.Random) -> str:
    perms = rng.choice(
        ["permissions: {}", "permissions:\n  contents: read", "", "permissions: write-all"]
    )
    text = HEADER.format(name=f"pipeline-{n}", triggers=rng.choice(TRIGGERS), permissions=perms)
    for i in range(rng.randint(2, 6)):
        text += rng.choice(JOBS).format(i=i, n=n, sha=SHA)
    return text


def generate(root: Path, count: int) -> None:
    rng = random.Random(42)
    wf_dir = root / ".github" / "workflows"
    wf_dir.mkdir(parents=True)
    for n in range(count):
        (wf_dir / f"wf-{n:04d}.yml").write_text(workflow(n, rng))


def cpu_seconds(root: Path, repeat: int) -> float:
    """Least CPU time (user + system) of a full ``devops-lint -j 1`` run."""
    best = float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [sys.executable, "-m", "devops_lint", str(root), "-j", "1", "--format", "json"],
            capture_output=True,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, used)
    return best


def in_process(root: Path) -> tuple[float, float]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from devops_lint.config import build_settings
    from devops_lint.engine import run
    from devops_lint.rules import load_rules

    rules = load_rules()
    settings, _ = build_settings(root, None, {})
    start, cpu = time.perf_counter(), time.process_time()
    run(root, [root], settings, rules)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workflows", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.workflows)
        files, size = corpus_size(root)
        seconds, peak, report = time_cli([str(root), "-j", "1"], args.repeat)
        print_row("github workflows (-j 1)", files, size, seconds, peak)
        findings = report.get("findings", [])
        count = len(findings) if isinstance(findings, list) else 0
        print(f"{count} findings; {files / seconds:.0f} workflows/s by wall time")
        cpu = cpu_seconds(root, args.repeat)
        print(f"CPU time {cpu:.2f} s: {files / cpu:.0f} workflows/s on one core (target >= 200/s)")
        wall, cpu_engine = in_process(root)
        print(
            f"in-process engine: {wall:.2f} s wall, {cpu_engine:.2f} s CPU, "
            f"{files / cpu_engine:.0f} workflows/s"
        )


if __name__ == "__main__":
    main()
