"""API versions no longer served by the oldest supported cluster (K8S-027)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Result, Unresolved
from ..registry import check
from .objects import object_of

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

TABLE = "removed_apis.yaml"


@dataclass(frozen=True)
class RemovedApi:
    api_version: str
    kinds: frozenset[str] | None  # None: every kind of that version
    removed: tuple[int, int]
    replacement: str

    def covers(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


def parse_version(text: Any) -> tuple[int, int] | None:
    """``"1.25"`` → ``(1, 25)`` (numeric, so 1.9 < 1.10)."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        return None
    major, _, minor = str(text).strip().lstrip("v").partition(".")
    if not major.isdigit() or not minor.split(".")[0].isdigit():
        return None
    return int(major), int(minor.split(".")[0])


def removed_apis(table: Any) -> list[RemovedApi]:
    """Entries of the data table (``{version: [{apiVersion, kinds?, replacement?}]}``)."""
    out: list[RemovedApi] = []
    if not isinstance(table, dict):
        return out
    for version, entries in table.items():
        removed = parse_version(version)
        if removed is None or not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("apiVersion"), str):
                continue
            kinds = entry.get("kinds")
            out.append(
                RemovedApi(
                    api_version=entry["apiVersion"],
                    kinds=frozenset(kinds) if isinstance(kinds, list) else None,
                    removed=removed,
                    replacement=str(entry.get("replacement") or "a served version"),
                )
            )
    return out


def _applicable(ctx: Context) -> list[RemovedApi]:
    def build() -> list[RemovedApi]:
        floor = parse_version(ctx.settings["min_kubernetes_version"])
        apis = removed_apis(ctx.data(TABLE))
        return [a for a in apis if floor is not None and a.removed <= floor]

    return ctx.memo("kubernetes.removed_apis", build)  # type: ignore[no-any-return]


@check("K8S-027", target="kubernetes.object")
def removed_api_version(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-027: an ``apiVersion``/``kind`` removed in or before ``min_kubernetes_version``."""
    obj = object_of(target)
    api_version = obj.data.get("apiVersion")
    kind = obj.kind
    path = obj.sub("apiVersion")
    if isinstance(api_version, Unresolved):
        # Only kinds the table names explicitly: a templated version of such a kind
        # (Ingress, CronJob, PodDisruptionBudget ...) may still render a removed one.
        if any(a.kinds is not None and kind in a.kinds for a in _applicable(ctx)):
            yield Result(
                path=path,
                unresolved=True,
                message=f"{kind} '{obj.name}' has a templated apiVersion; some {kind} "
                "API versions are no longer served by min_kubernetes_version "
                f"{ctx.settings['min_kubernetes_version']}",
            )
        return
    for api in _applicable(ctx):
        if api.api_version == api_version and api.covers(kind):
            yield Result(
                path=path,
                args={
                    "api_version": api_version,
                    "removed": f"{api.removed[0]}.{api.removed[1]}",
                    "replacement": api.replacement,
                },
            )
            return
