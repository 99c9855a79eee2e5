"""GHA-003, GHA-004 and GHA-005: what a workflow runs, and at which version."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import JsonPath, Result, Target
from ..registry import check
from .analysis import action_matches, vocabulary
from .lookup import step_of
from .positions import locate
from .uses import ActionRef
from .workflow import Step, build_workflow, is_expression, job_containers

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

# --------------------------------------------------------------------------- helpers


def _uses_sites(target: Target) -> Iterator[tuple[ActionRef, JsonPath, str, bool]]:
    """(reference, path of the uses value, locator, is a job-level call) in a document."""
    wf = build_workflow(target.doc)
    for job in wf.jobs:
        if job.uses is not None:
            yield job.uses, (*job.path, "uses"), job.locator, True
    for step in wf.all_steps():
        if step.uses is not None:
            yield step.uses, (*step.path, "uses"), step.locator, False


def _owner_severity(ref: ActionRef, ctx: Context) -> str | None:
    """None when the owner is trusted (exempt), else the severity for a mutable pin."""
    v = vocabulary(ctx)
    owner = ref.owner.lower()
    if owner in v.trusted_owners:
        return None
    return "medium" if owner in v.first_party else "high"


# --------------------------------------------------------------------------- GHA-003


def _not_pinned(ref: ActionRef, owner: JsonPath, ctx: Context) -> Iterator[Result]:
    """A remote ``uses:`` by a tag or branch, at the severity its owner's trust gives."""
    if ref.kind != "remote" or ref.ref is None or ref.is_sha:
        return
    severity = _owner_severity(ref, ctx)
    if severity is not None:
        yield Result(
            path=(*owner, "uses"),
            severity=severity,  # type: ignore[arg-type]
            args={"uses": ref.raw, "ref": ref.ref},
        )


