"""The files below a folder with their ``stat``: what the cache fingerprints and prunes."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path


def _any_name(name: str) -> bool:
    return True


def file_stats(
    folder: Path,
    keep: Callable[[str], bool] = _any_name,
    skip_dirs: frozenset[str] = frozenset(),
    follow_file_links: bool = True,
) -> Iterator[tuple[Path, os.stat_result]]:
    """Each file below ``folder`` whose name ``keep`` accepts, with its stat, in sorted order.

    Symlinked folders are never entered; a symlinked file is stat'ed through its link
    unless ``follow_file_links`` is false. A file that vanishes or cannot be stat'ed
    meanwhile is passed over: the cache must never fail a run.
    """
    for dirpath, dirnames, names in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs)
        for name in sorted(names):
            if not keep(name):
                continue
            path = Path(dirpath, name)
            try:
                st = path.stat() if follow_file_links else path.lstat()
            except OSError:
                continue
            yield path, st
