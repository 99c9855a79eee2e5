"""Terraform target kinds. All are project-level: they need every file of a module.

Kinds (one target per ...; ``path`` in the document; ``data``):

- ``terraform.resource`` — managed resource instance; ``("resource", type, name)``;
  resolved arguments (nested blocks as lists of dicts)
- ``terraform.data_source`` — data source instance; ``("data", type, name)``
- ``terraform.resource_or_data`` — both of the above (the IAM controls)
- ``terraform.provider`` — provider block; ``("provider", name, i)``
- ``terraform.variable`` / ``terraform.output`` / ``terraform.module_call`` — block;
  ``("variable"|"output"|"module", name)``; resolved attributes
- ``terraform.terraform_block`` — ``terraform {}`` block; ``("terraform", i)``
- ``terraform.backend`` — backend block; ``("terraform", i, "backend", type)``
- ``terraform.module`` — module directory; ``()`` of its first file; ``{"dir", "root"}``
- ``terraform.tfvars`` — variable file; ``()``; the file's values
- ``terraform.files`` — once per run; ``()`` of the first Terraform file; every
  discovered path (``context["modules"]`` holds the module views)

Resources and data sources come from the evaluated modules (``calls.py``): a directory
that nothing calls, with its defaults, and one instance per distinct call of a called
one; their targets carry ``refine_finding`` (``callreport.py``), which names the call
chains in findings. Then the resources of plans in JSON (``plan.py``), whose findings
name the planned address. The other kinds are per directory, as written.

Every target's ``context`` holds ``module`` (the ``module.Module``) and the object
itself (``resource``, ``provider``, ``variable``, ...); messages can use ``type``,
``name``, ``address`` and ``dir``. Anchors and object spans are block headers, so a
finding about a missing argument lands on ``resource "aws_eks_cluster" "main" {``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..model import FILE_START, Target
from ..targets import TargetKind, kind
from .callreport import refiner
from .calls import evaluated_modules
from .module import Module, modules_of
from .objects import NamedBlock, Resource
from .plan import PLAN_FORMAT, PlanModule, plan_modules_of, plan_refiner

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project

FORMATS = ("terraform", "tfvars")
# Resources are also read from plans in JSON (plan.py).
RESOURCE_FORMATS = (*FORMATS, PLAN_FORMAT)


def _modules(project: Project, ctx: Context) -> list[Module]:
    return list(modules_of(project, ctx).values())


def _instance_target(kind_name: str, m: Module, r: Resource, ctx: Context) -> Target:
    context: dict[str, Any] = {
        "type": r.type,
        "name": r.name,
        "address": r.address,
        "resource": r,
        "module": m,
        "dir": m.dir,
    }
    refine = refiner(ctx, m, r)
    if refine is not None:  # a called instance: findings name the call chains
        context["refine_finding"] = refine
    return Target(
        kind_name,
        r.doc,
        r.path,
        r.data,
        r.address,
        anchor=r.header,
        object_span=r.header,
        context=context,
    )


def _plan_target(kind_name: str, m: PlanModule, r: Resource, ctx: Context) -> Target:
    target = _instance_target(kind_name, m, r, ctx)
    target.context["refine_finding"] = plan_refiner(ctx, m, r)
    return target


@kind(RESOURCE_FORMATS, project=True)
def resources(project: Project, ctx: Context) -> Iterator[Target]:
    for m in evaluated_modules(project, ctx):
        for r in m.resources():
            yield _instance_target("terraform.resource", m, r, ctx)
    for pm in plan_modules_of(project, ctx):  # after the configuration (plan_refiner)
        for r in pm.resources():
            yield _plan_target("terraform.resource", pm, r, ctx)


@kind(RESOURCE_FORMATS, project=True)
def data_sources(project: Project, ctx: Context) -> Iterator[Target]:
    for m in evaluated_modules(project, ctx):
        for r in m.data_sources():
            yield _instance_target("terraform.data_source", m, r, ctx)
    for pm in plan_modules_of(project, ctx):
        for r in pm.data_sources():
            yield _plan_target("terraform.data_source", pm, r, ctx)


@kind(RESOURCE_FORMATS, project=True)
def resources_and_data(project: Project, ctx: Context) -> Iterator[Target]:
    """Managed resources and data sources alike: the IAM controls read policy documents
    written in a resource or in a ``data "aws_iam_policy_document"`` of their own."""
    for t in (*resources.fn(project, ctx), *data_sources.fn(project, ctx)):
        yield replace(t, kind="terraform.resource_or_data")


@kind(FORMATS, project=True)
def providers(project: Project, ctx: Context) -> Iterator[Target]:
    for m in _modules(project, ctx):
        for p in m.providers:
            alias = p.alias
            locator = f"provider.{p.name}" + (f".{alias}" if alias else "")
            yield Target(
                "terraform.provider",
                p.doc,
                p.path,
                p.data,
                locator,
                anchor=p.block.header,
                object_span=p.block.header,
                context={"name": p.name, "alias": alias, "provider": p, "module": m, "dir": m.dir},
            )


def _block_target(kind_name: str, m: Module, item: NamedBlock, locator: str, role: str) -> Target:
    """A target for a named top-level block (variable, output, module call)."""
    return Target(
        kind_name,
        item.doc,
        item.path,
        m.resolve_body(item.block.body, {}, item.doc, item.path),
        locator,
        anchor=item.block.header,
        object_span=item.block.header,
        context={"name": item.name, role: item, "module": m, "dir": m.dir},
    )


def _named_blocks(
    kind_name: str,
    blocks_of: Callable[[Module], Iterable[NamedBlock]],
    prefix: str,
    role: str,
) -> TargetKind:
    """The target kind of one sort of named top-level block, located as ``<prefix>.<name>``."""

    @kind(FORMATS, project=True)
    def provide(project: Project, ctx: Context) -> Iterator[Target]:
        for m in _modules(project, ctx):
            for item in blocks_of(m):
                yield _block_target(kind_name, m, item, f"{prefix}.{item.name}", role)

    return provide


variables = _named_blocks("terraform.variable", lambda m: m.variables.values(), "var", "variable")
outputs = _named_blocks("terraform.output", lambda m: m.outputs.values(), "output", "output")
module_calls = _named_blocks(
    "terraform.module_call", lambda m: m.module_calls.values(), "module", "call"
)


@kind(FORMATS, project=True)
def terraform_blocks(project: Project, ctx: Context) -> Iterator[Target]:
    for m in _modules(project, ctx):
        for tb in m.terraform_blocks:
            data = m.resolve_body(tb.block.body, {}, tb.doc, tb.path)
            yield Target(
                "terraform.terraform_block",
                tb.doc,
                tb.path,
                data,
                "terraform",
                anchor=tb.block.header,
                object_span=tb.block.header,
                context={"terraform_block": tb, "module": m, "dir": m.dir},
            )


@kind(FORMATS, project=True)
def backends(project: Project, ctx: Context) -> Iterator[Target]:
    for m in _modules(project, ctx):
        for b, tb in m.backend_blocks:
            type_ = b.labels[0] if b.labels else ""
            path = (*tb.path, "backend", type_)
            data = m.resolve_body(b.body, {}, tb.doc, path)
            yield Target(
                "terraform.backend",
                tb.doc,
                path,
                data,
                f"terraform.backend.{type_}",
                anchor=b.header,
                object_span=b.header,
                context={"type": type_, "block": b, "module": m, "dir": m.dir},
            )


@kind(FORMATS, project=True)
def module_dirs(project: Project, ctx: Context) -> Iterator[Target]:
    for m in _modules(project, ctx):
        doc = m.first_doc
        if doc is None:
            continue
        yield Target(
            "terraform.module",
            doc,
            (),
            {"dir": m.dir, "root": m.is_root},
            f"module directory {m.dir}",
            anchor=FILE_START,
            object_span=FILE_START,
            context={"module": m, "dir": m.dir},
        )


@kind(FORMATS, project=True)
def tfvars_files(project: Project, ctx: Context) -> Iterator[Target]:
    for doc in project.of_format("tfvars"):
        yield Target(
            "terraform.tfvars",
            doc,
            (),
            doc.data,
            doc.path,
            anchor=FILE_START,
            object_span=FILE_START,
            context={"path": doc.path},
        )


@kind(FORMATS, project=True)
def files(project: Project, ctx: Context) -> Iterator[Target]:
    docs = sorted(project.of_format("terraform", "tfvars"), key=lambda d: d.path)
    if not docs:
        return
    yield Target(
        "terraform.files",
        docs[0],
        (),
        sorted(f.path for f in project.files),
        "repository",
        anchor=FILE_START,
        object_span=FILE_START,
        context={"modules": modules_of(project, ctx)},
    )


TARGETS: dict[str, TargetKind] = {
    "terraform.resource": resources,
    "terraform.data_source": data_sources,
    "terraform.resource_or_data": resources_and_data,
    "terraform.provider": providers,
    "terraform.variable": variables,
    "terraform.output": outputs,
    "terraform.module_call": module_calls,
    "terraform.terraform_block": terraform_blocks,
    "terraform.backend": backends,
    "terraform.module": module_dirs,
    "terraform.tfvars": tfvars_files,
    "terraform.files": files,
}
