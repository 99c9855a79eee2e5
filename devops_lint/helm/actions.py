"""Where the actions of a Go template are: every ``{{ … }}`` with its trim markers.

The one scanner of action delimiters, shared by the in-place transform (``template``)
and the engine's parser (``engine.parse``). It follows Go's lexer: ``{{-``/``-}}`` trim
only with whitespace beside the dash, quoted and raw strings and char constants may
hold ``}}``, and ``{{/* … */}}`` comments (trimmed or not) end right after ``*/``.
Each caller words the problems it reports (``ScanError.problem``) in its own terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

WS = " \t\r\n"
_STOP = re.compile(r"[\"'`]|\}\}")

# What ScanError.problem names.
UNCLOSED_COMMENT = "unclosed-comment"  # ``/*`` without ``*/``
COMMENT_END = "comment-end"  # ``*/`` not followed by the closing delimiter
UNCLOSED_ACTION = "unclosed-action"  # ``{{`` without ``}}``
UNTERMINATED_STRING = "unterminated-string"  # a quoted string or char constant
UNTERMINATED_RAW = "unterminated-raw"  # a raw (backquoted) string


class ScanError(Exception):
    """Delimiters Go's lexer refuses: ``problem`` (one of the names above) at ``offset``."""

    def __init__(self, problem: str, offset: int) -> None:
        super().__init__(f"{problem} at offset {offset}")
        self.problem = problem
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Delimited:
    """One action: its extent and the extent of its body inside the delimiters.

    The body excludes ``{{``, ``}}`` and trim markers but keeps surrounding whitespace;
    for a comment it runs from ``/*`` to just after ``*/``.
    """

    start: int  # offset of ``{{``
    end: int  # offset just after ``}}``
    body_start: int
    body_end: int
    trim_left: bool
    trim_right: bool
    comment: bool


def _string_end(text: str, q: int) -> int:
    """Offset just after the Go string, raw string or char constant starting at ``q``."""
    quote = text[q]
    if quote == "`":
        close = text.find("`", q + 1)
        if close < 0:
            raise ScanError(UNTERMINATED_RAW, q)
        return close + 1
    k, n = q + 1, len(text)
    while k < n:
        c = text[k]
        if c == "\\":
            k += 2
            continue
        if c == quote:
            return k + 1
        if c == "\n":
            break
        k += 1
    raise ScanError(UNTERMINATED_STRING, q)


def _comment(text: str, start: int, body_start: int, trim_left: bool) -> Delimited:
    n = len(text)
    close = text.find("*/", body_start + 2)
    if close < 0:
        raise ScanError(UNCLOSED_COMMENT, start)
    after = k = close + 2
    while k < n and text[k] in WS:
        k += 1
    trim_right = k > after and text.startswith("-}}", k)
    if trim_right:
        k += 1
    if not text.startswith("}}", k):
        raise ScanError(COMMENT_END, start)
    return Delimited(start, k + 2, body_start, after, trim_left, trim_right, True)


def scan(text: str) -> Iterator[Delimited]:
    """Every action of a Go template, in order; ``ScanError`` for broken delimiters.

    Lazy, so a caller that refuses an action (an empty one) reports it before any
    problem further on, as Go's parser does.
    """
    n = len(text)
    start = text.find("{{")
    while start >= 0:
        i = start + 2
        trim_left = i + 1 < n and text[i] == "-" and text[i + 1] in WS
        if trim_left:
            i += 1
        j = i
        while j < n and text[j] in WS:
            j += 1
        if text.startswith("/*", j):
            action = _comment(text, start, j, trim_left)
        else:
            k = i
            while True:
                found = _STOP.search(text, k)
                if found is None:
                    raise ScanError(UNCLOSED_ACTION, start)
                if found.group() == "}}":
                    break
                k = _string_end(text, found.start())
            close = found.start()
            trim_right = close - 2 >= i and text[close - 1] == "-" and text[close - 2] in WS
            body_end = close - 1 if trim_right else close
            action = Delimited(start, close + 2, i, body_end, trim_left, trim_right, False)
        yield action
        start = text.find("{{", action.end)
