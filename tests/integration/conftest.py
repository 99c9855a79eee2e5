"""Running ``devops-lint``: the installed command in a subprocess, or the same command line
in this process.

A subprocess is what tests about the process itself need: the real entry point and its exit
status, ``sys.path`` hygiene, signals, sockets, what another program sees. Tests of what the
command prints and returns for its options run it in-process (click's ``CliRunner``): the
same ``main`` with the same arguments, working directory and environment, without paying an
interpreter start-up and the rules' loading on every call.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
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


def run_in_process(
    *args: str, cwd: Path, stdin: str | None = None, env: Mapping[str, str | None] | None = None
) -> Completed:
    """``devops-lint ARGS`` in ``cwd``, run by this process as the console script runs it
    (``env``: variables set for the run on top of this process's, None unsets one)."""
    from click.testing import CliRunner

    from devops_lint.cli import main

    # As run_cli: NO_COLOR set, DEVOPS_LINT_DEBUG unset, the caller's variables on top.
    overrides: dict[str, str | None] = {"NO_COLOR": "1", "DEVOPS_LINT_DEBUG": None, **(env or {})}
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            main,
            list(args),
            input=stdin,
            env=overrides,
            prog_name="devops-lint",
            catch_exceptions=False,  # a crash fails the test with its traceback
        )
    finally:
        os.chdir(previous)
    return Completed(result.exit_code, _text(result.stdout_bytes), _text(result.stderr_bytes))


def _text(data: bytes) -> str:
    """``data`` decoded as ``subprocess.run(text=True)`` decodes a child's output: the locale's
    encoding, strict, universal newlines."""
    return io.TextIOWrapper(io.BytesIO(data)).read()


@pytest.fixture
def cli(tmp_path: Path) -> Any:
    """The installed command, in a subprocess, run in ``tmp_path`` unless told otherwise."""

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
