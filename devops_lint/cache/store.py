"""The cache folder: JSON entries named by their key, written atomically, pruned.

Layout under the user cache folder (``rulecache.cache_dir``: ``DEVOPS_LINT_CACHE_DIR``, else
the platform's; ``DEVOPS_LINT_NO_CACHE=1`` turns caching off)::

    results-v<FORMAT>/runs/<key>.json         whole-run results
    results-v<FORMAT>/facts/<kk>/<key>.json   one file's parse outcome

A new ``FORMAT`` starts a new folder, so entries of another version are never read. Every
entry is written to a private temporary file and renamed into place: concurrent runs see a
whole entry or none, and two runs writing the same key write the same content. An entry
carries its own key, which must match; JSON only, never pickle (``docs/security.md``).
Entries unused for ``MAX_AGE_DAYS`` go, then the oldest until the folder is under
``MAX_BYTES``; pruning runs at most once an hour.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

from ..output import printable
from ..rulecache import cache_dir
from .walk import file_stats

FORMAT = 1
MAX_AGE_DAYS = 30
MAX_BYTES = 512 * 1024 * 1024
_PRUNE_EVERY = 3600.0
# A stored entry larger than this is not written (a run result of a huge monorepo, say);
# reading it back would cost more than it saves.
MAX_ENTRY_BYTES = 256 * 1024 * 1024


def _is_entry(name: str) -> bool:
    """A stored entry, or the temporary file of one being written."""
    return name.endswith((".json", ".tmp"))


def results_dir() -> Path | None:
    base = cache_dir()
    return None if base is None else base / f"results-v{FORMAT}"


class Store:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def default(cls) -> Store | None:
        folder = results_dir()
        return None if folder is None else cls(folder)

    def _path(self, area: str, key: str) -> Path:
        if area == "facts":
            return self.folder / area / key[:2] / f"{key}.json"
        return self.folder / area / f"{key}.json"

    def get(self, area: str, key: str) -> Any:
        """The value stored under ``key``, or None (missing, unreadable, not ours)."""
        path = self._path(area, key)
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_ENTRY_BYTES + 1)
            if len(raw) > MAX_ENTRY_BYTES:
                return None
            entry = json.loads(raw)
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        if entry.get("key") != key or "value" not in entry:
            return None
        return entry["value"]

    def put(self, area: str, key: str, value: Any) -> None:
        """Store ``value``; a read-only or full cache folder only costs speed."""
        path = self._path(area, key)
        try:
            text = printable(
                json.dumps({"format": FORMAT, "key": key, "value": value}, ensure_ascii=False),
                "json",
            )
        except (TypeError, ValueError, RecursionError):
            return
        if len(text) > MAX_ENTRY_BYTES:
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    def touch(self, area: str, key: str) -> None:
        """Mark an entry as used (pruning goes by last use)."""
        with contextlib.suppress(OSError):
            os.utime(self._path(area, key))

    def prune(self, now: float | None = None, force: bool = False) -> None:
        now = time.time() if now is None else now
        stamp = self.folder / ".pruned"
        try:
            if not force and now - stamp.stat().st_mtime < _PRUNE_EVERY:
                return
        except OSError:
            pass
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp.touch()
        except OSError:
            return
        entries: list[tuple[float, int, Path]] = []
        for path, st in file_stats(self.folder, _is_entry):
            entries.append((st.st_mtime, st.st_size, path))
        entries.sort()
        total = sum(size for _, size, _ in entries)
        for mtime, size, path in entries:
            old = now - mtime > MAX_AGE_DAYS * 86400
            # Temporary files of a run that died are stale after an hour.
            stale = path.name.endswith(".tmp") and now - mtime > 3600
            if not (old or stale or total > MAX_BYTES):
                continue
            try:
                path.unlink()
                total -= size
            except OSError:
                pass
