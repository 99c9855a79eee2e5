"""The command-line tests run ``devops-lint``'s command line in-process: they are about what it
prints and returns for its options. The installed command in a subprocess (entry point, exit
status, process hygiene) is tested in tests/integration and tests/security."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import Completed, run_in_process, write

__all__ = ["cli", "write"]


@pytest.fixture
def cli(tmp_path: Path) -> Any:
    """``devops-lint ARGS`` run in-process, in ``tmp_path`` unless told otherwise."""

    def _cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> Completed:
        return run_in_process(*args, cwd=cwd or tmp_path, stdin=stdin)

    return _cli
