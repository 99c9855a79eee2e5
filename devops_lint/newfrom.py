"""New findings only: compare a run with the same scan of a base revision.

``--new-from-rev REV`` exports ``REV`` with ``git archive`` into a temporary folder (never the
user's work tree), scans the same paths there with the configuration ``REV`` had, and hides
every finding whose fingerprint the base already had. The fingerprints of a base scan are
cached by the base tree's hash and everything else that changes them, so a re-run against the
same base costs one scan.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__, gitrepo, safeio
from .baseline import entries_for, hide_known
from .fingerprint import RECIPE
from .model import Finding

BaseKey = tuple[str, str, str]  # rule, path (relative to the repository root), fingerprint
ScanFn = Callable[[Path, list[Path]], list[Finding]]


def _cache_dir() -> Path:
    base = os.environ.get("DEVOPS_LINT_CACHE_DIR")
    if base:
        return Path(base) / "base-scans"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("devops-lint")) / "base-scans"


def _code_stamp() -> str:
    """What identifies this linter's behaviour beyond its version: its modules and shipped
    rules (size and modification time; an installed wheel's never change, a checkout's do)."""
    from .rules import PACKAGE_DIR, resource_dir

    digest = hashlib.sha256()
    for folder, pattern in ((PACKAGE_DIR, "*.py"), (resource_dir("rules"), "*.yaml")):
        for path in sorted(folder.rglob(pattern)):
            st = path.stat()
            digest.update(safeio.utf8(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n"))
    return digest.hexdigest()


def _export(top: Path, commit: str, dest: Path) -> None:
    """Unpack ``commit``'s tree into ``dest``; links and paths that would leave it are
    refused by tarfile's ``data`` filter."""
    archive = dest.parent / "base.tar"
    gitrepo.git(top, "archive", "--format=tar", f"--output={archive}", commit)
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            safe = [
                m
                for m in tar.getmembers()
                if (m.isfile() or m.isdir())
                and not m.name.startswith("/")
                and ".." not in Path(m.name).parts
            ]
            tar.extractall(dest, members=safe)
    archive.unlink()


def base_keys(
    top: Path,
    commit: str,
    root: Path,
    targets: Sequence[Path],
    scan: ScanFn,
    cache_salt: str,
) -> list[BaseKey]:
    """The findings the same scan had at ``commit``, as (rule, path, fingerprint).

    ``root`` and ``targets`` are the scan of the current tree; they are re-rooted in the
    exported base. ``cache_salt`` names everything besides the tree that changes the result
    (selection, explicit config, rule files).
    """
    try:
        rel_root = root.resolve().relative_to(top)
        rel_targets = [t.resolve().relative_to(top).as_posix() for t in targets]
    except ValueError:
        raise gitrepo.GitError(f"the scanned paths must lie inside the repository {top}") from None
    tree = gitrepo.tree_of(top, commit)
    key = hashlib.sha256(
        safeio.utf8(
            json.dumps(
                [
                    __version__,
                    RECIPE,
                    _code_stamp(),
                    tree,
                    rel_root.as_posix(),
                    rel_targets,
                    cache_salt,
                ]
            )
        )
    ).hexdigest()[:32]
    cache = _cache_dir() / f"{key}.json"
    try:
        cached: Any = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(cached, list) and all(
            isinstance(row, list) and len(row) == 3 and all(isinstance(x, str) for x in row)
            for row in cached
        ):
            return [(r[0], r[1], r[2]) for r in cached]
    except (OSError, ValueError):
        pass
    with tempfile.TemporaryDirectory(prefix="devops-lint-base-") as tmp:
        base_top = Path(tmp) / "tree"
        base_top.mkdir()
        _export(top, commit, base_top)
        base_root = base_top / rel_root
        base_targets = [base_top / t for t in rel_targets if os.path.lexists(base_top / t)]
        if not base_root.is_dir() or not base_targets:
            keys: list[BaseKey] = []  # the scanned paths did not exist yet
        else:
            prefix = "" if rel_root == Path(".") else rel_root.as_posix()
            findings = scan(base_root, base_targets)
            keys = [(e.rule, e.path, e.fingerprint) for e in entries_for(findings, prefix)]
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp_file = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp_file.write_text(json.dumps(keys), encoding="utf-8")
        tmp_file.replace(cache)
    except OSError:
        pass  # a read-only cache only costs time
    return keys


def split_new(
    findings: Sequence[Finding], base: Sequence[BaseKey], prefix: str, renames: dict[str, str]
) -> tuple[list[Finding], int]:
    """(findings to show, how many existed at the base)."""
    shown, used = hide_known(findings, Counter((rule, fp) for rule, _, fp in base), prefix, renames)
    return shown, sum(used.values())
