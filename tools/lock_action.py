"""Regenerate requirements/action.lock, the exact, hashed dependencies the GitHub Action installs.

The lock holds every runtime dependency of pyproject.toml and the build backend, resolved for
every Python the Action supports (3.10 and newer) and every platform (``--universal``), with the
hash of every file PyPI offers for each pinned version. Run after changing dependencies:

    pip install uv && python tools/lock_action.py

tests/integration/test_action.py checks that the lock covers pyproject.toml.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    uv = shutil.which("uv")
    if uv is None:
        print("lock_action: needs uv (pip install uv)", file=sys.stderr)
        return 2
    cmd = [
        uv,
        "pip",
        "compile",
        "pyproject.toml",
        "requirements/action-build.in",
        "--universal",
        "--python-version",
        "3.10",
        "--generate-hashes",
        "--custom-compile-command",
        "python tools/lock_action.py",
        "--output-file",
        "requirements/action.lock",
    ]
    return subprocess.run(cmd, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
