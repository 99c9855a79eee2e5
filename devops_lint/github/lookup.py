"""The job or step a ``github.job`` / ``github.step`` target is about, for the checks."""

from __future__ import annotations

from typing import NamedTuple

from ..checkargs import given
from ..model import Target
from .workflow import Job, Step, build_workflow


def job_of(target: Target) -> Job | None:
    return build_workflow(target.doc).job(str(target.path[-1])) if target.path else None


def step_of(target: Target) -> Step | None:
    return build_workflow(target.doc).step_at(target.path)


class RunScript(NamedTuple):
    """A step's non-empty ``run`` script as ``Step.script`` reads it, with the step."""

    step: Step
    text: str


def script_of(target: Target) -> RunScript | None:
    step = step_of(target)
    text = step.script if step is not None else None
    return RunScript(step, text) if step is not None and text else None


# The check body gets the target's job / step / run script as a fourth argument.
on_job = given(job_of)
on_step = given(step_of)
on_script = given(script_of)
