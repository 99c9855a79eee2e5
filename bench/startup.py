"""One-file runs (the pre-commit case): whole-process time per format, and what start-up imports.

For one Terraform file, one Kubernetes manifest, one workflow and one Prometheus rule file
(each copied alone into a folder, as ``bench/peers.py`` does: a named file's neighbours are
read for context), this times ``devops-lint FILE --format json`` in a subprocess: median wall
and CPU time of ``--repeat`` runs (default 5) after a warm-up run, and peak RSS. Then it runs
the same command once under ``python -X importtime`` and reports the total import time, the
share of the run it is, and the costliest imports: by top-level package (self time summed)
and the slowest single modules (self time), so a start-up regression shows where it came from.

    python bench/startup.py [--terragoat DIR] [--kubernetes-goat DIR] [--repeat 5] [--top 12]
                            [--markdown FILE]

Goal (issue 18): at most 0.25 s per format.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench import peers  # noqa: E402

GOAL_S = 0.25


@dataclass
class Import:
    module: str
    self_us: int
    cumulative_us: int
    # The nearest devops_lint module whose import pulled this one in ("" at top level).
    imported_by: str


def parse_importtime(stderr: str) -> list[Import]:
    """The lines ``import time: SELF | CUMULATIVE | [indent]module`` of ``-X importtime``.

    A module's line comes after those of the modules it imported, indented one level deeper,
    so reading backwards a stack of the open ancestors gives each module's importer.
    """
    rows: list[tuple[str, int, int, int]] = []
    for line in stderr.splitlines():
        fields = line[len("import time:") :].split("|")
        if not line.startswith("import time:") or len(fields) != 3 or "self [us]" in line:
            continue
        self_us, cumulative, name = fields
        stripped = name.lstrip()
        depth = (len(name) - len(stripped) - 1) // 2
        rows.append((stripped, int(self_us), int(cumulative), depth))
    out: list[Import] = []
    ancestors: list[tuple[int, str]] = []  # (depth, module), innermost last
    for module, self_us, cumulative, depth in reversed(rows):
        while ancestors and ancestors[-1][0] >= depth:
            ancestors.pop()
        owner = next((m for _, m in reversed(ancestors) if m.startswith("devops_lint")), "")
        out.append(Import(module, self_us, cumulative, owner))
        ancestors.append((depth, module))
    return out


def least_self_times(runs: list[list[Import]]) -> list[Import]:
    """Per module, the run where its import was cheapest: the least disturbed by load."""
    best: dict[str, Import] = {}
    for run in runs:
        for imp in run:
            if imp.module not in best or imp.self_us < best[imp.module].self_us:
                best[imp.module] = imp
    return list(best.values())


def package_of(module: str) -> str:
    """``devops_lint.terraform.hcl`` -> ``devops_lint.terraform``; ``lark.parsers`` -> ``lark``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "devops_lint" and len(parts) > 1 else parts[0]


def files(args: argparse.Namespace, work: Path) -> dict[str, Path]:
    """One file per format, alone in a folder; the same picks as ``bench/peers.py``."""
    yaml = (".yaml", ".yml")
    tf = peers.alone(peers.terraform_file(args.terragoat, work), work)
    k8s_dir, _ = peers.kubernetes_dir(args.kubernetes_goat, work, 16, "16 files")
    k8s = peers.alone(peers.first(k8s_dir, yaml), work)
    wf_dir, _ = peers.workflows_dir(None, work)
    wf = peers.alone(peers.first(wf_dir, yaml), work)
    rules = work / "rules-one"
    rules.mkdir()
    rule_file = rules / "svc0.yml"
    rule_file.write_text(peers.gen_prometheus.rule_file(0, random.Random(42), 16))
    return {
        f"Terraform ({tf.name})": tf,
        f"Kubernetes manifest ({k8s.name})": k8s,
        f"workflow ({wf.name})": wf,
        f"Prometheus rule file ({rule_file.name})": rule_file,
    }


def import_profile(target: Path, repeat: int) -> tuple[list[Import], float]:
    """Imports of ``repeat`` runs under ``-X importtime`` (least self time per module), and
    the least wall time of such a run."""
    cmd = [sys.executable, "-X", "importtime", *peers.devops_lint(target)[1:]]
    runs, walls = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(
            cmd, capture_output=True, text=True, check=False, env=peers.child_env()
        )
        walls.append(time.perf_counter() - start)
        runs.append(parse_importtime(proc.stderr))
    return least_self_times(runs), min(walls)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--terragoat", type=Path, help="pick the median-size .tf file here")
    parser.add_argument("--kubernetes-goat", type=Path, help="pick the first manifest here")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--markdown", type=Path, help="also write the tables here")
    args = parser.parse_args()

    lines = [
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()[0]:.1f}, "
        f"median of {args.repeat} runs after a warm-up; goal {GOAL_S} s",
        "",
        "| file | wall | CPU | peak | imports: least self times summed, of the least run | load |",
        "|---|---|---|---|---|---|",
    ]
    details: list[str] = []
    print("\n".join(lines), flush=True)
    floors = {
        "floor: `python -c pass`": [sys.executable, "-c", "pass"],
        "floor: `devops-lint --version`": [*peers.devops_lint(Path("."))[:3], "--version"],
    }
    for label, cmd in floors.items():
        load = os.getloadavg()[0]
        timing = peers.measure({"floor": cmd}, {}, args.repeat)["floor"]
        line = (
            f"| {label} | {timing.wall:.3f} s | {timing.cpu:.3f} s | {timing.peak_mib:.0f} MB "
            f"| - | {load:.1f} |"
        )
        print(line, flush=True)
        lines.append(line)
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        for label, target in files(args, Path(tmp)).items():
            load = os.getloadavg()[0]
            timing = peers.measure({"one": peers.devops_lint(target)}, {}, args.repeat)["one"]
            imports, traced = import_profile(target, args.repeat)
            total_us = sum(i.self_us for i in imports)
            line = (
                f"| {label} | {timing.wall:.3f} s | {timing.cpu:.3f} s | "
                f"{timing.peak_mib:.0f} MB | {total_us / 1e6:.3f} s of {traced:.3f} s | "
                f"{load:.1f} |"
            )
            print(line, flush=True)
            lines.append(line)
            by_package: dict[str, int] = defaultdict(int)
            for imp in imports:
                by_package[package_of(imp.module)] += imp.self_us
            top_packages = sorted(by_package.items(), key=lambda kv: -kv[1])[: args.top]
            top_modules = sorted(imports, key=lambda i: -i.self_us)[: args.top]
            details += [
                "",
                f"### {label}: {len(imports)} modules imported, {total_us / 1e3:.0f} ms",
                "",
                "by package (self time summed): "
                + ", ".join(f"`{name}` {us / 1e3:.0f} ms" for name, us in top_packages),
                "",
                "slowest modules (self time): "
                + ", ".join(
                    f"`{i.module}` {i.self_us / 1e3:.1f} ms"
                    + (f" (via `{i.imported_by}`)" if i.imported_by else "")
                    for i in top_modules
                ),
            ]
    print("\n".join(details), flush=True)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text("\n".join(lines + details) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
