"""Parse facts survive the trip through JSON unchanged, and odd content is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devops_lint import parsing
from devops_lint.cache.facts import decode_outcome, encode_outcome
from devops_lint.cache.tfsyntax import NODES, Invalid, Unfit
from devops_lint.model import Unresolved
from devops_lint.project import SourceFile
from devops_lint.terraform.parser import parse_file

from .support import ROOT

FIXTURES = ROOT / "fixtures"


def _trip(outcome: parsing.Outcome | parsing.Problem, text: str, path: str) -> Any:
    stored = json.loads(json.dumps(encode_outcome(outcome, text)))
    return decode_outcome(stored, path, text)


def _fact_kind(path: Path) -> bool:
    """Files whose parse facts the cache stores (Helm templates are parsed every run)."""
    kind = parsing.file_kind(path.relative_to(ROOT).as_posix())
    return kind in parsing.PARSED_KINDS and kind != "helm"


def _files(pattern: str, limit: int) -> list[Path]:
    return [p for p in sorted(FIXTURES.rglob(pattern)) if _fact_kind(p)][:limit]


@pytest.mark.parametrize(
    "path", [*_files("*.tf", 400), *_files("*.yaml", 300), *_files("*.yml", 100)], ids=str
)
def test_round_trip_is_exact(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    sf = SourceFile(rel, path, parsing.file_kind(rel))
    outcome = parsing.load_one(sf, {"max_file_size": 1 << 20}, ROOT)
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        first = encode_outcome(outcome, text)
    except Unfit:
        pytest.skip("unfit for the cache (parsed on every run)")
    back = _trip(outcome, text, rel)
    # Canonical comparison: the re-encoded facts are identical, and so is what rules read.
    assert encode_outcome(back, text) == first
    if isinstance(outcome, parsing.Outcome):
        assert isinstance(back, parsing.Outcome)
        for a, b in zip(outcome.documents, back.documents, strict=True):
            assert (a.path, a.format, a.index, a.text) == (b.path, b.format, b.index, b.text)
            assert a.spans == b.spans and a.key_spans == b.key_spans
            assert json.dumps(a.data, sort_keys=True) == json.dumps(b.data, sort_keys=True)


def test_unresolved_values_keep_type_and_identity() -> None:
    text = 'resource "aws_s3_bucket" "b" {\n  bucket = var.name\n  acl = var.name\n}\n'
    [doc] = parse_file("main.tf", text)
    shared = Unresolved("var.shared")
    doc.data["resource"]["aws_s3_bucket"]["b"]["tags"] = [shared, shared]
    out = parsing.Outcome(documents=[doc])
    back = _trip(out, text, "main.tf")
    assert isinstance(back, parsing.Outcome)
    resource = back.documents[0].data["resource"]["aws_s3_bucket"]["b"]
    assert type(resource["bucket"]) is Unresolved and resource["bucket"] == resource["bucket"]
    assert resource["bucket"] != resource["acl"]  # distinct placeholders never compare equal
    first, second = resource["tags"]
    assert first is second  # one placeholder written twice stays one
    body = back.documents[0].meta["body"]
    assert [b.describe() for b in body.blocks] == ['resource "aws_s3_bucket" "b"']


def test_yaml_aliases_are_not_stored() -> None:
    text = "a: &x {k: [1, 2]}\nb: *x\n"
    sf = SourceFile("x.yaml", Path("x.yaml"), "yaml")
    outcome = parsing.parse(sf, text, {}, ROOT)
    with pytest.raises(Unfit):
        encode_outcome(outcome, text)


def test_keys_that_could_pass_for_markers_are_not_stored() -> None:
    text = '"\\0u": 1\n'
    sf = SourceFile("x.yaml", Path("x.yaml"), "yaml")
    outcome = parsing.parse(sf, text, {}, ROOT)
    with pytest.raises(Unfit):
        encode_outcome(outcome, text)


def _stored_tf() -> dict[str, Any]:
    text = 'variable "v" {\n  default = "x"\n}\n'
    enc = encode_outcome(parsing.Outcome(documents=parse_file("v.tf", text)), text)
    return json.loads(json.dumps(enc))


TAMPERS = {
    "span of strings": lambda d: d["documents"][0]["spans"][0].__setitem__(-1, "9"),
    "bool in a span": lambda d: d["documents"][0]["spans"][0].__setitem__(-1, True),
    "short span row": lambda d: d["documents"][0]["spans"].__setitem__(0, [1, 2]),
    "unknown node": lambda d: d["documents"][0]["meta"]["body"].__setitem__(0, "Evil"),
    "node arity": lambda d: d["documents"][0]["meta"]["body"].append(1),
    "index type": lambda d: d["documents"][0].__setitem__("index", "0"),
    "format type": lambda d: d["documents"][0].__setitem__("format", 3),
    "documents type": lambda d: d.__setitem__("documents", {}),
    "unresolved index": lambda d: d["documents"][0].__setitem__("data", {"\x00u": 7}),
    "error shape": lambda d: d.__setitem__("error", ["x"]),
}


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_tampered_facts_are_refused(name: str) -> None:
    stored = _stored_tf()
    TAMPERS[name](stored)
    with pytest.raises(Invalid):
        decode_outcome(stored, "v.tf", "")


def test_node_table_matches_the_syntax_classes() -> None:
    from dataclasses import fields

    for tag, (cls, kinds) in NODES.items():
        assert len(fields(cls)) == len(kinds), tag
