"""Fuzz every parser for N minutes with mutated fixtures; print inputs tried and failures.

The targets and the mutator are those of tests/security/test_fuzz.py
(tests/security/fuzz_targets.py). A failure is any exception other than the parser's
located error; each is printed with the seed that reproduces it.

    python bench/fuzz.py --minutes 5 [--target yaml] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.security.fuzz_targets import TARGETS, corpus, mutate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--target", default="", help="only this target")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    targets = [t for t in TARGETS if args.target in ("", t.name)]
    seeds = {t.name: corpus(t.name) for t in targets}
    tried = dict.fromkeys(seeds, 0)
    slowest = dict.fromkeys(seeds, 0.0)
    failures: list[str] = []
    end = time.monotonic() + args.minutes * 60
    print(f"seed {args.seed}; targets: {', '.join(seeds)}")
    i = 0
    while time.monotonic() < end:
        target = targets[i % len(targets)]
        case_seed = args.seed * 1_000_003 + i
        rng = random.Random(case_seed)
        texts = seeds[target.name]
        text = mutate(texts[rng.randrange(len(texts))], rng.randint)
        start = time.perf_counter()
        try:
            target.run(text)
        except Exception:  # any escape is a failure: record and go on
            failures.append(f"{target.name} (case seed {case_seed}):\n{traceback.format_exc()}")
        slowest[target.name] = max(slowest[target.name], time.perf_counter() - start)
        tried[target.name] += 1
        i += 1
    for name, count in tried.items():
        print(f"{name:16} {count:8} inputs  slowest {slowest[name]:.3f} s")
    print(f"total: {sum(tried.values())} inputs, {len(failures)} failures")
    for failure in failures[:20]:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
