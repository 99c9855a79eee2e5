"""``-o FILE``: the report format from the file's extension, and a safe, atomic write.

The output path usually lies inside the scanned repository, which is untrusted: a symlink
committed there (``devops-lint.sarif -> ~/.bashrc``) must not make the linter overwrite its
target. A path whose last component, or any folder of it below the working directory, is a
symlink is refused. The report is written to a temporary file in the same folder and renamed
over the destination, so a reader never sees half a report and a crash leaves the old one.
"""

from __future__ import annotations

import contextlib
import os
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
    """Write ``text`` to ``path`` atomically, never through a symlink."""
    link = symlink_in(path)
    if link is not None:
        raise OutputError(f"{path}: refusing to write through the symlink {link}")
    if path.is_dir():
        raise OutputError(f"{path}: cannot write: is a directory")
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
