"""Cheap pre-scans that bound the work a hostile file can cause.

Some parsers we call are written in C or Rust and recurse once per nesting level:
ruamel's C composer (YAML and JSON) and ``promql_parser``. A stack overflow there is a
segfault, which no ``except`` can catch, so the nesting depth of a text is measured
*before* it is handed to them, and a text nested deeper than the bound is refused as a
located parse error at the point where the bound was crossed.

Every function here runs in time linear in the text and never recurses.
"""

from __future__ import annotations

import io
import operator
import re
from dataclasses import dataclass
from itertools import accumulate

# Nesting levels a YAML or JSON document may have. Real files stay below 30; the C
# composer has been measured to survive 20,000 on an 8 MiB stack, so 400 keeps a wide
# margin for smaller thread stacks.
MAX_NESTING = 400

# PromQL: promql_parser recurses per level and its memory grows with the square of the
# tree's depth (1,000 chained ``+`` cost 170 MB, 4,000 cost 2.5 GB). A tree is at most as
# deep as its bracket nesting plus its operators, so both are bounded.
MAX_PROMQL_NESTING = 128
MAX_PROMQL_OPERATORS = 500


TOO_DEEP_PREFIX = "nesting deeper than"


@dataclass(frozen=True)
class TooDeep:
    """Where a text first nests deeper than allowed (1-based line and column)."""

    message: str
    line: int
    column: int


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --------------------------------------------------------------------------- JSON


def json_too_deep(text: str, limit: int = MAX_NESTING) -> TooDeep | None:
    """The first ``[``/``{`` (outside strings) that opens level ``limit + 1``, if any.

    Exact for JSON: brackets outside strings are the nesting.
    """
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    i = 0
    n = len(text)
    find = text.find
    while i < n:
        c = text[i]
        if c == '"':
            # Skip the string: the next quote not escaped by an odd run of backslashes.
            j = find('"', i + 1)
            while j != -1:
                k = j - 1
                while text[k] == "\\":
                    k -= 1
                if (j - 1 - k) % 2 == 0:
                    break
                j = find('"', j + 1)
            if j == -1:
                return None  # unterminated string: the JSON parser reports it
            i = j + 1
            continue
        if c == "[" or c == "{":
            depth += 1
            if depth > limit:
                line, col = _position(text, i)
                return TooDeep(f"{TOO_DEEP_PREFIX} {limit} levels", line, col)
        elif c == "]" or c == "}":
            depth -= 1
        i += 1
    return None


# --------------------------------------------------------------------------- brackets


def brackets_too_deep(text: str, limit: int = MAX_NESTING) -> TooDeep | None:
    """Where the running depth of ``([{`` over ``)]}`` (never below zero) first passes
    ``limit``. Strings and comments count too: an over-estimate for HCL, whose nesting
    (``${…}`` interpolations included) is made of brackets; no real file comes near."""
    if text.count("(") + text.count("[") + text.count("{") <= limit:
        return None
    raw = text.encode("utf-8", "replace").translate(None, _NOT_ANY_BRACKET_BYTES)
    prefix = list(accumulate(map(_ANY_DELTA.__getitem__, raw), initial=0))
    if max(map(operator.sub, prefix, accumulate(prefix, min))) <= limit:
        return None
    depth = 0
    for i, c in enumerate(text):  # rare: find where, at Python speed
        if c in "([{":
            depth += 1
            if depth > limit:
                line, col = _position(text, i)
                return TooDeep(f"{TOO_DEEP_PREFIX} {limit} levels", line, col)
        elif c in ")]}" and depth > 0:
            depth -= 1
    return None  # pragma: no cover - the bound above said it is deeper


_NOT_ANY_BRACKET_BYTES = bytes(b for b in range(256) if b not in b"()[]{}")
_ANY_DELTA = {ord(c): 1 for c in "([{"} | {ord(c): -1 for c in ")]}"}


# --------------------------------------------------------------------------- YAML

