"""Text edits on a file's source, located by the model's 1-based spans.

A fix never re-serialises a document: it inserts or replaces text at offsets computed from
spans, so every byte it does not name stays as written (comments, quoting, key order, blank
lines, document separators).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_LINE_BREAK = re.compile(r"\n")
# Line breaks other than \n and \r\n: parsers and this module would count lines differently,
# so a file holding one is not edited.
_ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement`` (``start == end``: an insertion)."""

    start: int
    end: int
    replacement: str


class Source:
    """A file's text with an index of where each line starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
        self.editable = not text.startswith("\ufeff") and _ODD_BREAKS.search(text) is None
        self._unit: int | None = None
        # Template actions: such a text is not the YAML a parser saw (Helm), so it is not edited.
        self.templated = "{{" in text

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def offset(self, line: int, column: int = 1) -> int:
        """Offset of a 1-based line and column (clamped to the text)."""
        line = min(max(line, 1), self.line_count)
        return min(self.starts[line - 1] + max(column, 1) - 1, len(self.text))

    def line(self, line: int) -> str:
        """The text of a 1-based line without its line break."""
        if not 1 <= line <= self.line_count:
            return ""
        start = self.starts[line - 1]
        end = self.starts[line] if line < self.line_count else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def after_line(self, line: int) -> int:
        """Offset where the line after ``line`` starts (the text's end for the last line)."""
        if line >= self.line_count:
            return len(self.text)
        return self.starts[line]

    def indent(self, line: int) -> int:
        text = self.line(line)
        return len(text) - len(text.lstrip(" "))

    def lines_at(self, offset: int, lines: list[str], indent: int) -> str:
        """``lines`` indented by ``indent``, as an insertion at the start of a line."""
        pad = " " * indent
        block = "".join(f"{pad}{line}{self.newline}" if line else self.newline for line in lines)
        if offset == len(self.text) and self.text and not self.text.endswith("\n"):
            return self.newline + block.removesuffix(self.newline)
        return block

    def indent_unit(self, default: int = 2) -> int:
        """The indentation step the file uses: the commonest increase after a ``key:`` line."""
        if self._unit is None:
            self._unit = self._measure_unit()
        return self._unit or default

    def _measure_unit(self) -> int:
        steps: Counter[int] = Counter()
        previous: tuple[int, str] | None = None
        for n in range(1, self.line_count + 1):
            text = self.line(n)
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            indent = len(text) - len(text.lstrip(" "))
            if previous is not None and previous[1].endswith((":", "{")) and indent > previous[0]:
                steps[indent - previous[0]] += 1
            previous = (indent, stripped)
        return steps.most_common(1)[0][0] if steps else 0


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, list[Edit], list[Edit]]:
    """Apply the edits that do not overlap; return the new text, the applied and the deferred.

    Two insertions at one offset also count as overlapping: their order would be a guess, so
    the second waits for the next pass, when it is computed again on the new text.
    """
    applied: list[Edit] = []
    deferred: list[Edit] = []
    for edit in sorted(set(edits)):
        if applied and (edit.start < applied[-1].end or edit.start == applied[-1].start):
            deferred.append(edit)
        else:
            applied.append(edit)
    out: list[str] = []
    pos = 0
    for edit in applied:
        out.append(text[pos : edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out), applied, deferred
