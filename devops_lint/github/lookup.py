"""The job or step a ``github.job`` / ``github.step`` target is about, for the checks."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from ..model import Result, Target
from .workflow import Job, Step, build_workflow

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

CheckFn = Callable[[Target, "Rule", "Context"], Iterator[Result]]
T = TypeVar("T")


def job_of(target: Target) -> Job | None:
    return build_workflow(target.doc).job(str(target.path[-1])) if target.path else None


def step_of(target: Target) -> Step | None:
    return build_workflow(target.doc).step_at(target.path)


def _given(
    find: Callable[[Target], T | None],
) -> Callable[[Callable[[Target, Rule, Context, T], Iterator[Result]]], CheckFn]:
    """A decorator: the check runs its body with what ``find`` returns for the target, and
    reports nothing when that is None."""

    def wrap(body: Callable[[Target, Rule, Context, T], Iterator[Result]]) -> CheckFn:
        @functools.wraps(body)
        def run(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
            found = find(target)
            if found is not None:
                yield from body(target, rule, ctx, found)

        return run

    return wrap


class RunScript(NamedTuple):
    """A step's non-empty ``run`` script as ``Step.script`` reads it, with the step."""

    step: Step
    text: str


def script_of(target: Target) -> RunScript | None:
    step = step_of(target)
    text = step.script if step is not None else None
    return RunScript(step, text) if step is not None and text else None


# The check body gets the target's job / step / run script as a fourth argument.
on_job = _given(job_of)
on_step = _given(step_of)
on_script = _given(script_of)
