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
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import UNRESOLVED_KEY, Document, JsonPath, Span, Unresolved, contains_unresolved
from .expr import Expr, Literal, Ref, references, walk
from .resolve import Resolver, unresolved
from .syntax import Block, Body
from .vartypes import apply_defaults

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project
    from .calls import CallEntry, ModuleGraph

REFERENCE_ATTRIBUTES = frozenset({"id", "bucket", "arn", "name"})
MAX_INSTANCES = 1_000
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})


def module_dir(path: str) -> str:
    d = posixpath.dirname(path)
    return d if d else "."


def _plain_eq(a: Any, b: Any) -> bool:
    if contains_unresolved(a) or contains_unresolved(b):
        return False
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def for_each_pairs(coll: Any) -> list[tuple[Any, Any]] | None:
    """``(each.key, each.value)`` of a resource's or module call's resolved ``for_each`` in
    Terraform's order, or None when the collection is not known (Terraform takes a map, or a
    set of strings)."""
    if isinstance(coll, dict) and UNRESOLVED_KEY not in coll:
        return sorted(coll.items())
    if isinstance(coll, list) and all(
        isinstance(v, str) and not isinstance(v, Unresolved) for v in coll
    ):
        return [(v, v) for v in coll]
    return None


@dataclass(eq=False)
class Variable:
    name: str
    block: Block
    doc: Document

    @property
    def path(self) -> JsonPath:
        return ("variable", self.name)

    @property
    def default(self) -> Expr | None:
        return self.block.body.get("default")

    def attr_path(self, name: str) -> JsonPath:
        return (*self.path, name)

    @property
    def non_nullable(self) -> bool:
        """``nullable = false``: a caller's ``null`` means the default."""
        expr = self.block.body.get("nullable")
        return isinstance(expr, Literal) and expr.value is False


@dataclass(eq=False)
class Output:
    name: str
    block: Block
    doc: Document

    @property
    def path(self) -> JsonPath:
        return ("output", self.name)


@dataclass(eq=False)
class ModuleCall:
    name: str
    block: Block
    doc: Document
    caller: Module

    @property
    def path(self) -> JsonPath:
        return ("module", self.name)

    @property
    def source(self) -> Any:
        expr = self.block.body.get("source")
        return None if expr is None else self.caller.resolve(expr)

    @property
    def local_dir(self) -> str | None:
        """The called directory when ``source`` is a local path (``./x``, ``../x``)."""
        src = self.source
        if not isinstance(src, str) or isinstance(src, Unresolved):
            return None
        if not (src.startswith("./") or src.startswith("../") or src in (".", "..")):
            return None
        base = "" if self.caller.dir == "." else self.caller.dir
        return posixpath.normpath(posixpath.join(base, src))


@dataclass(eq=False)
class Provider:
    name: str
    block: Block
    doc: Document
    index: int  # position among the provider blocks of this name in its file
    module: Module

    @property
    def path(self) -> JsonPath:
        return ("provider", self.name, self.index)

    @property
    def alias(self) -> str | None:
        v = self.module.resolve_expr(self.block.body.get("alias"))
        return v if isinstance(v, str) and not isinstance(v, Unresolved) else None

    @cached_property
    def data(self) -> dict[str, Any]:
        return self.module.resolve_body(self.block.body, {}, self.doc, self.path)


@dataclass(eq=False)
class TerraformBlock:
    block: Block
    doc: Document
    index: int

    @property
    def path(self) -> JsonPath:
        return ("terraform", self.index)


