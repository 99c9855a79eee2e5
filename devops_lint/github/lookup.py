"""The job or step a ``github.job`` / ``github.step`` target is about, for the checks."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..model import Result, Target
from .workflow import Job, Step, build_workflow

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

CheckFn = Callable[[Target, "Rule", "Context"], Iterator[Result]]
JobCheck = Callable[[Target, "Rule", "Context", Job], Iterator[Result]]
StepCheck = Callable[[Target, "Rule", "Context", Step], Iterator[Result]]


def job_of(target: Target) -> Job | None:
    return build_workflow(target.doc).job(str(target.path[-1])) if target.path else None


def step_of(target: Target) -> Step | None:
    return build_workflow(target.doc).step_at(target.path)


def on_job(body: JobCheck) -> CheckFn:
    """The check that runs ``body`` with the target's job (nothing when it has none)."""

    @functools.wraps(body)
    def run(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
        job = job_of(target)
        if job is not None:
            yield from body(target, rule, ctx, job)

    return run


def on_step(body: StepCheck) -> CheckFn:
    """The check that runs ``body`` with the target's step (nothing when it has none)."""

    @functools.wraps(body)
    def run(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
        step = step_of(target)
        if step is not None:
            yield from body(target, rule, ctx, step)

    return run
