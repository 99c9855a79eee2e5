"""HCL parsers side by side: python-hcl2's Lark parser against tree-sitter-hcl.

Parses the same generated Terraform corpus (bench/terraform.py's generator: AWS, Azure and
Google modules) with both and reports, per parser: import time, parser construction time
(paid once per process: the one-file pre-commit case), parse throughput in MB/s, and the
time to walk every node of the result. tree-sitter needs ``pip install tree-sitter
tree-sitter-hcl``; without them its rows are skipped. ``--extra-site DIR`` appends a
site-packages folder holding them (appended, so the project's own python-hcl2 still wins).

Then the parsing boundary itself (``devops_lint/terraform/hcl.py``): CPU time from text to
``syntax.Body`` through each path (``hcl_ts.parse_hcl_ts`` with the files it declines read
by python-hcl2, against ``hcl_lark.parse_hcl_lark``), and whether the two models agree.

``--cli`` adds whole-process runs of ``devops-lint check`` (median wall and CPU time of
``--runs`` runs after a warm-up, rule cache warm, the two parsers alternating run by run)
with ``DEVOPS_LINT_HCL_PARSER`` set to each parser:
on a generated tree of ``--cli-files`` Terraform files, on one ``.tf`` file of it, and on
``--tree DIR`` (e.g. a terragoat checkout) when given; the two parsers' reports must be
byte-identical.

    python bench/hcl_parsers.py [--dirs 60] [--files 10] [--repeat 3] [--corpus DIR]
                                [--extra-site DIR] [--cli] [--cli-files 47] [--runs 5]
                                [--tree DIR]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import terraform as gen_terraform  # noqa: E402


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median CPU seconds of ``fn()`` over ``repeat`` calls, and its last result."""
    times: list[float] = []
    result: Any = None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def lark_nodes(tree: Any) -> int:
    count, stack = 0, [tree]
    while stack:
        node = stack.pop()
        count += 1
        stack.extend(getattr(node, "children", ()))
    return count


def ts_nodes(tree: Any) -> int:
    count, cursor = 0, tree.walk()
    while True:
        count += 1
        if cursor.goto_first_child() or cursor.goto_next_sibling():
            continue
        while cursor.goto_parent():
            if cursor.goto_next_sibling():
                break
        else:
            return count


def bench_lark(texts: list[str], repeat: int) -> dict[str, Any]:
    start = time.process_time()
    from hcl2.parser import parser

    imported = time.process_time() - start
    start = time.process_time()
    lark = parser()
    built = time.process_time() - start

    # As terraform/hcl.py does: the grammar wants a final newline.
    def parse_all() -> list[Any]:
        out: list[Any] = []
        for text in texts:
            try:
                out.append(lark.parse(text + "\n"))
            except Exception:  # a syntax error: counted, as tree-sitter's error trees are
                out.append(None)
        return out

    parse_s, trees = timed(parse_all, repeat)
    walk_s, nodes = timed(lambda: sum(lark_nodes(t) for t in trees if t is not None), repeat)
    version = importlib.metadata.version("python-hcl2")
    errors = trees.count(None)
    return {"name": f"python-hcl2 {version} (Lark LALR)", "import": imported, "build": built,
            "parse": parse_s, "walk": walk_s, "nodes": nodes, "errors": errors}  # fmt: skip


def bench_tree_sitter(texts: list[str], repeat: int) -> dict[str, Any] | None:
    start = time.process_time()
    try:
        tree_sitter: Any = importlib.import_module("tree_sitter")  # optional: not a dependency
        tree_sitter_hcl: Any = importlib.import_module("tree_sitter_hcl")
    except ImportError:
        return None
    imported = time.process_time() - start
    start = time.process_time()
    ts_parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    built = time.process_time() - start
    data = [t.encode("utf-8") for t in texts]
    parse_s, trees = timed(lambda: [ts_parser.parse(d) for d in data], repeat)
    walk_s, nodes = timed(lambda: sum(ts_nodes(t) for t in trees), repeat)
    errors = sum(1 for t in trees if t.root_node.has_error)
    version = importlib.metadata.version("tree-sitter-hcl")
    return {"name": f"tree-sitter-hcl {version}", "import": imported, "build": built,
            "parse": parse_s, "walk": walk_s, "nodes": nodes, "errors": errors}  # fmt: skip


def bench_models(texts: list[str], repeat: int) -> list[dict[str, Any]]:
    """Text → ``syntax.Body`` through each path of the boundary; the models compared."""
    from devops_lint.terraform.hcl_lark import parse_hcl_lark
    from devops_lint.terraform.hcl_text import HclSyntaxError
    from devops_lint.terraform.hcl_ts import parse_hcl_ts
    from devops_lint.terraform.hcl_ts_source import Unmappable
    from tests.terraform.hcl_model import model

    def lark_one(text: str) -> Any:
        try:
            return parse_hcl_lark(text)
        except HclSyntaxError:
            return None

    declined: list[int] = []

    def ts_one(text: str) -> Any:
        try:
            return parse_hcl_ts(text)
        except Unmappable:
            declined.append(1)
            return lark_one(text)

    lark_one("x = 1\n")  # the Lark parser is built once per process: not a per-file cost
    ts_one("x = 1\n")
    lark_s, lark_bodies = timed(lambda: [lark_one(t) for t in texts], repeat)
    declined.clear()
    ts_s, ts_bodies = timed(lambda: [ts_one(t) for t in texts], repeat)
    per_run = len(declined) // max(repeat, 1)
    differ = sum(
        1
        for a, b in zip(ts_bodies, lark_bodies, strict=True)
        if (a is None) != (b is None) or (a is not None and model(a) != model(b))
    )
    return [
        {
            "name": "tree-sitter path (hcl_ts)",
            "seconds": ts_s,
            "declined": per_run,
            "differ": differ,
        },
        {"name": "python-hcl2 path (hcl_lark)", "seconds": lark_s, "declined": 0, "differ": 0},
    ]


