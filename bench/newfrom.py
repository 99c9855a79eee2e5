"""New-only runs: the cost of ``--new-from-rev`` on a kube-prometheus-sized repository.

Run: ``python bench/newfrom.py [--files 80]``. Builds a git repository of N Kubernetes
manifests (about 30 % insecure), commits a change that adds one violation, and times a
plain scan, the first ``--new-from-rev HEAD~1`` (base scanned and cached) and a re-run
(base from the cache). Goal (issue 12): first run at most 2x a plain scan, re-run at most 1.1x.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from common import time_cli
from kubernetes import generate  # the Kubernetes benchmark's generator


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com"}
    env |= {"GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=80)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        generate(root, args.files)
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "base")
        # One more manifest, as a pull request would add it.
        generate(root / "added", 1, seed=11)
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "one more")
        cache = Path(tmp) / "cache"
        os.environ["DEVOPS_LINT_CACHE_DIR"] = str(cache)
        os.chdir(root)
        plain, _, _ = time_cli(["."], repeat=3)
        first, _, _ = time_cli(["--new-from-rev", "HEAD~1", "."], repeat=1)
        warm, _, report = time_cli(["--new-from-rev", "HEAD~1", "."], repeat=3)
        shown = len(report["findings"])  # type: ignore[arg-type]
        print(f"{args.files + 1} manifests: plain scan {plain:.2f} s")
        print(f"--new-from-rev first run {first:.2f} s ({first / plain:.2f}x)")
        print(f"--new-from-rev re-run    {warm:.2f} s ({warm / plain:.2f}x), {shown} findings")


if __name__ == "__main__":
    main()
