"""Result cache benchmark: cold, warm unchanged and warm with one file changed.

Run: ``python bench/cache.py [--scale N] [--repeat R]``. Generates a mixed tree (Kubernetes
manifests, Terraform modules, workflows, Prometheus rule files and configurations, Helm
charts; about 350 files at scale 1) with the other benchmarks' generators, then times the
whole command (``devops-lint TREE --format json``, a fresh process each time, CPU seconds,
median of ``R``) with a private cache folder:

- ``no cache``: ``--no-cache`` (what every run cost before the cache);
- ``cold``: an empty cache folder (the run also writes its entries);
- ``warm unchanged``: nothing changed since the previous run;
- ``warm, one file changed``: one file edited before each run, in turn a manifest, a
  ``.tf`` file, a workflow and a rule file.

Every warm report is checked against a ``--no-cache`` run of the same tree.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def _generator(name: str) -> ModuleType:
    sys.path.insert(0, str(HERE))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(root: Path, scale: int) -> None:
    _generator("kubernetes").generate(root / "k8s", 120 * scale)
    _generator("terraform").generate(root / "tf", 12 * scale, 8)
    _generator("github").generate(root / "gh", 60 * scale)
    _generator("prometheus").generate(root / "prom", 40 * scale, 4, 16)
    _generator("helm").generate(root / "helm", 4 * scale)


def lint(root: Path, cache: Path, *args: str) -> tuple[float, str]:
    """CPU seconds (user + system) of one whole run, and its report.

    CPU time rather than wall time: on a shared machine it does not count the other
    processes' turns (the scan is serial up to the worker thresholds, which this tree
    stays under for evaluation).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVOPS_LINT_")}
    env["DEVOPS_LINT_CACHE_DIR"] = str(cache)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-m", "devops_lint", str(root), "--format", "json", "-q", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"devops-lint failed ({proc.returncode}): {proc.stderr}")
    return elapsed, proc.stdout


def edit(path: Path, n: int) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n# edit {n}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root, cache = Path(tmp, "tree"), Path(tmp, "cache")
        generate(root, args.scale)
        files = [p for p in root.rglob("*") if p.is_file()]
        print(f"tree: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.2f} MB")
        changing = [
            next(root.glob("k8s/apps/*/*.yaml")),
            next(root.glob("tf/modules/*/*/main_*.tf")),
            next(root.glob("gh/.github/workflows/*.yml")),
            next(root.glob("prom/rules/*.yml")),
        ]
        lint(root, cache, "--no-cache")  # imports and file system warm
        rows: dict[str, list[float]] = {"no cache": [], "cold": [], "warm": [], "changed": []}
        for i in range(args.repeat):
            rows["no cache"].append(lint(root, cache, "--no-cache")[0])
            shutil.rmtree(cache, ignore_errors=True)
            rows["cold"].append(lint(root, cache)[0])
            seconds, warm = lint(root, cache)
            rows["warm"].append(seconds)
            assert json.loads(warm) == json.loads(lint(root, cache, "--no-cache")[1])
            for j, path in enumerate(changing):
                edit(path, i * len(changing) + j)
                seconds, changed = lint(root, cache)
                rows["changed"].append(seconds)
                assert changed == lint(root, cache, "--no-cache")[1], path
        base = statistics.median(rows["no cache"])
        labels = {
            "no cache": "no cache (--no-cache)",
            "cold": "cold (empty cache)",
            "warm": "warm, unchanged",
            "changed": "warm, one file changed",
        }
        for key, label in labels.items():
            median = statistics.median(rows[key])
            print(f"{label:<26} {median:>6.2f} s CPU {100 * median / base:>5.1f} % of no cache")


if __name__ == "__main__":
    main()
