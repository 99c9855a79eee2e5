"""Native HCL syntax through python-hcl2: its Lark tree → ``syntax.Body`` with ``expr`` values.

The only module that knows python-hcl2's Lark tree: ``hcl2.parses_to_tree`` gives
``block``/``attribute`` nodes with positions, and one walk builds the structure, the
expression model and every span. The Lark parser is built once per process (python-hcl2
caches it; ``_parser`` keeps a handle so the grammar is loaded once). It is the reference
the tree-sitter path (``hcl_ts.py``) is tested against, and its fallback.
"""

from __future__ import annotations

import functools
from typing import Any

from ..bounds import brackets_too_deep
from ..model import Span
from .expr import (
    Call,
    Conditional,
    Expr,
    ForExpr,
    Index,
    ListExpr,
    Literal,
    ObjectExpr,
    Operation,
    Ref,
    Unknown,
    number,
)
from .hcl_text import (
    MAX_DEPTH,
    HclSyntaxError,
    fold_template,
    heredoc_content,
    parse_template,
    unescape,
)
from .syntax import Attribute, Block, Body


def parse_hcl_lark(text: str) -> Body:
    """Parse a native-syntax file with python-hcl2; raises ``HclSyntaxError``."""
    tree = _parse_tree(text)
    conv = _Converter(text)
    try:
        return conv.body(tree.children[0])
    except RecursionError:
        raise HclSyntaxError("HCL file nested too deeply", 1, 1) from None


def parse_expression_lark(text: str, span: Span | None) -> Expr:
    """One expression with python-hcl2; every node gets ``span``; ``Unknown`` if unreadable."""
    src = "x = " + text.strip()
    try:
        tree = _parse_tree(src)
        body = tree.children[0]
        attrs = [c for c in body.children if getattr(c, "data", None) == "attribute"]
        if len(attrs) != 1:
            return Unknown(text, span)
        return _Converter(src, span).expr(attrs[0].children[-1], 0)
    except (HclSyntaxError, RecursionError):
        return Unknown(text, span)


@functools.cache
def _parser() -> Any:
    from hcl2.parser import parser

    return parser()


def _parse_tree(text: str) -> Any:
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    # Lark parses any depth without recursing, but slowly, and into trees every later walk
    # must bound: refuse what no real file does, at the bracket where it happens.
    too_deep = brackets_too_deep(text)
    if too_deep is not None:
        raise HclSyntaxError(too_deep.message, too_deep.line, too_deep.column)
    try:
        # The trailing newline works around the grammar's need for a final newline.
        return _parser().parse(text + "\n")
    except UnexpectedCharacters as exc:
        pos = exc.pos_in_stream if isinstance(exc.pos_in_stream, int) else -1
        ch = text[pos] if 0 <= pos < len(text) else "end of file"
        raise HclSyntaxError(
            f"HCL syntax error: unexpected character {ch!r}", exc.line, exc.column
        ) from None
    except UnexpectedToken as exc:
        tok = exc.token
        raw = str(tok)
        if tok.type == "$END":
            what = "end of file"
        elif not raw[:1].strip():
            what = "end of line"
        else:
            what = repr(raw.splitlines()[0][:40])
        line = tok.line if isinstance(tok.line, int) and tok.line > 0 else _last_line(text)
        col = tok.column if isinstance(tok.column, int) and tok.column > 0 else 1
        if _unterminated_string(text, line):
            what = "end of line inside a string (unterminated string?)"
        raise HclSyntaxError(f"HCL syntax error: unexpected {what}", line, col) from None
    except UnexpectedInput as exc:
        line = exc.line if isinstance(exc.line, int) and exc.line > 0 else _last_line(text)
        col = exc.column if isinstance(exc.column, int) and exc.column > 0 else 1
        raise HclSyntaxError("HCL syntax error: unexpected end of input", line, col) from None
    except (LarkError, RecursionError) as exc:
        raise HclSyntaxError(f"HCL syntax error: {type(exc).__name__}", 1, 1) from None


def _unterminated_string(text: str, line: int) -> bool:
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return False
    src = lines[line - 1].replace("\\\\", "").replace('\\"', "")
    return src.split("#", 1)[0].count('"') % 2 == 1


