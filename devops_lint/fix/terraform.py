"""Fixes for Terraform resources (TF-AWS-010, TF-AWS-018, TF-AWS-019, TF-AWS-024).

Edits are made in native HCL files (``.tf``) at the blocks' spans: a new argument goes before
the block's closing brace at the indentation of its other arguments, after a blank line when
the argument before it is one of an aligned group (so ``terraform fmt`` keeps its alignment).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .edits import Edit, Source
from .registry import FixContext, Proposal, fix

if TYPE_CHECKING:
    from ..terraform.syntax import Block, Body


def _resource(ctx: FixContext, types: tuple[str, ...]) -> Block | None:
    """The resource block of ``types`` whose span holds the finding's line."""
    doc = ctx.doc
    if doc is None or doc.format != "terraform" or not ctx.finding.path.endswith(".tf"):
        return None
    body: Body | None = doc.meta.get("body")
    if body is None:
        return None
    line = ctx.finding.span.line
    for block in body.blocks_of("resource"):
        if (
            block.labels[:1]
            and block.labels[0] in types
            and block.span.line <= line <= block.span.end_line
        ):
            return block
    return None


# An argument line of an aligned group: `  name   = value` (group 1 runs to the `=`).
_ARGUMENT = re.compile(r"(\s*[A-Za-z_][\w-]*\s*)=(?!=)")


def _insert_in_block(src: Source, block: Block, lines: list[str]) -> Edit | None:
    """``lines`` (unindented) before ``block``'s closing brace, at its arguments' indent."""
    close = block.span.end_line
    if close == block.span.line or src.line(close).strip() != "}":
        return None  # a one-line block, or a brace that shares its line
    inner = [a.span.line for a in block.body.attributes.values()] + [
        b.span.line for b in block.body.blocks
    ]
    indent = src.indent(min(inner)) if inner else src.indent(block.span.line) + src.indent_unit()
    last = src.line(close - 1)
    group = _ARGUMENT.match(last)
    if lines[0].endswith("{"):
        if last.strip():
            lines = ["", *lines]
    elif group is not None:
        name, _, value = lines[0].partition(" = ")
        width = len(group.group(1)) - indent  # `name   ` up to the aligned `=`
        # Aligned with the group above, or a group of its own when the name is longer (the
        # arguments above keep their layout).
        aligned = [f"{name.ljust(width)}= {value}", *lines[1:]]
        lines = aligned if len(name) < width else ["", *lines]
    offset = src.offset(close)
    return Edit(offset, offset, src.lines_at(offset, lines, indent))


def _replace_value(src: Source, block: Block, name: str, text: str) -> Edit | None:
    attr = block.body.attributes.get(name)
    if attr is None or attr.span.line != attr.span.end_line:
        return None
    line = src.line(attr.span.line)
    m = re.match(r"(\s*" + re.escape(name) + r"\s*=\s*)(.*?)(\s*(?:#.*|//.*)?)$", line)
    if m is None:
        return None
    start = src.offset(attr.span.line) + m.end(1)
    return Edit(start, start + len(m.group(2)), text)


def _set_argument(
    ctx: FixContext, types: tuple[str, ...], name: str, value: str, safe: bool
) -> Proposal | None:
    block = _resource(ctx, types)
    if block is None:
        return None
    src = ctx.source
    if name in block.body.attributes:
        edit = _replace_value(src, block, name, value)
    else:
        edit = _insert_in_block(src, block, [f"{name} = {value}"])
    return Proposal([edit], safe=safe) if edit else None


@fix("TF-AWS-024.rotation", "safe", "sets `enable_key_rotation = true` on the KMS key")
def kms_rotation(ctx: FixContext) -> Proposal | None:
    return _set_argument(ctx, ("aws_kms_key",), "enable_key_rotation", "true", safe=True)


@fix("TF-AWS-019.volume", "unsafe", "sets `encrypted = true` on the EBS volume (replaces it)")
def ebs_encrypted(ctx: FixContext) -> Proposal | None:
    return _set_argument(ctx, ("aws_ebs_volume",), "encrypted", "true", safe=False)


@fix(
    "TF-AWS-018.tokens-optional",
    "safe",
    'sets `metadata_options { http_tokens = "required" }` (IMDSv2 only)',
)
def imds_v2(ctx: FixContext) -> Proposal | None:
    block = _resource(ctx, ("aws_instance", "aws_launch_template", "aws_launch_configuration"))
    if block is None:
        return None
    src = ctx.source
    options = [b for b in block.body.blocks_of("metadata_options")]
    if len(options) > 1:
        return None
    if not options:
        if any(
            b.type == "dynamic" and b.labels[:1] == ("metadata_options",) for b in block.body.blocks
        ):
            return None
        unit = src.indent_unit()
        lines = ["metadata_options {", " " * unit + 'http_tokens = "required"', "}"]
        edit = _insert_in_block(src, block, lines)
    elif "http_tokens" in options[0].body.attributes:
        edit = _replace_value(src, options[0], "http_tokens", '"required"')
    else:
        edit = _insert_in_block(src, options[0], ['http_tokens = "required"'])
    return Proposal([edit]) if edit else None


PUBLIC_ACCESS_BLOCK = """resource "aws_s3_bucket_public_access_block" "{name}" {{
{i}bucket = aws_s3_bucket.{bucket}.id

{i}block_public_acls       = true
{i}block_public_policy     = true
{i}ignore_public_acls      = true
{i}restrict_public_buckets = true
}}"""


@fix("TF-AWS-010.missing", "unsafe", "adds an `aws_s3_bucket_public_access_block` for the bucket")
def public_access_block(ctx: FixContext) -> Proposal | None:
    block = _resource(ctx, ("aws_s3_bucket",))
    if block is None or len(block.labels) != 2:
        return None
    if "count" in block.body.attributes or "for_each" in block.body.attributes:
        return None  # one block per instance: a human writes the matching count/for_each
    src = ctx.source
    doc = ctx.doc
    assert doc is not None
    body: Body = doc.meta["body"]
    taken = {
        b.labels[1]
        for b in body.blocks_of("resource")
        if b.labels[:1] == ("aws_s3_bucket_public_access_block",) and len(b.labels) > 1
    }
    name = block.labels[1]
    n = 1
    while name in taken:
        n += 1
        name = f"{block.labels[1]}_{n}"
    if src.line(block.span.end_line).strip() != "}":
        return None
    text = PUBLIC_ACCESS_BLOCK.format(name=name, bucket=block.labels[1], i=" " * src.indent_unit())
    offset = src.after_line(block.span.end_line)
    return Proposal(
        [Edit(offset, offset, src.lines_at(offset, ["", *text.split("\n")], 0))], safe=False
    )
