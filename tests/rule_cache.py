"""Cache folders for subprocess runs of devops-lint that start with the packaged rules parsed.

A run whose cache folder is empty parses and schema-validates every packaged rule file
(about 0.3 s of CPU, twice the rest of a small run) and stores the result there. Tests that
give each run a cache folder of its own, so that nothing a test does reaches the user's
cache or another test, would pay that on every run. ``seeded(folder)`` creates the folder
holding a copy of the packaged rules' entry, made once per test process by a real run of
the command in a folder of its own; everything else a run caches (base scans, custom rules)
still starts empty, and a test that needs a cold cache passes a folder it made itself.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


@functools.cache
def _warm_entries() -> tuple[Path, ...]:
    home = Path(tempfile.mkdtemp(prefix="devops-lint-rule-cache-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    cache, empty = home / "cache", home / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVOPS_LINT_")}
    env["DEVOPS_LINT_CACHE_DIR"] = str(cache)
    proc = subprocess.run(
        [sys.executable, "-m", "devops_lint", "check", "--format", "json", "."],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    entries = tuple(sorted(cache.glob("rules-*.json")))
    assert entries, f"a run stored no rule cache entry in {cache}"
    return entries


def seeded(folder: Path) -> Path:
    """``folder`` (created) holding the packaged rules' cache entry; other entries start empty."""
    folder.mkdir(parents=True, exist_ok=True)
    for entry in _warm_entries():
        shutil.copyfile(entry, folder / entry.name)
    return folder
