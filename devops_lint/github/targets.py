"""Target kinds of GitHub workflows and actions.

- ``github.document``: every workflow or action file (structural validity).
- ``github.workflow``: a workflow file (top-level keys, anchored at line 1).
- ``github.job``: one job (anchored at its key line, standards 0.6 item 9).
- ``github.step``: one step of a workflow job or of a composite action's ``runs.steps``.
- ``github.action``: an action metadata file.
- ``github.repository``: the scanned set as a whole, once per run, anchored at line 1 of
  the first workflow file in path order (GHA-020 repository rules, GHA-024).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import Document, Span, Target
from ..targets import TargetKind, kind
from .workflow import Job, Step, build_workflow

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project

FORMATS = ("workflow", "action")


def _node_target(kind_name: str, node: Job | Step, span: Span, context: dict[str, Any]) -> Target:
    return Target.of_span(kind_name, node.doc, node.path, node.data, node.locator, span, context)


def job_target(job: Job) -> Target:
    return _node_target("github.job", job, job.key_span, {"job": job.id, "name": job.id})


def step_target(step: Step) -> Target:
    name = step.data.get("name")
    label = name if isinstance(name, str) else (step.uses.raw if step.uses else step.locator)
    context = {"job": step.job.id if step.job else "", "name": label}
    return _node_target("github.step", step, step.doc.span(step.path), context)


def _doc_target(doc: Document, kind_name: str) -> Target:
    name = doc.data.get("name") if isinstance(doc.data, dict) else None
    context = {"name": name if isinstance(name, str) else doc.path}
    return Target.of_file(kind_name, doc, doc.data, "", context)


@kind(FORMATS)
def documents(doc: Document, ctx: Context) -> Iterator[Target]:
    yield _doc_target(doc, "github.document")


@kind(["workflow"])
def workflows(doc: Document, ctx: Context) -> Iterator[Target]:
    yield _doc_target(doc, "github.workflow")


@kind(["action"])
def actions(doc: Document, ctx: Context) -> Iterator[Target]:
    yield _doc_target(doc, "github.action")


@kind(["workflow"])
def jobs(doc: Document, ctx: Context) -> Iterator[Target]:
    for job in build_workflow(doc).jobs:
        yield job_target(job)


@kind(FORMATS)
def steps(doc: Document, ctx: Context) -> Iterator[Target]:
    for step in build_workflow(doc).all_steps():
        yield step_target(step)


def first_workflow(project: Project) -> Document | None:
    docs = sorted(project.of_format("workflow"), key=lambda d: (d.path, d.index))
    return docs[0] if docs else None


@kind(["workflow"], project=True)
def repository(project: Project, ctx: Context) -> Iterator[Target]:
    doc = first_workflow(project)
    if doc is None:
        return
    yield Target.of_file(
        "github.repository", doc, None, "repository", {"name": "repository"}, "repository"
    )


TARGETS: dict[str, TargetKind] = {
    "github.document": documents,
    "github.workflow": workflows,
    "github.action": actions,
    "github.job": jobs,
    "github.step": steps,
    "github.repository": repository,
}
