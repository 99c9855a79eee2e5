"""Kubernetes label selectors evaluated in three-valued logic.

``True``/``False`` are proven outcomes; ``None`` means the outcome rests on an
``Unresolved`` value (standards 0.6 item 3): a selector or label value holding a
template placeholder never matches anything, not even identical text, and the
relation that depends on it is unresolved rather than false.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import UNRESOLVED_KEY, Unresolved

Tri = bool | None  # True, False, or None for "depends on an unresolved value"

# Label the API server sets on every namespace (section 3 preamble).
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


def _tri_fold(values: Iterable[Tri], decisive: bool) -> Tri:
    """Any ``decisive`` value wins, else any None (unknown), else ``not decisive``."""
    unknown = False
    for v in values:
        if v is decisive:
            return decisive
        if v is None:
            unknown = True
    return None if unknown else not decisive


def tri_all(values: Iterable[Tri]) -> Tri:
    """Three-valued AND: any False wins, else any None, else True."""
    return _tri_fold(values, False)


def tri_any(values: Iterable[Tri]) -> Tri:
    """Three-valued OR: any True wins, else any None, else False."""
    return _tri_fold(values, True)


def label_text(value: Any) -> str | None:
    """A label value as Kubernetes compares it; None for an unresolved or non-scalar value."""
    if isinstance(value, (Unresolved, dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


class _Labels:
    """A label set that may be partly unknown (unresolved mapping or subtree)."""

    def __init__(self, labels: Any) -> None:
        self.unknown_all = isinstance(labels, Unresolved)
        self.data: dict[str, Any] = labels if isinstance(labels, dict) else {}
        self.open = UNRESOLVED_KEY in self.data  # a missing key is not provably missing

    def lookup(self, key: str) -> tuple[Tri, str | None]:
        """(present?, value text): present is None when it cannot be known."""
        if self.unknown_all:
            return None, None
        if key in self.data and key != UNRESOLVED_KEY:
            return True, label_text(self.data[key])
        return (None if self.open else False), None


def _requirement(key: Any, op: Any, values: Any, labels: _Labels) -> Tri:
    if isinstance(key, Unresolved) or isinstance(op, Unresolved) or not isinstance(key, str):
        return None
    present, value = labels.lookup(key)
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return None if present is None else not present
    if op not in ("In", "NotIn"):
        return False  # the API server rejects any other operator
    is_in = bool(op == "In")
    if isinstance(values, Unresolved):
        return None
    wanted = values if isinstance(values, list) else []
    if present is False:
        return not is_in
    if present is None or value is None:
        return None
    texts = [label_text(v) for v in wanted]
    if value in (t for t in texts if t is not None):
        return is_in
    if any(t is None for t in texts):
        return None
    return not is_in


def selector_requirements(selector: dict[str, Any]) -> list[tuple[Any, Any, Any]]:
    """``(key, operator, values)`` for every requirement of a selector mapping."""
    out: list[tuple[Any, Any, Any]] = []
    ml = selector.get("matchLabels")
    if isinstance(ml, dict):
        for k, v in ml.items():
            if k != UNRESOLVED_KEY:
                out.append((k, "In", [v]))
    for expr in selector.get("matchExpressions") or []:
        if isinstance(expr, dict):
            out.append((expr.get("key"), expr.get("operator"), expr.get("values")))
        else:
            out.append((Unresolved(str(expr)), None, None))
    return out


def is_unresolved_selector(selector: Any) -> bool:
    """True when the selector's requirements themselves cannot be read."""
    if isinstance(selector, Unresolved):
        return True
    if not isinstance(selector, dict):
        return False
    if UNRESOLVED_KEY in selector:
        return True
    ml, me = selector.get("matchLabels"), selector.get("matchExpressions")
    return (
        isinstance(ml, Unresolved)
        or isinstance(me, Unresolved)
        or (isinstance(ml, dict) and UNRESOLVED_KEY in ml)
    )


