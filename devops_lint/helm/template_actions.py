"""The actions of a Helm template as the in-place loader reads them (``template``).

Each ``{{ … }}`` (found by ``actions.scan``) is classified as output, control flow
(``open``/``else``/``end``), comment or silent; whole-line outputs are read as include
specs (``toYaml … | nindent N``); and the dot at each action is followed through
``with``/``range``/``define`` so that ``.x`` can be resolved where it is known.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass

from ..text_errors import LineColumnError
from . import actions

_KEYWORD = re.compile(r"(if|else|range|with|end|define|block|break|continue)\b")
_ASSIGN = re.compile(r"\$[A-Za-z0-9_]*\s*(?:,\s*\$[A-Za-z0-9_]*\s*)?:?=")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TERM = re.compile(r'"(?:\\.|[^"\\\n])*"|`[^`]*`|\(|\)|\||[^\s|()"`]+')

# What "." means at an action: a path into the root context ("Values", "a") or None
# when it cannot be known (inside range, define, or a with over a computed value).
Dot = tuple[str, ...] | None


class TemplateSyntaxError(LineColumnError):
    """Template text that helm itself would refuse (unclosed action, stray end ...)."""


@dataclass(frozen=True, slots=True)
class Action:
    """One ``{{ … }}``: offsets into the template text and its body without delimiters."""

    start: int
    end: int  # offset just after the closing ``}}``
    body: str  # trim markers and surrounding whitespace removed
    kind: str  # output | comment | open | else | end | silent
    keyword: str = ""  # if/range/with/define/block/else/end/break/continue


def line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    pos = find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


def position(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based line and column of an offset."""
    line = bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _error(text: str, offset: int, message: str) -> TemplateSyntaxError:
    line, column = position(line_starts(text), offset)
    return TemplateSyntaxError(message, line, column)


def _classify(body: str) -> tuple[str, str]:
    m = _KEYWORD.match(body)
    if m:
        word = m.group(1)
        if word in ("if", "range", "with", "define", "block"):
            return "open", word
        if word in ("break", "continue"):
            return "silent", word
        return word, word  # else, end
    if _ASSIGN.match(body):
        return "silent", ""  # variable declarations print nothing
    return "output", ""


# How the in-place loader words the delimiter problems of ``actions.scan``.
_SCAN_MESSAGES = {
    actions.UNCLOSED_COMMENT: "unclosed comment in template",
    actions.COMMENT_END: "template comment does not end with */}}",
    actions.UNCLOSED_ACTION: "unclosed action: missing }}",
    actions.UNTERMINATED_STRING: "unterminated quoted string in template action",
    actions.UNTERMINATED_RAW: "unterminated raw string in template action",
}


def tokenize(text: str) -> list[Action]:
    """Every action of a Go template, in order, classified (delimiters: ``actions.scan``)."""
    out: list[Action] = []
    try:
        for a in actions.scan(text):
            if a.comment:
                out.append(Action(a.start, a.end, text[a.body_start : a.body_end], "comment"))
                continue
            body = text[a.body_start : a.body_end].strip()
            if not body:
                raise _error(text, a.start, "missing value for command in empty action")
            kind, keyword = _classify(body)
            out.append(Action(a.start, a.end, body, kind, keyword))
    except actions.ScanError as exc:
        raise _error(text, exc.offset, _SCAN_MESSAGES[exc.problem]) from None
    return out


def terms(command: str) -> list[str] | None:
    """The terms of one pipeline command; None when it nests (parentheses)."""
    out = _TERM.findall(command)
    if any(t in ("(", ")", "|") for t in out):
        return None
    return out


@functools.lru_cache(maxsize=8192)
def split_pipeline(body: str) -> tuple[tuple[str, ...], ...] | None:
    """``a b | c d`` → ``((a, b), (c, d))``; None for anything with parentheses."""
    tokens = _TERM.findall(body)
    if "(" in tokens or ")" in tokens:
        return None
    commands: list[list[str]] = [[]]
    for t in tokens:
        if t == "|":
            commands.append([])
        else:
            commands[-1].append(t)
    if any(not c for c in commands):
        return None
    return tuple(tuple(c) for c in commands)


@functools.lru_cache(maxsize=8192)
def ref_path(term: str, dot: Dot) -> Dot:
    """Path into the root context of a field reference (``.Values.a``, ``$.Chart.Name``, ``.``)."""
    if term == ".":
        return dot
    if term == "$":
        return ()
    base: Dot
    if term.startswith("$."):
        base, rest = (), term[2:]
    elif term.startswith("."):
        base, rest = dot, term[1:]
    else:
        return None
    if base is None:
        return None
    parts = rest.split(".")
    if not all(_IDENT.fullmatch(p) for p in parts):
        return None
    return (*base, *parts)


@dataclass(frozen=True, slots=True)
class IncludeSpec:
    """A whole-line output action: what it renders and at which indentation."""

    ref: str | None  # the reference given to toYaml; None for include/template/anything else
    indent: int | None  # the argument of indent/nindent
    newline: bool  # nindent (content starts on the next line at ``indent``)


@functools.lru_cache(maxsize=4096)
def parse_include(body: str) -> IncludeSpec:
    commands = split_pipeline(body)
    if commands is None:
        return IncludeSpec(None, None, False)
    indent: int | None = None
    newline = False
    last = commands[-1]
    if len(last) == 2 and last[0] in ("indent", "nindent") and last[1].isdigit():
        indent, newline = int(last[1]), last[0] == "nindent"
        commands = commands[:-1]
    ref: str | None = None
    if len(commands) == 1 and len(commands[0]) == 2 and commands[0][0] == "toYaml":
        ref = commands[0][1]
    elif len(commands) == 2 and len(commands[0]) == 1 and commands[1] == ("toYaml",):
        ref = commands[0][0]
    return IncludeSpec(ref, indent, newline)


def scopes(actions: list[Action], text: str) -> tuple[list[Dot], dict[int, int]]:
    """The dot at each action, and define blocks (opening action → its end action)."""
    dots: list[Dot] = []
    defines: dict[int, int] = {}
    stack: list[tuple[str, Dot, int]] = []
    dot: Dot = ()
    for idx, a in enumerate(actions):
        if a.kind == "open":
            dots.append(dot)
            outer = dot
            if a.keyword == "with":
                args = terms(a.body[4:])
                dot = ref_path(args[0], outer) if args and len(args) == 1 else None
            elif a.keyword in ("range", "define", "block"):
                dot = None
            stack.append((a.keyword, outer, idx))
        elif a.kind == "else":
            if not stack:
                raise _error(text, a.start, "unexpected {{else}}")
            keyword, outer, _ = stack[-1]
            dots.append(outer)
            rest = a.body[4:].strip()
            if rest.startswith("with"):
                args = terms(rest[4:])
                dot = ref_path(args[0], outer) if args and len(args) == 1 else None
            elif keyword in ("with", "range"):
                dot = outer
        elif a.kind == "end":
            if not stack:
                raise _error(text, a.start, "unexpected {{end}}")
            keyword, outer, open_idx = stack.pop()
            if keyword == "define":
                defines[open_idx] = idx
            dot = outer
            dots.append(dot)
        else:
            dots.append(dot)
    if stack:
        keyword, _, open_idx = stack[-1]
        raise _error(
            text, actions[open_idx].start, f"{{{{{keyword}}}}} is never closed by {{{{end}}}}"
        )
    return dots, defines
