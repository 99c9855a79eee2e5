"""The characters that stand for values a template cannot tell, in both Helm paths.

The in-place loader (``template``) replaces every action by a placeholder of the action's
width; the engine (``engine.evaluate``) prints an unknown value as one. Both spell a
number in private-use characters: U+E000 fills (and marks the start of an engine
placeholder), U+E001…U+F8FE are digits, most significant first. Private-use characters
are printable for YAML (so they form plain scalars anywhere) and never occur in real
manifests.
"""

from __future__ import annotations

import re

PH_FILL = "\ue000"
PH_FIRST = 0xE001
PH_RADIX = 0xF8FF - PH_FIRST
PH_DIGIT = "[\ue001-\uf8fe]"  # one digit, as a regular expression class
PH_CHARS = re.compile("[\ue000-\uf8fe]")


def spell(number: int, digits: int) -> str:
    """``number`` in ``digits`` placeholder digits (callers keep it below PH_RADIX**digits)."""
    out = []
    for _ in range(digits):
        out.append(chr(PH_FIRST + number % PH_RADIX))
        number //= PH_RADIX
    return "".join(reversed(out))


def read(chars: str) -> int:
    """The number spelled by placeholder digits."""
    number = 0
    for c in chars:
        number = number * PH_RADIX + (ord(c) - PH_FIRST)
    return number
