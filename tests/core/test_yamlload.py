from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_lint.model import ParseError, Span
from devops_lint.yamlload import load_documents, plain_scalar


def one(text: str) -> object:
    docs, _ = load_documents(text, "t.yaml")
    return docs[0].data


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("No", False),
        ("on", True),
        ("OFF", False),
        ("true", True),
        ("0755", 493),
        ("0o17", 15),
        ("0x1F", 31),
        ("12", 12),
        ("-3", -3),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("~", None),
        ("null", None),
        ("", None),
        ("v1", "v1"),
        ("1.2.3", "1.2.3"),
        ("y", "y"),
    ],
)
def test_plain_scalars_follow_yaml_1_1(text: str, value: object) -> None:
    assert plain_scalar(text) == value


def test_special_floats() -> None:
    assert plain_scalar(".inf") == math.inf
    assert math.isnan(plain_scalar(".nan"))


def test_quoted_scalars_stay_strings() -> None:
    assert one("a: \"yes\"\nb: '0755'\nc: |\n  on\n") == {"a": "yes", "b": "0755", "c": "on\n"}


def test_keys_stay_strings_so_workflow_on_survives() -> None:
    data = one("on:\n  push: {}\njobs: {}\n")
    assert isinstance(data, dict)
    assert "on" in data
    assert True not in data


def test_spans_of_keys_and_values() -> None:
    docs, _ = load_documents("a:\n  b: [1, two]\n", "t.yaml")
    doc = docs[0]
    assert doc.key_spans[("a", "b")] == Span(2, 3, 2, 3)
    assert doc.spans[("a", "b", 1)] == Span(2, 10, 2, 12)
    assert doc.span(("a", "b", 7)) == doc.spans[("a", "b")]  # nearest ancestor


def test_multi_document_indexes() -> None:
    docs, _ = load_documents("a: 1\n---\n---\nb: 2\n", "t.yaml")
    assert [d.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert [d.meta["start_line"] for d in docs] == [1, 4]


def test_duplicate_keys_are_reported_last_wins() -> None:
    docs, dups = load_documents("a: 1\nb: 2\na: 3\n", "t.yaml")
    assert docs[0].data == {"a": 3, "b": 2}
    assert [(k, s.line) for k, s in dups] == [("a", 3)]


def test_merge_keys_and_aliases() -> None:
    data = one("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nd: *b\n")
    assert data == {"base": {"x": 1, "y": 2}, "c": {"x": 1, "y": 3}, "d": {"x": 1, "y": 2}}


@pytest.mark.parametrize(
    "text",
    [
        "a: [1",
        "a: b: c",
        "\x00",
        "a: *nope",
        "- a\nb: 1",
        "[" * 2000,
        "a: &a [*a]",
        "key: 'unterminated",
        "\t- tab",
    ],
)
def test_bad_yaml_is_a_located_parse_error(text: str) -> None:
    with pytest.raises(ParseError) as info:
        load_documents(text, "t.yaml")
    assert info.value.line >= 1
    assert info.value.column >= 1
    assert info.value.message


def _bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_where_the_expansion_crosses_the_bound() -> None:
    # Sharing the value is not enough: every walk over the data (secrets, workflow
    # inputs, toYaml) would visit 10^11 nodes.
    with pytest.raises(ParseError, match="alias bomb") as info:
        load_documents(_bomb(12), "bomb.yaml")
    assert (info.value.line, info.value.column) == (5, 5)  # in a4, the first to cross


def test_alias_bomb_in_a_later_document_is_refused_too() -> None:
    with pytest.raises(ParseError, match="alias bomb"):
        load_documents("a: 1\n---\n" + _bomb(8), "bomb.yaml")


def test_moderate_alias_reuse_still_loads_and_shares() -> None:
    docs, _ = load_documents(_bomb(4), "ok.yaml")  # 10^4 expanded nodes
    data = docs[0].data
    assert len(data["a3"]) == 10
    assert data["a3"][0] is data["a2"]


def test_merge_keys_count_towards_the_expansion() -> None:
    text = _bomb(5) + "".join(f"m{i}:\n  <<: {{k: *a4}}\n" for i in range(20))
    with pytest.raises(ParseError, match="alias bomb"):
        load_documents(text, "merge.yaml")


def test_alias_chain_cannot_nest_deeper_than_the_bound() -> None:
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 450)]
    with pytest.raises(ParseError, match="deeper than"):
        load_documents("\n".join(lines) + "\n", "chain.yaml")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: " + "[" * 50_000 + "]" * 50_000 + "\n", (1, 403)),  # the 400th "[" opens level 401
        ("a: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n", (1, 1600)),
        ("- " * 50_000 + "x\n", (1, 801)),
        ("".join(" " * i + "a:\n" for i in range(2_000)), (401, 401)),
    ],
)
def test_deep_nesting_is_refused_before_the_c_composer_sees_it(
    text: str, where: tuple[int, int]
) -> None:
    # Before the pre-scan, the first two crashed the process (stack overflow in C).
    with pytest.raises(ParseError, match="deeper than 400") as info:
        load_documents(text, "deep.yaml")
    assert (info.value.line, info.value.column) == where


def test_nesting_within_the_bound_loads() -> None:
    docs, _ = load_documents("a: " + "[" * 300 + "1" + "]" * 300 + "\n", "ok.yaml")
    value = docs[0].data["a"]
    for _ in range(300):
        value = value[0]
    assert value == 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises_anything_but_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        load_documents(text, "t.yaml")


YAML_ALPHABET = st.sampled_from([*"abc:-[]{},&*!|>'\"#\n \t0123yesno~.", "  ", "\n- ", ": "])


@settings(max_examples=300, deadline=None)
@given(st.lists(YAML_ALPHABET, max_size=80).map("".join))
def test_yaml_shaped_noise_never_crashes(text: str) -> None:
    try:
        docs, _ = load_documents(text, "t.yaml")
    except ParseError:
        return
    for doc in docs:
        for span in doc.spans.values():
            assert span.line >= 1
            assert span.column >= 1
