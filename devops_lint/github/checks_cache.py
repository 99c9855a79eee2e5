"""GHA-017: publishing jobs on release paths do not restore GitHub Actions caches.

A step restores a cache when it is ``actions/cache``/``actions/cache/restore``, a
cache-aware action of ``cache_aware_actions.yaml`` whose inputs as written leave its cache
on, or ``docker/build-push-action`` reading ``cache-from: type=gha``. Input values that are
expressions are evaluated per reachable non-pull-request event (standards GHA-017).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Result, Target
from .analysis import action_matches, job_facts, setting
from .evaluate import UNKNOWN, Evaluator, RunInfo, run_info
from .expressions import find_expressions
from .workflow import Job, Step, build_workflow, is_expression

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

# Events on which a publishing job's output is released (standards GHA-017).
PUBLISH_EVENTS = ("push", "release", "workflow_dispatch", "create")
# Input values that turn a cache off; anything else non-empty turns it on.
OFF_VALUES = frozenset({"", "false"})


@dataclass(frozen=True)
class CacheAware:
    """One row of ``cache_aware_actions.yaml``."""

    action: str
    input: str | None  # None: the action always restores its cache
    default: bool  # caching when the input is not written
    since: int | None  # first major version with ``default``; earlier ones are opt-in
    auto: bool = False  # the default is ``auto``: on for GitHub-hosted runners only


def cache_aware_actions(ctx: Context) -> list[CacheAware]:
    def build() -> list[CacheAware]:
        table = ctx.data("cache_aware_actions.yaml") or {}
        out: list[CacheAware] = []
        for e in table.get("actions") or []:
            if not isinstance(e, dict) or not isinstance(e.get("action"), str):
                continue
            key = e.get("input")
            since = e.get("since")
            default = e.get("default")
            out.append(
                CacheAware(
                    action=e["action"].lower(),
                    input=key if isinstance(key, str) and key else None,
                    default=default is True or default == "auto",
                    since=since if isinstance(since, int) and not isinstance(since, bool) else None,
                    auto=default == "auto",
                )
            )
        # Longest name first, so ``owner/repo/sub`` wins over ``owner/repo``.
        out.sort(key=lambda c: -len(c.action))
        return out

    return ctx.memo("github:cache-aware-actions", build)  # type: ignore[no-any-return]


def cache_entry(step: Step, ctx: Context) -> CacheAware | None:
    name = step.action()
    if not name:
        return None
    return next((c for c in cache_aware_actions(ctx) if action_matches(name, [c.action])), None)


def default_on(entry: CacheAware, step: Step, auto_on: bool) -> bool | None:
    """Whether the action caches with its input absent (None: version unknown)."""
    if not entry.default or (entry.auto and not auto_on):
        return False
    if entry.since is None:
        return True
    version = step.uses.version if step.uses is not None else None
    if not version:
        return None
    return version[0] >= entry.since


def _render(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def cache_value(value: Any, infos: list[RunInfo], want_gha: bool, auto_on: bool) -> bool | None:
    """Whether an input value enables caching for any of ``infos`` (None: cannot tell).

    ``want_gha``: the value is a BuildKit ``cache-from`` (on when it reads ``type=gha``);
    otherwise a cache switch, off when ``false`` or empty. ``auto_on``: what ``auto`` means.
    """
    text = _render(value)

    def enables(rendered: str) -> bool:
        if want_gha:
            return "type=gha" in rendered
        low = rendered.strip().lower()
        if low == "auto":
            return auto_on
        return low not in OFF_VALUES

    if not is_expression(text):
        return enables(text)
    exprs = find_expressions(text)
    literal = text
    for e in reversed(exprs):
        literal = literal[: e.start] + literal[e.end :]
    if want_gha and "type=gha" in literal:
        return True
    any_unknown = False
    for info in infos:
        parts = []
        for e in exprs:
            if e.node is None:
                return None
            v = Evaluator(info).value(e.node)
            if v is UNKNOWN or not isinstance(v, (str, bool, float, type(None))):
                any_unknown = True
                break
            parts.append(_render(v))
        else:
            rendered = text
            for e, part in reversed(list(zip(exprs, parts, strict=True))):
                rendered = rendered[: e.start] + part + rendered[e.end :]
            if enables(rendered):
                return True
    return None if any_unknown else False


def _self_hosted(job: Job) -> bool | None:
    labels = job.runner_labels()
    if any(v is not None and v.strip().lower() == "self-hosted" for _, v in labels):
        return True
    return None if any(v is None for _, v in labels) else False


def cache_poisoning(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    job = build_workflow(target.doc).job(str(target.path[-1])) if target.path else None
    if job is None:
        return
    facts = job_facts(job, ctx)
    if not facts.publishing:
        return
    wf = build_workflow(job.doc)
    branch = setting(ctx, "default_branch", "main")
    events = [e for e in facts.reachable if e in PUBLISH_EVENTS]
    if not events:
        return
    infos = [run_info(e, wf.triggers.get(e), branch) for e in events]
    # ``auto`` caches on GitHub-hosted runners only; an unknown runner counts as hosted.
    auto_on = _self_hosted(job) is not True
    for step in job.steps:
        yield from _step_results(step, infos, auto_on, ctx)


def _step_results(
    step: Step, infos: list[RunInfo], auto_on: bool, ctx: Context
) -> Iterator[Result]:
    name = step.action()
    if not name:
        return
    uses_path = (*step.path, "uses")
    if name in ("actions/cache", "actions/cache/restore"):
        yield Result(path=uses_path, locator=step.locator, args={"what": name})
        return
    if name == "docker/build-push-action":
        if "cache-from" in step.with_:
            verdict = cache_value(step.input("cache-from"), infos, True, auto_on)
            if verdict is not False:
                yield Result(
                    path=(*step.path, "with", "cache-from"),
                    locator=step.locator,
                    unresolved=verdict is None,
                    args={"what": f"{name} cache-from"},
                )
        return
    entry = cache_entry(step, ctx)
    if entry is None:
        # A ``setup-*`` action the table does not know: its ``cache`` input is opt-in.
        if step.uses is not None and step.uses.repo.lower().startswith("setup-"):
            entry = CacheAware(name, "cache", False, None)
        else:
            return
    if entry.input is None:
        yield Result(path=uses_path, locator=step.locator, args={"what": name})
        return
    if entry.input in step.with_:
        verdict = cache_value(step.input(entry.input), infos, False, auto_on)
        path = (*step.path, "with", entry.input)
        what = f"{name} {entry.input}"
    else:
        verdict = default_on(entry, step, auto_on)
        path = uses_path
        what = f"{name}, on by default"
    if verdict is not False:
        yield Result(
            path=path, locator=step.locator, unresolved=verdict is None, args={"what": what}
        )
