"""Native HCL syntax → ``syntax.Body`` with ``expr`` expressions: the parsing boundary.

Two parsers sit behind it and give the same located model:

- ``hcl_ts.py``: tree-sitter-hcl's concrete syntax tree, mapped node by node;
- ``hcl_lark.py``: python-hcl2's Lark tree, the reference (tests compare the two on every
  fixture and on generated HCL) and the fallback.

The tree-sitter path declines a text it rejects or cannot map exactly as python-hcl2 would
(an error node, a construct python-hcl2 reads differently or refuses); python-hcl2 then
reads it, so syntax errors keep python-hcl2's message and position. ``DEFAULT_PARSER`` says
which goes first; ``DEVOPS_LINT_HCL_PARSER=python-hcl2`` (or ``tree-sitter``) overrides it
for a run (the environment is trusted; benchmarks use it).
"""

from __future__ import annotations

import os

from ..bounds import brackets_too_deep
from ..model import Span
from .expr import Expr
from .hcl_lark import parse_expression_lark, parse_hcl_lark
from .hcl_text import MAX_DEPTH, HclSyntaxError, parse_template
from .syntax import Body

__all__ = [
    "DEFAULT_PARSER",
    "MAX_DEPTH",
    "HclSyntaxError",
    "parse_expression",
    "parse_hcl",
    "parse_template",
    "parser_name",
]

PARSERS = ("tree-sitter", "python-hcl2")
DEFAULT_PARSER = "tree-sitter"
PARSER_ENV = "DEVOPS_LINT_HCL_PARSER"


def parser_name() -> str:
    """The parser tried first in this process: ``tree-sitter`` or ``python-hcl2``."""
    chosen = os.environ.get(PARSER_ENV, "")
    return chosen if chosen in PARSERS else DEFAULT_PARSER


def parse_hcl(text: str) -> Body:
    """Parse a native-syntax file (``.tf``, ``.tfvars``); raises ``HclSyntaxError``."""
    # Both parsers get text of bounded nesting: refuse what no real file does, at the
    # bracket where it happens, before any parser (or tree walk) sees it.
    too_deep = brackets_too_deep(text)
    if too_deep is not None:
        raise HclSyntaxError(too_deep.message, too_deep.line, too_deep.column)
    if parser_name() == "tree-sitter":
        from .hcl_ts import try_parse_hcl

        body = try_parse_hcl(text)
        if body is not None:
            return body
    return parse_hcl_lark(text)


def parse_expression(text: str, span: Span | None) -> Expr:
    """One expression (from a ``.tf.json`` string or a heredoc interpolation).

    Every node gets ``span`` (positions inside the fragment mean nothing to the
    file). Never raises: what does not parse is ``Unknown``.
    """
    if parser_name() == "tree-sitter" and brackets_too_deep(text) is None:
        from .hcl_ts import try_parse_expression

        expr = try_parse_expression(text, span)
        if expr is not None:
            return expr
    return parse_expression_lark(text, span)
