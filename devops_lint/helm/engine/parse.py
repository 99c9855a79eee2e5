"""Go ``text/template`` source → a tree of nodes (the subset of the grammar Helm charts use).

Nodes keep the offset of the action that wrote them, so the evaluator can tell the source
map where every piece of output came from. ``{{-``/``-}}`` trimming is applied to the text
nodes while parsing, as Go's lexer does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...text_errors import OffsetError
from .. import actions

MAX_NESTING = 200  # control structures and parentheses nested deeper are refused


class TemplateError(OffsetError):
    """Source that Go's template parser would refuse; ``offset`` is into the file text."""


# ----------------------------------------------------------------------------- nodes
@dataclass(slots=True)
class Text:
    start: int
    end: int


@dataclass(slots=True)
class Pipe:
    decl: list[str]
    assign: bool  # ``=`` (assign to an existing variable) rather than ``:=``
    cmds: list[list[Arg]]
    pos: int


# An argument: ("field", pos, names) on dot; ("var", pos, name, names); ("dot", pos);
# ("nil", pos); ("const", pos, value); ("ident", pos, name); ("pipe", pos, Pipe, names).
Arg = tuple[Any, ...]


@dataclass(slots=True)
class Action:
    pos: int
    end: int
    pipe: Pipe


@dataclass(slots=True)
class Branch:
    """``if``/``with``/``range``: ``else_`` holds an ``else if`` as a nested Branch."""

    kind: str
    pos: int
    end: int  # offset after the opening action
    pipe: Pipe
    body: list[Node] = field(default_factory=list)
    else_: list[Node] | None = None


@dataclass(slots=True)
class Call:
    """``{{ template "name" pipe }}`` (and the call half of ``block``)."""

    pos: int
    end: int
    name: str
    pipe: Pipe | None


@dataclass(slots=True)
class Jump:
    kind: str  # break | continue
    pos: int


Node = Text | Action | Branch | Call | Jump


@dataclass(slots=True)
class Define:
    name: str
    body: list[Node]
    pos: int  # offset of the ``define`` action in its file
    source: str  # the file's text (nodes hold offsets into it)
    file: str


