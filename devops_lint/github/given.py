"""What linting a given workflow or action also reads (the format's ``given_context`` hook)."""

from __future__ import annotations

import os
from pathlib import Path


def context(root: Path, given: set[str]) -> list[Path]:
    """Files GitHub Actions rules read beside a given workflow or action.

    Update-tool configuration (GHA-024), other workflows (GHA-020) and local actions that a
    job uses (`uses: ./…`) live outside the workflow's folder; without them linting one
    changed workflow would report findings that a full run does not.
    """
    from ..classify import RENOVATE_FILES, file_kind

    if not any(file_kind(p) in ("workflow", "action", "dependabot") for p in given):
        return []
    names = [".github", "action.yml", "action.yaml", *RENOVATE_FILES]
    return [root / n for n in names if os.path.lexists(root / n)]
