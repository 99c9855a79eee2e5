"""``-o FILE``: the report format from the file's extension, and a safe, atomic write.

The output path usually lies inside the scanned repository, which is untrusted: a symlink
committed there (``devops-lint.sarif -> ~/.bashrc``) must not make the linter overwrite its
target. A path whose last component, or any folder of it below the working directory, is a
symlink is refused. The report is written to a temporary file in the same folder and renamed
over the destination, so a reader never sees half a report and a crash leaves the old one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path

# Extensions that name a report format when --format is not given.
EXTENSION_FORMATS = {
    ".sarif": "sarif",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".xml": "junit",
}


# A file name that is not UTF-8 reaches reports as surrogate escapes (os.fsdecode).
_SURROGATE = re.compile("[\ud800-\udfff]")
JSON_FORMATS = frozenset({"json", "sarif", "gitlab", "shard"})


def printable(text: str, fmt: str) -> str:
    """``text`` as every reader takes it: UTF-8 throughout.

    Surrogate escapes written raw are not UTF-8 (``-o`` failed on them, and the JSON on
    standard output was invalid). JSON formats get them as ``\\u`` escapes, which decode
    back to the same name; the others as the ``\\x`` of the byte, as the terminal shows it.
    """
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    if fmt in JSON_FORMATS:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    from .terminal import escape

    return _SURROGATE.sub(lambda m: escape(m.group()), text)


class OutputError(Exception):
    """The report cannot be written where asked (a usage error, exit 2)."""


def infer_format(fmt: str | None, output: Path | None) -> str:
    """``--format`` when given, else the output file's extension, else text."""
    if fmt is not None:
        return fmt
    if output is not None:
        return EXTENSION_FORMATS.get(output.suffix.lower(), "text")
    return "text"


def symlink_in(path: Path, cwd: Path | None = None) -> Path | None:
    """The symlink ``path`` would be written through, if any.

    The last component is always checked; folders only below the working directory, which is
    where a scanned repository can plant them (``/tmp`` being a link on some systems is fine).
    """
    cwd = cwd or Path.cwd()
    full = path if path.is_absolute() else cwd / path
    if full.is_symlink():
        return full
    try:
        rel = Path(os.path.abspath(full)).relative_to(cwd)
    except ValueError:
        return None
    parts = path.parts if not path.is_absolute() else rel.parts
    current = cwd
    for part in parts[:-1]:
        current = current / part
        if current.is_symlink():
            return current
    return None


def write_report(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, never through a symlink.

    A character device or a FIFO the user names (``-o /dev/null``, a named pipe) is written
    to, not replaced: renaming a file over it would replace the device node itself (as
    root, ``/dev/null`` became a regular file).
    """
    link = symlink_in(path)
    if link is not None:
        raise OutputError(f"{path}: refusing to write through the symlink {link}")
    try:
        mode: int | None = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{path}: cannot write: is a directory")
    if mode is not None and not stat.S_ISREG(mode):
        if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
            raise OutputError(f"{path}: cannot write: not a regular file")
        _write_through(path, text)
        return
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file 0600; a report gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)  # replaces a link planted meanwhile, never writes through it
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _write_through(path: Path, text: str) -> None:
    """Write to a character device or FIFO in place.

    Opened without following a link planted since the check, without making a terminal
    the controlling one, and without waiting: a FIFO nobody reads is an error, not a hang.
    """
    flags = os.O_WRONLY | os.O_NOFOLLOW | os.O_NOCTTY | os.O_NONBLOCK
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(f"{path}: cannot write: no process reads this FIFO") from None
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        os.set_blocking(fd, True)  # the reader is there; now wait for it as a pipe does
        handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
    except OSError as exc:
        os.close(fd)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with handle:
            handle.write(text)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
