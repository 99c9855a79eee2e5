"""Shards benchmark: what ``--shard I/N`` plus ``merge`` costs against one run.

Run: ``python bench/shards.py [--sizes 1000,3000] [--counts 2,4] [--repeat R]``. Generates
the mixed monorepo of ``bench/scale.py`` (every format), then, per size, times in fresh
processes (``--no-cache -j 1``, CPU seconds, median of ``R``):

- one run writing the JSON report;
- each shard of ``N`` writing its shard file, and the merge writing the same report.

On a matrix of ``N`` machines the scan takes the slowest shard plus the merge (the
``critical path`` column); the shards' total is what the matrix bills. Every merged report
is checked byte for byte against the single run's. ``--markdown FILE`` writes the table.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def _scale() -> ModuleType:
    sys.path.insert(0, str(HERE))
    spec = importlib.util.spec_from_file_location("bench_scale", HERE / "scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _cpu(args: list[str], cwd: Path, repeat: int) -> tuple[float, int]:
    """Median CPU seconds of ``devops-lint ARGS`` (fresh process) and its peak RSS (KiB)."""
    import resource

    times: list[float] = []
    peak = 0
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(
            [sys.executable, "-m", "devops_lint", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"devops-lint {' '.join(args)} failed: {proc.stderr[-2000:]}")
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        peak = max(peak, after.ru_maxrss)
    return statistics.median(times), peak


def measure(root: Path, out: Path, counts: list[int], repeat: int) -> list[str]:
    common = ["--no-cache", "-q", "-j", "1"]
    single_report = out / "single.json"
    single, single_peak = _cpu(
        [".", "--format", "json", "-o", str(single_report), *common], root, repeat
    )
    files = sum(1 for p in root.rglob("*") if p.is_file())
    rows = [
        f"| {files:,} | 1 (no shards) | {single:.2f} | - | - | {single:.2f} | 1.00x | "
        f"{single_peak / 1024:.0f} |"
    ]
    for count in counts:
        shard_cpu: list[float] = []
        peak = 0
        shard_files: list[str] = []
        for index in range(1, count + 1):
            name = str(out / f"shard-{count}-{index}.json")
            shard_files.append(name)
            cpu, p = _cpu([".", "--shard", f"{index}/{count}", "-o", name, *common], root, repeat)
            shard_cpu.append(cpu)
            peak = max(peak, p)
        merged_report = out / f"merged-{count}.json"
        merge, merge_peak = _cpu(
            ["merge", *shard_files, "--format", "json", "-o", str(merged_report), *common],
            root,
            repeat,
        )
        if merged_report.read_bytes() != single_report.read_bytes():
            raise SystemExit(f"merged report of {count} shards differs from the single run's")
        critical = max(shard_cpu) + merge
        rows.append(
            f"| {files:,} | {count} | {max(shard_cpu):.2f} | {sum(shard_cpu):.2f} | {merge:.2f} "
            f"| {critical:.2f} | {single / critical:.2f}x | {max(peak, merge_peak) / 1024:.0f} |"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000")
    parser.add_argument("--counts", default="2,4")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--markdown", type=Path, help="write the table to this file")
    args = parser.parse_args()
    scale = _scale()
    counts = [int(c) for c in args.counts.split(",")]
    header = [
        "| files | shards | slowest shard (CPU s) | all shards (CPU s) | merge (CPU s) "
        "| critical path (CPU s) | vs one run | peak MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows: list[str] = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            root, out = Path(tmp, "repo"), Path(tmp, "out")
            out.mkdir()
            scale.generate(root, size)
            rows += measure(root, out, counts, args.repeat)
            print("\n".join([*header, *rows]), flush=True)
    if args.markdown is not None:
        args.markdown.write_text("\n".join([*header, *rows]) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
