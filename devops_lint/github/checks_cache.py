"""GHA-017: publishing jobs on release paths do not restore GitHub Actions caches.

A step restores a cache when it is ``actions/cache``/``actions/cache/restore``, a
cache-aware action of ``cache_aware_actions.yaml`` whose inputs as written leave its cache
on, or ``docker/build-push-action`` reading ``cache-from: type=gha``. Input values that are
expressions are evaluated per reachable non-pull-request event (standards GHA-017).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import JsonPath, Result, Target
from ..registry import check
from .analysis import action_matches, job_facts, setting
from .evaluate import UNKNOWN, Evaluator, RunInfo, run_infos
from .expressions import find_expressions
from .workflow import Job, Step, build_workflow, is_expression

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

# Events on which a publishing job's output is released (standards GHA-017).
PUBLISH_EVENTS = ("push", "release", "workflow_dispatch", "create")
# Input values that turn a cache off; anything else non-empty turns it on.
OFF_VALUES = frozenset({"", "false"})
# Values that turn an inverted switch (``ignore-cache``) on, and so the cache off.
TRUE_VALUES = frozenset({"true", "yes", "1", "on"})


@dataclass(frozen=True)
class CacheAware:
    """One row of ``cache_aware_actions.yaml``."""

    action: str
    input: str | None  # None: the action always restores its cache
    default: bool  # caching when the input is not written
    since: int | None  # first major version with ``default``; earlier ones are opt-in
    auto: bool = False  # the default is ``auto``: on for GitHub-hosted runners only
    inverted: bool = False  # the input turns the cache off (``ignore-cache: true``)
    auto_off_events: frozenset[str] = frozenset()  # events on which ``auto`` does not cache
    auto_off_since: int | None = None  # first major version that skips those events


def _major(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def cache_aware_actions(ctx: Context) -> list[CacheAware]:
    def build() -> list[CacheAware]:
        out: list[CacheAware] = []
        for e in ctx.data_entries("cache_aware_actions.yaml", "actions", required="action"):
            key = e.get("input")
            default = e.get("default")
            out.append(
                CacheAware(
                    action=e["action"].lower(),
                    input=key if isinstance(key, str) and key else None,
                    default=default is True or default == "auto",
                    since=_major(e.get("since")),
                    auto=default == "auto",
                    inverted=e.get("inverted") is True,
                    auto_off_events=frozenset(
                        str(x) for x in e.get("auto_off_events") or [] if isinstance(x, str)
                    ),
                    auto_off_since=_major(e.get("auto_off_since")),
                )
            )
        # Longest name first, so ``owner/repo/sub`` wins over ``owner/repo``.
        out.sort(key=lambda c: -len(c.action))
        return out

    return ctx.memo("github:cache-aware-actions", build)  # type: ignore[no-any-return]


def cache_entries(step: Step, ctx: Context) -> list[CacheAware]:
    """The table's rows for the step's action (one per controlling input)."""
    name = step.action()
    rows = cache_aware_actions(ctx)
    best = next((c.action for c in rows if name and action_matches(name, [c.action])), None)
    return [c for c in rows if c.action == best] if best is not None else []


AutoFn = Callable[[RunInfo], "bool | None"]


def _any(verdicts: Iterable[bool | None]) -> bool | None:
    """True when one verdict is True, else None when one is unknown, else False."""
    seen = list(verdicts)
    if any(v is True for v in seen):
        return True
    return None if any(v is None for v in seen) else False


def auto_caches(entry: CacheAware, step: Step, hosted: bool) -> AutoFn:
    """Whether ``auto`` caches in a run: never on self-hosted runners, and not on the
    events the action's version excludes (``auto_off_events`` from ``auto_off_since``)."""
    version = step.uses.version if step.uses is not None else None

    def decide(info: RunInfo) -> bool | None:
        if not hosted:
            return False
        if info.event not in entry.auto_off_events:
            return True
        if entry.auto_off_since is None:
            return False
        if not version:
            return None
        return version[0] < entry.auto_off_since

    return decide


def default_on(entry: CacheAware, step: Step, infos: list[RunInfo], auto: AutoFn) -> bool | None:
    """Whether the action caches with its input absent (None: version unknown)."""
    if not entry.default:
        return False
    if entry.since is not None:
        version = step.uses.version if step.uses is not None else None
        if not version:
            return None
        if version[0] < entry.since:
            return False
    return _any(auto(i) for i in infos) if entry.auto else True


