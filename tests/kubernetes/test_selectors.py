"""Label selector semantics (section 3 preamble, 0.6 item 3): three-valued matching."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from devops_lint.kubernetes.selectors import (
    NAMESPACE_NAME_LABEL,
    cannot_match,
    known_label_texts,
    matches,
    namespace_labels,
    required_label,
    same_namespace,
    selects_everything,
    tri_all,
    tri_any,
)
from devops_lint.model import UNRESOLVED_KEY, Unresolved

U = Unresolved


def expr(key: Any, op: str, *values: Any) -> dict[str, Any]:
    e: dict[str, Any] = {"key": key, "operator": op}
    if values:
        e["values"] = list(values)
    return e


def test_empty_and_absent_selectors_select_everything() -> None:
    assert matches({}, {"app": "x"}) is True
    assert matches(None, {}) is True
    assert matches({"matchLabels": {}}, {"app": "x"}) is True
    assert selects_everything({}) is True
    assert selects_everything({"matchLabels": {}, "matchExpressions": []}) is True
    assert selects_everything({"matchLabels": {"app": "x"}}) is False


def test_match_labels() -> None:
    sel = {"matchLabels": {"app": "api", "tier": "web"}}
    assert matches(sel, {"app": "api", "tier": "web", "extra": "1"}) is True
    assert matches(sel, {"app": "api"}) is False
    assert matches(sel, {"app": "api", "tier": "db"}) is False
    assert matches(sel, None) is False


def test_match_expressions_operators() -> None:
    labels = {"app": "api", "env": "prod"}
    assert matches({"matchExpressions": [expr("app", "In", "api", "web")]}, labels) is True
    assert matches({"matchExpressions": [expr("app", "In", "web")]}, labels) is False
    assert matches({"matchExpressions": [expr("app", "NotIn", "web")]}, labels) is True
    assert matches({"matchExpressions": [expr("app", "NotIn", "api")]}, labels) is False
    # NotIn and DoesNotExist select objects that lack the label.
    assert matches({"matchExpressions": [expr("team", "NotIn", "a")]}, labels) is True
    assert matches({"matchExpressions": [expr("team", "DoesNotExist")]}, labels) is True
    assert matches({"matchExpressions": [expr("env", "DoesNotExist")]}, labels) is False
    assert matches({"matchExpressions": [expr("env", "Exists")]}, labels) is True
    assert matches({"matchExpressions": [expr("team", "Exists")]}, labels) is False
    assert matches({"matchExpressions": [expr("team", "In", "a")]}, labels) is False
    # Requirements are ANDed, matchLabels included.
    both = {"matchLabels": {"app": "api"}, "matchExpressions": [expr("env", "In", "dev")]}
    assert matches(both, labels) is False


def test_unknown_operator_matches_nothing() -> None:
    assert matches({"matchExpressions": [expr("app", "Like", "api")]}, {"app": "api"}) is False


def test_placeholders_never_match_even_identical_text() -> None:
    text = "{{ .Values.app.name }}"
    assert matches({"matchLabels": {"app": U(text)}}, {"app": U(text)}) is None
    assert matches({"matchLabels": {"app": U(text)}}, {"app": text}) is None
    assert matches({"matchLabels": {"app": "api"}}, {"app": U(text)}) is None
    assert matches(U(text), {"app": "api"}) is None
    assert matches({"matchLabels": U(text)}, {"app": "api"}) is None
    assert matches({"matchLabels": {"app": "api"}}, U(text)) is None


def test_a_resolved_mismatch_beats_a_placeholder() -> None:
    sel = {"matchLabels": {"app": U("{{ x }}"), "tier": "web"}}
    assert matches(sel, {"app": "api", "tier": "db"}) is False
    assert matches(sel, {"app": "api", "tier": "web"}) is None


def test_unresolved_subtree_makes_missing_labels_unknown() -> None:
    labels = {"app": "api", UNRESOLVED_KEY: True}
    assert matches({"matchLabels": {"tier": "web"}}, labels) is None
    assert matches({"matchLabels": {"app": "web"}}, labels) is False
    assert matches({"matchExpressions": [expr("tier", "DoesNotExist")]}, labels) is None


def test_in_with_unresolved_values() -> None:
    sel = {"matchExpressions": [expr("app", "In", "api", U("{{ x }}"))]}
    assert matches(sel, {"app": "api"}) is True
    assert matches(sel, {"app": "web"}) is None
    notin = {"matchExpressions": [expr("app", "NotIn", "api", U("{{ x }}"))]}
    assert matches(notin, {"app": "api"}) is False
    assert matches(notin, {"app": "web"}) is None


def test_label_values_compare_as_text() -> None:
    assert matches({"matchLabels": {"version": "1"}}, {"version": 1}) is True
    assert matches({"matchLabels": {"enabled": "true"}}, {"enabled": True}) is True


def test_namespace_labels() -> None:
    labels = namespace_labels("shop", {"team": "payments"})
    assert labels == {"team": "payments", NAMESPACE_NAME_LABEL: "shop"}
    assert (
        matches({"matchLabels": {NAMESPACE_NAME_LABEL: "shop"}}, namespace_labels("shop")) is True
    )
    assert matches({"matchLabels": {"team": "x"}}, namespace_labels("shop")) is False
    templated = namespace_labels("shop", U("{{ labels }}"))
    assert matches({"matchLabels": {"team": "x"}}, templated) is None
    assert matches({"matchLabels": {NAMESPACE_NAME_LABEL: "db"}}, templated) is False


def test_same_namespace() -> None:
    assert same_namespace("a", "a") is True
    assert same_namespace("a", "b") is False
    assert same_namespace(None, None) is True
    assert same_namespace(None, "a") is False
    assert same_namespace(U("{{ ns }}"), U("{{ ns }}")) is None


def test_three_valued_logic() -> None:
    assert tri_all([True, None]) is None
    assert tri_all([None, False]) is False
    assert tri_all([]) is True
    assert tri_any([False, None]) is None
    assert tri_any([None, True]) is True
    assert tri_any([]) is False


label_keys = st.sampled_from(["app", "tier", "env", "team", "kubernetes.io/metadata.name"])
label_values = st.sampled_from(["api", "web", "db", "prod", "x"])
label_sets = st.dictionaries(label_keys, label_values, max_size=5)
operators = st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"])
expressions = st.builds(
    lambda k, op, vs: expr(k, op, *vs) if op in ("In", "NotIn") else expr(k, op),
    label_keys,
    operators,
    st.lists(label_values, min_size=1, max_size=3),
)
selectors = st.builds(
    lambda ml, me: {"matchLabels": ml, "matchExpressions": me},
    label_sets,
    st.lists(expressions, max_size=3),
)


@given(label_sets)
def test_a_selector_of_an_objects_own_labels_selects_it(labels: dict[str, str]) -> None:
    assert matches({"matchLabels": dict(labels)}, labels) is True


@given(selectors, label_sets)
def test_resolved_input_gives_a_definite_answer(
    sel: dict[str, Any], labels: dict[str, str]
) -> None:
    assert matches(sel, labels) in (True, False)


@given(selectors, label_sets, st.data())
def test_a_placeholder_never_turns_into_a_match(
    sel: dict[str, Any], labels: dict[str, str], data: st.DataObject
) -> None:
    """Replacing one label value by a placeholder can only make a match unknown."""
    before = matches(sel, labels)
    if not labels:
        return
    key = data.draw(st.sampled_from(sorted(labels)))
    changed = {**labels, key: U("{{ .Values.x }}")}
    after = matches(sel, changed)
    assert after is not True or before is True
    if after is None:
        assert before is not None
    if before is False and after is not False:
        # only requirements on the replaced key may become unknown
        assert any(k == key for k, *_ in _keys(sel))


def _keys(sel: dict[str, Any]) -> list[tuple[str]]:
    out = [(k,) for k in sel.get("matchLabels", {})]
    out += [(e["key"],) for e in sel.get("matchExpressions", [])]
    return out


_TEXTS = st.sampled_from(["a", "b", "web", "1", ""])
_VALUES = st.one_of(
    _TEXTS,
    st.integers(0, 2),
    st.booleans(),
    st.none(),
    _TEXTS.map(Unresolved),
    st.just([]),
)
_KEYS = st.one_of(st.sampled_from(["app", "tier", "x"]), st.just(UNRESOLVED_KEY))
_LABELS = st.one_of(
    st.dictionaries(_KEYS, _VALUES, max_size=3),
    st.just(Unresolved("{{ labels }}")),
    st.none(),
)
_EXPRESSIONS = st.lists(
    st.fixed_dictionaries(
        {
            "key": st.sampled_from(["app", "tier"]),
            "operator": st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]),
            "values": st.lists(_VALUES, max_size=2),
        }
    ),
    max_size=2,
)
_SELECTORS = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "matchLabels": st.one_of(
                st.dictionaries(_KEYS, _VALUES, max_size=3), st.just(Unresolved("{{ x }}"))
            ),
            "matchExpressions": _EXPRESSIONS,
        },
    ),
    st.none(),
    st.just(Unresolved("{{ sel }}")),
)


@settings(max_examples=2000)
@given(_SELECTORS, _LABELS)
@example({"matchLabels": {"app": "web"}}, {UNRESOLVED_KEY: "a"})  # open labels: unknown
@example({"matchLabels": {"app": "web"}}, {"app": Unresolved("{{ .Values.app }}")})
@example({"matchLabels": {"app": "web"}}, {"app": "api"})  # known and different: False
def test_cannot_match_only_when_matches_is_false(selector: Any, labels: Any) -> None:
    """The cheap pre-test the NetworkPolicy checks make never hides a match or an unknown."""
    if cannot_match(required_label(selector), known_label_texts(labels)):
        assert matches(selector, labels) is False
