"""The expression walk shared by the tree-sitter path: dispatch, operands, traversals, for.

``hcl_ts._Converter`` subclasses ``ConverterBase`` with the structure (bodies, blocks),
literals, strings, collections and operators; this half holds what every expression kind
calls back into: dispatch by node type, python-hcl2's end of a node, parenthesised and
traversal sequences (``a.b[0].*.c``), the heredoc token check, and for-expressions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .expr import Expr, ForExpr, Index, Literal, Ref, Unknown
from .hcl_text import HEREDOC, HEREDOC_TRIM, MAX_DEPTH
from .hcl_ts_source import End, Source, Unmappable

# python-hcl2's NAME terminal; its keywords always lex as keywords (never as a name), so a
# variable, attribute access or function called so is a syntax error there.
NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*\Z")
KEYWORDS = frozenset({"in", "for", "if", "for_each", "else", "endif", "endfor"})
INT = re.compile(r"[0-9]+\Z")
FLOAT = re.compile(r"[0-9]+(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)\Z")
# After a `-` with no space: python-hcl2's lexer takes `-` and these digits as one number.
NEGATIVE_NUMBER = re.compile(r"[0-9]{2,}|[0-9]+(?:\.[0-9]|[eE][+-]?[0-9]|-[0-9])")
# After a legacy index `.0`: the lexer takes the digits and these as one float.
FLOAT_TAIL = re.compile(r"\.[0-9]|[eE][+-]?[0-9]")
# Expression nesting this path follows; each level counts as (at least) the levels
# python-hcl2's walk spends on it, so deeper input is left to python-hcl2, which turns it
# into `Unknown` at MAX_DEPTH.
STEP = 3
WRAPPERS = frozenset(
    {"expression", "operation", "template_expr", "collection_value", "for_expr", "literal_value"}
)
ELLIPSIS = frozenset({"ellipsis", "..."})
BINARY_OPERATORS = frozenset(
    {"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"}
)
CONDITIONAL_MARKS = frozenset({"?", ":"})
_WORDS = frozenset({"for", "in", "if", "bool_lit", "null_lit", "true", "false", "null"})
_NAME_CHAR = re.compile(rb"[a-zA-Z0-9_-]")


def kids_of(node: Any) -> list[Any]:
    """The children, without comments (tree-sitter puts them anywhere)."""
    return [c for c in node.children if c.type != "comment"]


def only_child(node: Any) -> Any:
    """The one child that is not a comment, or ``None`` (cheap for the common one child)."""
    if node.child_count == 1:
        return node.child(0)
    kids = kids_of(node)
    return kids[0] if len(kids) == 1 else None


def unwrap(node: Any) -> Any:
    while node.type in WRAPPERS:
        child = only_child(node)
        if child is None:
            return node
        node = child
    return node


def is_binary(node: Any) -> bool:
    return bool(unwrap(node).type == "binary_operation")


class ConverterBase:
    def __init__(self, src: Source) -> None:
        self.src = src

    # -- names ---------------------------------------------------------------------
    def name(self, node: Any, keyword_ok: bool = True) -> str:
        name = self.src.slice(node)
        if node.type != "identifier" or not NAME.match(name):
            raise Unmappable(f"not a python-hcl2 name: {name[:40]!r}")
        if not keyword_ok and name in KEYWORDS:
            raise Unmappable(f"keyword {name!r} used as a name")
        return name

    # -- structure -----------------------------------------------------------------
    def expr(self, node: Any, d: int) -> Expr:
        if d > MAX_DEPTH:
            raise Unmappable("expression nested too deeply")
        method: Callable[[Any, int], Expr] | None = getattr(self, "x_" + node.type, None)
        if method is None:
            raise Unmappable(f"unexpected {node.type} in an expression")
        return method(node, d)

    def lark_end(self, node: Any) -> End:
        """Where python-hcl2's node for this expression ends (see ``hcl_ts_source``)."""
        inner = unwrap(node)
        t = inner.type
        if t == "binary_operation":
            return self.src.newline_run(self.lark_end(kids_of(inner)[-1]))
        if t == "conditional":
            return self.lark_end(kids_of(inner)[-1])
        if t == "unary_operation":
            return self.lark_end(kids_of(inner)[-1])
        if t == "heredoc_template":
            return self._heredoc_token(inner)[1]
        return self.src.node_end(node)

    def whole_words(self, nodes: list[Any]) -> None:
        """tree-sitter-hcl takes a keyword (``in``, ``true`` …) from the front of a longer
        name (``inwindows``); python-hcl2 reads the name: decline then."""
        data = self.src.data
        for node in nodes:
            if node.type in _WORDS and _NAME_CHAR.match(data, node.end_byte):
                raise Unmappable("keyword run into a name")

    def gap_tokens(self, left: Any, right: Any) -> list[tuple[int, int]]:
        """The line breaks and comments between where python-hcl2 ends ``left`` and ``right``."""
        stop = self.src.start(right)
        tokens, following = self.src.nl_tokens(self.lark_end(left).offset, stop)
        if following != stop:
            raise Unmappable("unexpected text between two tokens")
        return tokens

    def _wrapper(self, node: Any, d: int) -> Expr:
        child = only_child(node)
        if child is None:
            raise Unmappable(f"unexpected {node.type} shape")
        return self.expr(child, d)

    x_operation = x_template_expr = x_collection_value = x_for_expr = _wrapper

    def x_expression(self, node: Any, d: int) -> Expr:
        if node.child_count == 1:
            return self.expr(node.child(0), d)
        kids = kids_of(node)
        if len(kids) == 1:
            return self.expr(kids[0], d)
        return self.sequence(node, kids, d)

    def sequence(self, node: Any, kids: list[Any], d: int) -> Expr:
        """``( expr )`` and/or a base followed by traversal steps."""
        if kids[0].type == "(":
            if len(kids) < 3 or kids[2].type != ")":
                raise Unmappable("unexpected parenthesised shape")
            self.src.gaps_allowed(node, kids, lambda i: i < 2)
            base_node, steps = kids[1], kids[3:]
        else:
            self.src.gaps_allowed(node, kids, None)
            base_node, steps = kids[0], kids[1:]
        base = self.expr(base_node, d + STEP + 2 * len(steps))
        return self.traverse(kids[0], base, steps, d) if steps else base

    def x_variable_expr(self, node: Any, d: int) -> Expr:
        kids = kids_of(node)
        if len(kids) != 1:
            raise Unmappable("unexpected variable shape")
        name = self.name(kids[0], keyword_ok=False)
        return Ref(self.src.slice(node), self.src.span(node), (name,))

    def _heredoc_token(self, node: Any) -> tuple[str, End, bool]:
        """python-hcl2's heredoc token from this node's start: its text and end."""
        trim = self.src.slice(node).startswith("<<-")
        start = self.src.start(node)
        m = (HEREDOC_TRIM if trim else HEREDOC).match(self.src.padded, start)
        node_end = self.src.node_end(node)
        if m is None or self.src.padded[node_end.offset : m.end()] not in ("\n", "\r\n"):
            raise Unmappable("heredoc that python-hcl2 ends elsewhere")
        return m.group(0), self.src.advance(node_end, m.end()), trim

    def operand(self, node: Any, kids: list[Any], d: int) -> Expr:
        """An operand: one node, or a base and its traversal steps inlined in ``node``."""
        if not kids:
            raise Unmappable("missing operand")
        if len(kids) == 1:
            return self.expr(kids[0], d)
        return self.sequence(node, kids, d)

    def _split(self, kids: list[Any], ops: frozenset[str]) -> list[int]:
        return [i for i, k in enumerate(kids) if not k.is_named and k.type in ops]

    def traverse(self, first: Any, base: Expr, steps: list[Any], d: int) -> Expr:
        """python-hcl2 nests one node per step; a splat takes every step up to the next."""
        current = base
        i = 0
        while i < len(steps):
            step = steps[i]
            if step.type == "splat":
                inner = kids_of(step)
                if len(inner) != 1 or inner[0].type not in ("attr_splat", "full_splat"):
                    raise Unmappable("unexpected splat shape")
                j = i + 1
                while j < len(steps) and steps[j].type != "splat":
                    j += 1
                taken = kids_of(inner[0])[1:] + steps[i + 1 : j]
                current = self.splat(first, current, taken, steps[j - 1], d)
                i = j
                continue
            key, key_expr = self.step_key(step, d)
            end = self.src.node_end(step)
            text = self.src.slice_to(first, end)
            span = self.src.span_to(first, end)
            if key is not None and isinstance(current, Ref):
                current = Ref(text, span, (*current.parts, key))
            else:
                if key is not None:
                    key_expr = Literal(str(key), None, key)
                assert key_expr is not None
                current = Index(text, span, current, key_expr)
            i += 1
        return current

    def step_key(self, step: Any, d: int) -> tuple[str | int | None, Expr | None]:
        kids = kids_of(step)
        self.src.gaps_allowed(step, kids, None)
        if step.type == "get_attr":
            name = self.src.slice(kids[-1])
            if len(kids) != 2 or not NAME.match(name) or name in KEYWORDS:
                raise Unmappable(f"attribute name python-hcl2 refuses: {name[:40]!r}")
            return name, None
        if step.type != "index" or len(kids) != 1:
            raise Unmappable(f"unexpected {step.type} in a traversal")
        index = kids[0]
        if index.type == "legacy_index":
            digits = self.src.slice(index)[1:]
            after = self.src.data[index.end_byte : index.end_byte + 8].decode("ascii", "replace")
            if not INT.match(digits) or FLOAT_TAIL.match(after):
                raise Unmappable("legacy index python-hcl2 lexes otherwise")
            return int(digits), None
        if index.type == "new_index":
            ik = kids_of(index)
            if len(ik) != 3:
                raise Unmappable("unexpected index shape")
            key = self.expr(ik[1], d + STEP)
            if isinstance(key, Literal) and isinstance(key.value, (str, int)):
                if isinstance(key.value, bool):
                    return None, key
                return key.value, None
            return None, key
        raise Unmappable(f"unexpected {index.type}")

    def splat(self, first: Any, base: Expr, steps: list[Any], last: Any, d: int) -> Expr:
        end = self.src.node_end(last)
        text = self.src.slice_to(first, end)
        span = self.src.span_to(first, end)
        if not isinstance(base, Ref):
            return Unknown(text, span, (base,))
        parts: list[str | int] = [*base.parts, "*"]
        for step in steps:
            key, _key_expr = self.step_key(step, d)
            if key is None:
                return Unknown(text, span, (base,))
            parts.append(key)
        return Ref(text, span, tuple(parts))

    # for expressions -------------------------------------------------------------------
    def for_intro(self, node: Any, d: int) -> tuple[str | None, str, Expr]:
        kids = kids_of(node)
        self.src.gaps_allowed(node, kids, lambda i: "," not in (kids[i].type, kids[i + 1].type))
        self.whole_words(kids)
        names = [self.name(k, keyword_ok=False) for k in kids if k.type == "identifier"]
        colls = [k for k in kids if k.type == "expression"]
        if len(colls) != 1 or not 1 <= len(names) <= 2:
            raise Unmappable("unexpected for shape")
        coll = self.expr(colls[0], d + STEP)
        if len(names) == 2:
            return names[0], names[1], coll
        return None, names[0], coll

    def for_cond(self, kids: list[Any], d: int) -> Expr | None:
        conds = [k for k in kids if k.type == "for_cond"]
        if not conds:
            return None
        inner = kids_of(conds[0])
        self.whole_words(inner)
        if len(inner) != 2:
            raise Unmappable("unexpected for condition shape")
        return self.expr(inner[1], d + STEP)

    def x_for_tuple_expr(self, node: Any, d: int) -> Expr:
        kids = kids_of(node)
        if len(kids) < 4 or kids[1].type != "for_intro":
            raise Unmappable("unexpected for shape")
        key_var, value_var, coll = self.for_intro(kids[1], d)
        value = self.expr(kids[2], d + STEP)
        cond = self.for_cond(kids[3:], d)
        text = self.src.slice(node)
        return ForExpr(text, self.src.span(node), key_var, value_var, coll, value, None, cond)

    def x_for_object_expr(self, node: Any, d: int) -> Expr:
        kids = kids_of(node)
        if len(kids) < 6 or kids[1].type != "for_intro" or kids[3].type != "=>":
            raise Unmappable("unexpected for shape")
        self.src.gaps_allowed(node, kids, lambda i: i != 2 or is_binary(kids[2]))
        key_var, value_var, coll = self.for_intro(kids[1], d)
        key = self.expr(kids[2], d + STEP)
        value = self.expr(kids[4], d + STEP)
        cond = self.for_cond(kids[5:], d)
        group = any(k.type in ELLIPSIS for k in kids)
        text = self.src.slice(node)
        return ForExpr(text, self.src.span(node), key_var, value_var, coll, value, key, cond, group)
