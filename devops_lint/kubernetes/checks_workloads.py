"""Workload metadata: ownership and application labels (K8S-024)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import UNRESOLVED_KEY, JsonPath, Result, Unresolved
from ..registry import check
from .checks_support import Tri, lookup, undecided
from .objects import object_of, pod_spec

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


def has_label(owner: Any, base: JsonPath, metadata: JsonPath, keys: list[str]) -> Tri:
    """Whether ``<metadata>.labels`` under ``owner`` holds one of ``keys`` (non-empty)."""
    found = lookup(owner, base, (*metadata, "labels"))
    if found.unknown or (found.present and isinstance(found.value, Unresolved)):
        return Tri.MAYBE
    labels = found.value
    if not found.present or not isinstance(labels, dict):
        return Tri.NO
    for key in keys:
        value = labels.get(key)
        if value is not None and value != "":
            return Tri.YES
    return Tri.MAYBE if UNRESOLVED_KEY in labels else Tri.NO


@check("K8S-024", target="kubernetes.object")
def required_labels(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-024: the workload and its pod template carry one label of each required group."""
    obj = object_of(target)  # applies_to: the workload kinds
    pod = pod_spec(obj)
    places: list[tuple[str, JsonPath]] = [("the object", ("metadata",))]
    if pod is not None and pod.rel[:-1]:  # a bare Pod is its own template
        places.append(("its pod template", (*pod.rel[:-1], "metadata")))
    missing: list[str] = []
    unknown = False
    for group in ctx.settings["required_workload_labels"]:
        keys = [k for k in group if isinstance(k, str)]
        if not keys:
            continue
        lacking = []
        for where, meta in places:
            state = has_label(obj.data, obj.path, meta, keys)
            if state is Tri.NO:
                lacking.append(where)
            elif state is Tri.MAYBE:
                unknown = True
        if lacking:
            label = keys[0] if len(keys) == 1 else "one of " + ", ".join(keys)
            missing.append(f"{label} (missing on {' and '.join(lacking)})")
    if not missing and not unknown:
        return
    labels_key = obj.sub("metadata", "labels")
    at_labels = labels_key in obj.doc.key_spans
    at: dict[str, Any] = {"path": labels_key if at_labels else None, "key": at_labels}
    if missing:
        yield Result(args={"missing": "; ".join(missing)}, **at)
    else:
        yield undecided(target, "required labels may be set by a template include", **at)