def selects_everything(selector: Any) -> Tri:
    """Whether a (present) selector is empty and so selects every object."""
    if is_unresolved_selector(selector):
        return None
    if selector is None:
        return True
    if not isinstance(selector, dict):
        return False
    return not selector_requirements(selector)


def matches(selector: Any, labels: Any) -> Tri:
    """Does a label selector select an object with these labels?

    ``selector`` is a ``LabelSelector`` mapping (``matchLabels``/``matchExpressions``);
    ``None`` or ``{}`` selects everything. ``labels`` is a mapping, possibly carrying
    ``UNRESOLVED_KEY``, or an ``Unresolved`` standing for a templated label block.
    """
    if isinstance(selector, Unresolved):
        return None
    if selector is None:
        return True
    if not isinstance(selector, dict):
        return False
    lab = _Labels(labels)
    results: list[Tri] = []
    ml = selector.get("matchLabels")
    if isinstance(ml, Unresolved) or isinstance(selector.get("matchExpressions"), Unresolved):
        results.append(None)
    if UNRESOLVED_KEY in selector or (isinstance(ml, dict) and UNRESOLVED_KEY in ml):
        results.append(None)
    for key, op, values in selector_requirements(selector):
        results.append(_requirement(key, op, values, lab))
        if results[-1] is False:
            return False
    return tri_all(results)


def required_label(selector: Any) -> tuple[str, str] | None:
    """A ``(key, value text)`` every object ``selector`` can select carries: its first
    literal ``matchLabels`` pair (its requirement is False for any other known label set,
    and ``matches`` is False as soon as one requirement is). None when there is none."""
    if not isinstance(selector, dict):
        return None
    ml = selector.get("matchLabels")
    if not isinstance(ml, dict):
        return None
    for key, value in ml.items():
        if isinstance(key, str) and not isinstance(key, Unresolved) and key != UNRESOLVED_KEY:
            text = label_text(value)
            if text is not None:
                return key, text
    return None


def known_label_texts(labels: Any) -> dict[str, str] | None:
    """The label texts of a label set known in full; None when any part is unknown."""
    if not isinstance(labels, dict) or UNRESOLVED_KEY in labels:
        return None
    out: dict[str, str] = {}
    for key, value in labels.items():
        text = label_text(value)
        if text is None or not isinstance(key, str) or isinstance(key, Unresolved):
            return None
        out[key] = text
    return out


def cannot_match(required: tuple[str, str] | None, texts: dict[str, str] | None) -> bool:
    """True only when ``matches`` is surely False: the known labels lack the required pair.

    The cheap test a selector index makes before ``matches`` (a namespace of thousands of
    policies and pods otherwise costs millions of full selector evaluations).
    """
    return required is not None and texts is not None and texts.get(required[0]) != required[1]


def namespace_labels(name: str, declared: Any = None) -> dict[str, Any]:
    """Labels of namespace ``name``: those of its ``Namespace`` object plus the implicit one.

    ``declared`` is the ``metadata.labels`` of the ``Namespace`` object in the scanned
    set (None when there is none). A namespace without an object has only the
    implicit label (section 3 preamble).
    """
    out: dict[str, Any] = {}
    if isinstance(declared, Unresolved):
        out[UNRESOLVED_KEY] = True
    elif isinstance(declared, dict):
        out.update(declared)
    out[NAMESPACE_NAME_LABEL] = name
    return out


def same_namespace(a: str | None, b: str | None) -> Tri:
    """Whether two declared namespaces are the same (None = not declared; placeholders unknown)."""
    if isinstance(a, Unresolved) or isinstance(b, Unresolved):
        return None
    return a == b


def api_group(api_version: Any) -> str | None:
    """The API group of an ``apiVersion`` (``""`` for core); None when it is templated."""
    if isinstance(api_version, Unresolved) or not isinstance(api_version, str):
        return None
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def in_api_groups(api_version: Any, groups: Iterable[str]) -> bool:
    """Whether an object is of one of ``groups`` (a templated ``apiVersion`` is given the benefit
    of the doubt, so Helm charts that pick the version at render time are still checked)."""
    group = api_group(api_version)
    return group is None or group in groups
