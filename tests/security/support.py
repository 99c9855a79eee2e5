"""Running devops-lint as users do (a subprocess) on a copy of a hostile repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.rule_cache import seeded

ROOT = Path(__file__).resolve().parents[2]
EVIL_REPO = ROOT / "fixtures" / "security" / "evil-repo"
# The console script installed beside the interpreter running the tests.
SCRIPT = Path(sys.executable).with_name("devops-lint")
RUNNERS = ("python-m", "console-script")


def copy_evil_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(EVIL_REPO, repo)
    return repo


def run_cli(
    runner: str, cwd: Path, *args: str, cache: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``devops-lint ARGS`` in ``cwd`` through ``python -m`` or the console script."""
    command = [sys.executable, "-m", "devops_lint"] if runner == "python-m" else [str(SCRIPT)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVOPS_LINT_")}
    env.pop("PYTHONPATH", None)  # the environment is trusted; keep it from masking a bug
    env.pop("PYTHONSAFEPATH", None)
    env["DEVOPS_LINT_CACHE_DIR"] = str(cache or seeded(cwd.parent / "cache"))
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def canaries(folder: Path) -> list[str]:
    """Files the hostile code writes when it runs."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("CANARY*"))
