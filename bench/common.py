"""Shared benchmark helpers: timing a full CLI run in a subprocess, with peak memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def corpus_size(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def time_cli(args: list[str], repeat: int = 3) -> tuple[float, int, dict[str, object]]:
    """Best wall time of ``devops-lint ARGS --format json``, peak RSS (KiB), and the report."""
    best = float("inf")
    report: dict[str, object] = {}
    peak = 0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "devops_lint", *args, "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
        best = min(best, time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"devops-lint failed ({proc.returncode}): {proc.stderr}")
        report = json.loads(proc.stdout)
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return best, peak, report


def print_row(name: str, files: int, size: int, seconds: float, peak_kib: int) -> None:
    print(
        f"{name:<28} {files:>6} files {size / 1e6:>7.2f} MB {seconds:>7.2f} s "
        f"{files / seconds:>8.0f} files/s {size / 1e6 / seconds:>6.2f} MB/s "
        f"peak {peak_kib / 1024:>6.0f} MiB"
    )
