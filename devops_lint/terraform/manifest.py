"""Modules that ``terraform init`` installed: ``.terraform/modules/modules.json``.

``terraform init`` downloads registry and git modules below the root module's
``.terraform/modules/`` and records each call in ``modules.json``::

    {"Modules": [{"Key": "", "Source": "", "Dir": "."},
                 {"Key": "vpc", "Source": "registry.terraform.io/x/vpc/aws",
                  "Dir": ".terraform/modules/vpc"},
                 {"Key": "eks.node_group", "Source": "./modules/node-group",
                  "Dir": ".terraform/modules/eks/modules/node-group"}]}

``Key`` is the call path from the root module (call names joined by dots) and ``Dir``
the installed directory, relative to the root module. Nothing is ever downloaded:
when ``.terraform/`` is absent the call stays unresolved. Discovery skips
``.terraform/``, so the manifest and the installed ``.tf`` files are read here,
directly from disk, and only when they resolve (symlinks followed) inside the scanned
repository: a manifest cannot make the linter read files elsewhere on the machine.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from .. import safeio
from ..model import Document, ParseError
from ..safepath import is_inside

MANIFEST = ".terraform/modules/modules.json"
MAX_MANIFEST_BYTES = 4 << 20
MAX_ENTRIES = 2_000
MAX_FILE_BYTES = 1 << 20
MAX_FILES_PER_DIR = 200


@dataclass
class Manifest:
    """One root module's ``modules.json``: call key -> installed directory (repo-relative)."""

    root_dir: str  # the module directory holding .terraform/
    dirs: dict[str, str] = field(default_factory=dict)


def _join(base: str, rel: str) -> str | None:
    joined = posixpath.normpath(posixpath.join("" if base == "." else base, rel))
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined


def read_manifest(root: Path, module_dir: str) -> Manifest | None:
    """The manifest of ``module_dir`` (repository-relative), or None."""
    rel = _join(module_dir, MANIFEST)
    if rel is None:
        return None
    path = root / rel
    try:
        if not path.is_file() or not is_inside(path, root):
            return None
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        data = json.loads(safeio.read_text(path))
    except (OSError, ValueError, RecursionError):
        return None
    entries = data.get("Modules") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    manifest = Manifest(module_dir)
    for entry in entries[:MAX_ENTRIES]:
        if not isinstance(entry, dict):
            continue
        key, dir_ = entry.get("Key"), entry.get("Dir")
        if not isinstance(key, str) or not key or not isinstance(dir_, str):
            continue
        if dir_.startswith("/") or "\\" in dir_:
            continue
        target = _join(module_dir, dir_)
        if target is not None:
            manifest.dirs[key] = target
    return manifest


def load_module_dir(root: Path, module_dir: str) -> list[Document]:
    """Parse the ``.tf``/``.tf.json`` files of an installed module directory.

    A file that cannot be read or parsed is left out (installed modules are not the
    repository's own code: their syntax errors are not reported).
    """
    from .parser import parse_file

    folder = root / module_dir
    try:
        if not folder.is_dir() or not is_inside(folder, root):
            return []
        names = sorted(p.name for p in folder.iterdir())
    except OSError:
        return []
    docs: list[Document] = []
    for name in names[:MAX_FILES_PER_DIR]:
        if not name.endswith((".tf", ".tf.json")):
            continue
        path = folder / name
        try:
            if path.is_symlink() or not path.is_file() or not is_inside(path, root):
                continue
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            text = safeio.read_text(path)
            docs.extend(parse_file(f"{module_dir}/{name}", text))
        except (OSError, UnicodeDecodeError, ParseError, RecursionError):
            continue
    return docs
