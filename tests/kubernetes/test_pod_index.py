"""The selector index (``pod_index``): it only preselects, never drops a possible match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from devops_lint.kubernetes.pod_index import ByNamespace, LabelIndex
from devops_lint.kubernetes.selectors import matches, same_namespace
from devops_lint.model import UNRESOLVED_KEY, Unresolved


@dataclass(eq=False)
class Pod:
    namespace: str | None
    labels: Any = None


def _ns(pod: Pod) -> str | None:
    return pod.namespace


TEMPLATED = Unresolved("{{ .Release.Namespace }}")


def test_in_namespace_is_sure_for_its_group_and_open_for_placeholders() -> None:
    a, b, none, tpl = Pod("a"), Pod("b"), Pod(None), Pod(TEMPLATED)
    index = ByNamespace(_ns, [tpl, a, b, none])
    assert list(index.in_namespace("a")) == [(a, True), (tpl, None)]
    assert list(index.in_namespace(None)) == [(none, True), (tpl, None)]
    assert list(index.in_namespace(TEMPLATED)) == [(tpl, None), (a, None), (b, None), (none, None)]
    assert index.near("b") == [tpl, b]  # in the order added
    assert index.first("a") is a and index.first(TEMPLATED) is None and index.first("c") is None


def test_label_index_keeps_pods_whose_labels_are_not_known() -> None:
    web = Pod("a", {"app": "web"})
    db = Pod("a", {"app": "db", "tier": "data"})
    hidden = Pod("a", {"app": "web", UNRESOLVED_KEY: True})
    templated = Pod("a", {"app": TEMPLATED})
    index = LabelIndex([web, db, hidden, templated], lambda p: p.labels)
    assert index.may_carry({"app": "web"}) == {id(web), id(hidden), id(templated)}
    assert index.may_carry({"app": "db", "tier": "data"}) == {id(db), id(hidden), id(templated)}
    assert index.may_carry({}) is None


_namespaces = st.sampled_from(["a", "b", None, TEMPLATED])
_labels = st.one_of(
    st.dictionaries(st.sampled_from(["app", "tier"]), st.sampled_from(["web", "db", TEMPLATED])),
    st.just(TEMPLATED),
    st.just({UNRESOLVED_KEY: True}),
)


@given(
    pods=st.lists(st.builds(Pod, _namespaces, _labels), max_size=8),
    ns=_namespaces,
    wanted=st.dictionaries(st.sampled_from(["app", "tier"]), st.sampled_from(["web", "db"])),
)
def test_prefilters_keep_every_pod_the_exact_relation_may_select(
    pods: list[Pod], ns: str | None, wanted: dict[str, str]
) -> None:
    near = ByNamespace(_ns, pods).near(ns)
    carry = LabelIndex(pods, lambda p: p.labels).may_carry(wanted)
    for pod in pods:
        if same_namespace(ns, pod.namespace) is not False:
            assert pod in near
        if wanted and matches({"matchLabels": wanted}, pod.labels) is not False:
            assert carry is not None and id(pod) in carry