# ----------------------------------------------------------------------------- lexer
_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<str>"(?:\\.|[^"\\\n])*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:\\.|[^'\\\n])+')
  | (?P<decl>:=)
  | (?P<assign>=)
  | (?P<var>\$[A-Za-z0-9_]*)
  | (?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>[-+]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+
        |(?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)(?![A-Za-z0-9_]))
  | (?P<dot>\.)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[()|,])
    """,
    re.VERBOSE,
)

_KEYWORDS = {"if", "else", "end", "range", "with", "define", "template", "block"}
_KEYWORDS |= {"break", "continue"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a"}
_ESCAPES |= {"b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unquote(s: str) -> str:
    if s[0] == "`":
        return s[1:-1].replace("\r", "")
    body = s[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if nxt in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            out.append(chr(int(body[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        elif body[i + 1 : i + 4].isdigit():
            out.append(chr(int(body[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
    return "".join(out)


def _number(text: str) -> int | float:
    t = text.replace("_", "")
    try:
        return int(t, 0)
    except ValueError:
        return float(t)


def _lex(body: str, base: int) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    n = len(body)
    while pos < n:
        m = _TOKEN.match(body, pos)
        if m is None:
            raise TemplateError(f"unexpected {body[pos]!r} in action", base + pos)
        kind = m.lastgroup or ""
        # ``.a.b``, ``$x.a``, ``(pipe).a``: a field right after an operand (no space) chains.
        if (
            kind == "field"
            and out
            and out[-1][2] + len(out[-1][1]) == base + pos
            and (out[-1][0] in ("field", "chain", "var") or out[-1][1] == ")")
        ):
            kind = "chain"
        if kind != "ws":
            out.append((kind, m.group(), base + pos))
        pos = m.end()
    return out


# ----------------------------------------------------------------------------- actions
_WS = actions.WS
# How the engine words the delimiter problems of ``actions.scan``.
_SCAN_MESSAGES = {
    actions.UNCLOSED_COMMENT: "unclosed comment",
    actions.COMMENT_END: "comment ends before closing delimiter",
    actions.UNCLOSED_ACTION: "unclosed action",
    actions.UNTERMINATED_STRING: "unterminated quoted string",
    actions.UNTERMINATED_RAW: "unterminated quoted string",
}


def _scan_actions(text: str) -> list[actions.Delimited]:
    """Every action of the file (delimiter problems first, as Go's lexer finds them)."""
    try:
        return list(actions.scan(text))
    except actions.ScanError as exc:
        raise TemplateError(_SCAN_MESSAGES[exc.problem], exc.offset) from None


# ----------------------------------------------------------------------------- parser
class _PipeParser:
    def __init__(self, tokens: list[tuple[str, str, int]], pos: int) -> None:
        self.toks = tokens
        self.i = 0
        self.pos = pos
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def pipe(self, allow_decl: bool, stop: str = "") -> Pipe:
        decl: list[str] = []
        assign = False
        if allow_decl:
            j = self.i
            names: list[str] = []
            while j < len(self.toks) and self.toks[j][0] == "var":
                names.append(self.toks[j][1])
                j += 1
                if j < len(self.toks) and self.toks[j] == ("punct", ",", self.toks[j][2]):
                    j += 1
                    continue
                break
            if names and j < len(self.toks) and self.toks[j][0] in ("decl", "assign"):
                decl, assign = names, self.toks[j][0] == "assign"
                self.i = j + 1
        cmds: list[list[Arg]] = []
        cmd: list[Arg] = []
        while True:
            tok = self.peek()
            if tok is None or (stop and tok[1] == stop and tok[0] == "punct"):
                break
            kind, text, at = tok
            if kind == "punct" and text == "|":
                self.take()
                if not cmd:
                    raise TemplateError("missing command before '|'", at)
                cmds.append(cmd)
                cmd = []
                continue
            cmd.append(self.operand())
        if cmd:
            cmds.append(cmd)
        elif cmds:
            raise TemplateError("missing command after '|'", self.pos)
        return Pipe(decl, assign, cmds, self.pos)

    def fields(self) -> tuple[str, ...]:
        names: list[str] = []
        while (tok := self.peek()) is not None and tok[0] == "chain":
            names.append(tok[1][1:])
            self.take()
        return tuple(names)

    def operand(self) -> Arg:
        kind, text, at = self.take()
        if kind == "field":
            return ("field", at, (text[1:], *self.fields()))
        if kind == "var":
            return ("var", at, text, self.fields())
        if kind == "dot":
            return ("dot", at)
        if kind in ("str", "raw"):
            return ("const", at, _unquote(text))
        if kind == "char":
            return ("const", at, ord(_unquote(text)))
        if kind == "num":
            return ("const", at, _number(text))
        if kind == "ident":
            if text in ("true", "false"):
                return ("const", at, text == "true")
            if text == "nil":
                return ("nil", at)
            return ("ident", at, text)
        if kind == "punct" and text == "(":
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise TemplateError("parentheses nested too deeply", at)
            inner = self.pipe(allow_decl=False, stop=")")
            close = self.peek()
            if close is None or close[1] != ")":
                raise TemplateError("unclosed left paren", at)
            self.take()
            self.depth -= 1
            return ("pipe", at, inner, self.fields())
        raise TemplateError(f"unexpected {text!r} in operand", at)


@dataclass
class Parsed:
    nodes: list[Node]
    defines: list[Define]


def parse_template(text: str, file: str = "") -> Parsed:
    """Parse one template file; ``define``/``block`` bodies are returned beside the tree."""
    root: list[Node] = []
    defines: list[Define] = []
    # Stack of (kind, container node or define-name, list being filled, pos).
    stack: list[tuple[str, Any, list[Node], int]] = [("root", None, root, 0)]
    prev_end = 0
    pending_trim = False
    for action in _scan_actions(text):
        start, end = action.start, action.end
        t_start, t_end = prev_end, start
        if pending_trim:
            while t_start < t_end and text[t_start] in _WS:
                t_start += 1
        if action.trim_left:
            while t_end > t_start and text[t_end - 1] in _WS:
                t_end -= 1
        if t_end > t_start:
            stack[-1][2].append(Text(t_start, t_end))
        prev_end = end
        pending_trim = action.trim_right
        if action.comment:
            continue
        tokens = _lex(text[action.body_start : action.body_end], action.body_start)
        if not tokens:
            raise TemplateError("missing value for command", start)
        _node(text, file, tokens, start, end, stack, defines)
    if len(stack) > 1:
        raise TemplateError(f"unexpected EOF: unclosed {stack[-1][0]}", stack[-1][3])
    t_start = prev_end
    if pending_trim:
        while t_start < len(text) and text[t_start] in _WS:
            t_start += 1
    if t_start < len(text):
        root.append(Text(t_start, len(text)))
    return Parsed(root, defines)


def _name(tokens: list[tuple[str, str, int]], start: int, what: str) -> str:
    if len(tokens) < 2 or tokens[1][0] not in ("str", "raw"):
        raise TemplateError(f"{what} needs a quoted name", start)
    return _unquote(tokens[1][1])


def _node(
    text: str,
    file: str,
    tokens: list[tuple[str, str, int]],
    start: int,
    end: int,
    stack: list[tuple[str, Any, list[Node], int]],
    defines: list[Define],
) -> None:
    kind, word, _ = tokens[0]
    current = stack[-1][2]
    if kind == "ident" and word in _KEYWORDS:
        rest = tokens[1:]
        if word in ("if", "with", "range"):
            if len(stack) > MAX_NESTING:
                raise TemplateError("control structures nested too deeply", start)
            branch = Branch(word, start, end, _PipeParser(rest, start).pipe(allow_decl=True))
            if not branch.pipe.cmds:
                raise TemplateError(f"missing value for {word}", start)
            current.append(branch)
            stack.append((word, branch, branch.body, start))
            return
        if word == "else":
            top_kind, top, _, _ = stack[-1]
            if top_kind not in ("if", "with", "range", "elseif") or top.else_ is not None:
                raise TemplateError("unexpected {{else}}", start)
            top.else_ = []
            if rest and rest[0][0] == "ident" and rest[0][1] in ("if", "with"):
                pipe = _PipeParser(rest[1:], start).pipe(allow_decl=True)
                inner = Branch(rest[0][1], start, end, pipe)
                top.else_.append(inner)
                # ``else if`` closes with the outer ``end``: mark it to pop twice.
                stack[-1] = (top_kind, top, top.else_, stack[-1][3])
                stack.append(("elseif", inner, inner.body, start))
                return
            stack[-1] = (top_kind, top, top.else_, stack[-1][3])
            return
        if word == "end":
            if len(stack) == 1:
                raise TemplateError("unexpected {{end}}", start)
            while stack[-1][0] == "elseif":
                stack.pop()
            top_kind, top, body, pos = stack.pop()
            if top_kind in ("define", "block"):
                defines.append(Define(top, body, pos, text, file))
            return
        if word == "define":
            name = _name(tokens, start, "define")
            if len(stack) > 1:
                raise TemplateError("define inside another action", start)
            stack.append(("define", name, [], start))
            return
        if word in ("block", "template"):
            # ``block`` is a ``template`` call plus the define of its body.
            name = _name(tokens, start, word)
            pipe = _PipeParser(tokens[2:], start).pipe(allow_decl=False)
            current.append(Call(start, end, name, pipe if pipe.cmds else None))
            if word == "block":
                stack.append(("block", name, [], start))
            return
        if word in ("break", "continue"):
            if not any(k == "range" for k, *_ in stack):
                raise TemplateError(f"{{{{{word}}}}} outside {{{{range}}}}", start)
            current.append(Jump(word, start))
            return
    pipe = _PipeParser(tokens, start).pipe(allow_decl=True)
    current.append(Action(start, end, pipe))