def cli_run(target: Path, parser: str, cache: Path) -> tuple[float, float, bytes]:
    """Wall and CPU seconds of one whole ``devops-lint check`` process (CPU: user + system of
    it and its workers, steadier than wall time on a shared machine), and its JSON report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVOPS_LINT_")}
    env.update(NO_COLOR="1", DEVOPS_LINT_CACHE_DIR=str(cache), DEVOPS_LINT_HCL_PARSER=parser)
    command = [sys.executable, "-m", "devops_lint", "check", "--format", "json", str(target)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, env=env, check=False, cwd=ROOT)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"devops-lint failed ({proc.returncode}): {proc.stderr[-2000:]!r}")
    used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, used, proc.stdout


PARSER_NAMES = ("python-hcl2", "tree-sitter")


def cli_medians(target: Path, runs: int, cache: Path) -> dict[str, tuple[float, float, bytes]]:
    """Per parser: median wall and CPU seconds of ``runs`` runs and the last report. The two
    parsers alternate run by run, so a change in the machine's load hits both alike; one
    warm-up run each (rule cache, page cache) is not counted."""
    samples: dict[str, list[tuple[float, float]]] = {p: [] for p in PARSER_NAMES}
    reports: dict[str, bytes] = {}
    for i in range(runs + 1):
        for parser in PARSER_NAMES if i % 2 else reversed(PARSER_NAMES):
            wall, cpu, reports[parser] = cli_run(target, parser, cache)
            if i:
                samples[parser].append((wall, cpu))
    return {
        p: (
            statistics.median(w for w, _ in samples[p]),
            statistics.median(c for _, c in samples[p]),
            reports[p],
        )
        for p in PARSER_NAMES
    }


def bench_cli(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="hcl-cli-") as tmp:
        root = Path(tmp) / "tree"
        per_dir = 10
        paths = gen_terraform.generate(root, -(-args.cli_files // per_dir), per_dir)
        for extra in paths[args.cli_files :]:
            extra.unlink()
        one = Path(tmp) / "one"
        one.mkdir()
        shutil.copy(paths[1], one / "main.tf")
        targets = [(f"generated tree, {args.cli_files} .tf files", root), ("one .tf file", one)]
        if args.tree:
            targets.append(
                (f"{args.tree.name} ({sum(1 for _ in args.tree.rglob('*.tf'))} .tf)", args.tree)
            )
        print(f"\nwhole process, medians of {args.runs} runs (rule cache warm): wall / CPU")
        print("| input | python-hcl2 | tree-sitter | speed-up (wall / CPU) | reports identical |")
        print("|---|---|---|---|---|")
        for label, target in targets:
            cache = Path(tmp) / "cache"
            found = cli_medians(target, args.runs, cache)
            lark_s, lark_cpu, lark_report = found["python-hcl2"]
            ts_s, ts_cpu, ts_report = found["tree-sitter"]
            same = "yes" if lark_report == ts_report else "NO"
            print(
                f"| {label} | {lark_s:.3f} s / {lark_cpu:.3f} s | {ts_s:.3f} s / {ts_cpu:.3f} s "
                f"| {lark_s / ts_s:.2f}x / {lark_cpu / ts_cpu:.2f}x | {same} |"
            )


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--dirs", type=int, default=60)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", type=Path, help="parse every .tf file under DIR instead")
    ap.add_argument("--extra-site", type=Path, action="append", default=[])
    ap.add_argument("--which", choices=["both", "lark", "tree-sitter"], default="both")
    ap.add_argument("--cli", action="store_true", help="also time whole devops-lint runs")
    ap.add_argument("--cli-files", type=int, default=47)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tree", type=Path, help="a Terraform checkout to time whole runs on")
    args = ap.parse_args()
    sys.path.extend(str(p) for p in args.extra_site)
    if args.corpus:
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in args.corpus.rglob("*.tf")]
    else:
        with tempfile.TemporaryDirectory(prefix="hcl-bench-") as tmp:
            paths = gen_terraform.generate(Path(tmp), args.dirs, args.files)
            texts = [p.read_text(encoding="utf-8") for p in paths]
    size = sum(len(t.encode("utf-8")) for t in texts)
    what = args.corpus or "generated HCL"
    print(f"{len(texts)} files, {size / 1e6:.2f} MB of {what}; CPU seconds, median")
    rows = []
    if args.which in ("both", "tree-sitter"):
        found = bench_tree_sitter(texts, args.repeat)
        if found is None:
            print("tree-sitter / tree-sitter-hcl not installed: skipped")
        else:
            rows.append(found)
    if args.which in ("both", "lark"):
        rows.append(bench_lark(texts, args.repeat))
    print("| parser | import | build parser | parse | MB/s | walk all nodes | nodes | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['name']} | {r['import']:.3f} s | {r['build']:.3f} s | {r['parse']:.3f} s | "
            f"{size / 1e6 / r['parse']:.2f} | {r['walk']:.3f} s | {r['nodes']:,} | {r['errors']} |"
        )
    if args.which == "both":
        print("\ntext to syntax.Body through the parsing boundary (CPU seconds, median)")
        print("| path | seconds | MB/s | files declined (read by python-hcl2) | models differing |")
        print("|---|---|---|---|---|")
        for r in bench_models(texts, args.repeat):
            print(
                f"| {r['name']} | {r['seconds']:.3f} s | {size / 1e6 / r['seconds']:.2f} | "
                f"{r['declined']} | {r['differ']} |"
            )
    if args.cli:
        bench_cli(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
