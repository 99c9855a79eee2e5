"""Safe terminal output: control characters escaped, colour only where it is wanted.

Everything printed comes from scanned files at some point (file names, keys, values quoted
in messages, source lines in snippets). A scanned file must not be able to move the cursor,
clear the screen, ring the bell, retitle the window or fake a line of output, so every
control character (C0, DEL, C1), the Unicode line and paragraph separators and the
bidirectional overrides ("Trojan Source") are printed as visible escapes such as ``\\x1b``.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

# C0 controls, DEL, C1 controls, line/paragraph separators, bidi embeddings and isolates,
# zero-width and BOM characters that hide text.
# Surrogates too: a file name that is not UTF-8 holds its bytes as surrogate escapes, which
# would reach the terminal as the raw bytes (0x9b is CSI to an 8-bit terminal).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff\ud800-\udfff]"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escaped_byte(char: str) -> str | None:
    """``\\xNN`` for a surrogate escape (a byte of a name that is not UTF-8), else None."""
    code = ord(char)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else None


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    shown = _NAMED.get(char) or escaped_byte(char)
    if shown is not None:
        return shown
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with every control or invisible formatting character made visible."""
    return _UNSAFE.sub(_visible, text)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def use_colour(choice: str, stream: TextIO | None = None) -> bool:
    """``--color``: always, never, or auto (a terminal, and ``NO_COLOR`` unset or empty)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    out = stream if stream is not None else sys.stdout
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


class Style:
    """ANSI styles, or nothing when colour is off."""

    CODES = {
        "critical": "\033[1;35m",
        "high": "\033[1;31m",
        "medium": "\033[33m",
        "low": "\033[36m",
        "info": "\033[2m",
        "bold": "\033[1m",
        "dim": "\033[2m",
        "caret": "\033[1;31m",
        "code": "\033[36m",
        "heading": "\033[1;4m",
    }
    RESET = "\033[0m"

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, name: str, text: str) -> str:
        if not self.enabled or not text:
            return text
        return f"{self.CODES[name]}{text}{self.RESET}"


_INLINE = re.compile(r"\*\*(?P<bold>[^*]+)\*\*|`(?P<code>[^`]+)`")


def _inline(text: str, style: Style) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group("bold") is not None:
            return style("bold", m.group("bold"))
        return style("code", m.group("code"))

    return _INLINE.sub(sub, text)


def render_markdown(text: str, style: Style) -> str:
    """The small markdown of rule docs for a terminal: headings, code blocks, lists, emphasis.

    Headings become bold (the first underlined), fenced code is indented and coloured, list
    items get a bullet; everything is escaped first, since custom rule docs come from the
    scanned repository.
    """
    out: list[str] = []
    in_code = False
    for raw in escape_lines(text).splitlines():
        if raw.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            out.append("    " + style("code", raw))
        elif raw.startswith("#"):
            level = len(raw) - len(raw.lstrip("#"))
            title = raw[level:].strip()
            out.append(style("heading" if level == 1 else "bold", _inline(title, Style(False))))
        elif raw.lstrip().startswith("- "):
            indent = len(raw) - len(raw.lstrip())
            out.append(" " * indent + "  • " + _inline(raw.lstrip()[2:], style))
        else:
            out.append(_inline(raw, style))
    return "\n".join(out) + "\n"


def escape_lines(text: str) -> str:
    """``escape`` line by line: newlines stay, every other control character is made visible."""
    return "\n".join(escape(line) for line in text.split("\n"))


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]")


def json_safe(text: str) -> str:
    """JSON text (``ensure_ascii=False``) with the characters ``json.dumps`` leaves raw but a
    terminal or editor acts on (DEL, C1, line separators, bidi overrides) as ``\\uXXXX``.
    They can only occur inside strings, where the escape means the same character."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
