"""Alertmanager configurations (plain files and ``AlertmanagerConfig`` objects) and the
routing simulation of X-006: depth-first first match with ``continue``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..context import TargetKey
from ..kubernetes.facts import objects
from ..model import Document, JsonPath, Unresolved
from ..prometheus.facts import compile_anchored

if TYPE_CHECKING:
    from ..context import Context

MATCHER_RE = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*|"[^"]*")\s*(=~|!~|!=|=)\s*(.*?)\s*$')


@dataclass(frozen=True)
class Matcher:
    name: str
    op: str  # "=", "!=", "=~", "!~"
    value: str

    def matches(self, labels: dict[str, str]) -> bool:
        # Labels the alert does not set statically never match (standards X-006).
        if self.name not in labels:
            return False
        actual = labels[self.name]
        if self.op in ("=", "!="):
            return (actual == self.value) == (self.op == "=")
        rx = compile_anchored(self.value)
        hit = rx is not None and rx.match(actual) is not None
        return hit == (self.op == "=~")


def parse_matcher(text: str) -> Matcher | None:
    m = MATCHER_RE.match(text)
    if not m:
        return None
    name, op, value = m.groups()
    name = name.strip('"')
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return Matcher(name, op, value)


@dataclass
class Route:
    path: JsonPath
    receiver: str | None  # inherited from the parent when not set
    matchers: list[Matcher]
    unreadable: bool  # some matcher could not be read: the route's outcome is unknown
    cont: bool
    routes: list[Route] = field(default_factory=list)
    deprecated: list[JsonPath] = field(default_factory=list)  # match / match_re keys

    def matches(self, labels: dict[str, str]) -> bool:
        return all(m.matches(labels) for m in self.matchers)


@dataclass
class Receiver:
    path: JsonPath
    name: str
    integrations: bool  # has at least one non-empty *_configs list


@dataclass
class AlertmanagerConfig:
    doc: Document
    path: JsonPath  # () for a file, the object's spec path for an AlertmanagerConfig
    data: dict[str, Any]
    locator: str
    route: Route | None
    receivers: dict[str, Receiver]
    crd: bool  # AlertmanagerConfig: matchers are objects, names are namespaced

    def all_routes(self) -> list[Route]:
        out: list[Route] = []
        stack = [self.route] if self.route else []
        while stack:
            r = stack.pop()
            out.append(r)
            stack.extend(reversed(r.routes))
        return out

    def resolve(self, labels: dict[str, str]) -> tuple[list[str], bool]:
        """Receivers an alert with these labels reaches, and whether it reached any
        non-root route. Every alert enters at the root."""
        if self.route is None:
            return [], False
        found: list[str] = []
        deeper = self._walk(self.route, labels, self.route.receiver, found, 0)
        return found, deeper

    def _walk(
        self, node: Route, labels: dict[str, str], inherited: str | None, out: list[str], depth: int
    ) -> bool:
        receiver = node.receiver or inherited
        matched_child = False
        if depth < 64:
            for child in node.routes:
                if child.matches(labels):
                    matched_child = True
                    self._walk(child, labels, receiver, out, depth + 1)
                    if not child.cont:
                        break
        if not matched_child and receiver is not None and receiver not in out:
            out.append(receiver)
        return matched_child


# What the cross-file Alertmanager targets carry.
alertmanager_of: TargetKey[AlertmanagerConfig] = TargetKey("alertmanager")


def _matchers(
    node: dict[str, Any], crd: bool, path: JsonPath
) -> tuple[list[Matcher], bool, list[JsonPath]]:
    out: list[Matcher] = []
    unreadable = False
    deprecated: list[JsonPath] = []
    for key, op in (("match", "="), ("match_re", "=~")):
        block = node.get(key)
        if key in node:
            deprecated.append((*path, key))
        if isinstance(block, dict):
            for k, v in block.items():
                if isinstance(v, Unresolved) or not isinstance(v, (str, int, float, bool)):
                    unreadable = True
                    continue
                out.append(Matcher(str(k), op, str(v)))
    items = node.get("matchers")
    for item in items if isinstance(items, list) else []:
        if crd and isinstance(item, dict):
            name, value = item.get("name"), item.get("value", "")
            mt = item.get("matchType")
            op = mt if mt in ("=", "!=", "=~", "!~") else ("=~" if item.get("regex") else "=")
            if (
                isinstance(name, str)
                and isinstance(value, str)
                and not isinstance(value, Unresolved)
            ):
                out.append(Matcher(name, op, value))
            else:
                unreadable = True
        elif isinstance(item, str) and not isinstance(item, Unresolved):
            m = parse_matcher(item)
            if m is None:
                unreadable = True
            else:
                out.append(m)
        else:
            unreadable = True
    return out, unreadable, deprecated


def _route(node: Any, path: JsonPath, crd: bool, depth: int = 0) -> Route | None:
    if not isinstance(node, dict) or depth > 64:
        return None
    matchers, unreadable, deprecated = _matchers(node, crd, path)
    receiver = node.get("receiver")
    route = Route(
        path=path,
        receiver=receiver
        if isinstance(receiver, str) and not isinstance(receiver, Unresolved)
        else None,
        matchers=matchers,
        unreadable=unreadable or isinstance(receiver, Unresolved),
        cont=node.get("continue") is True,
        deprecated=deprecated,
    )
    children = node.get("routes")
    for i, child in enumerate(children if isinstance(children, list) else []):
        sub = _route(child, (*path, "routes", i), crd, depth + 1)
        if sub is not None:
            route.routes.append(sub)
    return route


def _receivers(items: Any, base: JsonPath) -> dict[str, Receiver]:
    out: dict[str, Receiver] = {}
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        has = any(
            (k.endswith("_configs") or k.endswith("Configs")) and bool(v)
            for k, v in item.items()
            if isinstance(k, str)
        )
        out.setdefault(item["name"], Receiver((*base, i), item["name"], has))
    return out


def _read(
    doc: Document, base: JsonPath, data: dict[str, Any], locator: str, crd: bool
) -> AlertmanagerConfig:
    route = _route(data.get("route"), (*base, "route"), crd)
    return AlertmanagerConfig(
        doc=doc,
        path=base,
        data=data,
        locator=locator,
        route=route,
        receivers=_receivers(data.get("receivers"), (*base, "receivers")),
        crd=crd,
    )


def alertmanager_configs(ctx: Context) -> list[AlertmanagerConfig]:
    def build() -> list[AlertmanagerConfig]:
        out: list[AlertmanagerConfig] = []
        docs = sorted(
            ctx.project.of_format("alertmanager", "kubernetes"), key=lambda d: (d.path, d.index)
        )
        for doc in docs:
            if doc.format == "alertmanager" and isinstance(doc.data, dict):
                out.append(_read(doc, (), doc.data, doc.path, False))
                continue
            for obj in objects(doc):
                spec = obj.data.get("spec")
                if obj.kind == "AlertmanagerConfig" and isinstance(spec, dict):
                    out.append(_read(doc, obj.sub("spec"), spec, obj.locator("spec"), True))
        return out

    result: list[AlertmanagerConfig] = ctx.memo("crossfile.alertmanagers", build)
    return result
