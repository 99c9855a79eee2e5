"""What a check's body is handed beside ``(target, rule, ctx)``.

Many checks start by finding the thing their target is about (a workflow job, an RBAC
role, a replicated workload) and report nothing when it is not there. ``given`` does that
once: the body takes the found thing as a fourth, typed argument::

    @check("GHA-008.prod-ungated", target="github.job")
    @given(job_of)
    def prod_ungated(target: Target, rule: Rule, ctx: Context, job: Job) -> Iterator[Result]:
        ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from .context import Context
    from .model import Result, Target
    from .rules import Rule

T = TypeVar("T")
CheckFn = Callable[["Target", "Rule", "Context"], Iterator["Result"]]
GivenBody = Callable[["Target", "Rule", "Context", T], Iterable["Result"]]


def given(find: Callable[[Target], T | None]) -> Callable[[GivenBody[T]], CheckFn]:
    """A decorator: the check runs its body with what ``find`` returns for the target, and
    reports nothing when that is None."""
    return given_in_run(lambda target, ctx: find(target))


def given_in_run(
    find: Callable[[Target, Context], T | None],
) -> Callable[[GivenBody[T]], CheckFn]:
    """``given`` for a finder that also reads the run (the project's other objects through
    ``ctx``): a workload with more than one replica once its autoscaler is counted."""

    def wrap(body: GivenBody[T]) -> CheckFn:
        @functools.wraps(body)
        def run(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
            found = find(target, ctx)
            if found is not None:
                yield from body(target, rule, ctx, found)

        return run

    return wrap
