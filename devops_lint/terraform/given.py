"""What a given ``*.tfvars`` file changes (the format's ``given_dependents`` hook)."""

from __future__ import annotations

from pathlib import Path


def dependents(root: Path, given: set[str]) -> list[Path]:
    """The ``.tf`` files of a given tfvars file's module: what they resolve to changes with
    it, so their findings belong to the change."""
    from ..classify import file_kind

    out: list[Path] = []
    for rel in sorted(given):
        if file_kind(rel) == "tfvars":
            folder = (root / rel).parent
            out += sorted(q for q in folder.iterdir() if file_kind(q.name) == "terraform")
    return out
