"""Positions and layout rules for the tree-sitter path (``hcl_ts.py``).

tree-sitter gives byte offsets and (row, byte column) points; the model holds python-hcl2's
positions: 1-based lines, 1-based *character* columns, and spans that end where Lark's
tokens end. ``Source`` converts, and knows the two places where Lark's span of a node runs
past the node's last character:

- a binary operation swallows the line breaks and comments that follow it (its grammar rule
  ends with an optional ``new_line_or_comment``, and the LALR parser shifts it), so it, and a
  conditional or attribute ending with it, ends after them;
- a heredoc token ends after the newline that follows its closing marker.

Lark also refuses line breaks and comments in places where tree-sitter-hcl (which treats
them as whitespace) accepts them: ``Source.gaps_allowed`` tells the converter where a gap
between two children holds one, so it can decline the file instead of accepting what the
reference parser rejects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from ..model import Span
from .hcl_text import HEREDOC, HEREDOC_TRIM


class Unmappable(Exception):
    """The tree holds something this path does not map exactly as python-hcl2 does."""


class End(NamedTuple):
    """Where python-hcl2 ends a node: character offset, line, span end column."""

    offset: int
    line: int
    column: int


class Source:
    def __init__(self, text: str, fixed: Span | None = None) -> None:
        self.text = text
        self.padded = text + "\n"  # python-hcl2 parses the text with a final newline
        try:
            self.data = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: nothing tree-sitter can be given
            raise Unmappable("text is not UTF-8 encodable") from None
        self.ascii = len(self.data) == len(text)
        self.fixed = fixed
        # Gaps between tokens matter only when they hold a line break or a comment: one line
        # without ``/*`` holds neither.
        self.block_comments = "/*" in text
        self.line_bytes: list[int] = []
        self.line_chars: list[int] = []
        if not self.ascii:
            byte_at = char_at = 0
            for line in text.split("\n"):
                self.line_bytes.append(byte_at)
                self.line_chars.append(char_at)
                byte_at += len(line.encode("utf-8")) + 1
                char_at += len(line) + 1

    # -- positions -----------------------------------------------------------------
    def _ccol(self, row: int, bcol: int) -> int:
        """Character column (0-based) of a byte column on ``row``."""
        if self.ascii:
            return bcol
        start = self.line_bytes[row]
        return len(self.data[start : start + bcol].decode("utf-8", "replace"))

    def offset(self, byte: int, row: int, bcol: int) -> int:
        """Character offset of a byte offset."""
        if self.ascii:
            return byte
        return self.line_chars[row] + self._ccol(row, bcol)

    def span(self, node: Any) -> Span:
        if self.fixed is not None:
            return self.fixed
        sr, sc = node.start_point
        er, ec = node.end_point
        if not self.ascii:
            sc = self._ccol(sr, sc)
            ec = self._ccol(er, ec)
        return Span(sr + 1, sc + 1, er + 1, ec if ec > 0 else 1)

    def span_to(self, node: Any, end: End) -> Span:
        """From the start of ``node`` to ``end``."""
        if self.fixed is not None:
            return self.fixed
        sr, sc = node.start_point
        if not self.ascii:
            sc = self._ccol(sr, sc)
        return Span(sr + 1, sc + 1, end.line, end.column)

    def node_end(self, node: Any) -> End:
        er, ec = node.end_point
        if self.ascii:
            return End(node.end_byte, er + 1, ec if ec > 0 else 1)
        cc = self._ccol(er, ec)
        return End(self.offset(node.end_byte, er, ec), er + 1, cc if cc > 0 else 1)

    def start(self, node: Any) -> int:
        if self.ascii:
            return int(node.start_byte)
        return self.offset(node.start_byte, *node.start_point)

    def slice(self, node: Any) -> str:
        if self.ascii:
            return self.text[node.start_byte : node.end_byte]
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def slice_to(self, node: Any, end: End) -> str:
        return self.text[self.start(node) : end.offset]

    def advance(self, end: End, to: int) -> End:
        """``end`` moved forward to character offset ``to`` of the padded text."""
        if to == end.offset:
            return end
        padded = self.padded
        newlines = padded.count("\n", end.offset, to)
        if newlines == 0:
            return End(to, end.line, max(end.column + (to - end.offset), 1))
        line_start = padded.rfind("\n", 0, to) + 1
        return End(to, end.line + newlines, max(to - line_start, 1))

    def nl_tokens(self, start: int, stop: int | None = None) -> tuple[list[tuple[int, int]], int]:
        """The NL_OR_COMMENT tokens python-hcl2's lexer makes from character offset ``start``
        (line breaks with the next line's indentation, comments; spaces, tabs and CRs
        between them are ignored), and the offset of the next other character."""
        s = self.padded
        n = len(s) if stop is None else stop
        tokens: list[tuple[int, int]] = []
        i = start
        while True:
            while i < n and s[i] in " \t\r":
                i += 1
            if i >= n:
                return tokens, i
            c = s[i]
            if c == "\n":
                j = i + 1
                while j < n and s[j] in " \t":
                    j += 1
            elif c == "#" or s.startswith("//", i):
                j = s.find("\n", i) + 1
                if j == 0:
                    return tokens, i
            elif s.startswith("/*", i):
                j = s.find("*/", i + 2) + 2
                if j == 1:
                    return tokens, i
            else:
                return tokens, i
            tokens.append((i, j))
            i = j

    def merges_into_operator(self, at: int) -> bool:
        """Whether a line break or comment right before offset ``at`` goes into the operator
        token there: python-hcl2's postlexer merges one into a following binary operator
        (not ``-``) or ``?``, so an operator may start a line."""
        s = self.padded
        c = s[at : at + 1]
        if c in ("*", "/", "%", "+", "?", ">"):
            return True
        if c == "<":  # unless a heredoc starts here
            return not (HEREDOC.match(s, at) or HEREDOC_TRIM.match(s, at))
        return s.startswith(("==", "!=", "&&", "||"), at)

    def newline_run(self, end: End) -> End:
        """``end`` extended over the NL_OR_COMMENT tokens a binary operation takes after it:
        all that follow, but the last when the postlexer merges it into an operator."""
        tokens, following = self.nl_tokens(end.offset)
        if tokens and self.merges_into_operator(following):
            tokens.pop()
        return self.advance(end, tokens[-1][1]) if tokens else end

    # -- layout --------------------------------------------------------------------
    def gaps_allowed(
        self, node: Any, kids: list[Any], allowed: Callable[[int], bool] | None
    ) -> None:
        """Raise ``Unmappable`` when the gap between ``kids[i]`` and ``kids[i + 1]`` holds a
        line break or comment and ``allowed(i)`` is false (``None``: nowhere)."""
        if node.start_point[0] == node.end_point[0] and not self.block_comments:
            return
        data = self.data
        for i in range(len(kids) - 1):
            a = kids[i].end_byte
            b = kids[i + 1].start_byte
            if a != b and data[a:b].strip(b" \t\r") and (allowed is None or not allowed(i)):
                raise Unmappable("line break or comment where python-hcl2 allows none")