@check("GHA-003.action-ref", target="github.step")
def action_ref(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    step = step_of(target)
    if step is not None and step.uses is not None:
        yield from _not_pinned(step.uses, step.path, ctx)


@check("GHA-003.reusable-workflow-ref", target="github.job")
def reusable_workflow_ref(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    job = build_workflow(target.doc).job(str(target.path[-1]))
    if job is None or job.uses is None:
        return
    ref = job.uses
    if ref.version is not None and action_matches(ref.name, vocabulary(ctx).tag_pinned_workflows):
        return  # called by a release tag, as the workflow requires (SLSA generators)
    yield from _not_pinned(ref, job.path, ctx)


@check("GHA-003.missing-ref", target="github.document")
def missing_ref(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for ref, path, locator, _job in _uses_sites(target):
        if ref.kind == "remote" and ref.ref is None:
            if ref.owner.lower() in vocabulary(ctx).trusted_owners:
                continue
            yield Result(path=path, locator=locator, args={"uses": ref.raw})


# --------------------------------------------------------------------------- GHA-004

_DIGEST_RE = re.compile(r"@sha256:[0-9a-f]{64}$")
LATEST_RUNNERS = frozenset({"ubuntu-latest", "windows-latest", "macos-latest"})


def _image_state(image: str) -> str:
    """ "digest", "tag", or "unpinned" (no tag / ``latest``)."""
    if _DIGEST_RE.search(image):
        return "digest"
    name = image.rsplit("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" not in last:
        return "unpinned"
    tag = last.rsplit(":", 1)[1]
    return "unpinned" if tag in ("", "latest") else "tag"


def _images(target: Target) -> Iterator[tuple[JsonPath, str, str]]:
    """(path, image, locator) of every container, service and ``docker://`` image."""
    wf = build_workflow(target.doc)
    for job in wf.jobs:
        container = job.data.get("container")
        if isinstance(container, str):
            yield (*job.path, "container"), container, job.locator
        for path, spec, locator in job_containers(job):
            if isinstance(spec.get("image"), str):
                yield (*path, "image"), spec["image"], locator
    for step in wf.all_steps():
        if step.uses is not None and step.uses.kind == "docker":
            yield (*step.path, "uses"), step.uses.subpath, step.locator
    if wf.kind == "action":
        runs = wf.data.get("runs")
        if isinstance(runs, dict) and isinstance(runs.get("image"), str):
            image = runs["image"]
            if image.lower().startswith("docker://"):
                yield ("runs", "image"), image[len("docker://") :], "runs"


@check("GHA-004.image-unpinned", target="github.document")
def image_unpinned(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for path, image, locator in _images(target):
        if is_expression(image):
            if image.strip().startswith("${{") and image.strip().endswith("}}"):
                yield Result(path=path, locator=locator, unresolved=True, args={"image": image})
            continue
        if image and _image_state(image) == "unpinned":
            yield Result(path=path, locator=locator, args={"image": image})


@check("GHA-004.image-no-digest", target="github.document")
def image_no_digest(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    for path, image, locator in _images(target):
        if not is_expression(image) and image and _image_state(image) == "tag":
            yield Result(path=path, locator=locator, args={"image": image})


@check("GHA-004.runner-latest", target="github.job")
def runner_latest(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    job = build_workflow(target.doc).job(str(target.path[-1])) if target.path else None
    if job is None:
        return
    for path, label in job.runner_labels():
        if label is None:
            yield Result(path=path, unresolved=True, args={"label": target.doc.get(path)})
        elif label.strip().lower() in LATEST_RUNNERS:
            yield Result(path=path, args={"label": label})


# --------------------------------------------------------------------------- GHA-005


def _table(ctx: Context) -> dict[str, dict[str, Any]]:
    """Entries by action name; a later entry (a config extension) wins."""

    def build() -> dict[str, dict[str, Any]]:
        table = ctx.data("deprecated_actions.yaml") or {}
        out: dict[str, dict[str, Any]] = {}
        for e in table.get("actions") or []:
            if isinstance(e, dict) and e.get("action"):
                out[str(e["action"]).lower()] = e
        return out

    return ctx.memo("github:deprecated-actions", build)  # type: ignore[no-any-return]


def deprecation_entry(ref: ActionRef, ctx: Context) -> dict[str, Any] | None:
    """The entry for the action or the nearest parent (``actions/cache`` for ``/save``)."""
    table = _table(ctx)
    parts = ref.name.split("/")
    for n in range(len(parts), 1, -1):
        entry = table.get("/".join(parts[:n]))
        if entry is not None:
            return entry
    return None


def _retired(version: tuple[int, ...], entry: dict[str, Any]) -> bool:
    below = entry.get("retired_below")
    if isinstance(below, int) and version[0] < below:
        return True
    for full in entry.get("retired_before") or []:
        parts = tuple(int(p) for p in str(full).split(".") if p.isdigit())
        if parts and len(version) >= 3 and version[0] == parts[0] and version < parts:
            return True
    return False


def _version_text(ref: ActionRef) -> str:
    return "v" + ".".join(str(p) for p in ref.version) if ref.version else str(ref.ref)


def _deprecation(step: Step, ctx: Context) -> tuple[str, dict[str, Any]] | None:
    """("archived"|"retired"|"deprecated"|"unknown", entry) for a step's action."""
    ref = step.uses
    if ref is None or ref.kind != "remote":
        return None
    entry = deprecation_entry(ref, ctx)
    if entry is None:
        return None
    if entry.get("archived"):
        return "archived", entry
    minimum = entry.get("minimum")
    if not isinstance(minimum, int):
        return None
    if ref.version is None:
        return "unknown", entry
    if _retired(ref.version, entry):
        return "retired", entry
    if ref.version[0] < minimum:
        return "deprecated", entry
    return None


def _deprecation_results(target: Target, ctx: Context, want: str) -> Iterator[Result]:
    step = step_of(target)
    if step is None or step.uses is None:
        return
    found = _deprecation(step, ctx)
    if found is None:
        return
    state, entry = found
    args = {
        "uses": step.uses.raw,
        "action": step.uses.name,
        "version": _version_text(step.uses),
        "minimum": f"v{entry.get('minimum')}",
        "note": entry.get("note", ""),
    }
    path = (*step.path, "uses")
    if state == want:
        yield Result(path=path, args=args)
    elif state == "unknown" and want == "deprecated":
        yield Result(path=path, unresolved=True, args=args)


@check("GHA-005.deprecated-version", target="github.step")
def deprecated_version(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    return _deprecation_results(target, ctx, "deprecated")


@check("GHA-005.retired-version", target="github.step")
def retired_version(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    return _deprecation_results(target, ctx, "retired")


@check("GHA-005.archived-action", target="github.step")
def archived_action(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    return _deprecation_results(target, ctx, "archived")


_COMMAND_RE = re.compile(r"::(set-output|save-state) ")


@check("GHA-005.workflow-command", target="github.step")
def workflow_command(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    step = step_of(target)
    if step is None or not step.run:
        return
    path = (*step.path, "run")
    for m in _COMMAND_RE.finditer(step.run):
        yield Result(span=locate(step.doc, path, m.start(), m.end()), args={"command": m.group(1)})
