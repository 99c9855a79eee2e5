"""YAML → located ``Document``s, built in one walk over ruamel.yaml's C composer.

Scalars follow YAML 1.1 as Kubernetes (go-yaml) reads them: ``yes``/``no``/``on``/
``off`` are booleans and ``0755`` is octal, so ``privileged: yes`` is caught. Mapping
keys always stay strings, so a workflow's ``on:`` key keeps its name.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

from .bounds import MAX_NESTING, yaml_too_deep
from .model import Document, JsonPath, ParseError, Span

# Limits that keep hostile input (alias bombs, deep nesting) from exhausting the process.
MAX_DEPTH = MAX_NESTING
MAX_NODES = 2_000_000
# Aliases share the value they point at, so building the data is linear, but every walk
# over it (secret scanning, workflow inputs, Helm ``toYaml``) visits a shared value once per
# alias: a "billion laughs" file of a few lines expands to 10**9 nodes. The nodes aliases
# add (counted with everything below them) may not exceed this base plus a multiple of
# the file's own nodes.
ALIAS_EXPANSION_BASE = 100_000
ALIAS_EXPANSION_FACTOR = 10

_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"}
_FALSE = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"}
_INT_RE = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
_OCT11_RE = re.compile(r"[-+]?0[0-7_]+")
_OCT12_RE = re.compile(r"[-+]?0o[0-7_]+")
_HEX_RE = re.compile(r"[-+]?0x[0-9a-fA-F_]+")
_BIN_RE = re.compile(r"[-+]?0b[01_]+")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}
_NINF = {"-.inf", "-.Inf", "-.INF"}
_NAN = {".nan", ".NaN", ".NAN"}

STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"


def _yaml(pure: bool = False) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode
    from ruamel.yaml.resolver import BaseResolver
    from ruamel.yaml.tag import Tag

    global _STR, _SEQ, _MAP
    if _STR is None:
        _STR, _SEQ, _MAP = Tag(suffix=STR_TAG), Tag(suffix=SEQ_TAG), Tag(suffix=MAP_TAG)

    class FastResolver(BaseResolver):
        """Constant tags: scalars are resolved by ``plain_scalar`` with YAML 1.1 rules.

        ruamel's versioned resolver costs more than the C parser itself on large inputs.
        """

        processing_version = (1, 2)  # read by the pure-Python scanner and parser only

        def __init__(self, version: Any = None, loader: Any = None, loadumper: Any = None) -> None:
            super().__init__(loadumper=loadumper or loader)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode:
                return _STR
            return _MAP if kind is MappingNode else _SEQ

    yaml = YAML(typ="safe", pure=pure)
    yaml.Resolver = FastResolver
    return yaml


_YAML: Any = None
_PURE_YAML: Any = None
_STR: Any = None
_SEQ: Any = None
_MAP: Any = None


def _composer() -> Any:
    global _YAML
    if _YAML is None:
        _YAML = _yaml()
    return _YAML


def _pure_composer() -> Any:
    global _PURE_YAML
    if _PURE_YAML is None:
        _PURE_YAML = _yaml(pure=True)
    return _PURE_YAML


# libyaml (the C composer) rejects ':' inside a plain scalar of a flow collection
# (`args: [--addr=:8080]`, `[http://x/]`), which YAML 1.2 and go-yaml accept; such a text
# is composed again by ruamel's pure-Python scanner, which follows YAML 1.2 there.
_LIBYAML_FLOW_COLON = "found unexpected ':'"


def plain_scalar(text: str) -> Any:
    """The value of an unquoted scalar under YAML 1.1 resolution."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        try:
            if _INT_RE.fullmatch(text):
                return int(text.replace("_", ""))
            if _OCT11_RE.fullmatch(text):
                return int(text.replace("_", ""), 8)
            if _OCT12_RE.fullmatch(text):
                return int(text.replace("_", "").replace("0o", ""), 8)
            if _HEX_RE.fullmatch(text):
                return int(text.replace("_", ""), 16)
            if _BIN_RE.fullmatch(text):
                return int(text.replace("_", ""), 2)
            if _FLOAT_RE.fullmatch(text) and any(c.isdigit() for c in text):
                return float(text.replace("_", ""))
        except ValueError:
            return text
        if text in _INF:
            return math.inf
        if text in _NINF:
            return -math.inf
        if text in _NAN:
            return math.nan
    return text


