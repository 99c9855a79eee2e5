"""Running the installed ``devops-lint`` command in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fixture_support import ROOT

SCHEMAS = ROOT / "schemas"


def command() -> list[str]:
    """The console script installed next to this interpreter (a checkout falls back to -m)."""
    found = shutil.which("devops-lint", path=str(Path(sys.executable).parent))
    found = found or shutil.which("devops-lint")
    return [found] if found else [sys.executable, "-m", "devops_lint"]


@dataclass
class Completed:
    code: int
    out: str
    err: str


def run_cli(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Completed:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("DEVOPS_LINT_DEBUG", None)
    proc = subprocess.run(
        [*command(), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
        check=False,
    )
    return Completed(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli(tmp_path: Path) -> Any:
    def _cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> Completed:
        return run_cli(*args, cwd=cwd or tmp_path, stdin=stdin)

    return _cli


@pytest.fixture
def write(tmp_path: Path) -> Any:
    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write