def _render(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def cache_value(
    value: Any,
    infos: list[RunInfo],
    want_gha: bool,
    auto: AutoFn | bool = True,
    inverted: bool = False,
) -> bool | None:
    """Whether an input value enables caching for any of ``infos`` (None: cannot tell).

    ``want_gha``: the value is a BuildKit ``cache-from`` (on when it reads ``type=gha``);
    otherwise a cache switch, off when ``false`` or empty. ``auto``: whether ``auto``
    caches (per run). ``inverted``: the input disables the cache when true (``yes``,
    ``1`` and ``on`` too).
    """
    text = _render(value)
    auto_fn: AutoFn = auto if callable(auto) else (lambda _info: bool(auto))

    def enables(rendered: str, info: RunInfo) -> bool | None:
        if want_gha:
            return "type=gha" in rendered
        low = rendered.strip().lower()
        if inverted:
            return low not in TRUE_VALUES
        if low == "auto":
            return auto_fn(info)
        return low not in OFF_VALUES

    if not is_expression(text):
        return _any(enables(text, i) for i in infos)
    exprs = find_expressions(text)
    literal = text
    for e in reversed(exprs):
        literal = literal[: e.start] + literal[e.end :]
    if want_gha and "type=gha" in literal:
        return True
    verdicts: list[bool | None] = []
    for info in infos:
        parts = []
        for e in exprs:
            if e.node is None:
                return None
            v = Evaluator(info).value(e.node)
            if v is UNKNOWN or not isinstance(v, (str, bool, float, type(None))):
                verdicts.append(None)
                break
            parts.append(_render(v))
        else:
            rendered = text
            for e, part in reversed(list(zip(exprs, parts, strict=True))):
                rendered = rendered[: e.start] + part + rendered[e.end :]
            verdicts.append(enables(rendered, info))
    return _any(verdicts)


def _self_hosted(job: Job) -> bool | None:
    labels = job.runner_labels()
    if any(v is not None and v.strip().lower() == "self-hosted" for _, v in labels):
        return True
    return None if any(v is None for _, v in labels) else False


@check("GHA-017", target="github.job")
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
    infos = [i for e in events for i in run_infos(e, wf.triggers.get(e), branch)]
    # ``auto`` caches on GitHub-hosted runners only; an unknown runner counts as hosted.
    hosted = _self_hosted(job) is not True
    for step in job.steps:
        yield from _step_results(step, infos, hosted, ctx)


def _step_results(step: Step, infos: list[RunInfo], hosted: bool, ctx: Context) -> Iterator[Result]:
    name = step.action()
    if not name:
        return
    uses_path = (*step.path, "uses")
    if name in ("actions/cache", "actions/cache/restore"):
        yield Result(path=uses_path, locator=step.locator, args={"what": name})
        return
    if name == "docker/build-push-action":
        if "cache-from" in step.with_:
            verdict = cache_value(step.input("cache-from"), infos, True)
            if verdict is not False:
                yield Result(
                    path=(*step.path, "with", "cache-from"),
                    locator=step.locator,
                    unresolved=verdict is None,
                    args={"what": f"{name} cache-from"},
                )
        return
    entries = cache_entries(step, ctx)
    if not entries and step.uses is not None and step.uses.repo.lower().startswith("setup-"):
        # A ``setup-*`` action the table does not know: its ``cache`` input is opt-in.
        entries = [CacheAware(name, "cache", False, None)]
    found: list[tuple[bool | None, JsonPath, str]] = []
    for entry in entries:
        auto = auto_caches(entry, step, hosted)
        if entry.input is None:
            found.append((True, uses_path, name))
        elif entry.input in step.with_:
            value = step.input(entry.input)
            verdict = cache_value(value, infos, False, auto, entry.inverted)
            found.append((verdict, (*step.path, "with", entry.input), f"{name} {entry.input}"))
        else:
            verdict = default_on(entry, step, infos, auto)
            found.append((verdict, uses_path, f"{name}, on by default"))
    # One finding per step: the first input that turns the cache on, else the first that
    # cannot be decided.
    hit = next((f for f in found if f[0] is True), None) or next(
        (f for f in found if f[0] is None), None
    )
    if hit is not None:
        verdict, path, what = hit
        yield Result(
            path=path, locator=step.locator, unresolved=verdict is None, args={"what": what}
        )
