"""Kustomize patch files: listed by a scanned ``kustomization.yaml``, they are not objects.

A strategic-merge patch looks like a workload (``kind: Deployment`` with a container that
has no image) but only overlays one; linted as an object it would report every missing
field (standards 0.6 item 1). Patch documents are marked once per run, and ``objects()``
yields nothing for a marked document, so no rule and no cross-object relation sees them.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from ..model import Document, Unresolved

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project

KUSTOMIZATION_FILES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})
PATCH_KEYS = ("patches", "patchesStrategicMerge", "patchesJson6902")
PATCH_MARK = "kustomize_patch"


def _patch_file(entry: Any) -> str | None:
    """The file a patch entry names: a path string, or ``{path: …}``; inline patches
    (``patch: |``, or a YAML document written as a string) name none."""
    if isinstance(entry, dict):
        entry = entry.get("path")
    if not isinstance(entry, str) or isinstance(entry, Unresolved):
        return None
    if "\n" in entry or entry.lstrip().startswith(("{", "apiVersion:", "kind:")):
        return None
    return entry.strip()


def patch_paths(project: Project) -> set[str]:
    """Scan-relative paths of the files that scanned kustomizations list as patches."""
    out: set[str] = set()
    for doc in project.documents:
        if posixpath.basename(doc.path) not in KUSTOMIZATION_FILES:
            continue
        if not isinstance(doc.data, dict):
            continue
        base = posixpath.dirname(doc.path)
        for key in PATCH_KEYS:
            entries = doc.data.get(key)
            for entry in entries if isinstance(entries, list) else []:
                name = _patch_file(entry)
                if name is not None:
                    out.add(posixpath.normpath(posixpath.join(base, name)))
    return out


def mark_patches(ctx: Context) -> None:
    """Mark every patch document of the run (once per run)."""

    def build() -> bool:
        paths = patch_paths(ctx.project)
        for doc in ctx.project.documents:
            if doc.path in paths:
                doc.meta[PATCH_MARK] = True
        return True

    ctx.memo("kubernetes.kustomize-patches", build)


def is_patch(doc: Document) -> bool:
    return bool(doc.meta.get(PATCH_MARK))
