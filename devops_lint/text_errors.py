"""Errors in a scanned file's text that know where they were found.

The parsers of each format raise their own subclass (``HclSyntaxError``,
``TemplateSyntaxError``, ``ExpressionError`` ...), so a caller catches the one it expects;
the place is kept the same way by all of them: a 1-based line and column, or a character
offset into the text.
"""

from __future__ import annotations


class LineColumnError(Exception):
    """``message`` at a 1-based ``line`` and ``column`` of the text."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class OffsetError(Exception):
    """``message`` at character ``offset`` of the text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
