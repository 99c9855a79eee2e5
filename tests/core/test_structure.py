"""Shape checks that refuse a whole document (the message names what the value is), and
the target constructors of the located model."""

from __future__ import annotations

import pytest

from devops_lint.model import (
    FILE_START,
    Document,
    Span,
    Target,
    Unresolved,
    contains_unresolved,
    holds_instance,
    mapping_or_empty,
    text_or_empty,
)
from devops_lint.structure import check_shape
from devops_lint.yamlload import load_documents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scrape_configs: {a: 1}\n", "'scrape_configs' must be a list, not a mapping"),
        ("scrape_configs: text\n", "'scrape_configs' must be a list, not a string"),
        ("global: [1]\n", "'global' must be a mapping, not a list"),
        ("global: 3\n", "'global' must be a mapping, not int"),
        ("alerting: {alertmanagers: yes}\n", "'alerting.alertmanagers' must be a list, not bool"),
        ("scrape_configs: []\n", None),
    ],
)
def test_prometheus_config_shapes(text: str, message: str | None) -> None:
    docs, _ = load_documents(text, "prometheus.yml", "prometheus-config")
    error = check_shape(docs[0])
    if message is None:
        assert error is None
    else:
        assert error is not None and str(error).startswith(message)


def test_target_constructors_put_anchor_and_object_span_together() -> None:
    doc = Document("a.yaml", "yaml", {"k": 1}, {})
    whole = Target.of_file("x.file", doc, doc.data, "a", {"name": "a"}, identity="repo")
    assert (whole.path, whole.anchor, whole.object_span, whole.identity) == (
        (),
        FILE_START,
        FILE_START,
        "repo",
    )
    span = Span(3, 1, 3, 5)
    part = Target.of_span("x.part", doc, ("k",), 1, "a:k", span, {"name": "k"})
    assert (part.path, part.anchor, part.object_span, part.context) == (
        ("k",),
        span,
        span,
        {"name": "k"},
    )


def _nested(value: object, levels: int) -> object:
    for _ in range(levels):
        value = [value]
    return value


def test_holds_instance_looks_max_depth_levels_down() -> None:
    marker = Unresolved("{{ x }}")
    assert holds_instance({"a": [marker]}, Unresolved, 1)
    assert holds_instance(_nested(marker, 3), Unresolved, 2)
    assert not holds_instance(_nested(marker, 4), Unresolved, 2)
    assert not holds_instance((marker,), Unresolved, 2)  # tuples only when asked for
    assert holds_instance((marker,), Unresolved, 2, (list, tuple))
    assert contains_unresolved(_nested(marker, 65))
    assert not contains_unresolved(_nested(marker, 66))


def test_mapping_or_empty_and_text_or_empty() -> None:
    assert mapping_or_empty({"a": 1}) == {"a": 1}
    assert mapping_or_empty(None) == {} and mapping_or_empty([1]) == {}
    templated = Unresolved("{{ .Values.name }}")
    assert text_or_empty("web") == "web" and text_or_empty(templated) is templated
    assert text_or_empty(None) == "" and text_or_empty(3) == ""