_LEAD = re.compile(r"^[ \t\-?:]*", re.MULTILINE)
_NOT_BRACKET_BYTES = bytes(b for b in range(256) if b not in b"[]{}")
_DELTA = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _yaml_depth_upper_bound(text: str) -> int:
    """A bound no YAML document of ``text`` can nest beyond (cheap, often far too high).

    Block collections nest only by indentation or by a leading ``- ``/``? `` run on a
    line, each level at a larger column (an indentless sequence adds one level at the
    same column), so block depth is at most twice the longest leading run of
    indentation and indicators, plus a little. Flow depth is at most the running count of
    opening minus closing brackets anywhere in the text.
    """
    lead = max(map(len, _LEAD.findall(text)), default=0)  # C-level: one call per line adds up
    opening = text.count("[") + text.count("{")
    if opening <= MAX_NESTING // 2:
        return 2 * lead + opening + 4
    # Running depth of brackets, never below zero: the prefix sum minus its lowest point
    # so far (C-level iteration: workflow texts hold many ``${{ }}``).
    brackets = text.encode("utf-8", "replace").translate(None, _NOT_BRACKET_BYTES)
    deltas = map(_DELTA.__getitem__, brackets)
    prefix = list(accumulate(deltas, initial=0))
    flow: int = max(map(operator.sub, prefix, accumulate(prefix, min)))
    return 2 * lead + flow + 4


def yaml_too_deep(text: str, limit: int = MAX_NESTING) -> TooDeep | None:
    """The first collection that opens level ``limit + 1`` in a YAML stream, if any.

    A cheap bound rules out almost every file; only when it cannot, libyaml's event
    parser (a state machine with its own stack, so safe at any depth) measures the real
    depth and stops as soon as the limit is crossed.
    """
    if _yaml_depth_upper_bound(text) <= limit:
        return None
    from ruamel.yaml import YAML

    depth = 0
    try:
        for event in YAML(typ="safe", pure=False).parse(io.StringIO(text)):
            name = type(event).__name__
            if name in ("SequenceStartEvent", "MappingStartEvent"):
                depth += 1
                if depth > limit:
                    mark = event.start_mark
                    return TooDeep(
                        f"{TOO_DEEP_PREFIX} {limit} levels", mark.line + 1, mark.column + 1
                    )
            elif name in ("SequenceEndEvent", "MappingEndEvent"):
                depth -= 1
    except Exception:  # not YAML: the composer reports where, at a depth below the limit
        return None
    return None


# --------------------------------------------------------------------------- PromQL

_PROMQL_TOKEN = re.compile(
    r"""
    "(?:[^"\\]|\\.)*"? | '(?:[^'\\]|\\.)*'? | `[^`]*`?   # strings (skipped)
  | \#[^\n]*                                          # comments (skipped)
  | (?P<open>[(\[{]) | (?P<close>[)\]}])
  | (?P<op>==|!=|>=|<=|=~|!~|[-+*/%^<>])
  | (?P<word>[A-Za-z_:][A-Za-z0-9_:]*)
    """,
    re.VERBOSE | re.DOTALL,
)
_WORD_OPERATORS = frozenset({"and", "or", "unless", "atan2"})


def promql_too_complex(text: str) -> str | None:
    """Why ``text`` must not reach the PromQL parser (too deep or too many operators)."""
    depth = 0
    braces = 0  # inside a ``{…}`` selector, ``=~``/``!=`` are matchers, not operators
    operators = 0
    for m in _PROMQL_TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "open":
            if m.group() == "{":
                braces += 1
            depth += 1
            if depth > MAX_PROMQL_NESTING:
                return f"expression nested deeper than {MAX_PROMQL_NESTING} levels"
        elif kind == "close":
            if m.group() == "}" and braces:
                braces -= 1
            depth = max(0, depth - 1)
        elif braces:
            continue
        elif kind == "op" or (kind == "word" and m.group().lower() in _WORD_OPERATORS):
            operators += 1
            if operators > MAX_PROMQL_OPERATORS:
                return f"expression has more than {MAX_PROMQL_OPERATORS} operators"
    return None