def _last_line(text: str) -> int:
    return text.count("\n") + 1


def _is_tree(node: Any) -> bool:
    return hasattr(node, "data")


def _trees(node: Any) -> list[Any]:
    """Child trees, without newline/comment nodes."""
    return [c for c in node.children if _is_tree(c) and c.data != "new_line_or_comment"]


def _tokens(node: Any) -> list[Any]:
    return [c for c in node.children if not _is_tree(c)]


class _Converter:
    def __init__(self, src: str, fixed_span: Span | None = None) -> None:
        self.src = src
        self.fixed = fixed_span

    # -- positions -----------------------------------------------------------
    def span(self, node: Any) -> Span | None:
        if self.fixed is not None:
            return self.fixed
        if _is_tree(node):
            m = node.meta
            if m.empty:
                return None
            return Span(m.line, m.column, m.end_line, max(m.end_column - 1, 1))
        return Span(node.line, node.column, node.end_line, max(node.end_column - 1, 1))

    def text(self, node: Any) -> str:
        if _is_tree(node):
            m = node.meta
            if m.empty:
                return ""
            return self.src[m.start_pos : m.end_pos]
        return str(node)

    def _sp(self, node: Any) -> Span:
        return self.span(node) or Span(1, 1, 1, 1)

    # -- structure -----------------------------------------------------------
    def body(self, tree: Any) -> Body:
        return Body.of([self._item(c) for c in _trees(tree) if c.data in ("attribute", "block")])

    def _item(self, tree: Any) -> Attribute | Block:
        return self.attribute(tree) if tree.data == "attribute" else self.block(tree)

    @staticmethod
    def _name(node: Any) -> str:
        if _is_tree(node):
            for tok in node.children:
                if not _is_tree(tok):
                    return str(tok)
            return ""
        return str(node)

    def attribute(self, tree: Any) -> Attribute:
        children = tree.children
        name_node = children[0]
        value = children[-1]
        return Attribute(
            name=self._name(name_node),
            expr=self.expr(value, 0),
            span=self._sp(tree),
            name_span=self._sp(name_node),
        )

    def block(self, tree: Any) -> Block:
        type_ = ""
        labels: list[str] = []
        header_end: Any = None
        body: Body | None = None
        for i, child in enumerate(tree.children):
            if not _is_tree(child):
                if child.type == "LBRACE" and header_end is None:
                    header_end = child
                continue
            if child.data == "new_line_or_comment":
                continue
            if child.data == "body":
                body = self.body(child)
            elif i == 0:
                type_ = self._name(child)
            elif child.data == "string":
                labels.append(self._string_chars(child))
            else:
                labels.append(self._name(child))
        span = self._sp(tree)
        if header_end is not None:
            header = Span(span.line, span.column, header_end.line, header_end.column)
        else:
            header = Span(span.line, span.column, span.line, span.column)
        return Block(type_, tuple(labels), body or Body(), span, header)

    def _string_chars(self, tree: Any) -> str:
        out: list[str] = []
        for part in _trees(tree):
            for c in part.children:
                if not _is_tree(c):
                    out.append(unescape(str(c)))
                else:
                    out.append(self.text(c))
        return "".join(out)

    # -- expressions ---------------------------------------------------------
    def expr(self, node: Any, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            return Unknown(self.text(node), self.span(node))
        if not _is_tree(node):
            return Unknown(str(node), self.span(node))
        method = getattr(self, "x_" + node.data, None)
        if method is None:
            kids = tuple(self.expr(c, depth + 1) for c in _trees(node))
            return Unknown(self.text(node), self.span(node), kids)
        result: Expr = method(node, depth + 1)
        return result

    def x_expr_term(self, node: Any, d: int) -> Expr:
        kids = _trees(node)
        if len(kids) == 1:
            return self.expr(kids[0], d)
        return Unknown(self.text(node), self.span(node))

    def x_conditional(self, node: Any, d: int) -> Expr:
        kids = _trees(node)
        if len(kids) != 3:
            return Unknown(self.text(node), self.span(node))
        c, t, o = (self.expr(k, d) for k in kids)
        return Conditional(self.text(node), self.span(node), c, t, o)

    def x_binary_op(self, node: Any, d: int) -> Expr:
        kids = _trees(node)
        left = self.expr(kids[0], d)
        term = kids[1]
        term_kids = _trees(term)
        op = str(_tokens(term_kids[0])[0]).strip()
        right = self.expr(term_kids[-1], d)
        # The node also holds a trailing newline: take text and span from the operands.
        span = self.span(node)
        if self.fixed is None and left.span is not None and right.span is not None:
            span = Span(
                left.span.line, left.span.column, right.span.end_line, right.span.end_column
            )
        text = self.text(node).rstrip()
        return Operation(text, span, op, (left, right))

    def x_unary_op(self, node: Any, d: int) -> Expr:
        tok = str(_tokens(node)[0])
        operand = self.expr(_trees(node)[0], d)
        return Operation(self.text(node), self.span(node), "neg" if tok == "-" else "!", (operand,))

    def x_int_lit(self, node: Any, d: int) -> Expr:
        return Literal(self.text(node), self.span(node), number(str(node.children[0])))

    def x_float_lit(self, node: Any, d: int) -> Expr:
        return Literal(self.text(node), self.span(node), number(str(node.children[0])))

    def x_literal_value(self, node: Any, d: int) -> Expr:
        word = str(node.children[0])
        value = {"true": True, "false": False}.get(word)
        return Literal(word, self.span(node), value)

    def x_identifier(self, node: Any, d: int) -> Expr:
        return Ref(self.text(node), self.span(node), (str(node.children[0]),))

    def x_string(self, node: Any, d: int) -> Expr:
        parts: list[str | Expr] = []
        directive = False
        for part in _trees(node):
            for c in part.children:
                if not _is_tree(c):
                    s = str(c)
                    if c.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                        s = s[1:]
                    else:
                        s = unescape(s)
                    parts.append(s)
                elif c.data == "interpolation":
                    inner = _trees(c)
                    parts.append(self.expr(inner[0], d) if inner else Unknown("", None))
                else:
                    directive = True
                    parts.extend(self.expr(k, d) for k in _trees(c))
        return fold_template(self.text(node), self.span(node), parts, directive)

    def x_template_string(self, node: Any, d: int) -> Expr:
        return Unknown(self.text(node), self.span(node))

    def _heredoc(self, node: Any, d: int, trim: bool) -> Expr:
        content = heredoc_content(str(node.children[0]), trim)
        return parse_template(content, self.span(node), text=self.text(node))

    def x_heredoc_template(self, node: Any, d: int) -> Expr:
        return self._heredoc(node, d, False)

    def x_heredoc_template_trim(self, node: Any, d: int) -> Expr:
        return self._heredoc(node, d, True)

    def x_tuple(self, node: Any, d: int) -> Expr:
        items = tuple(self.expr(k, d) for k in _trees(node))
        return ListExpr(self.text(node), self.span(node), items)

    def x_object(self, node: Any, d: int) -> Expr:
        items: list[tuple[Expr, Expr]] = []
        for elem in _trees(node):
            kids = _trees(elem)
            if len(kids) != 2:
                continue
            key_node = kids[0]
            key_kids = _trees(key_node)
            key: Expr
            if key_kids and key_kids[0].data == "keyword":
                key = Literal(
                    self.text(key_kids[0]), self.span(key_kids[0]), self.text(key_kids[0])
                )
            elif key_kids:
                k = key_kids[0]
                inner = _trees(k) if k.data == "expr_term" else []
                if len(inner) == 1 and inner[0].data == "identifier" and len(k.children) == 1:
                    name = str(inner[0].children[0])
                    key = Literal(name, self.span(k), name)
                else:
                    key = self.expr(k, d)
            else:
                key = Unknown(self.text(key_node), self.span(key_node))
            items.append((key, self.expr(kids[1], d)))
        return ObjectExpr(self.text(node), self.span(node), tuple(items))

    def x_function_call(self, node: Any, d: int) -> Expr:
        names: list[str] = []
        args: tuple[Expr, ...] = ()
        expand = False
        for c in _trees(node):
            if c.data == "identifier":
                names.append(str(c.children[0]))
            elif c.data == "arguments":
                args = tuple(self.expr(a, d) for a in _trees(c))
                expand = any(getattr(t, "type", "") == "ELLIPSIS" for t in _tokens(c))
        return Call(self.text(node), self.span(node), "::".join(names), args, expand)

    # traversals ---------------------------------------------------------------
    def _step(self, node: Any, d: int) -> tuple[str | int | None, Expr | None]:
        """A traversal step: a static key, or an expression key."""
        if node.data == "get_attr":
            return self._name(_trees(node)[0]), None
        if node.data == "short_index":
            return int(str(_tokens(node)[-1])), None
        if node.data == "braces_index":
            key = self.expr(_trees(node)[0], d)
            if isinstance(key, Literal) and isinstance(key.value, (str, int)):
                if isinstance(key.value, bool):
                    return None, key
                return key.value, None
            return None, key
        return None, Unknown(self.text(node), self.span(node))

    def _apply(self, node: Any, base: Expr, step: Any, d: int) -> Expr:
        key, key_expr = self._step(step, d)
        if key is not None and isinstance(base, Ref):
            return Ref(self.text(node), self.span(node), (*base.parts, key))
        if key is not None:
            key_expr = Literal(str(key), None, key)
        assert key_expr is not None
        return Index(self.text(node), self.span(node), base, key_expr)

    def x_get_attr_expr_term(self, node: Any, d: int) -> Expr:
        base, step = _trees(node)
        return self._apply(node, self.expr(base, d), step, d)

    def x_index_expr_term(self, node: Any, d: int) -> Expr:
        base, step = _trees(node)
        return self._apply(node, self.expr(base, d), step, d)

    def _splat(self, node: Any, d: int) -> Expr:
        base_node, splat = _trees(node)
        base = self.expr(base_node, d)
        if isinstance(base, Ref):
            parts: list[str | int] = [*base.parts, "*"]
            for step in _trees(splat):
                key, _key_expr = self._step(step, d)
                if key is None:
                    return Unknown(self.text(node), self.span(node), (base,))
                parts.append(key)
            return Ref(self.text(node), self.span(node), tuple(parts))
        return Unknown(self.text(node), self.span(node), (base,))

    def x_attr_splat_expr_term(self, node: Any, d: int) -> Expr:
        return self._splat(node, d)

    def x_full_splat_expr_term(self, node: Any, d: int) -> Expr:
        return self._splat(node, d)

    # for expressions -----------------------------------------------------------
    def _for_intro(self, intro: Any, d: int) -> tuple[str | None, str, Expr]:
        names = [str(c.children[0]) for c in _trees(intro) if c.data == "identifier"]
        rest = [c for c in _trees(intro) if c.data != "identifier"]
        coll = self.expr(rest[0], d) if rest else Unknown("", None)
        if len(names) >= 2:
            return names[0], names[1], coll
        return None, names[0] if names else "_", coll

    def x_for_tuple_expr(self, node: Any, d: int) -> Expr:
        kids = _trees(node)
        key_var, value_var, coll = self._for_intro(kids[0], d)
        value = self.expr(kids[1], d)
        cond = None
        if len(kids) > 2 and kids[2].data == "for_cond":
            cond = self.expr(_trees(kids[2])[0], d)
        return ForExpr(
            self.text(node), self.span(node), key_var, value_var, coll, value, None, cond
        )

    def x_for_object_expr(self, node: Any, d: int) -> Expr:
        kids = _trees(node)
        key_var, value_var, coll = self._for_intro(kids[0], d)
        key = self.expr(kids[1], d)
        value = self.expr(kids[2], d)
        cond = None
        if len(kids) > 3 and kids[3].data == "for_cond":
            cond = self.expr(_trees(kids[3])[0], d)
        group = any(getattr(t, "type", "") == "ELLIPSIS" for t in _tokens(node))
        return ForExpr(
            self.text(node), self.span(node), key_var, value_var, coll, value, key, cond, group
        )
