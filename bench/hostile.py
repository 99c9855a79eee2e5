"""Worst wall time and peak memory of a CLI run over each hostile input.

The cases are those of tests/security/test_hostile_inputs.py (deep nesting for every
parser, alias bombs, catastrophic regexes, 100,000 expressions, oversized, binary and
mis-encoded files, a million lines, symlink loops, recursive Helm includes). Each runs in a
subprocess, so a crash shows as a negative exit code.

    python bench/hostile.py [-k SUBSTRING]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.security.hostile_cases import CASES, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only cases whose name contains this")
    args = parser.parse_args()
    worst = (0.0, "")
    peak = (0, "")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(c for c in CASES if args.k in c.name):
            root = Path(tmp) / f"case{i}"
            root.mkdir()
            outcome = run(case, root)
            ok = outcome.code in (0, 1)
            failed += not ok
            print(
                f"{case.name:45} exit {outcome.code:3}  {outcome.seconds:6.2f} s"
                f"  {outcome.peak_kib / 1024:7.1f} MiB  {len(outcome.findings):5} findings"
            )
            worst = max(worst, (outcome.seconds, case.name))
            peak = max(peak, (outcome.peak_kib, case.name))
    print(f"worst time: {worst[0]:.2f} s ({worst[1]})")
    print(f"peak memory: {peak[0] / 1024:.1f} MiB ({peak[1]})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
