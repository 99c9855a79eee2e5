"""text_errors: each format's located parse error keeps its message and place the same way."""

from __future__ import annotations

import pytest

from devops_lint.github.expressions import ExpressionError, parse
from devops_lint.helm.engine.parse import TemplateError
from devops_lint.helm.engine.rendered import RenderLimit
from devops_lint.helm.template_actions import TemplateSyntaxError
from devops_lint.terraform.hcl_text import HclSyntaxError
from devops_lint.text_errors import LineColumnError, OffsetError


@pytest.mark.parametrize("cls", [HclSyntaxError, TemplateSyntaxError])
def test_line_column_errors(cls: type[LineColumnError]) -> None:
    err = cls("unclosed", 3, 7)
    assert isinstance(err, LineColumnError)
    assert (str(err), err.message, err.line, err.column) == ("unclosed", "unclosed", 3, 7)


@pytest.mark.parametrize("cls", [ExpressionError, TemplateError, RenderLimit])
def test_offset_errors(cls: type[OffsetError]) -> None:
    err = cls("too deep", 12)
    assert isinstance(err, OffsetError)
    assert (str(err), err.message, err.offset) == ("too deep", "too deep", 12)


def test_a_parser_raises_its_own_error_with_the_place() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("a == ")
    assert caught.value.offset == 5
