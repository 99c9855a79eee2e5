"""A progress bar on standard error, for people watching a long scan in a terminal.

It appears only when standard error is a terminal, not in CI (``CI`` set) and not with
``TERM=dumb``, and only once a scan has run for a second, so short runs and every log or
pipe stay exactly as they were.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TextIO

DELAY = 1.0  # seconds before the bar appears
WIDTH = 30


class Progress:
    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.shown = False
        self._last = 0.0

    @classmethod
    def on_stderr(cls, enabled: bool = True) -> Progress:
        stream: TextIO | None = sys.stderr
        try:
            tty = sys.stderr.isatty()
        except (AttributeError, ValueError):
            tty = False
        if not enabled or not tty or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
            stream = None
        return cls(stream)

    def update(self, done: int, total: int) -> None:
        """Files parsed so far out of ``total``; redrawn at most ten times a second."""
        if self.stream is None or total <= 0:
            return
        now = time.monotonic()
        if now - self.started < DELAY or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        self.shown = True
        filled = WIDTH * done // total
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} files")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.shown:
            self.stream.write("\r\033[K")  # clear the bar's line
            self.stream.flush()
            self.shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
