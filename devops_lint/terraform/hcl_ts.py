"""Native HCL syntax through tree-sitter-hcl: its syntax tree → ``syntax.Body`` with ``expr``
values, the same located model python-hcl2's path (``hcl_lark.py``) builds.

"The same" is exact: every attribute, block, expression node, text and span equals what
python-hcl2 gives, so findings and output do not depend on the parser. Where the two
grammars read a text differently (python-hcl2 nests ``a ? b : c ? d : e`` to the right,
lexes ``-10`` as one number, refuses a line break after ``=`` or a keyword as a variable
name …), this module raises ``Unmappable`` and ``hcl.py`` lets python-hcl2 read the file:
declining costs time, never a difference. A tree with an error node is declined too, so
syntax errors are always python-hcl2's, with its message and position.

tree-sitter parses without recursing; this module's walk recurses once per nesting level
and declines expressions deeper than python-hcl2's ``MAX_DEPTH`` bound could reach.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..model import Span
from .expr import (
    Call,
    Conditional,
    Expr,
    ListExpr,
    Literal,
    ObjectExpr,
    Operation,
    number,
)
from .hcl_text import (
    MAX_DEPTH,
    fold_template,
    heredoc_content,
    parse_template,
    unescape,
)
from .hcl_ts_base import (
    BINARY_OPERATORS,
    CONDITIONAL_MARKS,
    ELLIPSIS,
    FLOAT,
    INT,
    KEYWORDS,
    NAME,
    NEGATIVE_NUMBER,
    STEP,
    ConverterBase,
    is_binary,
    kids_of,
    only_child,
    unwrap,
)
from .hcl_ts_source import Source, Unmappable
from .syntax import Attribute, Block, Body

# python-hcl2's ESCAPED_INTERPOLATION and ESCAPED_DIRECTIVE terminals.
_ESCAPED = re.compile(r"(\$\$\{[^}]*\}|%%\{[^}]*\})")
_BACKSLASHED = re.compile(r"\\.", re.DOTALL)


@functools.cache
def _parser() -> Any:
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


def available() -> bool:
    """Whether the tree-sitter wheels can be imported here."""
    try:
        _parser()
    except (ImportError, OSError, ValueError):
        return False
    return True


def parse_hcl_ts(text: str) -> Body:
    """The file's ``Body``; raises ``Unmappable`` when python-hcl2 must read it instead."""
    src = Source(text)
    root = _parser().parse(src.data).root_node
    if root.has_error:
        raise Unmappable("tree-sitter found a syntax error")
    kids = kids_of(root)
    if len(kids) > 1 or (kids and kids[0].type != "body"):
        raise Unmappable("unexpected top-level node")
    try:
        return _Converter(src).body(kids[0]) if kids else Body()
    except RecursionError:
        raise Unmappable("nested too deeply") from None


def parse_expression_ts(text: str, span: Span | None) -> Expr:
    """One expression, every node at ``span``; raises ``Unmappable`` (see ``parse_hcl_ts``)."""
    src = Source("x = " + text.strip(), span)
    root = _parser().parse(src.data).root_node
    if root.has_error:
        raise Unmappable("tree-sitter found a syntax error")
    body = kids_of(root)
    attrs = [c for c in kids_of(body[0]) if c.type == "attribute"] if body else []
    if len(attrs) != 1:
        raise Unmappable("not one expression")
    return _Converter(src).attribute(attrs[0]).expr


def try_parse_hcl(text: str) -> Body | None:
    """The file's ``Body``, or ``None`` when python-hcl2 must read it."""
    try:
        return parse_hcl_ts(text)
    except Exception:  # Unmappable, or any surprise of this path: the reference reads it
        return None


def try_parse_expression(text: str, span: Span | None) -> Expr | None:
    """The expression, or ``None`` when python-hcl2 must read it."""
    try:
        return parse_expression_ts(text, span)
    except Exception:  # as in try_parse_hcl
        return None