def _span(node: Any) -> Span:
    s, e = node.start_mark, node.end_mark
    sl, sc, el, ec = s.line + 1, s.column + 1, e.line + 1, e.column
    if ec == 0 and el > sl:
        # Block scalars end at the start of the following line: report their last line.
        el, ec = el - 1, sc
    if el == sl and ec < sc:
        ec = sc
    return Span(sl, sc, el, ec)


class _Budget:
    """Nodes built and nodes added by aliases, over every document of one file."""

    def __init__(self) -> None:
        self.nodes = 0
        self.expansion = 0


class _Builder:
    def __init__(
        self, doc: Document, duplicates: list[tuple[str, Span]], budget: _Budget | None = None
    ) -> None:
        self.doc = doc
        self.budget = budget or _Budget()
        self.building: set[int] = set()
        self.built: dict[int, Any] = {}
        # Per built collection: how many nodes it stands for with aliases expanded, and
        # how deep it goes below itself; an alias re-visit adds both without a walk.
        self.size: dict[int, int] = {}
        self.height: dict[int, int] = {}
        self.duplicates = duplicates
        self.last_size = 1
        self.last_height = 0

    def build(self, node: Any, path: JsonPath, depth: int, near: Any = None) -> Any:
        """``near``: a mark just before ``node`` in the text (an alias node carries the
        position of its anchor, so a refused alias is reported at ``near``)."""
        self._enter(node, path, depth)
        ident = id(node)
        if ident in self.built:  # an alias: share the value, keep spans bounded
            return self._alias(node, ident, depth, near)
        if ident in self.building:
            raise ParseError("recursive alias", *_pos(node))
        node_id = node.id
        size, height = 1, 0
        if node_id == "scalar":
            value = self._scalar(node)
        elif node_id == "sequence":
            self.building.add(ident)
            items = []
            near = node.start_mark
            for i, item in enumerate(node.value):
                if item.id == "scalar":  # the common case, without a call (see _leaf)
                    items.append(self._leaf(item, (*path, i), depth + 1))
                    near = item.end_mark
                    size += 1
                    height = max(height, 1)
                    continue
                items.append(self.build(item, (*path, i), depth + 1, near))
                size += self.last_size
                height = max(height, self.last_height + 1)
            value = items
            self.building.discard(ident)
        elif node_id == "mapping":
            self.building.add(ident)
            value, size, height = self._mapping(node, path, depth)
            self.building.discard(ident)
        else:  # pragma: no cover - composer yields only these three
            raise ParseError(f"unexpected YAML node {node_id}", *_pos(node))
        if node_id != "scalar":
            self.built[ident] = value  # an alias to this node reuses the built value
            self.size[ident], self.height[ident] = size, height
        self.last_size, self.last_height = size, height
        return value

    def _alias(self, node: Any, ident: int, depth: int, near: Any) -> Any:
        """The shared value of an alias, once its expanded size and depth are in bounds."""
        size, height = self.size[ident], self.height[ident]
        where = (near.line + 1, near.column + 1) if near is not None else _pos(node)
        if depth + height > MAX_DEPTH:
            raise ParseError(f"alias nests the document deeper than {MAX_DEPTH} levels", *where)
        budget = self.budget
        budget.expansion += size - 1
        allowed = ALIAS_EXPANSION_BASE + ALIAS_EXPANSION_FACTOR * budget.nodes
        if budget.expansion > allowed:
            raise ParseError(
                f"aliases expand to more than {allowed} nodes (an alias bomb?)", *where
            )
        self.last_size, self.last_height = size, height
        return self.built[ident]

    def _enter(self, node: Any, path: JsonPath, depth: int) -> None:
        """Count ``node`` against the file's bounds and record where it is written."""
        budget = self.budget
        budget.nodes += 1
        if budget.nodes > MAX_NODES:
            raise ParseError(f"more than {MAX_NODES} YAML nodes", *_pos(node))
        if depth > MAX_DEPTH:
            raise ParseError(f"nesting deeper than {MAX_DEPTH} levels", *_pos(node))
        self.doc.spans[path] = _span(node)

    def _leaf(self, node: Any, path: JsonPath, depth: int) -> Any:
        """``build`` of a scalar node: the same bounds, span and value, without the
        bookkeeping of collections and aliases (three of five YAML nodes are scalars)."""
        self._enter(node, path, depth)
        self.last_size, self.last_height = 1, 0
        return self._scalar(node)

    def _scalar(self, node: Any) -> Any:
        text = node.value
        if node.style:
            return text  # quoted or block
        if node.ctag is _STR or str(node.ctag).startswith("tag:yaml.org,2002:"):
            return plain_scalar(text)
        return text  # custom-tagged (e.g. !Ref): the text itself

    def _mapping(self, node: Any, path: JsonPath, depth: int) -> tuple[dict[str, Any], int, int]:
        out: dict[str, Any] = {}
        size, height = 1, 0
        for key_node, value_node in node.value:
            if key_node.id == "scalar" and key_node.value == "<<" and not key_node.style:
                merged = self.build(value_node, (*path, "<<"), depth + 1, key_node.end_mark)
                # The merged keys' values are shared too: count them like an alias.
                size += self.last_size
                height = max(height, self.last_height)
                sources = merged if isinstance(merged, list) else [merged]
                for src in sources:
                    if isinstance(src, dict):
                        for k, v in src.items():
                            out.setdefault(k, v)
                continue
            if key_node.id == "scalar":
                key = key_node.value
            else:
                raise ParseError("mapping keys must be scalars", *_pos(key_node))
            kpath = (*path, key)
            if key in out and kpath in self.doc.key_spans:
                self.duplicates.append((key, _span(key_node)))
            self.doc.key_spans[kpath] = _span(key_node)
            if value_node.id == "scalar":
                out[key] = self._leaf(value_node, kpath, depth + 1)
                size += 2
                height = max(height, 1)
                continue
            out[key] = self.build(value_node, kpath, depth + 1, key_node.end_mark)
            size += self.last_size + 1
            height = max(height, self.last_height + 1)
        return out, size, height


