"""The syntax tree of GitHub Actions expressions, and reading it.

The node types the parser (``expressions.py``) builds, a walk over a tree, and the
context references in it (``github.event.issue.title``) reduced to paths that checks
compare with patterns. Offsets are 0-based in the parsed body, as the parser gives them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

# --------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Literal:
    value: str | float | bool | None
    start: int
    end: int


@dataclass(frozen=True)
class Context:
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Property:
    obj: Node
    name: str  # "*" for a ``.*`` / ``[*]`` filter
    start: int
    end: int


@dataclass(frozen=True)
class Index:
    obj: Node
    index: Node
    start: int
    end: int


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Node
    start: int
    end: int


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node
    start: int
    end: int


Node: TypeAlias = "Literal | Context | Property | Index | Call | Unary | Binary"


# --------------------------------------------------------------------------- references


@dataclass(frozen=True)
class Ref:
    """A context reference reduced to its path, e.g. ``github.event.issue.title``.

    Index expressions with a literal key become segments; a numeric index or a
    ``*`` filter becomes ``*``; any other index ends the path (``dynamic``).
    """

    parts: tuple[str, ...]
    start: int
    end: int
    dynamic: bool = False

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


def ref_path(node: Node) -> tuple[tuple[str, ...], bool] | None:
    """The path of a context access chain, or None when ``node`` is not one."""
    chain: list[Property | Index] = []
    cur = node
    while isinstance(cur, (Property, Index)):  # a loop: chains can be long
        chain.append(cur)
        cur = cur.obj
    if not isinstance(cur, Context):
        return None
    parts: tuple[str, ...] = (cur.name,)
    for link in reversed(chain):
        if isinstance(link, Property):
            parts = (*parts, link.name)
            continue
        idx = link.index
        if isinstance(idx, Literal) and isinstance(idx.value, str):
            parts = (*parts, idx.value.lower())
        elif isinstance(idx, Literal) and isinstance(idx.value, float):
            parts = (*parts, "*")
        else:
            return parts, True
    return parts, False


def _push_children(node: Node, stack: list[Node]) -> None:
    """Push ``node``'s children so that they pop in source order."""
    if isinstance(node, (Property, Index)):
        if isinstance(node, Index):
            stack.append(node.index)
        stack.append(node.obj)
    elif isinstance(node, Call):
        stack.extend(reversed(node.args))
    elif isinstance(node, Unary):
        stack.append(node.operand)
    elif isinstance(node, Binary):
        stack.append(node.right)
        stack.append(node.left)


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents first."""
    stack: list[Node] = [node]
    while stack:
        cur = stack.pop()
        yield cur
        _push_children(cur, stack)


def refs_of(node: Node) -> tuple[Ref, ...]:
    """The outermost context access chains in ``node`` (``a.b.c`` once, not ``a`` too)."""
    out: list[Ref] = []
    stack: list[Node] = [node]
    while stack:
        cur = stack.pop()
        found = ref_path(cur)
        if found is not None:
            parts, dyn = found
            out.append(Ref(parts, cur.start, cur.end, dyn))
            # Index expressions inside the chain can reference contexts too.
            sub = cur
            while isinstance(sub, (Property, Index)):
                if isinstance(sub, Index):
                    stack.append(sub.index)
                sub = sub.obj
            continue
        _push_children(cur, stack)  # including access on a call result: fromJSON(x).y
    out.sort(key=lambda r: r.start)
    return tuple(out)


def pattern_matches(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """``parts`` equals ``pattern`` segment by segment, ``*`` matching any one segment."""
    if len(pattern) != len(parts):
        return False
    return all(p == "*" or q == "*" or p == q for p, q in zip(pattern, parts, strict=True))


def pattern_covers(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """``parts`` is the pattern or an ancestor of it (an object holding the value)."""
    if len(parts) > len(pattern):
        return False
    return pattern_matches(pattern[: len(parts)], parts)