class _Converter(ConverterBase):
    def body(self, node: Any) -> Body:
        return Body.of([self._item(child) for child in kids_of(node)])

    def _item(self, node: Any) -> Attribute | Block:
        if node.type == "attribute":
            return self.attribute(node)
        if node.type == "block":
            return self.block(node)
        raise Unmappable(f"unexpected {node.type} in a body")

    def attribute(self, node: Any) -> Attribute:
        # three children unless a comment sits inside (then a comment shows as a fourth)
        kids = node.children if node.child_count == 3 else kids_of(node)
        if len(kids) != 3 or kids[1].type != "=":
            raise Unmappable("unexpected attribute shape")
        self.src.gaps_allowed(node, kids, None)
        name_node, _, value = kids
        return Attribute(
            name=self.name(name_node),
            expr=self.expr(value, 0),
            span=self.src.span_to(node, self.lark_end(value)),
            name_span=self.src.span(name_node),
        )

    def block(self, node: Any) -> Block:
        kids = kids_of(node)
        labels: list[str] = []
        start: Any = None
        body: Body | None = None
        for child in kids[1:]:
            t = child.type
            if t == "block_start" and start is None:
                start = child
            elif t == "body" and start is not None:
                body = self.body(child)
            elif t == "block_end" and start is not None:
                pass
            elif start is None and t == "identifier":
                labels.append(self.name(child))
            elif start is None and t == "string_lit":
                labels.append(self.label(child))
            else:
                raise Unmappable(f"unexpected {t} in a block")
        if start is None:
            raise Unmappable("block without a body")
        first_open = kids.index(start)
        # python-hcl2 takes a line break before `{` and inside the body, nowhere else.
        self.src.gaps_allowed(node, kids, lambda i: i + 1 >= first_open)
        span = self.src.span(node)
        brace = self.src.span(start)
        header = Span(span.line, span.column, brace.line, brace.column)
        return Block(self.name(kids[0]), tuple(labels), body or Body(), span, header)

    def label(self, node: Any) -> str:
        """A quoted block label as python-hcl2 reads it: escapes decoded, ``${…}`` kept."""
        out: list[str] = []
        for piece, raw in self._template_pieces(node):
            out.append(unescape(raw) if piece is None else raw)
        return "".join(out)

    # -- expressions ---------------------------------------------------------------
    def x_literal_value(self, node: Any, d: int) -> Expr:
        inner = only_child(node)
        if inner is None:
            raise Unmappable("unexpected literal shape")
        t = inner.type
        if t == "string_lit":
            return self.string(inner, d)
        word = self.src.slice(node)
        span = self.src.span(node)
        if t == "numeric_lit":
            if INT.match(word) or FLOAT.match(word):
                return Literal(word, span, number(word))
            raise Unmappable(f"number python-hcl2 reads otherwise: {word[:40]!r}")
        if t == "bool_lit":
            self.whole_words([inner])
            return Literal(word, span, word == "true")
        if t == "null_lit":
            self.whole_words([inner])
            return Literal(word, span, None)
        raise Unmappable(f"unexpected literal {t}")

    # strings -------------------------------------------------------------------------
    def _template_pieces(self, node: Any) -> list[tuple[Any, str]]:
        """``(None, raw text)`` for literal pieces, ``(interpolation node, raw text)``."""
        kids = node.children
        if (
            len(kids) < 2
            or kids[0].type != "quoted_template_start"
            or kids[-1].type != "quoted_template_end"
        ):
            raise Unmappable("unexpected string shape")
        data = self.src.data
        pieces: list[tuple[Any, str]] = []
        pos = kids[0].end_byte
        for child in kids[1:-1]:
            t = child.type
            if t == "template_literal":
                continue  # taken below, between interpolations
            if t != "template_interpolation":
                raise Unmappable(f"{t} in a quoted string")
            if child.start_byte > pos:
                pieces.append((None, data[pos : child.start_byte].decode("utf-8", "replace")))
            pieces.append((child, self.src.slice(child)))
            pos = child.end_byte
        if kids[-1].start_byte > pos:
            pieces.append((None, data[pos : kids[-1].start_byte].decode("utf-8", "replace")))
        return self._escapes_as_python_hcl2(pieces)

    @staticmethod
    def _escapes_as_python_hcl2(pieces: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
        """python-hcl2 reads an escaped ``$${…}``/``%%{…}`` up to the first ``}`` as one token,
        and ``$$${x}`` as ``$`` and an escaped ``${x}`` where tree-sitter sees ``$$`` and an
        interpolation: such an interpolation becomes text again. Escapes that python-hcl2
        would close in another piece (or string), after a ``\\``, or that leave a quote
        outside them (python-hcl2 ends the string there), decline."""
        if len(pieces) == 1 and pieces[0][0] is None and "{" not in pieces[0][1]:
            return pieces  # the common plain string
        merged: list[tuple[Any, str]] = []
        for piece, raw in pieces:
            if merged and merged[-1][0] is None and merged[-1][1].endswith("$"):
                merged[-1] = (None, merged[-1][1] + raw)  # interpolation or text: all text
            elif piece is None and merged and merged[-1][0] is None:
                merged[-1] = (None, merged[-1][1] + raw)
            else:
                merged.append((piece, raw))
        for piece, raw in merged:
            # tree-sitter keeps an unclosed `${`/`%{` as text (in a label, say), where
            # python-hcl2 starts an interpolation or directive
            if piece is not None or "{" not in raw:
                continue
            rest = _BACKSLASHED.sub("", _ESCAPED.sub("", raw))
            if "${" in rest or "%{" in rest or '"' in rest or "\\$${" in raw or "\\%%{" in raw:
                raise Unmappable("escaped template sequence python-hcl2 reads otherwise")
        return merged

    @staticmethod
    def literal(raw: str) -> str:
        """A literal piece as python-hcl2 reads it: ``$${``/``%%{`` escapes lose a sign,
        everything else is unescaped."""
        if "$${" not in raw and "%%{" not in raw:
            return unescape(raw)
        return "".join(
            part[1:] if i % 2 else unescape(part) for i, part in enumerate(_ESCAPED.split(raw))
        )

    def string(self, node: Any, d: int) -> Expr:
        parts: list[str | Expr] = []
        for piece, raw in self._template_pieces(node):
            if piece is None:
                parts.append(self.literal(raw))
            else:
                parts.append(self.interpolation(piece, d + STEP))
        return fold_template(self.src.slice(node), self.src.span(node), parts, False)

    x_quoted_template = string

    def interpolation(self, node: Any, d: int) -> Expr:
        kids = kids_of(node)
        if len(kids) != 3:
            raise Unmappable("interpolation with strip markers")
        inner = kids[1]
        self.src.gaps_allowed(node, kids, lambda i: i == 1 and is_binary(inner))
        return self.expr(inner, d)

    def x_heredoc_template(self, node: Any, d: int) -> Expr:
        raw, end, trim = self._heredoc_token(node)
        text = self.src.text[self.src.start(node) : end.offset]
        return parse_template(heredoc_content(raw, trim), self.src.span_to(node, end), text=text)

    # collections and calls -------------------------------------------------------------
    def x_tuple(self, node: Any, d: int) -> Expr:
        items = tuple(
            self.expr(k, d + STEP)
            for k in kids_of(node)
            if k.type not in ("tuple_start", "tuple_end", ",")
        )
        return ListExpr(self.src.slice(node), self.src.span(node), items)

    def x_object(self, node: Any, d: int) -> Expr:
        items: list[tuple[Expr, Expr]] = []
        for k in kids_of(node):
            if k.type == "object_elem":
                items.append(self.object_elem(k, d + STEP))
            elif k.type not in ("object_start", "object_end", ","):
                raise Unmappable(f"unexpected {k.type} in an object")
        return ObjectExpr(self.src.slice(node), self.src.span(node), tuple(items))

    def object_elem(self, node: Any, d: int) -> tuple[Expr, Expr]:
        kids = kids_of(node)
        if len(kids) != 3:
            raise Unmappable("unexpected object element shape")
        self.src.gaps_allowed(node, kids, None)
        key_node = kids[0]
        key_kids = kids_of(key_node) if key_node.type == "expression" else []
        key: Expr
        if len(key_kids) == 1 and key_kids[0].type == "variable_expr":
            name = self.name(kids_of(key_kids[0])[0])  # a bare name is a string key
            key = Literal(name, self.src.span(key_node), name)
        else:
            key = self.expr(key_node, d)
        return key, self.expr(kids[2], d)

    def x_function_call(self, node: Any, d: int) -> Expr:
        kids = kids_of(node)
        self.src.gaps_allowed(node, kids, lambda i: i > 0)
        names = self.src.slice(kids[0]).split("::")
        if len(names) not in (1, 3):  # python-hcl2 knows `f` and `provider::ns::f` only
            raise Unmappable("function name python-hcl2 refuses")
        for n in names:
            if not NAME.match(n) or n in KEYWORDS:
                raise Unmappable(f"function name python-hcl2 refuses: {n[:40]!r}")
        args: tuple[Expr, ...] = ()
        expand = False
        for k in kids:
            if k.type == "function_arguments":
                ak = kids_of(k)
                last = len(ak) - 1

                def allowed(i: int, ak: list[Any] = ak, last: int = last) -> bool:
                    nxt = ak[i + 1]
                    return nxt.type not in ELLIPSIS and not (nxt.type == "," and i + 1 == last)

                self.src.gaps_allowed(k, ak, allowed)
                args = tuple(
                    self.expr(a, d + STEP) for a in ak if a.type != "," and a.type not in ELLIPSIS
                )
                expand = any(a.type in ELLIPSIS for a in ak)
        return Call(self.src.slice(node), self.src.span(node), "::".join(names), args, expand)

    # operators -----------------------------------------------------------------------
    def x_unary_operation(self, node: Any, d: int) -> Expr:
        kids = kids_of(node)
        self.src.gaps_allowed(node, kids, lambda i: i > 0)  # i > 0: the operand's to check
        op = kids[0].type
        operand_kids = kids[1:]
        end = self.lark_end(node)  # past a heredoc operand's newline, as python-hcl2 ends it
        text = self.src.slice_to(node, end)
        span = self.src.span_to(node, end)
        if op == "-" and len(operand_kids) == 1:
            inner = unwrap(operand_kids[0])
            if inner.type == "numeric_lit" and inner.start_byte == kids[0].end_byte:
                digits = self.src.slice(inner)
                if FLOAT.match(digits):  # python-hcl2 lexes `-1.5` as one float
                    return Literal(text, span, number("-" + digits))
                if INT.match(digits) and len(digits) > 1:  # and `-10`, but not `-1`
                    return Literal(text, span, number("-" + digits))
        if len(operand_kids) == 1:
            if unwrap(operand_kids[0]).type == "unary_operation":
                operand = self.expr(operand_kids[0], d + STEP)
                if not isinstance(operand, Literal):  # `!-x`: python-hcl2 refuses it
                    raise Unmappable("unary operator applied to a unary operation")
            else:
                operand = self.expr(operand_kids[0], d + STEP)
        else:
            operand = self.sequence(node, operand_kids, d + STEP)
        return Operation(text, span, "neg" if op == "-" else "!", (operand,))

    def x_binary_operation(self, node: Any, d: int) -> Expr:
        kids = kids_of(node)
        found = self._split(kids, BINARY_OPERATORS)
        if len(found) != 1:
            raise Unmappable("unexpected binary operation shape")
        at = found[0]
        left_kids, op_node, right_kids = kids[:at], kids[at], kids[at + 1 :]
        if not left_kids or not right_kids:
            raise Unmappable("missing operand")
        op = op_node.type
        # Line breaks and comments before the operator that a binary left operand does not
        # take: python-hcl2's postlexer merges one into the operator token (not into `-`),
        # whose text then leads the operator's (a quirk the model keeps); more is an error.
        tokens = self.gap_tokens(kids[at - 1], op_node)
        if tokens and op != "-":
            start, stop = tokens.pop()
            op = (self.src.padded[start:stop] + op).strip()
        if tokens:
            raise Unmappable("line break before an operator python-hcl2 refuses")
        if op_node.type == "-" and right_kids and right_kids[0].start_byte == op_node.end_byte:
            following = self.src.data[op_node.end_byte : op_node.end_byte + 64].decode(
                "ascii", "replace"
            )
            if NEGATIVE_NUMBER.match(following):
                raise Unmappable("`-` and digits python-hcl2 lexes as one number")
        left = self.operand(node, left_kids, d + STEP)
        right = self.operand(node, right_kids, d + STEP)
        end = self.lark_end(node)
        text = self.src.slice_to(node, end).rstrip()
        span: Span
        if self.src.fixed is not None:
            span = self.src.fixed
        elif left.span is not None and right.span is not None:
            span = Span(
                left.span.line, left.span.column, right.span.end_line, right.span.end_column
            )
        else:
            span = self.src.span_to(node, end)
        return Operation(text, span, op, (left, right))

    def _conditional_parts(self, node: Any) -> tuple[list[Any], int, int]:
        kids = kids_of(node)
        marks = self._split(kids, CONDITIONAL_MARKS)
        if len(marks) != 2 or kids[marks[0]].type != "?" or kids[marks[1]].type != ":":
            raise Unmappable("unexpected conditional shape")
        return kids, marks[0], marks[1]

    def x_conditional(self, node: Any, d: int) -> Expr:
        """``c ? t : e``. tree-sitter nests ``a ? b : c ? d : e`` to the left, python-hcl2 to
        the right (``a ? b : (c ? d : e)``, as Terraform does): the chain is flattened into its
        conditions and results, then rebuilt the way python-hcl2 nests it."""
        levels: list[tuple[Any, list[Any], int, int]] = []
        current = node
        while True:
            kids, q, c = self._conditional_parts(current)
            levels.append((current, kids, q, c))
            if len(levels) > MAX_DEPTH // STEP:
                raise Unmappable("conditional chain too long")
            cond_kids = kids[:q]
            if len(cond_kids) == 1 and unwrap(cond_kids[0]).type == "conditional":
                current = unwrap(cond_kids[0])
                continue
            break
        # (level node, condition, result) from the innermost level out; the last "else" ends it.
        inner_node, kids, q, c = levels[-1]
        arms: list[tuple[Any, list[Any], list[Any]]] = [(inner_node, kids[:q], kids[q + 1 : c])]
        pending: tuple[Any, list[Any]] = (inner_node, kids[c + 1 :])
        for level_node, kids, q, c in reversed(levels[:-1]):
            arms.append((level_node, pending[1], kids[q + 1 : c]))
            pending = (level_node, kids[c + 1 :])
        for _level_node, kids, q, _c in levels:
            if q == 0:
                raise Unmappable("missing condition")
            # before `?`: what a binary condition does not take, one token at most (merged
            # into `?`); the other gaps are free or the operands' own to check
            if len(self.gap_tokens(kids[q - 1], kids[q])) > 1:
                raise Unmappable("line break before `?` python-hcl2 refuses")
        end = self.lark_end(node)
        result = self.operand(pending[0], pending[1], d + STEP * len(arms) + STEP)
        for n, (level_node, cond_kids, then_kids) in enumerate(reversed(arms)):
            depth = d + STEP * (len(arms) - 1 - n)
            cond = self.operand(level_node, cond_kids, depth + STEP)
            then = self.operand(level_node, then_kids, depth + STEP)
            first = cond_kids[0]
            result = Conditional(
                self.src.slice_to(first, end), self.src.span_to(first, end), cond, then, result
            )
        return result

    # traversals ------------------------------------------------------------------------
