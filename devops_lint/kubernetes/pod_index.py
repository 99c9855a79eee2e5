"""The one index for selector questions over a run's Kubernetes objects.

A selector is namespaced: it can only pick pods (or policies) of its own namespace, or of
the namespaces a ``namespaceSelector`` picks. ``ByNamespace`` groups items by the
namespace they declare, so a question looks only at the items that may share it; a
namespace that is a placeholder may be any (standards 0.6 item 3), so such items are
candidates everywhere and never group with each other. ``LabelIndex`` narrows further by
literal labels. Both only preselect: the exact, three-valued relation is still decided
by ``selectors.matches`` and ``selectors.same_namespace``.

The K8S-NET checks (``network_index``) and the cross-file checks (``crossfile.k8s``)
build their indexes from these two classes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from ..model import UNRESOLVED_KEY, Unresolved
from .selectors import Tri

T = TypeVar("T")


class ByNamespace(Generic[T]):
    """Items grouped by declared namespace (None: not declared), placeholders apart."""

    def __init__(self, namespace_of: Callable[[T], str | None], items: Iterable[T] = ()) -> None:
        self.namespace_of = namespace_of
        self.items: list[T] = []
        self.by_ns: dict[str | None, list[T]] = {}
        self.templated: list[T] = []  # their namespace is a placeholder
        self._order: dict[int, int] = {}
        for item in items:
            self.add(item)

    def add(self, item: T) -> None:
        self._order[id(item)] = len(self.items)
        self.items.append(item)
        ns = self.namespace_of(item)
        if isinstance(ns, Unresolved):
            self.templated.append(item)
        else:
            self.by_ns.setdefault(ns, []).append(item)

    def first(self, ns: str | None) -> T | None:
        """The first item added of a (resolved or undeclared) namespace."""
        found = [] if isinstance(ns, Unresolved) else self.by_ns.get(ns, [])
        return found[0] if found else None

    def in_namespace(self, ns: str | None) -> Iterator[tuple[T, Tri]]:
        """Items surely (True) or possibly (None) in ``ns``: its group, then the templated."""
        if isinstance(ns, Unresolved):
            for item in self.items:
                yield item, None
            return
        for item in self.by_ns.get(ns, []):
            yield item, True
        for item in self.templated:
            yield item, None

    def near(self, ns: str | None) -> list[T]:
        """The items of ``in_namespace``, in the order they were added."""
        if isinstance(ns, Unresolved):
            return self.items
        group = self.by_ns.get(ns, [])
        if not self.templated:
            return group
        order = self._order
        return sorted([*group, *self.templated], key=lambda item: order[id(item)])


def _literal(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, Unresolved)


class LabelIndex(Generic[T]):
    """Items by literal ``(key, value)`` label; items whose labels are not all known
    literals may carry anything."""

    def __init__(self, items: Iterable[T], labels_of: Callable[[T], Any]) -> None:
        self.by_label: dict[tuple[str, str], set[int]] = {}
        self.unknown: set[int] = set()
        for item in items:
            labels = labels_of(item)
            if not isinstance(labels, dict) or UNRESOLVED_KEY in labels:
                self.unknown.add(id(item))
                continue
            for k, v in labels.items():
                if not (_literal(k) and _literal(v)):
                    self.unknown.add(id(item))
                    break
                self.by_label.setdefault((k, v), set()).add(id(item))

    def may_carry(self, wanted: Mapping[str, str]) -> set[int] | None:
        """ids of the items that may carry every ``wanted`` label; None for no label."""
        sets = [self.by_label.get((k, v), set()) for k, v in wanted.items()]
        if not sets:
            return None
        return set.intersection(*sets) | self.unknown
