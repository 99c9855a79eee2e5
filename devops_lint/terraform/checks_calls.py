"""X-000.module-cycle and X-000.module-depth: module calls the linter cannot evaluate (a
call graph that loops, a chain of calls deeper than ``calls.MAX_CALL_DEPTH``)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Result, Target
from ..registry import check
from .calls import MAX_CALL_DEPTH, graph_of
from .objects import ModuleCall

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


@check("X-000.module-cycle", target="terraform.module_call")
def module_cycle(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """X-000.module-cycle: a module call that leads back to a directory on its own path."""
    call = target.context.get("call")
    if not isinstance(call, ModuleCall):
        return
    loop = graph_of(ctx.project, ctx).cycles.get((call.caller.dir, call.name))
    if loop is not None:
        yield Result(
            span=call.block.header,
            args={"cycle": " -> ".join(posixpath.normpath(d) for d in loop)},
        )


@check("X-000.module-depth", target="terraform.module_call")
def module_depth(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """X-000.module-depth: a call whose caller is reached only ``MAX_CALL_DEPTH`` calls deep."""
    call = target.context.get("call")
    if not isinstance(call, ModuleCall):
        return
    if (call.caller.dir, call.name) in graph_of(ctx.project, ctx).cut_calls():
        # Instances exist down to the limit, so a cut call is always made at that depth.
        depth = str(MAX_CALL_DEPTH)
        yield Result(span=call.block.header, args={"depth": depth, "limit": depth})
