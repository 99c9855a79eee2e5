"""Span edits on YAML: where a new key lands, in every layout a mapping can be written in."""

from __future__ import annotations

from typing import Any

import pytest

from devops_lint.fix.edits import Source, apply_edits
from devops_lint.fix.yamledit import ensure, insert_into_mapping, replace_scalar
from devops_lint.yamlload import load_documents


def _insert(text: str, path: tuple[Any, ...], entries: dict[str, Any], **kw: Any) -> str | None:
    docs, _ = load_documents(text, "x.yaml")
    doc = next(d for d in docs if d.get(path) is not None)
    edit = insert_into_mapping(Source(text), doc, path, entries, **kw)
    return None if edit is None else apply_edits(text, [edit])[0]


@pytest.mark.parametrize(
    ("text", "path", "want"),
    [
        # end of a nested block mapping whose span runs on to the next key
        ("a:\n  b:\n    c: 1\nd: 2\n", ("a", "b"), "a:\n  b:\n    c: 1\n    k: v\nd: 2\n"),
        # after a block scalar, before a dedented comment
        (
            "a:\n  s: |\n    x\n    y\n  # c\nz: 1\n",
            ("a",),
            "a:\n  s: |\n    x\n    y\n  k: v\n  # c\nz: 1\n",
        ),
        # a list item's mapping
        ("- n: 1\n  m: 2\n- n: 3\n", (0,), "- n: 1\n  m: 2\n  k: v\n- n: 3\n"),
        # flow mappings: empty, with entries, with inner spaces
        ("a: {}\n", ("a",), "a: {k: v}\n"),
        ("a: {x: 1}\n", ("a",), "a: {x: 1, k: v}\n"),
        ("a: { x: 1 }\n", ("a",), "a: { x: 1, k: v }\n"),
        # CRLF lines stay CRLF; a missing final newline stays missing
        ("a:\r\n  b: 1\r\n", ("a",), "a:\r\n  b: 1\r\n  k: v\r\n"),
        ("a:\n  b: 1", ("a",), "a:\n  b: 1\n  k: v"),
        # the second document of a stream
        ("a: 1\n---\nb:\n  c: 1\n", ("b",), "a: 1\n---\nb:\n  c: 1\n  k: v\n"),
    ],
)
def test_a_new_key_lands_at_the_end_of_its_mapping(
    text: str, path: tuple[Any, ...], want: str
) -> None:
    assert _insert(text, path, {"k": "v"}) == want


def test_before_a_key_and_after_a_key() -> None:
    text = "s:\n  name: x\n  run: y\n  with: z\n"
    assert (
        _insert(text, ("s",), {"k": "v"}, before="run")
        == "s:\n  name: x\n  k: v\n  run: y\n  with: z\n"
    )
    assert (
        _insert(text, ("s",), {"k": "v"}, after="name")
        == "s:\n  name: x\n  k: v\n  run: y\n  with: z\n"
    )


def test_before_the_first_key_of_a_list_item_goes_to_the_end() -> None:
    text = "- run: y\n  name: x\n"
    assert _insert(text, (0,), {"k": "v"}, before="run") == "- run: y\n  name: x\n  k: v\n"


def test_nested_entries_use_the_files_indentation_step() -> None:
    text = "c:\n    name: x\n"
    docs, _ = load_documents(text, "x.yaml")
    edit = ensure(
        Source(text),
        docs[0],
        ("c",),
        ("securityContext", "seccompProfile"),
        {"type": "RuntimeDefault"},
    )
    assert edit is not None
    assert apply_edits(text, [edit])[0] == (
        "c:\n    name: x\n    securityContext:\n"
        "        seccompProfile:\n            type: RuntimeDefault\n"
    )


def test_a_present_but_empty_parent_is_left_to_a_human() -> None:
    text = "c:\n  name: x\n  securityContext:\n"
    docs, _ = load_documents(text, "x.yaml")
    assert (
        ensure(Source(text), docs[0], ("c",), ("securityContext",), {"runAsNonRoot": "true"})
        is None
    )


def test_replace_scalar_keeps_the_comment() -> None:
    text = "a:\n  b: true # on\n"
    docs, _ = load_documents(text, "x.yaml")
    edit = replace_scalar(Source(text), docs[0], ("a", "b"), "false")
    assert edit is not None
    assert apply_edits(text, [edit])[0] == "a:\n  b: false # on\n"
