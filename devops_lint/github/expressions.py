"""GitHub Actions expressions: finding ``${{ … }}`` in text and parsing them.

The grammar is GitHub's: literals (``null``, booleans, numbers, ``'strings'`` with
``''`` escapes), context names, property access (``a.b``, ``a.*``), indexing
(``a['b']``, ``a[0]``, ``a[*]``), function calls, ``!``, comparisons, ``==``/``!=``,
``&&`` and ``||`` (in rising binding order from ``||``). Offsets are 0-based and
relative to the text handed to the parser, so callers can map them back into files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text_errors import OffsetError
from .exprtree import Binary, Call, Context, Index, Literal, Node, Property, Ref, Unary, refs_of

MAX_DEPTH = 100  # nesting bound: hostile input must not exhaust the stack
# Expressions analysed in one string. Real workflows have a handful; 100,000 in one
# ``run:`` cost minutes of analysis. The first one past the bound is reported as a malformed
# expression (X-000.invalid-expression), so what follows is never silently skipped.
MAX_EXPRESSIONS_PER_STRING = 1000


class ExpressionError(OffsetError):
    """A malformed expression; ``offset`` is where the problem was found."""


# Function names the parser accepts (lower case: GitHub's are case-insensitive).
FUNCTIONS = frozenset(
    {
        "contains",
        "startswith",
        "endswith",
        "format",
        "join",
        "tojson",
        "fromjson",
        "hashfiles",
        "success",
        "always",
        "cancelled",
        "failure",
        "case",
    }
)

# --------------------------------------------------------------------------- lexer

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<unterminated>'.*)
  | (?P<number>[-+]?(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))
  | (?P<op>&&|\|\||==|!=|<=|>=|<|>|!|\(|\)|\[|\]|\.|,|\*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # "string", "number", "op", "ident", "end"
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            raise ExpressionError(f"unexpected character {text[pos]!r}", pos)
        kind = m.lastgroup or ""
        if kind == "unterminated":
            raise ExpressionError("unterminated string literal", pos)
        if kind != "ws":
            tokens.append(Token(kind, m.group(), pos, m.end()))
        pos = m.end()
    tokens.append(Token("end", "", len(text), len(text)))
    return tokens


# --------------------------------------------------------------------------- parser

_PRECEDENCE: list[tuple[str, ...]] = [("||",), ("&&",), ("==", "!="), ("<", "<=", ">", ">=")]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def next(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind != "end":
            self.pos += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.next()
        if tok.kind != "op" or tok.text != text:
            found = repr(tok.text) if tok.kind != "end" else "end of expression"
            raise ExpressionError(f"expected {text!r}, found {found}", tok.start)
        return tok

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise ExpressionError("empty expression", 0)
        node = self.binary(0)
        tok = self.peek()
        if tok.kind != "end":
            raise ExpressionError(f"unexpected {tok.text!r}", tok.start)
        return node

    def binary(self, level: int) -> Node:
        if level == len(_PRECEDENCE):
            return self.unary()
        self._enter()
        left = self.binary(level + 1)
        while self.peek().kind == "op" and self.peek().text in _PRECEDENCE[level]:
            op = self.next().text
            right = self.binary(level + 1)
            left = Binary(op, left, right, left.start, right.end)
        self.depth -= 1
        return left

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("expression nested too deeply", self.peek().start)

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.text == "!":
            self.next()
            self._enter()
            operand = self.unary()
            self.depth -= 1
            return Unary("!", operand, tok.start, operand.end)
        return self.postfix(self.primary())

    def primary(self) -> Node:
        tok = self.next()
        if tok.kind == "string":
            return Literal(tok.text[1:-1].replace("''", "'"), tok.start, tok.end)
        if tok.kind == "number":
            try:
                num = float(int(tok.text, 16)) if "x" in tok.text else float(tok.text)
            except ValueError as exc:
                raise ExpressionError(f"invalid number {tok.text!r}", tok.start) from exc
            return Literal(num, tok.start, tok.end)
        if tok.kind == "ident":
            low = tok.text.lower()
            if self.peek().kind == "op" and self.peek().text == "(":
                return self.call(tok)
            if low == "true":
                return Literal(True, tok.start, tok.end)
            if low == "false":
                return Literal(False, tok.start, tok.end)
            if low == "null":
                return Literal(None, tok.start, tok.end)
            return Context(low, tok.start, tok.end)
        if tok.kind == "op" and tok.text == "(":
            self._enter()
            inner = self.binary(0)
            self.depth -= 1
            self.expect(")")
            return inner
        found = repr(tok.text) if tok.kind != "end" else "end of expression"
        raise ExpressionError(f"unexpected {found}", tok.start)

    def call(self, name: Token) -> Node:
        low = name.text.lower()
        if low not in FUNCTIONS:
            raise ExpressionError(f"unknown function {name.text!r}", name.start)
        self.expect("(")
        args: list[Node] = []
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            self._enter()
            while True:
                args.append(self.binary(0))
                if self.peek().kind == "op" and self.peek().text == ",":
                    self.next()
                    continue
                break
            self.depth -= 1
        end = self.expect(")")
        return Call(low, tuple(args), name.start, end.end)

    def postfix(self, node: Node) -> Node:
        chain = 0
        while True:
            tok = self.peek()
            if tok.kind != "op":
                return node
            if tok.text in (".", "["):
                # Each access nests the tree one level deeper (5,000 links of ``a.b.c…`` would
                # exhaust the stack of every recursive walk over it).
                chain += 1
                if chain > MAX_DEPTH:
                    raise ExpressionError("expression nested too deeply", tok.start)
            if tok.text == ".":
                self.next()
                name = self.next()
                if name.kind == "ident":
                    node = Property(node, name.text.lower(), node.start, name.end)
                elif name.kind == "op" and name.text == "*":
                    node = Property(node, "*", node.start, name.end)
                else:
                    raise ExpressionError("expected a property name after '.'", name.start)
            elif tok.text == "[":
                self.next()
                if self.peek().kind == "op" and self.peek().text == "*":
                    self.next()
                    end = self.expect("]")
                    node = Property(node, "*", node.start, end.end)
                    continue
                self._enter()
                index = self.binary(0)
                self.depth -= 1
                end = self.expect("]")
                node = Index(node, index, node.start, end.end)
            else:
                return node


def parse(text: str) -> Node:
    """Parse the body of one expression (the text between ``${{`` and ``}}``)."""
    return _Parser(text).parse()


# --------------------------------------------------------------------------- in text


@dataclass(frozen=True)
class Embedded:
    """One ``${{ … }}`` inside a string: ``start``/``end`` cover the delimiters."""

    start: int
    end: int
    body: str  # the text between the delimiters
    body_start: int
    node: Node | None = None
    error: ExpressionError | None = None
    refs: tuple[Ref, ...] = field(default=())


def _scan_end(text: str, pos: int) -> int:
    """Index of the ``}}`` closing the expression whose body starts at ``pos`` (-1: none).

    Braces inside string literals do not close it.
    """
    i = pos
    n = len(text)
    while i < n:
        c = text[i]
        if c == "'":
            j = text.find("'", i + 1)
            while j != -1 and j + 1 < n and text[j + 1] == "'":
                j = text.find("'", j + 2)
            if j == -1:
                return text.find("}}", i)
            i = j + 1
            continue
        if c == "}" and text.startswith("}}", i):
            return i
        i += 1
    return -1


def find_expressions(text: str) -> list[Embedded]:
    """Every ``${{ … }}`` in ``text``, parsed; malformed ones carry ``error``."""
    out: list[Embedded] = []
    pos = 0
    while True:
        start = text.find("${{", pos)
        if start == -1:
            return out
        body_start = start + 3
        if len(out) == MAX_EXPRESSIONS_PER_STRING:
            err = ExpressionError(
                f"more than {MAX_EXPRESSIONS_PER_STRING} expressions in one string;"
                " this one and the rest are not analysed",
                start,
            )
            out.append(Embedded(start, len(text), text[body_start:], body_start, None, err))
            return out
        close = _scan_end(text, body_start)
        if close == -1:
            err = ExpressionError("unterminated '${{': no closing '}}'", start)
            out.append(Embedded(start, len(text), text[body_start:], body_start, None, err))
            return out
        body = text[body_start:close]
        try:
            node = parse(body)
        except ExpressionError as exc:
            shifted = ExpressionError(exc.message, body_start + exc.offset)
            out.append(Embedded(start, close + 2, body, body_start, None, shifted))
        else:
            out.append(Embedded(start, close + 2, body, body_start, node, None, refs_of(node)))
        pos = close + 2


def parse_condition(text: str) -> tuple[Node | None, ExpressionError | None, int]:
    """An ``if:`` value: either a bare expression or one wrapped in ``${{ }}``.

    Returns the node, an error, and the offset of the parsed body inside ``text``.
    """
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    if stripped.startswith("${{") and stripped.endswith("}}"):
        found = find_expressions(stripped)
        if len(found) == 1 and found[0].end == len(stripped):
            e = found[0]
            return e.node, e.error, lead + e.body_start
    if "${{" in text:
        # A mix of text and expressions is a string, always truthy: not a condition.
        return None, None, 0
    try:
        return parse(text), None, 0
    except ExpressionError as exc:
        return None, exc, 0
