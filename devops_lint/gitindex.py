"""The paths git tracks in a working tree, read from ``.git/index`` without running git.

Git ignores only untracked files: a file committed despite a ``.gitignore`` pattern is part of
the repository, and a pull request must not be able to hide one from the linter by adding a
pattern. Running ``git ls-files`` is not an option (a scanned repository's git configuration
can name programs for git to execute), so the index file is read directly: format versions 2,
3 and 4, SHA-1 or SHA-256 object names. Anything unexpected (another version, a truncated or
oversized file, a split index whose entries live in another file) yields what could be read,
or nothing; the caller then treats the missing paths as untracked, as ruff does for all.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

from . import safeio

MAX_INDEX_BYTES = 512 * 1024 * 1024
_STAT_BYTES = 40  # ctime, mtime, dev, ino, mode, uid, gid, size


class Tracked:
    """Tracked files and the folders that hold them, relative to the working tree's top."""

    def __init__(self, files: frozenset[str]) -> None:
        self.files = files
        folders: set[str] = set()
        for name in files:
            cut = name.rfind("/")
            while cut > 0:
                folder = name[:cut]
                if folder in folders:
                    break
                folders.add(folder)
                cut = name.rfind("/", 0, cut)
        self.folders = frozenset(folders)

    def holds(self, rel: str, is_dir: bool) -> bool:
        """Whether git tracks ``rel`` (a folder: any file below it)."""
        if is_dir:
            return rel in self.folders or rel + "/" in self.files  # sparse index folder
        return rel in self.files


def _hash_size(git_dir: Path) -> int:
    try:
        config = safeio.read_text(git_dir / "config", 1 << 20, errors="replace")
    except OSError:
        return 20
    squeezed = "".join(config.lower().split())
    return 32 if "objectformat=sha256" in squeezed else 20


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """Git's offset varint (index v4 path prefix lengths)."""
    byte = data[pos]
    pos += 1
    value = byte & 0x7F
    while byte & 0x80:
        byte = data[pos]
        pos += 1
        value = ((value + 1) << 7) | (byte & 0x7F)
    return value, pos


def parse_index(data: bytes, hash_size: int = 20) -> frozenset[str]:
    """Paths of the entries of an index file's content (stage 0 and conflicts alike)."""
    if len(data) < 12 or data[:4] != b"DIRC":
        return frozenset()
    version = int.from_bytes(data[4:8], "big")
    count = int.from_bytes(data[8:12], "big")
    if version not in (2, 3, 4):
        return frozenset()
    names: set[str] = set()
    pos = 12
    previous = b""
    fixed = _STAT_BYTES + hash_size + 2
    try:
        for _ in range(count):
            start = pos
            if pos + fixed > len(data):
                break
            flags = int.from_bytes(data[pos + fixed - 2 : pos + fixed], "big")
            pos += fixed
            if version >= 3 and flags & 0x4000:
                pos += 2  # extended flags
            if version == 4:
                strip, pos = _varint(data, pos)
                end = data.index(b"\0", pos)
                name = previous[: len(previous) - strip] + data[pos:end]
                pos = end + 1
            else:
                end = data.index(b"\0", pos)
                name = data[pos:end]
                # Entries are padded with 1 to 8 NUL bytes to a multiple of 8 bytes.
                pos = start + ((end - start) // 8 + 1) * 8
            previous = name
            mode = int.from_bytes(data[start + 24 : start + 28], "big")
            if stat.S_ISDIR(mode):  # a sparse index's folder entry: everything below it
                names.add(name.decode("utf-8", errors="surrogateescape").rstrip("/") + "/")
                continue
            names.add(name.decode("utf-8", errors="surrogateescape"))
    except (ValueError, IndexError):
        pass  # truncated: keep what was read
    return frozenset(names)


@functools.lru_cache(maxsize=16)
def _cached(index: Path, size: int, mtime_ns: int, hash_size: int) -> Tracked:
    try:
        data = safeio.read_bytes(index)
    except OSError:
        return Tracked(frozenset())
    return Tracked(parse_index(data, hash_size))


def tracked(top: Path) -> Tracked | None:
    """What git tracks in the working tree at ``top``, or None when its index cannot be read.

    Only a ``.git`` folder is read: a ``.git`` file (worktree, submodule) points elsewhere,
    possibly outside the scanned tree, and is not followed.
    """
    git_dir = top / ".git"
    index = git_dir / "index"
    try:
        if git_dir.is_symlink() or not git_dir.is_dir():
            return None
        st = os.lstat(index)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_INDEX_BYTES:
        return None
    return _cached(index, st.st_size, st.st_mtime_ns, _hash_size(git_dir))
