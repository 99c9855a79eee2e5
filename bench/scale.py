"""Scaling: a generated monorepo of N files mixing every format, linted by the whole process.

For each N (default 100, 300, 1,000, 3,000, 10,000) this writes a repository of exactly N
files with the mix of a platform monorepo, built from the generators of the other
benchmarks:

- Terraform (40 %): module directories of 8 files (``variables.tf`` and 7 ``main_*.tf``,
  AWS, Azure and Google modules in turn, ``bench/terraform.py``) and a root module
  ``live/main.tf`` calling each module once;
- Kubernetes manifests (the rest, ~28 %): a workload, a Service and a Role per file,
  30 % insecure (``bench/kubernetes.py``);
- Helm charts (~5 %): ``Chart.yaml``, ``values.yaml``, ``_helpers.tpl`` and four templates
  per chart, rendered by the linter (``bench/helm.py``);
- GitHub workflows (10 %, ``bench/github.py``);
- Prometheus rule files of 16 rules (15 %) and server configurations (2 %) each loading
  every 7th or 8th rule file, so that each rule file has one loader (``bench/prometheus.py``).

Then it runs ``devops-lint ROOT --format json`` in a subprocess (default ``--jobs``: one
parser process per core) and records the median wall time and CPU time (user + system of
the process and its parser workers), files per second by each, and the peak RSS: the
largest single process (GNU time's ``%M``) and the whole process tree (sampled from
``/proc`` every 20 ms, so the linter and its workers together). The machine's load average
is recorded with each size: on a shared machine CPU time is the steadier figure.

    python bench/scale.py [--sizes 100,300,1000,3000,10000] [--repeat 3] [--repeat-large 1]
                          [--csv bench/results/scaling.csv] [--plot bench/results/scaling.png]
                          [--keep DIR] [--profile FILE]

``--profile FILE`` also runs the largest size once under cProfile (``-j 1``, so parsing
happens in the profiled process) and writes the stats to FILE. The plot needs matplotlib,
a benchmark-only dependency: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench import prometheus as gen_prometheus  # noqa: E402
from bench import terraform as gen_terraform  # noqa: E402
from bench.peers import run_once  # noqa: E402

# bench/kubernetes.py and github.py import their helpers as a script does (``from common import``).
gen_kubernetes = importlib.import_module("bench.kubernetes")
gen_github = importlib.import_module("bench.github")
gen_helm = importlib.import_module("bench.helm")

SIZES = (100, 300, 1000, 3000, 10000)
LARGE = 10000  # sizes from here on are timed --repeat-large times
TF_FILES_PER_MODULE = 8
CHART_FILES = 3 + len(gen_helm.TEMPLATES)  # Chart.yaml, values.yaml, _helpers.tpl, templates


@dataclass
class Mix:
    terraform_modules: int
    helm_charts: int
    workflows: int
    rule_files: int
    prometheus_configs: int
    manifests: int

    @property
    def files(self) -> int:
        terraform = self.terraform_modules * TF_FILES_PER_MODULE + 1  # + live/main.tf
        return (
            terraform
            + self.helm_charts * CHART_FILES
            + self.workflows
            + self.rule_files
            + self.prometheus_configs
            + self.manifests
        )


def mix_for(n: int) -> Mix:
    """Counts of each kind of file adding up to exactly ``n`` (n >= 60)."""
    mix = Mix(
        terraform_modules=max(1, round(0.40 * n / TF_FILES_PER_MODULE)),
        helm_charts=max(1, round(0.05 * n / CHART_FILES)),
        workflows=max(1, round(0.10 * n)),
        rule_files=max(1, round(0.15 * n)),
        prometheus_configs=max(1, round(0.02 * n)),
        manifests=0,
    )
    mix.manifests = n - mix.files
    if mix.manifests < 1:
        raise SystemExit(f"--sizes: {n} files is too few for the mix")
    return mix


def generate(root: Path, n: int) -> Mix:
    mix = mix_for(n)
    gen_terraform.generate(root / "infra", mix.terraform_modules, TF_FILES_PER_MODULE, calls=1)
    gen_kubernetes.generate(root / "k8s", mix.manifests)
    gen_helm.generate(root / "deploy", mix.helm_charts)
    gen_github.generate(root, mix.workflows)
    monitoring = root / "monitoring"
    # Each rule file loaded by exactly one configuration at every size (the default stride
    # of 60 would leave most files unloaded at small sizes and several loaders at large ones).
    configs = mix.prometheus_configs
    gen_prometheus.generate(monitoring, mix.rule_files, configs, 16, stride=configs)
    written = sum(1 for p in root.rglob("*") if p.is_file())
    if written != n:
        raise AssertionError(f"generated {written} files for N={n}: {mix}")
    return mix


def tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, from /proc (0 once it has gone)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as kids:
                    stack.extend(int(k) for k in kids.read().split())
        except (OSError, ValueError):
            continue
    return total


class TreeSampler:
    """Samples the RSS of every process below this one (the timed command and its workers)."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.interval):
            # This process's own RSS is not the linter's: count its children only.
            self.peak_kib = max(self.peak_kib, tree_rss_kib(me) - tree_rss_kib_self(me))

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def tree_rss_kib_self(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Row:
    files: int
    megabytes: float
    terraform: int
    kubernetes: int
    helm: int
    workflows: int
    prometheus: int
    runs: int
    wall_s: float
    cpu_s: float
    files_per_s: float
    files_per_cpu_s: float
    peak_process_mb: float
    peak_tree_mb: float
    findings: int
    load_1min: float


def lint_command(root: Path, jobs: int | None) -> list[str]:
    # --no-cache: every run does the whole work (the warm-up run would otherwise store the
    # result and the measured runs read it back; bench/cache.py measures that).
    cmd = [sys.executable, "-m", "devops_lint", str(root), "--format", "json", "--no-cache"]
    return [*cmd, "-j", str(jobs)] if jobs else cmd


def count_findings(root: Path, jobs: int | None) -> int:
    import json

    out = subprocess.run(
        lint_command(root, jobs),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"devops-lint failed ({out.returncode}): {out.stderr[-2000:]}")
    report = json.loads(out.stdout)
    internal = [f for f in report["findings"] if f["rule"].startswith("X-000.internal")]
    if internal:
        raise SystemExit(f"internal errors: {internal[:3]}")
    return len(report["findings"])


def measure(root: Path, n: int, mix: Mix, repeat: int, jobs: int | None) -> Row:
    load = os.getloadavg()[0]
    cmd = lint_command(root, jobs)
    walls, cpus, peaks, trees = [], [], [], []
    for _ in range(repeat):
        with TreeSampler() as sampler:
            timing = run_once(cmd)
        if timing.exit_code not in (0, 1):
            raise SystemExit(f"devops-lint exited {timing.exit_code} on N={n}")
        walls.append(timing.wall)
        cpus.append(timing.cpu)
        peaks.append(timing.peak_mib)
        trees.append(sampler.peak_kib / 1024)
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    return Row(
        files=n,
        megabytes=round(size / 1e6, 2),
        terraform=mix.terraform_modules * TF_FILES_PER_MODULE + 1,
        kubernetes=mix.manifests,
        helm=mix.helm_charts * CHART_FILES,
        workflows=mix.workflows,
        prometheus=mix.rule_files + mix.prometheus_configs,
        runs=repeat,
        wall_s=round(wall, 3),
        cpu_s=round(cpu, 3),
        files_per_s=round(n / wall, 1),
        files_per_cpu_s=round(n / cpu, 1),
        peak_process_mb=round(max(peaks), 1),
        peak_tree_mb=round(max(trees), 1),
        findings=0,
        load_1min=round(load, 2),
    )


def write_csv(rows: list[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(asdict(rows[0])))
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)


def read_csv(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as source:
        return [
            Row(**{k: (float(v) if "." in v else int(v)) for k, v in line.items()})  # type: ignore[arg-type]
            for line in csv.DictReader(source)
        ]


def plot(rows: list[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r.files for r in rows]
    fig, (speed, memory) = plt.subplots(1, 2, figsize=(11, 4.2))
    speed.plot(sizes, [r.files_per_cpu_s for r in rows], "o-", label="files per CPU second")
    speed.plot(sizes, [r.files_per_s for r in rows], "s--", label="files per wall second")
    speed.set_title("Throughput (whole process)")
    speed.set_ylabel("files / s")
    memory.plot(sizes, [r.peak_tree_mb for r in rows], "o-", label="process tree (sampled)")
    memory.plot(sizes, [r.peak_process_mb for r in rows], "s--", label="largest process")
    memory.set_title("Peak resident memory (log scale)")
    memory.set_ylabel("MB")
    memory.set_yscale("log")
    for r in rows:  # the machine's load when each size ran: wall time depends on it
        speed.annotate(
            f"load {r.load_1min:.1f}",
            (r.files, r.files_per_s),
            textcoords="offset points",
            xytext=(0, -14),
            ha="center",
            fontsize=7,
            color="gray",
        )
    for ax in (speed, memory):
        ax.set_xscale("log")
        ax.set_xlabel("files in the generated monorepo (N)")
        ax.set_xticks(sizes, [f"{s:,}" for s in sizes])
        ax.minorticks_off()
        ax.grid(True, which="both", alpha=0.3)
    speed.set_ylim(bottom=0)
    speed.legend(loc="lower left")
    memory.legend(loc="upper left")
    fig.suptitle(
        "devops-lint on a generated monorepo (Terraform, Kubernetes, Helm, workflows, "
        "Prometheus); 2 cores, shared",
        fontsize=10,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def profile(root: Path, out: Path) -> None:
    cmd = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "devops_lint", str(root)]
    start = time.perf_counter()
    subprocess.run(
        [*cmd, "--format", "json", "-j", "1", "--no-cache"],
        stdout=subprocess.DEVNULL,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    print(f"profile of N={root.name}: {time.perf_counter() - start:.1f} s -> {out}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--repeat", type=int, default=3, help="runs per size below 10,000")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs per size >= 10,000")
    parser.add_argument("-j", "--jobs", type=int, help="passed to devops-lint (default: cores)")
    parser.add_argument("--csv", type=Path, default=ROOT / "bench/results/scaling.csv")
    parser.add_argument("--plot", type=Path, default=ROOT / "bench/results/scaling.png")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--plot-only", action="store_true", help="redraw the plot from --csv")
    parser.add_argument("--keep", type=Path, help="write the repositories under DIR and keep them")
    parser.add_argument("--profile", type=Path, help="cProfile stats of the largest size")
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    if args.plot_only:
        plot(read_csv(args.csv), args.plot)
        return 0

    work = args.keep or Path(tempfile.mkdtemp(prefix="scale-bench-"))
    rows: list[Row] = []
    try:
        for n in sizes:
            root = work / str(n)
            if root.exists():
                shutil.rmtree(root)
            root.mkdir(parents=True)
            mix = generate(root, n)
            # Warm-up (rule catalogue cache, bytecode) that also checks the run is clean.
            findings = count_findings(root, args.jobs)
            repeat = args.repeat_large if n >= LARGE else args.repeat
            row = measure(root, n, mix, repeat, args.jobs)
            row.findings = findings
            rows.append(row)
            print(
                f"N={n:>6}: {row.megabytes:6.2f} MB, wall {row.wall_s:7.2f} s, "
                f"CPU {row.cpu_s:7.2f} s, {row.files_per_s:6.0f} files/s "
                f"({row.files_per_cpu_s:.0f} per CPU s), peak {row.peak_process_mb:.0f} MB "
                f"(tree {row.peak_tree_mb:.0f} MB), {findings} findings, load {row.load_1min}",
                flush=True,
            )
            write_csv(rows, args.csv)
        if args.profile:
            profile(work / str(sizes[-1]), args.profile)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if not args.no_plot:
        plot(rows, args.plot)
        print(f"plot: {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