def _pos(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _error_from(exc: Exception) -> ParseError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context and problem else str(problem)
    if mark is not None:
        return ParseError(f"invalid YAML: {message}", mark.line + 1, mark.column + 1)
    return ParseError(f"invalid YAML: {message}")


def load_documents(
    text: str, path: str, fmt: str = "yaml"
) -> tuple[list[Document], list[tuple[str, Span]]]:
    """Every document of a YAML stream, with the duplicate keys met on the way.

    Raises ``ParseError`` for anything that is not valid YAML.
    """
    try:
        return _load(_composer(), text, path, fmt)
    except ParseError as exc:
        if _LIBYAML_FLOW_COLON not in str(exc):
            raise
        return _load(_pure_composer(), text, path, fmt)


def _load(
    composer: Any, text: str, path: str, fmt: str
) -> tuple[list[Document], list[tuple[str, Span]]]:
    docs: list[Document] = []
    duplicates: list[tuple[str, Span]] = []
    # The C composer recurses once per level and a stack overflow there cannot be
    # caught: measure the depth first.
    too_deep = yaml_too_deep(text)
    if too_deep is not None:
        raise ParseError(too_deep.message, too_deep.line, too_deep.column)
    budget = _Budget()
    try:
        for index, root in enumerate(composer.compose_all(io.StringIO(text))):
            if root is None:
                continue
            doc = Document(path=path, format=fmt, data=None, index=index, text=text)
            doc.data = _Builder(doc, duplicates, budget).build(root, (), 0)
            if doc.data is None:
                continue  # an empty document between separators
            doc.meta["start_line"] = root.start_mark.line + 1
            docs.append(doc)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(f"nesting deeper than {MAX_DEPTH} levels") from None
    except Exception as exc:  # ruamel raises many error classes; all mean "not YAML"
        raise _error_from(exc) from None
    return docs, duplicates


def load_plain(text: str) -> Any:
    """Plain data of a single-document YAML text (data tables, config files)."""
    docs, _ = load_documents(text, "<data>")
    return docs[0].data if docs else None
