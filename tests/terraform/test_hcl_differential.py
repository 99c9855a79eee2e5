"""The tree-sitter path against python-hcl2, the oracle: the same model or a fallback.

For every native-syntax file of the fixtures (``fixtures/``, its ``seed/``) and
``examples/``, and for generated HCL, the tree-sitter path either builds exactly the model
python-hcl2's path builds (classes, values, texts, spans) or declines, and then
``hcl.parse_hcl`` gives python-hcl2's result (its model, or its syntax error and position).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_lint.model import Span
from devops_lint.terraform import hcl, hcl_ts
from devops_lint.terraform.hcl_lark import parse_expression_lark, parse_hcl_lark
from devops_lint.terraform.hcl_text import HclSyntaxError
from devops_lint.terraform.hcl_ts import parse_expression_ts, parse_hcl_ts
from devops_lint.terraform.hcl_ts_source import Unmappable
from tests.terraform.hcl_model import first_difference, model
from tests.terraform.hcl_strategies import expressions, files

ROOT = Path(__file__).resolve().parents[2]
NATIVE = sorted(
    p
    for base in ("fixtures", "examples")
    for p in (ROOT / base).rglob("*")
    if p.is_file() and p.name.endswith((".tf", ".tfvars"))
)


def _read(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


def oracle(text: str) -> Any:
    """python-hcl2's model, or its located error (or the exception it lets escape: it fails
    on a few texts, e.g. a float token it lexes from ``-1-2.5``)."""
    try:
        return model(parse_hcl_lark(text))
    except HclSyntaxError as exc:
        return ("error", exc.message, exc.line, exc.column)
    except Exception as exc:
        return ("error", type(exc).__name__)


def boundary(text: str) -> Any:
    try:
        return model(hcl.parse_hcl(text))
    except HclSyntaxError as exc:
        return ("error", exc.message, exc.line, exc.column)
    except Exception as exc:
        return ("error", type(exc).__name__)


def assert_same_or_declined(text: str) -> bool:
    """True when the tree-sitter path mapped ``text`` (and agreed with the oracle)."""
    expected = oracle(text)
    try:
        got = model(parse_hcl_ts(text))
    except Unmappable:
        assert boundary(text) == expected  # the fallback gives the oracle's answer
        return False
    assert expected[0] != "error", f"python-hcl2 rejects what tree-sitter mapped: {expected}"
    assert got == expected, first_difference(got, expected)
    return True


def test_corpus_is_found() -> None:
    assert len(NATIVE) > 150
    assert any("seed" in p.parts for p in NATIVE)
    assert any(p.parts[-2:-1] != ("fixtures",) and "examples" in p.parts for p in NATIVE)


@pytest.mark.parametrize("path", NATIVE, ids=[str(p.relative_to(ROOT)) for p in NATIVE])
def test_every_fixture_and_example_gives_the_same_model(path: Path) -> None:
    """Every file python-hcl2 reads is mapped by tree-sitter, to the identical model: the
    default parser changes no finding. A file python-hcl2 rejects falls back to it."""
    text = _read(path)
    mapped = assert_same_or_declined(text)
    assert mapped == (oracle(text)[0] != "error")


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(files)
def test_generated_hcl_gives_the_same_model_or_falls_back(text: str) -> None:
    assert_same_or_declined(text)


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(expressions)
def test_generated_expressions_give_the_same_model(text: str) -> None:
    """``parse_expression`` (heredoc interpolations, ``.tf.json`` strings), spans fixed."""
    span = Span(3, 5, 3, 40)
    expected = model(parse_expression_lark(text, span))
    try:
        got = model(parse_expression_ts(text, span))
    except Unmappable:
        assert model(hcl.parse_expression(text, span)) == expected
        return
    assert got == expected, first_difference(got, expected)


def test_generated_corpus_is_mostly_mapped() -> None:
    """The generator is not all declines: most of its files take the tree-sitter path."""
    mapped = total = 0

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(files)
    def count(text: str) -> None:
        nonlocal mapped, total
        total += 1
        mapped += assert_same_or_declined(text)

    count()
    assert mapped * 3 > total, (mapped, total)


# Texts the tree-sitter path declines, each for a reason the module documents: the boundary
# then answers as python-hcl2 does (a model or its located syntax error).
DECLINED = {
    "syntax error": 'resource "a" "b" {\n  x = [1, 2\n}\n',
    "negative number lexed whole": "x = 1 -10\n",
    "keyword as a variable": "x = for_each\n",
    "keyword as an attribute": "x = a.in\n",
    "line break after =": "x =\n  1\n",
    "line break before .": "x = a\n  .b\n",
    "comment after =": "x = /* c */ 1\n",
    "line break before -": "x = a\n  - b\n",
    "two line breaks before +": "x = a\n\n  + b\n",
    "unclosed directive in a label": 'variable "a%{b" {}\n',
    "keyword run into a name": "x = [for a inb : a]\n",
    "unary on unary": "x = !-a\n",
    "escape closed in another string": 'x = "$${a" + "b}"\n',
    "quote left outside an escape": 'x = "$$${a["}"]}"\n',
    "strip markers": 'x = "${~ a ~}"\n',
    "directive in a string": 'x = "%{ if a }b%{ endif }"\n',
    "unicode name": "x = café\n",
    "legacy index then float": "x = a.0.1\n",
    "two-part function name": "x = a::b(1)\n",
    "heredoc marker with trailing space": "x = <<EOT\nhi\nEOT \ny = 1\n",
    "deep expression": "x = " + "-(" * 60 + "1" + ")" * 60 + "\n",
}


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_declined_texts_fall_back_to_python_hcl2(text: str) -> None:
    with pytest.raises(Unmappable):
        parse_hcl_ts(text)
    assert boundary(text) == oracle(text)


def test_syntax_errors_keep_python_hcl2_position() -> None:
    text = 'resource "a" "b" {\n  x = "unterminated\n}\n'
    with pytest.raises(HclSyntaxError) as raised:
        hcl.parse_hcl(text)
    assert (raised.value.line, raised.value.column) == oracle(text)[2:]


MAPPED = {
    "chained conditionals nest right": "x = a ? 1 : b ? 2 : c ? 3 : 4\n",
    "binary operation takes the comment after it": "x = a + b # note\n\ny = 1\n",
    "heredoc ends after its newline": "x = <<-EOT\n  a ${b}\n  EOT\ny = 2\n",
    "negative float is one literal": "x = [-1.5, -10, -1, - 2]\n",
    "multi-line collections": (
        "x = [\n  1, # one\n  2,\n]\ny = {\n  a = 1\n  b = f(\n    2,\n  )\n}\n"
    ),
    "unicode columns": 'x = "é日本" # ü\ny = { "ключ" = a.b }\n',
    "crlf": 'a "b" {\r\n  x = y + 1\r\n  z = <<EOT\r\nq\r\nEOT\r\n}\r\n',
    "escaped interpolations": 'x = "a$${b}c%%{d}\\n${e}"\nl "m$${n}" {}\n',
    "dollars before an interpolation": 'x = "a$$${b}c$$$${d.e}"\nl "$$${n}" {}\n',
    "operators starting a line": (
        "x = a\n  + b # c\ny = c # note\n  && d\nz = e /* c */ + f\nw = g\n  ? 1 : 2\n"
        "v = (a * b\n  # c\n  + 2)\n"
    ),
    "heredoc operand": "x = !<<EOT\nyes\nEOT\ny = 1\n",
    "splats": "x = a[*].b.c\ny = a.*.b[0]\nz = f(x)[0].y\n",
    "for expressions": "x = {for k, v in m : k => v... if v != null}\ny = [for v in m : v]\n",
}


@pytest.mark.parametrize("text", MAPPED.values(), ids=MAPPED.keys())
def test_mapped_texts_agree(text: str) -> None:
    assert assert_same_or_declined(text)


def test_without_tree_sitter_python_hcl2_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> Any:
        raise ImportError("tree_sitter")

    monkeypatch.setattr(hcl_ts, "_parser", missing)
    text = "x = a ? 1 : 2\n"
    assert hcl_ts.try_parse_hcl(text) is None
    assert boundary(text) == oracle(text)


def test_parser_choice_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(hcl_ts, "try_parse_hcl", lambda text: calls.append(text))
    monkeypatch.setenv(hcl.PARSER_ENV, "python-hcl2")
    assert hcl.parser_name() == "python-hcl2"
    hcl.parse_hcl("x = 1\n")
    assert calls == []
    monkeypatch.setenv(hcl.PARSER_ENV, "tree-sitter")
    hcl.parse_hcl("x = 1\n")
    assert calls == ["x = 1\n"]
    monkeypatch.setenv(hcl.PARSER_ENV, "bogus")
    assert hcl.parser_name() == hcl.DEFAULT_PARSER


def test_nesting_bound_applies_before_either_parser() -> None:
    text = "x = " + "[" * 500 + "]" * 500 + "\n"
    with pytest.raises(HclSyntaxError) as raised:
        hcl.parse_hcl(text)
    assert "nesting deeper than" in raised.value.message
    assert oracle(text) == ("error", raised.value.message, raised.value.line, raised.value.column)


def test_a_surprise_in_the_mapping_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever goes wrong on the tree-sitter path, python-hcl2 reads the file."""

    def broken(self: Any, node: Any) -> Any:
        raise IndexError("converter bug")

    monkeypatch.setattr(hcl_ts._Converter, "body", broken)
    text = 'resource "a" "b" {\n  x = 1\n}\n'
    assert hcl_ts.try_parse_hcl(text) is None
    assert boundary(text) == oracle(text)


SNIPPETS = [" ", "\n", "#c\n", "/*c*/", "-", "!", "?", ":", "(", ")", "[", "]", "{", "}", "$${"]
SNIPPETS += ["${", '"', "\\", "<<EOT\n", "EOT\n", "...", ".*", "[*]", "-10", "1.5", "é", "\r\n"]
SNIPPETS += [",", "=", "==", "&&", "+", "%{", "~", ".0.1", "for", "in", "if"]
SMALL = [p for p in NATIVE if p.stat().st_size < 6000]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(SMALL),
    st.lists(st.tuples(st.floats(0, 1), st.sampled_from(SNIPPETS), st.integers(0, 4)), max_size=4),
)
def test_mutated_fixtures_give_the_same_model_or_fall_back(
    path: Path, edits: list[tuple[float, str, int]]
) -> None:
    """Fixtures with snippets inserted and bytes cut: mostly invalid or odd HCL."""
    text = _read(path)
    for where, snippet, cut in edits:
        at = int(where * len(text))
        text = text[:at] + snippet + text[at + cut :]
    assert_same_or_declined(text)
