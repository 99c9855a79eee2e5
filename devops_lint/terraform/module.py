"""The module view: every ``.tf``/``.tf.json`` file of one directory, resolved together.

``modules_of(project, ctx)`` groups the run's Terraform documents by directory into
``Module``s (built once per run, cached in ``ctx.memo``). A module offers:

- ``variables``, ``outputs``, ``module_calls``, ``providers``, ``terraform_blocks``,
  ``tfvars`` (the variable files of the directory);
- ``resources()`` / ``data_sources()``: one ``Resource`` per instance (``count`` and
  ``for_each`` expanded when they resolve, else one representative instance), with
  ``data`` = resolved arguments (nested blocks as lists of dicts, ``dynamic`` blocks
  expanded) and the spans of that data registered on the document;
- joins: ``resources_of_type(type)``, ``referencing(resource, type)``, ``find(ref)``;
- ``resolve(expr, scope)`` and ``variable_value(name)`` (tfvars precedence of
  standards 0.6 item 3), ``is_root`` (TF-GEN-005's definition of a root module).

The objects a module declares live in ``objects.py``; block bodies are resolved and
``count``/``for_each`` expanded by ``expand.py``.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import safeio
from ..model import Document, JsonPath, Span, Unresolved, contains_unresolved
from .expand import instances, resolve_body
from .expr import Expr, Ref, walk
from .objects import (
    REFERENCE_ATTRIBUTES,
    ModuleCall,
    Output,
    Provider,
    Resource,
    TerraformBlock,
    Variable,
    module_dir,
)
from .resolve import Resolver, unresolved
from .syntax import Block, Body
from .vartypes import apply_defaults

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project
    from .calls import CallEntry, ModuleGraph


def _plain_eq(a: Any, b: Any) -> bool:
    if contains_unresolved(a) or contains_unresolved(b):
        return False
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


class Module:
    """All Terraform files of one directory (see the module docstring)."""

    def __init__(
        self,
        dir: str,
        docs: list[Document],
        tfvars: list[Document],
        root: Path | None = None,
        files: frozenset[str] = frozenset(),
        inputs: dict[str, Any] | None = None,
    ) -> None:
        self.dir = dir
        # A called instance: the call's arguments by variable (tfvars do not apply);
        # None for a directory evaluated on its own (calls.py builds instances).
        self.inputs = inputs
        self.graph: ModuleGraph | None = None
        self.entries: list[CallEntry] = []  # the calls that reach this instance
        self.depth = 0  # calls between the directory evaluated alone and this instance
        self._variables: dict[str, Any] = {}
        self.docs = sorted(docs, key=lambda d: d.path)
        self.tfvars = sorted(tfvars, key=lambda d: d.path)
        self.root = root
        self.files = files  # every discovered path of the run (file() and lock files)
        self.variables: dict[str, Variable] = {}
        self.outputs: dict[str, Output] = {}
        self.module_calls: dict[str, ModuleCall] = {}
        self.providers: list[Provider] = []
        self.terraform_blocks: list[TerraformBlock] = []
        self.locals: dict[str, tuple[Expr, Document]] = {}
        self.resource_blocks: list[tuple[Block, Document]] = []
        self.data_blocks: list[tuple[Block, Document]] = []
        self.callers: list[ModuleCall] = []  # calls of this directory from other modules
        self._resolver = Resolver(self)
        self._resources: list[Resource] | None = None
        self._data: list[Resource] | None = None
        self._index()

    def __repr__(self) -> str:
        return f"Module({self.dir!r})"

    def _index(self) -> None:
        for doc in self.docs:
            body: Body | None = doc.meta.get("body")
            if body is None:
                continue
            counts: dict[str, int] = {}
            tf_index = 0
            for b in body.blocks:
                if b.type == "resource" and len(b.labels) == 2:
                    self.resource_blocks.append((b, doc))
                elif b.type == "data" and len(b.labels) == 2:
                    self.data_blocks.append((b, doc))
                elif b.type == "variable" and len(b.labels) == 1:
                    self.variables.setdefault(b.labels[0], Variable(b.labels[0], b, doc))
                elif b.type == "output" and len(b.labels) == 1:
                    self.outputs.setdefault(b.labels[0], Output(b.labels[0], b, doc))
                elif b.type == "module" and len(b.labels) == 1:
                    self.module_calls.setdefault(b.labels[0], ModuleCall(b.labels[0], b, doc, self))
                elif b.type == "provider" and len(b.labels) == 1:
                    i = counts.get(b.labels[0], 0)
                    counts[b.labels[0]] = i + 1
                    self.providers.append(Provider(b.labels[0], b, doc, i, self))
                elif b.type == "locals":
                    for name, attr in b.body.attributes.items():
                        self.locals.setdefault(name, (attr.expr, doc))
                elif b.type == "terraform" and not b.labels:
                    self.terraform_blocks.append(TerraformBlock(b, doc, tf_index))
                    tf_index += 1

    # -- Env protocol for the resolver ---------------------------------------------
    def local_expr(self, name: str) -> Expr | None:
        entry = self.locals.get(name)
        return entry[0] if entry else None

    def read_file(self, path: str) -> str | None:
        """A file of the scanned tree, relative to the module directory (≤ 1 MiB)."""
        if self.root is None or path.startswith("/"):
            return None
        base = "" if self.dir == "." else self.dir
        rel = posixpath.normpath(posixpath.join(base, path))
        if rel.startswith("../") or rel not in self.files:
            return None
        try:
            p = self.root / rel
            if p.stat().st_size > 1 << 20:
                return None
            return safeio.read_text(p)
        except (OSError, UnicodeDecodeError):
            return None

    def file_exists(self, path: str) -> bool:
        base = "" if self.dir == "." else self.dir
        return posixpath.normpath(posixpath.join(base, path)) in self.files

    @cached_property
    def _tfvars_values(
        self,
    ) -> tuple[dict[str, tuple[Any, Document]], dict[str, list[tuple[Any, Document]]]]:
        """(auto-loaded values, later file winning; values of the other *.tfvars files)."""

        def order(doc: Document) -> tuple[int, str]:
            name = doc.path.rsplit("/", 1)[-1]
            if name == "terraform.tfvars":
                return (0, name)
            if name == "terraform.tfvars.json":
                return (1, name)
            if name.endswith((".auto.tfvars", ".auto.tfvars.json")):
                return (2, name)
            return (3, name)

        auto: dict[str, tuple[Any, Document]] = {}
        other: dict[str, list[tuple[Any, Document]]] = {}
        for doc in sorted(self.tfvars, key=order):
            body: Body | None = doc.meta.get("body")
            if body is None:
                continue
            for name, attr in body.attributes.items():
                value = self._resolver.resolve(attr.expr, {"var": None})
                if order(doc)[0] < 3:
                    auto[name] = (value, doc)
                else:
                    other.setdefault(name, []).append((value, doc))
        return auto, other

    def tfvars_assignments(self, name: str) -> list[tuple[Any, Document]]:
        """Every value a variable file of this directory gives ``name``, in path order."""
        out: list[tuple[Any, Document]] = []
        for doc in self.tfvars:
            body: Body | None = doc.meta.get("body")
            attr = body.attributes.get(name) if body is not None else None
            if attr is not None:
                out.append((self._resolver.resolve(attr.expr, {"var": None}), doc))
        return out

    def variable_value(self, name: str) -> Any:
        """``var.name`` with the ``optional()`` defaults of its type applied."""
        if name in self._variables:
            return self._variables[name]
        var = self.variables.get(name)
        value = self._variable_value(name)
        if var is not None:
            value = apply_defaults(var.block.body.get("type"), value, self._resolver.resolve)
        if not contains_unresolved(value):  # an unknown value is a new one at each use
            self._variables[name] = value
        return value

    def module_value(self, name: str) -> Any:
        """``module.name``: the outputs of the called instance(s) (``calls.py``)."""
        if self.graph is None:
            return unresolved(None, f"module.{name}")
        return self.graph.call_value(self, name)

    def _variable_value(self, name: str) -> Any:
        """The call's argument for an instance; else auto-loaded tfvars, agreeing other
        tfvars, the default, else unresolved."""
        var = self.variables.get(name)
        if var is None:
            return unresolved(None, f"var.{name}")
        if self.inputs is not None:
            if name in self.inputs:
                return self.inputs[name]
            if var.default is not None:
                return self._resolver.resolve(var.default)
            return unresolved(None, f"var.{name}")
        auto, other = self._tfvars_values
        if name in auto:
            return auto[name][0]
        if name in other:
            values = [v for v, _ in other[name]]
            if all(_plain_eq(values[0], v) for v in values[1:]):
                return values[0]
            return unresolved(None, f"var.{name}")
        default = var.default
        if default is not None:
            return self._resolver.resolve(default)
        return unresolved(None, f"var.{name}")

    # -- resolution ----------------------------------------------------------------
    def resolve(self, expr: Expr, scope: dict[str, Any] | None = None) -> Any:
        return self._resolver.resolve(expr, scope)

    def resolve_expr(self, expr: Expr | None, scope: dict[str, Any] | None = None) -> Any:
        return None if expr is None else self._resolver.resolve(expr, scope)

    def resolve_local(self, name: str) -> Any:
        return self._resolver.local(name)

    def resolve_body(
        self, body: Body, scope: dict[str, Any], doc: Document, path: JsonPath, depth: int = 0
    ) -> dict[str, Any]:
        """Resolved arguments of a block body; registers the spans of what it builds."""
        return resolve_body(self, body, scope, doc, path, depth)

    # -- resources -----------------------------------------------------------------
    def _instances(self, mode: str, blocks: list[tuple[Block, Document]]) -> list[Resource]:
        return instances(self, mode, blocks)

    def resources(self) -> list[Resource]:
        """Managed resource instances, in file and source order."""
        if self._resources is None:
            self._resources = self._instances("resource", self.resource_blocks)
        return self._resources

    def data_sources(self) -> list[Resource]:
        if self._data is None:
            self._data = self._instances("data", self.data_blocks)
        return self._data

    @cached_property
    def _by_type(self) -> dict[tuple[str, str], list[Resource]]:
        index: dict[tuple[str, str], list[Resource]] = {}
        for r in [*self.resources(), *self.data_sources()]:
            index.setdefault((r.mode, r.type), []).append(r)
        return index

    def resources_of_type(self, type_: str, mode: str = "resource") -> list[Resource]:
        return list(self._by_type.get((mode, type_), []))

    def find(self, ref: Ref) -> list[Resource]:
        """The instances a reference such as ``aws_s3_bucket.b.id`` points at."""
        addr = ref.resource_address()
        if addr is None:
            return []
        return [r for r in self._by_type.get((addr[0], addr[1]), []) if r.name == addr[2]]

    def referencing(
        self,
        resource: Resource,
        type_: str,
        attrs: frozenset[str] = REFERENCE_ATTRIBUTES,
        mode: str = "resource",
    ) -> list[Resource]:
        """Resources of ``type_`` that point at ``resource``.

        A resource points at another when one of its arguments references it
        (``aws_s3_bucket.b.id``, ``.bucket``, ``.arn``, ``.name`` or the bare
        address), or when a top-level argument holds the same literal name as the
        other's ``bucket``/``name`` argument.
        """
        names = {
            v
            for k in ("bucket", "name")
            if isinstance(v := resource.data.get(k), str) and not isinstance(v, Unresolved) and v
        }
        out: list[Resource] = []
        for cand in self.resources_of_type(type_, mode):
            if cand is resource:
                continue
            if cand.refers_to(resource, attrs):
                out.append(cand)
                continue
            if names and any(
                isinstance(v, str) and not isinstance(v, Unresolved) and v in names
                for k, v in cand.data.items()
                if k not in ("tags", "tags_all", "labels")
            ):
                out.append(cand)
        return out

    def referenced_by(self, resource: Resource) -> Iterator[tuple[str, Ref]]:
        """(argument, reference) pairs of ``resource`` that point at other resources."""
        for arg, ref in resource.references():
            if ref.resource_address() is not None:
                yield arg, ref

    # -- module structure ------------------------------------------------------------
    def provider(self, name: str, alias: str | None = None) -> Provider | None:
        for p in self.providers:
            if p.name == name and p.alias == alias:
                return p
        return None

    def provider_of(self, resource: Resource) -> Provider | None:
        """The provider configuration a resource uses (its module's, else a caller's)."""
        expr = resource.block.body.get("provider")
        name = resource.type.split("_", 1)[0]
        alias: str | None = None
        if isinstance(expr, Ref) and expr.parts:
            name = str(expr.parts[0])
            alias = str(expr.parts[1]) if len(expr.parts) > 1 else None
        found = self.provider(name, alias)
        if found is not None:
            return found
        for call in self.callers:
            found = call.caller.provider(name, None)
            if found is not None:
                return found
        return None

    @property
    def backend_blocks(self) -> list[tuple[Block, TerraformBlock]]:
        return [(b, tb) for tb in self.terraform_blocks for b in tb.block.body.blocks_of("backend")]

    @property
    def cloud_blocks(self) -> list[tuple[Block, TerraformBlock]]:
        return [(b, tb) for tb in self.terraform_blocks for b in tb.block.body.blocks_of("cloud")]

    @property
    def is_root(self) -> bool:
        """TF-GEN-005: a provider or backend block, or *.tfvars, and no local caller.

        A directory holding only variable files is not a module at all.
        """
        if self.callers or not self.docs:
            return False
        return bool(self.providers or self.backend_blocks or self.cloud_blocks or self.tfvars)

    @property
    def first_doc(self) -> Document | None:
        return self.docs[0] if self.docs else (self.tfvars[0] if self.tfvars else None)

    def used_providers(self) -> dict[str, Span]:
        """Provider local names used by provider blocks and resources, with a first use."""
        used: dict[str, Span] = {}
        for p in self.providers:
            used.setdefault(p.name, p.block.header)
        for block, _ in [*self.resource_blocks, *self.data_blocks]:
            expr = block.body.get("provider")
            if isinstance(expr, Ref) and expr.parts:
                used.setdefault(str(expr.parts[0]), block.header)
                continue
            prefix = block.labels[0].split("_", 1)[0]
            if prefix and prefix != "terraform":
                used.setdefault(prefix, block.header)
        return used


def build_modules(
    docs: list[Document], root: Path | None = None, files: frozenset[str] = frozenset()
) -> dict[str, Module]:
    """Group documents by directory and link local module calls to their callees."""
    by_dir: dict[str, tuple[list[Document], list[Document]]] = {}
    for doc in docs:
        if doc.format not in ("terraform", "tfvars") or "body" not in doc.meta:
            continue
        entry = by_dir.setdefault(module_dir(doc.path), ([], []))
        (entry[0] if doc.format == "terraform" else entry[1]).append(doc)
    modules = {d: Module(d, tf, tv, root, files) for d, (tf, tv) in sorted(by_dir.items())}
    for m in modules.values():
        for call in m.module_calls.values():
            target = call.local_dir
            if target is not None and target in modules and modules[target] is not m:
                modules[target].callers.append(call)
    return modules


def modules_of(project: Project, ctx: Context | None = None) -> dict[str, Module]:
    """The run's modules by directory (built once per run when ``ctx`` is given)."""

    def build() -> dict[str, Module]:
        files = frozenset(f.path for f in project.files)
        return build_modules(list(project.of_format("terraform", "tfvars")), project.root, files)

    if ctx is None:
        return build()
    result: dict[str, Module] = ctx.memo("terraform.modules", build)
    return result


def all_expressions(body: Body) -> Iterator[Expr]:
    """Every expression node written in a body, nested blocks included."""
    stack = [body]
    while stack:
        b = stack.pop()
        for attr in b.attributes.values():
            yield from walk(attr.expr)
        stack.extend(x.body for x in b.blocks)
