"""What one ``devops-lint`` command line asked for, as the passes after the lint need it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .rules import Rule


@dataclass(frozen=True)
class Invocation:
    """The scan of one command line: ``--fix``/``--diff`` and the baseline comparison
    (``cli_fix``, ``cli_adopt``) lint again with exactly these."""

    root: Path
    scan: list[Path]  # folders and files given (a given file's folder is scanned whole)
    opts: dict[str, Any]  # the command line's options
    settings: dict[str, Any]
    rules: list[Rule]
    config_path: Path | None
    report_only: set[str] | None  # findings of these paths only (files were given)
    jobs: int
    stdin: bool  # a document was read from standard input


def jobs_of(opts: dict[str, Any]) -> int:
    """The worker processes a command line asks for: ``-j N``, else one per core."""
    jobs: int = opts["jobs"] or os.cpu_count() or 1
    return jobs
