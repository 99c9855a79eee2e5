"""The fix registry: which rules have a fix, how safe it is, and the function that makes it.

A fix is registered beside its code with ``@fix(rule_id, safety, summary)``; the docs
(``explain``, the rules reference, SARIF help) read the safety from here, so the registry is
the one place that says whether a rule can be fixed.

- ``safe``: the fix keeps what the file means for everything but the finding (``--fix``).
- ``unsafe``: it changes behaviour a reviewer must look at (``--unsafe-fixes``). A safe fix
  may still answer ``unsafe`` for one finding when it cannot prove the change harmless there
  (``when_unsafe`` says when).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from ..model import Document, Finding, ParseError
from .edits import Edit, Source

Safety = Literal["safe", "unsafe"]
T = TypeVar("T")


@dataclass
class Proposal:
    """The edits one finding asks for, and whether they are safe for that finding."""

    edits: list[Edit]
    safe: bool = True


@dataclass
class FixContext:
    """What a fix function sees: the finding, the file's text and its documents."""

    finding: Finding
    source: Source
    settings: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)  # every finding of the file
    # Shared by the contexts of one file's text: parsed once, not once per finding.
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def docs(self) -> list[Document]:
        docs: list[Document] | None = self.cache.get("docs")
        if docs is None:
            docs = self.cache["docs"] = parse_for_fix(self.finding.path, self.source.text)
        return docs

    @property
    def doc(self) -> Document | None:
        """The finding's document (YAML streams hold several)."""
        index = self.finding.document or 0
        for d in self.docs:
            if d.index == index:
                return d
        return self.docs[0] if len(self.docs) == 1 else None


FixFn = Callable[[FixContext], Proposal | None]


@dataclass(frozen=True)
class FixSpec:
    rule_id: str
    safety: Safety
    summary: str
    fn: FixFn
    when_unsafe: str = ""  # for a safe fix: when it becomes unsafe for one finding

    def label(self) -> str:
        """``safe``, ``unsafe`` or ``safe (unsafe when …)`` for the docs."""
        if self.safety == "safe" and self.when_unsafe:
            return f"safe (unsafe when {self.when_unsafe})"
        return self.safety


_REGISTRY: dict[str, FixSpec] = {}


def fix(
    rule_id: str, safety: Safety, summary: str, when_unsafe: str = ""
) -> Callable[[FixFn], FixFn]:
    """Register ``fn`` as the fix of ``rule_id``."""

    def register(fn: FixFn) -> FixFn:
        if rule_id in _REGISTRY:
            raise ValueError(f"two fixes for {rule_id}")
        _REGISTRY[rule_id] = FixSpec(rule_id, safety, summary, fn, when_unsafe)
        return fn

    return register


def located(
    find: Callable[[FixContext], T | None],
) -> Callable[[Callable[[FixContext, T], Proposal | None]], FixFn]:
    """A fix that hands its body what ``find`` locates for the finding (say the container
    or the alert it is about), and proposes nothing where ``find`` finds nothing."""

    def wrap(body: Callable[[FixContext, T], Proposal | None]) -> FixFn:
        @functools.wraps(body)
        def run(ctx: FixContext) -> Proposal | None:
            found = find(ctx)
            return None if found is None else body(ctx, found)

        return run

    return wrap


def registry() -> dict[str, FixSpec]:
    """Every registered fix (importing the per-format fix modules on first use)."""
    from . import github, kubernetes, prometheus, terraform  # noqa: F401  (they register)

    return _REGISTRY


def fix_of(rule_id: str) -> FixSpec | None:
    return registry().get(rule_id)


def parse_for_fix(path: str, text: str) -> list[Document]:
    """The file's documents, parsed again from the text being fixed (no parse: none)."""
    from ..classify import file_kind

    kind = file_kind(path)
    if kind in ("helm", "json", "tfvars", "other") or path.endswith(".json"):
        return []  # templates and JSON are not edited as text here
    try:
        if kind == "terraform":
            from ..terraform.parser import parse_file

            return parse_file(path, text)
        from ..yamlload import load_documents

        docs, _ = load_documents(text, path)
        return docs
    except ParseError:
        return []
