"""Side-by-side timing of devops-lint and the peer tools that are installed.

Each row lints one input with devops-lint and with every peer that reads the same format:
Checkov (Terraform, Kubernetes, workflows), Trivy (Terraform, Kubernetes), zizmor (workflows)
and ``promtool check rules`` (Prometheus rule files). A peer that is not on ``PATH`` (or in
``--peer-bin``) is skipped with a note. Each tool runs once to warm caches (devops-lint's rule
catalogue, the OS page cache), then three times; the row shows the median whole-process wall
time, the median CPU time (user + system: the steadier figure on a shared machine) and the
peak RSS, read from ``wait4`` for that process alone. The one-file rows (the pre-commit case)
lint a copy of the file alone in a folder: a named file's neighbours are read for context
(Terraform module, rule sets), which would add their cost to the start-up being measured.
``--compare-tree DIR`` also times devops-lint imported from another source tree (a copy of
an older commit), alternating runs with the current one: before/after under the same load.

Inputs default to generated corpora; point at checkouts of the public repositories the
figures in the issue came from to measure those instead:

    python bench/peers.py [--terragoat DIR] [--kubernetes-goat DIR] [--kube-linter DIR]
                          [--kube-prometheus DIR]
                          [--workflows DIR] [--rules DIR] [--peer-bin DIR] [--only NAME]
                          [--compare-tree DIR] [--no-peers] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench import prometheus as gen_prometheus  # noqa: E402
from bench import terraform as gen_terraform  # noqa: E402

# bench/kubernetes.py and github.py import their helpers as a script does (``from common import``).
gen_kubernetes = importlib.import_module("bench.kubernetes")
gen_github = importlib.import_module("bench.github")

PEERS = ("checkov", "trivy", "zizmor", "promtool")


@dataclass
class Timing:
    wall: float
    cpu: float
    peak_mib: float
    exit_code: int


@dataclass
class Row:
    name: str
    files: int
    # tool name -> command (the input path already in it); devops-lint is always first.
    commands: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", **(extra or {})}
    # An installed package has its bytecode compiled; let the warm-up run write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


GNU_TIME = "/usr/bin/time"


def run_once(cmd: list[str], env: dict[str, str] | None = None) -> Timing:
    """Wall, CPU (the process and its children) and peak RSS of one run.

    A child's ``ru_maxrss`` from ``wait4`` starts at this process's own size (the memory
    map it was forked from), so where GNU time exists it launches the command and reports
    the peak instead, from a parent of a few MB.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        gnu_time = os.access(GNU_TIME, os.X_OK)
        full = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if gnu_time else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(
            full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env(env)
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        peak_kib = usage.ru_maxrss
        if gnu_time:
            lines = rss.read().split()
            peak_kib = int(lines[-1]) if lines and lines[-1].isdigit() else peak_kib
    code = os.waitstatus_to_exitcode(status)
    return Timing(wall, usage.ru_utime + usage.ru_stime, peak_kib / 1024, code)


def measure(commands: dict[str, list[str]], envs: dict[str, dict[str, str]], repeat: int) -> Any:
    """Median timings per command; the runs alternate so that load drifts hit all alike."""
    for name, cmd in commands.items():
        run_once(cmd, envs.get(name))  # warm-up
    runs: dict[str, list[Timing]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            runs[name].append(run_once(cmd, envs.get(name)))
    return {
        name: Timing(
            statistics.median(r.wall for r in timings),
            statistics.median(r.cpu for r in timings),
            max(r.peak_mib for r in timings),
            timings[-1].exit_code,
        )
        for name, timings in runs.items()
    }


def find_tool(name: str, extra: list[Path]) -> str | None:
    for folder in extra:
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def devops_lint(target: Path) -> list[str]:
    # --no-cache: the peers keep no result cache, so neither does the compared run (the
    # warm-up run would otherwise store the result and the timed runs read it back).
    return [sys.executable, "-m", "devops_lint", str(target), "--format", "json", "--no-cache"]


def count_files(target: Path, suffixes: tuple[str, ...]) -> int:
    if target.is_file():
        return 1
    return sum(1 for p in target.rglob("*") if p.is_file() and p.suffix in suffixes)


def count_objects(root: Path) -> int:
    """Top-level ``kind:`` lines of the YAML files below ``root``: one per object."""
    return sum(
        line.startswith("kind:")
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".yml")
        for line in p.read_text(encoding="utf-8", errors="replace").splitlines()
    )


# --- inputs: a given checkout, or a generated corpus -------------------------------------


def terraform_dir(given: Path | None, work: Path) -> tuple[Path, str]:
    if given:
        return given, f"Terraform files ({given.name})"
    root = work / "terraform"
    gen_terraform.generate(root, 5, 10)  # 5 module folders x 10 files, 47 of them in the issue
    return root, "Terraform files (generated)"


def terraform_file(given: Path | None, work: Path) -> Path:
    if given:
        files = sorted(given.rglob("*.tf"), key=lambda p: -p.stat().st_size)
        return files[len(files) // 2]  # a file of median size
    root = work / "terraform-one"
    paths = gen_terraform.generate(root, 1, 2)
    return paths[-1]


def kubernetes_dir(given: Path | None, work: Path, count: int, label: str) -> tuple[Path, str]:
    if given:
        return given, f"Kubernetes manifests ({given.name})"
    root = work / f"kubernetes-{count}"
    gen_kubernetes.generate(root, count)
    return root, f"Kubernetes manifests ({label}, generated)"


def workflows_dir(given: Path | None, work: Path) -> tuple[Path, str]:
    if given:
        return given, f"workflows ({given.name})"
    root = work / "workflows"
    gen_github.generate(root, 83)
    return root, "workflows (generated)"


def rules_dir(given: Path | None, work: Path, count: int) -> tuple[Path, str]:
    if given:
        return given, f"Prometheus rule files ({given.name})"
    root = work / f"rules-{count}"
    root.mkdir(parents=True)
    rng = random.Random(42)
    for i in range(count):
        (root / f"svc{i}.yml").write_text(gen_prometheus.rule_file(i, rng, 16))
    return root, "Prometheus rule files (generated)"


def first(root: Path, suffixes: tuple[str, ...]) -> Path:
    return next(p for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in suffixes)


def alone(path: Path, work: Path) -> Path:
    """A copy of ``path`` alone in a folder (a workflow stays under .github/workflows)."""
    folder = work / f"one-{path.parent.name}-{path.stem}"
    if path.parent.name == "workflows":
        folder = folder / ".github" / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, folder / path.name)
    return folder / path.name


def build_rows(args: argparse.Namespace, work: Path, tools: dict[str, str | None]) -> list[Row]:
    checkov, trivy, zizmor, promtool = (str(tools[t]) for t in PEERS)
    yaml = (".yaml", ".yml")
    rows: list[Row] = []

    def add(name: str, target: Path, files: int, peers: dict[str, list[str]]) -> None:
        row = Row(name, files, {"devops-lint": devops_lint(target)})
        for peer, cmd in peers.items():
            if args.no_peers:
                continue
            if tools[peer] is None:
                row.notes.append(f"{peer} not installed")
            else:
                row.commands[peer] = cmd
        rows.append(row)

    def checkov_cmd(target: Path, framework: str) -> list[str]:
        flag = "-f" if target.is_file() else "-d"
        return [
            checkov,
            flag,
            str(target),
            "--framework",
            framework,
            "--quiet",
            "--compact",
            "--skip-download",
            "-o",
            "json",
        ]

    def trivy_cmd(target: Path) -> list[str]:
        return [trivy, "config", "--quiet", "--skip-check-update", str(target)]

    def zizmor_cmd(target: Path) -> list[str]:
        return [zizmor, "--offline", "--no-progress", str(target)]

    def promtool_cmd(files: list[Path]) -> list[str]:
        return [promtool, "check", "rules", *map(str, files)]

    tf_one = alone(terraform_file(args.terragoat, work), work)
    add(
        "one .tf file",
        tf_one,
        1,
        {"checkov": checkov_cmd(tf_one, "terraform"), "trivy": trivy_cmd(tf_one)},
    )
    tf_dir, label = terraform_dir(args.terragoat, work)
    add(
        label,
        tf_dir,
        count_files(tf_dir, (".tf",)),
        {"checkov": checkov_cmd(tf_dir, "terraform"), "trivy": trivy_cmd(tf_dir)},
    )
    k8s_small, label = kubernetes_dir(args.kubernetes_goat, work, 16, "16 files")
    k8s_one = alone(first(k8s_small, yaml), work)
    add("one Kubernetes manifest", k8s_one, 1, {"checkov": checkov_cmd(k8s_one, "kubernetes")})
    k8s_objects, objects_label = kubernetes_dir(args.kube_linter, work, 100, "")
    if args.kube_linter:
        objects_label = f"{count_objects(k8s_objects)} Kubernetes objects ({objects_label[22:-1]})"
    else:
        objects_label = "300 Kubernetes objects in 100 files (generated)"
    k8s_large, large_label = kubernetes_dir(args.kube_prometheus, work, 84, "84 files")
    for name, folder in (
        (label, k8s_small),
        (objects_label, k8s_objects),
        (large_label, k8s_large),
    ):
        add(
            name,
            folder,
            count_files(folder, yaml),
            {"checkov": checkov_cmd(folder, "kubernetes"), "trivy": trivy_cmd(folder)},
        )
    wf_dir, label = workflows_dir(args.workflows, work)
    wf_one = alone(first(wf_dir, yaml), work)
    add(
        "one workflow",
        wf_one,
        1,
        {"zizmor": zizmor_cmd(wf_one), "checkov": checkov_cmd(wf_one, "github_actions")},
    )
    add(
        label,
        wf_dir,
        count_files(wf_dir, yaml),
        {"zizmor": zizmor_cmd(wf_dir), "checkov": checkov_cmd(wf_dir, "github_actions")},
    )
    for count in (112, 9):
        given = args.rules if count == 112 else None
        r_dir, label = rules_dir(given, work, count)
        r_files = sorted(p for p in r_dir.rglob("*") if p.suffix in yaml)
        if count == 112:
            r_one = alone(r_files[0], work)
            add("one rule file", r_one, 1, {"promtool": promtool_cmd([r_one])})
        name = label if given else f"{count} {label[0].lower()}{label[1:]}"
        add(name, r_dir, len(r_files), {"promtool": promtool_cmd(r_files)})
    return rows


def tool_version(path: str, name: str) -> str:
    flag = "version" if name == "trivy" else "--version"
    try:
        out = subprocess.run([path, flag], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else "?"


def ratio(peer: float, ours: float) -> str:
    if ours <= 0 or peer <= 0:
        return "-"
    return f"{peer / ours:.1f}x faster" if peer >= ours else f"{ours / peer:.1f}x slower"


def cell(t: Timing, base: Timing | None) -> str:
    text = f"{t.wall:.2f} s (CPU {t.cpu:.2f} s), {t.peak_mib:.0f} MB"
    if t.exit_code not in (0, 1):
        text += f", exit {t.exit_code}"
    if base is not None:
        text += f"; devops-lint {ratio(t.wall, base.wall)} (CPU: {ratio(t.cpu, base.cpu)})"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--terragoat", type=Path, help="a Terraform checkout (e.g. terragoat)")
    parser.add_argument("--kubernetes-goat", type=Path, help="a folder of a few manifests")
    parser.add_argument("--kube-linter", type=Path, help="e.g. kube-linter/tests/checks")
    parser.add_argument("--kube-prometheus", type=Path, help="e.g. kube-prometheus/manifests")
    parser.add_argument("--workflows", type=Path, help="a folder holding .github/workflows")
    parser.add_argument("--rules", type=Path, help="a folder of Prometheus rule files")
    parser.add_argument("--peer-bin", type=Path, action="append", default=[])
    parser.add_argument("--only", action="append", default=[], help="rows whose name has this")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-peers", action="store_true", help="time devops-lint only")
    parser.add_argument(
        "--compare-tree",
        type=Path,
        help="also time devops-lint from this source tree (e.g. a copy of an older commit)",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="also time devops-lint with its result cache, warm (the warm-up run stores it)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    args = parser.parse_args()

    tools = {t: find_tool(t, args.peer_bin) for t in PEERS}
    lines = [
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}; Python {platform.python_version()}; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
    ]
    for name, path in tools.items():
        lines.append(f"- {name}: {tool_version(path, name) if path else 'not installed, skipped'}")
    lines += ["", "| input | files | load | devops-lint | peers |", "|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory(prefix="peers-bench-") as tmp:
        for row in build_rows(args, Path(tmp), tools):
            if args.only and not any(o in row.name for o in args.only):
                continue
            envs: dict[str, dict[str, str]] = {}
            if args.compare_tree:
                row.commands["devops-lint (compared tree)"] = row.commands["devops-lint"]
                envs["devops-lint (compared tree)"] = {"PYTHONPATH": str(args.compare_tree)}
            if args.warm:
                warm = "devops-lint (result cache, warm)"
                row.commands[warm] = [c for c in row.commands["devops-lint"] if c != "--no-cache"]
                envs[warm] = {"DEVOPS_LINT_CACHE_DIR": str(Path(tmp, "result-cache"))}
            load = os.getloadavg()[0]
            timings = measure(row.commands, envs, args.repeat)
            base = timings["devops-lint"]
            peers = [
                f"{name}: {cell(timing, base)}"
                for name, timing in timings.items()
                if name != "devops-lint"
            ]
            line = (
                f"| {row.name} | {row.files} | {load:.1f} | {cell(base, None)} | "
                f"{'<br>'.join(peers + row.notes) or '-'} |"
            )
            print(line, flush=True)
            lines.append(line)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
