"""Target kinds: what a rule looks at, provided by each format package.

A kind ``<pkg>.<name>`` lives in ``devops_lint/<pkg>/targets.py`` as an entry of that
module's ``TARGETS`` mapping. The module is imported only when a document of one of
its formats was parsed, which keeps runs over one format free of the others' imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import formats

if TYPE_CHECKING:
    from .context import Context
    from .model import Document, Target
    from .project import Project


@dataclass(frozen=True)
class TargetKind:
    formats: frozenset[str]
    fn: Callable[..., Iterable[Target]]
    project: bool = False  # fn(project, ctx) once per run instead of fn(doc, ctx)

    def document_targets(self, doc: Document, ctx: Context) -> Iterable[Target]:
        return self.fn(doc, ctx)

    def project_targets(self, project: Project, ctx: Context) -> Iterable[Target]:
        return self.fn(project, ctx)


def kind(formats: Iterable[str], *, project: bool = False) -> Callable[[Any], TargetKind]:
    """Decorator turning a provider function into a ``TargetKind``."""

    def wrap(fn: Callable[..., Iterable[Target]]) -> TargetKind:
        return TargetKind(frozenset(formats), fn, project)

    return wrap


class UnknownTargetKind(Exception):
    pass


ANY_FORMAT = "*"
# The document formats each package's target kinds can apply to (formats.py), so that a
# run imports a package's targets (and its parser helpers) only when such a document was parsed.
PACKAGE_FORMATS = formats.PACKAGE_FORMATS


def may_apply(name: str, formats_present: set[str]) -> bool:
    """False when kind ``name`` surely has nothing to look at (no import needed to know)."""
    pkg = name.partition(".")[0]
    read = PACKAGE_FORMATS.get(pkg)
    return read is None or ANY_FORMAT in read or bool(read & formats_present)


def resolve_kind(name: str) -> TargetKind:
    pkg, _, _ = name.partition(".")
    try:
        module = importlib.import_module(f"devops_lint.{pkg}.targets")
    except ModuleNotFoundError as exc:
        raise UnknownTargetKind(name) from exc
    kinds: dict[str, TargetKind] = getattr(module, "TARGETS", {})
    if name not in kinds:
        raise UnknownTargetKind(name)
    return kinds[name]
