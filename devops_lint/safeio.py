"""Reading a file of the scanned tree without waiting on it.

Any path of the scanned tree, or one its configuration names, may be a FIFO, a device or a
file far larger than any configuration: ``Path.read_text`` on a FIFO waits for a writer for
ever, and on ``/dev/zero`` never ends. Every such read goes through here: the file is opened
without waiting and without becoming the controlling terminal, refused unless it is a
regular file, and read up to a bound. Failures are ``OSError`` (``NotReadable``), so the
callers' ``except OSError`` handling stays what it was.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from .defaults import MAX_FILE_SIZE_CEILING

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)


class NotReadable(OSError):
    """Not a regular file, or larger than the bound."""


def _open(path: Path | str, limit: int) -> int:
    """A descriptor on the regular file ``path`` of at most ``limit`` bytes, opened without
    waiting; anything else is ``NotReadable`` (and nothing is left open)."""
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotReadable(errno.EINVAL, "not a regular file", str(path))
        if st.st_size > limit:
            raise NotReadable(errno.EFBIG, f"file is above {limit} bytes", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: Path | str, limit: int = MAX_FILE_SIZE_CEILING) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them."""
    fd = _open(path, limit)
    try:
        chunks: list[bytes] = []
        left = limit + 1  # the file may have grown since fstat
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise NotReadable(errno.EFBIG, f"file is above {limit} bytes", str(path))
    return data


def open_regular(path: Path | str, limit: int = MAX_FILE_SIZE_CEILING) -> BinaryIO:
    """A binary file object on the regular file ``path`` of at most ``limit`` bytes, for a
    library that reads the file itself (``zipfile``); the same refusals as ``read_bytes``."""
    fd = _open(path, limit)
    try:
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_text(
    path: Path | str,
    limit: int = MAX_FILE_SIZE_CEILING,
    *,
    encoding: str = "utf-8",
    errors: str = "strict",
) -> str:
    """``read_bytes`` decoded; a decoding error is ``UnicodeDecodeError`` as with ``open``.

    Line endings are translated as ``Path.read_text`` does (universal newlines).
    """
    text = read_bytes(path, limit).decode(encoding, errors)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def utf8(text: str) -> bytes:
    """UTF-8 of a text that may hold a file name that is not UTF-8 (its bytes as surrogate
    escapes, from ``os.fsdecode``): encoded one to one, never an error (hash keys)."""
    return text.encode("utf-8", "surrogatepass")