@dataclass(eq=False)
class Resource:
    """One instance of a ``resource`` (``mode="resource"``) or ``data`` block."""

    mode: str
    type: str
    name: str
    block: Block
    doc: Document
    module: Module
    key: int | str | None = None  # count.index or each.key; None when not repeated
    scope: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> JsonPath:
        return (self.mode, self.type, self.name)

    @property
    def header(self) -> Span:
        return self.block.header

    @property
    def address(self) -> str:
        base = (
            f"{self.type}.{self.name}"
            if self.mode == "resource"
            else f"data.{self.type}.{self.name}"
        )
        if self.key is None:
            return base
        if isinstance(self.key, int):
            return f"{base}[{self.key}]"
        return f'{base}["{self.key}"]'

    @cached_property
    def data(self) -> dict[str, Any]:
        return self.module.resolve_body(self.block.body, self.scope, self.doc, self.path)

    def path_of(self, *parts: str | int) -> JsonPath:
        """The document path of an argument: ``r.path_of("vpc_config", 0, "subnet_ids")``."""
        return (*self.path, *parts)

    def span_of(self, *parts: str | int) -> Span:
        """Where an argument is written (the nearest written ancestor when it is absent)."""
        _ = self.data  # resolving registers the spans of expanded dynamic blocks
        return self.doc.span(self.path_of(*parts))

    def expr(self, *path: str | int) -> Expr | None:
        """The written expression of an argument: ``expr("vpc_config", 0, "subnet_ids")``."""
        body: Body | None = self.block.body
        parts = list(path)
        while parts and body is not None:
            head = parts.pop(0)
            if not parts:
                return body.get(str(head))
            blocks = list(body.blocks_of(str(head)))
            idx = parts.pop(0) if parts and isinstance(parts[0], int) else 0
            body = blocks[idx].body if isinstance(idx, int) and idx < len(blocks) else None
        return None

    def resolve(self, expr: Expr) -> Any:
        """Resolve an expression in this instance's scope (``count``/``each``)."""
        return self.module.resolve(expr, self.scope)

    def references(self) -> Iterator[tuple[str, Ref]]:
        """Every reference written in the block, with the top-level argument holding it."""
        stack: list[Body] = [self.block.body]
        top = True
        while stack:
            body = stack.pop()
            for name, attr in body.attributes.items():
                for ref in references(attr.expr):
                    yield (name if top else "", ref)
            stack.extend(b.body for b in body.blocks)
            top = False

    def refers_to(self, other: Resource, attrs: frozenset[str] = REFERENCE_ATTRIBUTES) -> bool:
        target = other.path
        for _, ref in self.references():
            if ref.resource_address() == target:
                attr = ref.attribute_after_address()
                if attr is None or attr in attrs:
                    return True
        return False


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
            return p.read_text(encoding="utf-8")
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
        out: dict[str, Any] = {}
        for name, attr in body.attributes.items():
            p = (*path, name)
            out[name] = self._resolver.resolve(attr.expr, scope)
            doc.spans.setdefault(p, attr.span)
            doc.key_spans.setdefault(p, attr.name_span)
        if depth > 40:
            return out
        for b in body.blocks:
            if b.type == "dynamic" and b.labels:
                self._dynamic(b, scope, doc, path, out, depth)
                continue
            if b.labels:
                holder = out.setdefault(b.type, {})
                if isinstance(holder, dict):
                    p2: JsonPath = (*path, b.type, *b.labels)
                    holder.setdefault(
                        "/".join(b.labels), self.resolve_body(b.body, scope, doc, p2, depth + 1)
                    )
                    doc.spans.setdefault(p2, b.header)
                continue
            items = out.setdefault(b.type, [])
            if not isinstance(items, list):
                continue
            p3 = (*path, b.type, len(items))
            doc.spans[p3] = b.header
            doc.key_spans.setdefault((*path, b.type), b.header)
            doc.spans.setdefault((*path, b.type), b.header)
            items.append(self.resolve_body(b.body, scope, doc, p3, depth + 1))
        return out

    def _dynamic(
        self,
        b: Block,
        scope: dict[str, Any],
        doc: Document,
        path: JsonPath,
        out: dict[str, Any],
        depth: int,
    ) -> None:
        label = b.labels[0]
        content = b.body.first("content")
        if content is None:
            return
        it_expr = b.body.get("iterator")
        iterator = label
        if isinstance(it_expr, Ref) and len(it_expr.parts) == 1:
            iterator = str(it_expr.parts[0])
        elif isinstance(it_expr, Literal) and isinstance(it_expr.value, str):
            iterator = it_expr.value
        fe = b.body.get("for_each")
        coll = self.resolve(fe, scope) if fe is not None else None
        pairs: list[tuple[Any, Any]]
        if isinstance(coll, dict) and UNRESOLVED_KEY not in coll:
            pairs = sorted(coll.items())
        elif isinstance(coll, list) and not any(isinstance(v, Unresolved) for v in coll):
            pairs = [(v if _hashable_key(v) else i, v) for i, v in enumerate(coll)]
        else:
            text = fe.text if fe is not None else label
            pairs = [(unresolved(fe, f"{text} (key)"), unresolved(fe, f"{text} (value)"))]
        items = out.setdefault(label, [])
        if not isinstance(items, list):
            return
        for k, v in pairs[:MAX_INSTANCES]:
            inner = dict(scope)
            inner[iterator] = {"key": k, "value": v}
            p = (*path, label, len(items))
            doc.spans[p] = content.header
            doc.key_spans.setdefault((*path, label), b.header)
            doc.spans.setdefault((*path, label), b.header)
            items.append(self.resolve_body(content.body, inner, doc, p, depth + 1))

    # -- resources -----------------------------------------------------------------
    def _instances(self, mode: str, blocks: list[tuple[Block, Document]]) -> list[Resource]:
        out: list[Resource] = []
        for block, doc in blocks:
            type_, name = block.labels
            count = block.body.get("count")
            for_each = block.body.get("for_each")
            if count is not None:
                n = self.resolve(count)
                if isinstance(n, bool) or not isinstance(n, (int, float)):
                    out.append(
                        Resource(
                            mode,
                            type_,
                            name,
                            block,
                            doc,
                            self,
                            None,
                            {"count": {"index": unresolved(count, "count.index")}},
                        )
                    )
                    continue
                total = int(n)  # 0 (written, or through variables): the block does not exist
                for i in range(min(total, MAX_INSTANCES)):
                    key: int | None = i
                    out.append(
                        Resource(mode, type_, name, block, doc, self, key, {"count": {"index": i}})
                    )
                continue
            if for_each is not None:
                pairs = for_each_pairs(self.resolve(for_each))
                if not pairs:
                    each = {
                        "key": unresolved(for_each, "each.key"),
                        "value": unresolved(for_each, "each.value"),
                    }
                    out.append(Resource(mode, type_, name, block, doc, self, None, {"each": each}))
                    continue
                for k, v in pairs[:MAX_INSTANCES]:
                    out.append(
                        Resource(
                            mode,
                            type_,
                            name,
                            block,
                            doc,
                            self,
                            str(k),
                            {"each": {"key": k, "value": v}},
                        )
                    )
                continue
            out.append(Resource(mode, type_, name, block, doc, self))
        return out

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


def _hashable_key(v: Any) -> bool:
    return isinstance(v, str) and not isinstance(v, Unresolved)


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
