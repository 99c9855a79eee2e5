"""What both native-syntax parsers share: the located error, string unescaping and the
folding of template pieces into ``Literal``/``Template``/``Unknown``.

Kept apart from ``hcl.py`` (the boundary) so that the parser modules behind it import
these without importing each other.
"""

from __future__ import annotations

import re

from ..model import Span
from ..text_errors import LineColumnError
from .expr import Expr, Literal, Template, Unknown

# Deeper expressions become `Unknown`: the walks are recursive and must never reach
# Python's recursion limit on hostile input.
MAX_DEPTH = 120


class HclSyntaxError(LineColumnError):
    """A located syntax error (1-based line and column)."""


_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(s: str) -> str:
    """The characters a quoted-string piece stands for (``\\n``, ``\\u00e9`` …)."""
    if "\\" not in s:
        return s

    def sub(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] in "uU" and len(e) > 1:
            try:
                return chr(int(e[1:], 16))
            except ValueError:
                return m.group(0)
        return _SIMPLE_ESCAPES.get(e, m.group(0))

    return _ESCAPE.sub(sub, s)


def fold_template(text: str, span: Span | None, parts: list[str | Expr], directive: bool) -> Expr:
    """String pieces and interpolations → a ``Literal`` (no interpolation), a ``Template``,
    or an ``Unknown`` holding the expressions (a template with ``%{…}`` directives)."""
    if directive:
        return Unknown(text, span, tuple(p for p in parts if isinstance(p, Expr)))
    merged: list[str | Expr] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + p
        else:
            merged.append(p)
    if all(isinstance(p, str) for p in merged):
        return Literal(text, span, "".join(p for p in merged if isinstance(p, str)))
    return Template(text, span, tuple(merged))


# python-hcl2's heredoc terminals (hcl2.lark), compiled the same way: the tree-sitter path
# checks that a heredoc ends where python-hcl2 would end it, and takes its text from there.
HEREDOC = re.compile(
    r"<<(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc)\r?\n"
)
HEREDOC_TRIM = re.compile(
    r"<<-(?P<heredoc_trim>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc_trim)\r?\n"
)


def heredoc_content(raw: str, trim: bool) -> str:
    """The body of a heredoc token (marker lines dropped; ``<<-`` strips the common indent)."""
    first_nl = raw.find("\n")
    body = raw[first_nl + 1 :]
    # Drop the closing marker line (the token ends with its newline).
    stripped = body.rstrip("\n").rstrip("\r")
    cut = max(stripped.rfind("\n"), -1)
    content = stripped[: cut + 1] if cut >= 0 else ""
    if trim and content:
        lines = content.split("\n")
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        n = min(indents) if indents else 0
        content = "\n".join(ln[n:] for ln in lines)
    return content


def _matching_brace(s: str, start: int) -> int:
    """Index of the ``}`` closing the ``{`` before ``start``, or -1 (skips quoted strings)."""
    depth = 1
    i = start
    n = len(s)
    while i < n:
        c = s[i]
        if c == '"':
            i += 1
            while i < n and s[i] != '"':
                i += 2 if s[i] == "\\" else 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


_TEMPLATE_START = re.compile(r"[$%]{1,2}\{")


def parse_template(content: str, span: Span | None, text: str | None = None) -> Expr:
    """A template string (heredoc body, ``.tf.json`` string) → Literal/Template/Unknown.

    Interpolations are read by ``hcl.parse_expression`` and take ``span`` (positions inside
    the fragment mean nothing to the file).
    """
    from .hcl import parse_expression  # the boundary: whichever parser is the default

    parts: list[str | Expr] = []
    directive = False
    buf: list[str] = []
    i = 0
    n = len(content)
    while i < n:
        m = _TEMPLATE_START.search(content, i)
        if m is None:
            buf.append(content[i:])
            break
        if m.start() > i:
            buf.append(content[i : m.start()])
            i = m.start()
        if content.startswith("$${", i) or content.startswith("%%{", i):
            buf.append(content[i + 1 : i + 3])
            i += 3
            continue
        if content.startswith("${", i) or content.startswith("%{", i):
            end = _matching_brace(content, i + 2)
            if end < 0:
                buf.append(content[i:])
                break
            inner = content[i + 2 : end].strip().strip("~").strip()
            if buf:
                parts.append("".join(buf))
                buf = []
            if content[i] == "$":
                parts.append(parse_expression(inner, span))
            else:
                directive = True
            i = end + 1
            continue
        buf.append(content[i])
        i += 1
    if buf:
        parts.append("".join(buf))
    return fold_template(content if text is None else text, span, parts, directive)
