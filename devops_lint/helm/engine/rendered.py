"""What evaluating a template produces and the bounds it runs under.

A ``Rendered`` file is text plus, for each piece, the template offset it came from
(``Output`` collects both while the evaluator writes); a value the evaluator cannot
compute prints as a placeholder (``placeholder_text``) that ``sourcemap`` reads back.
``Limits`` bound the work so hostile charts finish quickly; ``RenderLimit`` reports the
bound that stopped a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...text_errors import OffsetError
from ..placeholder_chars import PH_FILL, read, spell

PH_MARK = PH_FILL  # starts every placeholder the engine prints
MAX_RESULT = 4_000_000  # characters of a string, items of a list a function may return


def placeholder_text(index: int) -> str:
    """Three private-use characters naming unknown value ``index`` (never in real YAML)."""
    return PH_MARK + spell(index, 2)


def placeholder_index(text: str) -> int:
    return read(text[1:3])


@dataclass(frozen=True)
class Limits:
    """How much one file's evaluation may do."""

    max_depth: int = 64  # nested include/template/tpl calls
    max_steps: int = 2_000_000  # nodes executed and functions called
    max_output: int = 8_000_000  # characters produced, included text counted too


class RenderLimit(OffsetError):
    """Evaluation stopped at a bound; the file is reported rather than rendered."""


@dataclass
class Rendered:
    """The text of one rendered file and where each part of it came from."""

    text: str
    segments: list[tuple[int, int, bool]]  # (output offset, template offset, literal)
    unknowns: list[str]  # placeholder index → the action source it stands for
    errors: list[tuple[int, str]] = field(default_factory=list)  # (template offset, message)


class Output:
    """The rendered text so far, in parts, and where each part came from."""

    __slots__ = ("parts", "segments", "size")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.segments: list[tuple[int, int, bool]] = []
        self.size = 0
