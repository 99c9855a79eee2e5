"""HCL parsers side by side: python-hcl2's Lark parser against tree-sitter-hcl.

Parses the same generated Terraform corpus (bench/terraform.py's generator: AWS, Azure and
Google modules) with both and reports, per parser: import time, parser construction time
(paid once per process: the one-file pre-commit case), parse throughput in MB/s, and the
time to walk every node of the result (what a converter to ``syntax.Body`` would at least
do). tree-sitter needs ``pip install tree-sitter tree-sitter-hcl``; without them its rows
are skipped. ``--extra-site DIR`` appends a site-packages folder holding them (appended, so
the project's own python-hcl2 still wins).

    python bench/hcl_parsers.py [--dirs 60] [--files 10] [--repeat 3] [--corpus DIR]
                                [--extra-site DIR]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import statistics
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


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--dirs", type=int, default=60)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", type=Path, help="parse every .tf file under DIR instead")
    ap.add_argument("--extra-site", type=Path, action="append", default=[])
    ap.add_argument("--which", choices=["both", "lark", "tree-sitter"], default="both")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
