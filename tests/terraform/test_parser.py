"""Parsing .tf, .tf.json and tfvars files into located documents."""

from __future__ import annotations

import contextlib

import pytest

from devops_lint.model import ParseError, Span, Unresolved
from devops_lint.terraform.expr import (
    Call,
    Conditional,
    ForExpr,
    Literal,
    ObjectExpr,
    Ref,
    Template,
    Unknown,
    references,
)
from devops_lint.terraform.hcl import parse_expression, parse_hcl
from devops_lint.terraform.parser import parse_file

from .helpers import one

EKS = """\
# header comment
resource "aws_eks_cluster" "main" {
  name    = "${var.environment}-cluster"
  version = "1.28"

  vpc_config {
    endpoint_public_access = true
    public_access_cidrs    = var.allowed_cidrs
  }

  vpc_config {
    subnet_ids = [
      "subnet-a",
      "subnet-b",
    ]
  }

  tags = merge(var.common_tags, {
    Name = "x"
  })
}
"""


def test_argument_spans_point_at_the_argument_line() -> None:
    doc = one(EKS)
    base = ("resource", "aws_eks_cluster", "main")
    assert doc.span(base) == Span(2, 1, 2, 35)
    assert doc.span((*base, "version")).line == 4
    assert doc.key_span((*base, "version")) == Span(4, 3, 4, 9)
    assert doc.span((*base, "tags")).line == 18
    assert doc.data["resource"]["aws_eks_cluster"]["main"]["version"] == "1.28"


def test_nested_blocks_are_lists_with_their_own_spans() -> None:
    doc = one(EKS)
    base = ("resource", "aws_eks_cluster", "main", "vpc_config")
    blocks = doc.get(base)
    assert isinstance(blocks, list) and len(blocks) == 2
    assert blocks[0]["endpoint_public_access"] is True
    assert doc.span((*base, 0)).line == 6
    assert doc.span((*base, 1)).line == 11
    assert doc.span((*base, 0, "public_access_cidrs")).line == 8
    assert doc.span((*base, 1, "subnet_ids", 1)).line == 14
    # A missing argument falls back to the enclosing block header.
    assert doc.span((*base, 0, "absent")).line == 6


def test_non_literal_values_are_unresolved_with_source_text() -> None:
    doc = one(EKS)
    value = doc.get(("resource", "aws_eks_cluster", "main", "vpc_config", 0, "public_access_cidrs"))
    assert isinstance(value, Unresolved)
    assert str(value) == "var.allowed_cidrs"


def test_heredoc_and_trimmed_heredoc() -> None:
    body = parse_hcl(
        'a = <<EOT\nline one\n  ${var.x} two\nEOT\nb = <<-EOT\n    {"k": 1}\n      x\n    EOT\n'
    )
    a = body.attributes["a"].expr
    assert isinstance(a, Template)
    assert a.parts[0] == "line one\n  "
    assert isinstance(a.parts[1], Ref) and a.parts[1].parts == ("var", "x")
    b = body.attributes["b"].expr
    assert isinstance(b, Literal) and b.value == '{"k": 1}\n  x\n'
    assert body.attributes["b"].span.line == 5


def test_expression_model() -> None:
    body = parse_hcl(
        'c = var.on ? "a" : "b"\n'
        'f = [for k, v in var.m : upper(v) if k != "x"]\n'
        'r = aws_s3_bucket.b["k"].id\n'
        "s = aws_instance.x[*].id\n"
        'o = { a = 1, "b" = 2 }\n'
        'd = "${var.a}%{if true}x%{endif}"\n'
        "n = jsonencode({ Statement = [] })\n"
    )
    e = {k: a.expr for k, a in body.attributes.items()}
    assert isinstance(e["c"], Conditional)
    assert isinstance(e["f"], ForExpr) and e["f"].key_var == "k"
    assert isinstance(e["r"], Ref) and e["r"].parts == ("aws_s3_bucket", "b", "k", "id")
    assert e["r"].resource_address() == ("resource", "aws_s3_bucket", "b")
    assert isinstance(e["s"], Ref) and "*" in e["s"].parts
    assert isinstance(e["o"], ObjectExpr) and len(e["o"].items) == 2
    assert isinstance(e["d"], Unknown)
    assert [r.text for r in references(e["d"])] == ["var.a"]
    assert isinstance(e["n"], Call) and e["n"].name == "jsonencode"


def test_parse_expression_never_raises() -> None:
    assert isinstance(parse_expression("var.x", None), Ref)
    assert isinstance(parse_expression("this is { not hcl", None), Unknown)


def test_tf_json_with_positions() -> None:
    text = """{
  "resource": {
    "aws_s3_bucket": {
      "logs": {
        "bucket": "acme-${var.env}-logs",
        "tags": {"Name": "logs"},
        "versioning": {"enabled": true}
      }
    }
  },
  "variable": {"env": {"default": "prod"}}
}
"""
    doc = parse_file("main.tf.json", text)[0]
    base = ("resource", "aws_s3_bucket", "logs")
    assert doc.format == "terraform"
    assert doc.span(base).line == 4
    assert doc.span((*base, "bucket")).line == 5
    assert doc.get((*base, "tags")) == {"Name": "logs"}  # a map argument
    assert doc.get((*base, "versioning", 0, "enabled")) is True  # a nested block
    assert doc.span((*base, "versioning", 0, "enabled")).line == 7
    assert isinstance(doc.get((*base, "bucket")), Unresolved)


def test_tfvars_documents() -> None:
    doc = parse_file("envs/prod.tfvars", 'a = "x"\nb = [\n  "y",\n]\n')[0]
    assert doc.format == "tfvars"
    assert doc.data == {"a": "x", "b": ["y"]}
    assert doc.span(("b", 0)).line == 3
    jdoc = parse_file("terraform.tfvars.json", '{\n  "a": 1\n}\n')[0]
    assert jdoc.format == "tfvars" and jdoc.data == {"a": 1}
    assert jdoc.span(("a",)).line == 2


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        ("main.tf", 'resource "a" "b" {\n  x = \n}\n', 2),
        ("main.tf", 'resource "a" "b" {\n  x = "unterminated\n}\n', 2),
        ("main.tf", "locals {\n  a = 1\n", 3),
        ("main.tf.json", '{\n  "resource": [1,\n}\n', 3),
    ],
)
def test_syntax_errors_are_located(path: str, text: str, line: int) -> None:
    with pytest.raises(ParseError) as info:
        parse_file(path, text)
    assert info.value.line == line


def test_deep_nesting_does_not_crash() -> None:
    deep = "locals {\n  x = " + "[" * 3000 + "]" * 3000 + "\n}\n"
    with pytest.raises(ParseError, match="nesting deeper than 400 levels"):
        parse_file("deep.tf", deep)  # refused before Lark, at the 401st bracket
    within = "locals {\n  x = " + "[" * 300 + "]" * 300 + "\n}\n"
    doc = parse_file("deep.tf", within)[0]
    assert isinstance(doc.data["locals"]["x"], (list, Unresolved))
    deep_json = '{"locals": {"x": ' + "[" * 5000 + "]" * 5000 + "}}"
    with contextlib.suppress(ParseError):
        parse_file("deep.tf.json", deep_json)


def test_crlf_and_bom() -> None:
    doc = parse_file("main.tf", '\ufeffresource "a" "b" {\r\n  x = 1\r\n}\r\n')[0]
    assert doc.get(("resource", "a", "b", "x")) == 1
    assert doc.span(("resource", "a", "b", "x")).line == 2
