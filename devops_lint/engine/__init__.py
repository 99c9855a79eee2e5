"""The run: discover, parse, evaluate every rule on its targets, apply suppressions.

The passes live in their own modules and share a ``RunState``:

- ``loader``: discovery, reading and parsing files, Helm rendering;
- ``scheduler``: target kinds and rules, in process or shared between forked workers;
- ``state``: the run's settings, rules, project and findings, and how findings are made;
- ``suppression``: inline and annotation suppressions and their hygiene findings;
- ``results``: ``RunResult`` and the helpers that shape findings for reporters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .. import parsing
from ..model import Finding
from ..rules import Rule
from ..selection import matches
from .results import RunResult, format_message, redact_messages, select_rules
from .state import RunState

__all__ = [
    "Engine",
    "RunResult",
    "build_result",
    "format_message",
    "matches",
    "no_cyclic_gc",
    "redact_messages",
    "run",
    "select_rules",
]


class Engine(RunState):
    """One run, pass by pass: ``load``, ``evaluate``, ``suppress``, ``result``."""

    def load(
        self,
        paths: list[Path],
        stdin: tuple[str, str] | None = None,
        jobs: int = 1,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        from . import loader

        loader.load(self, paths, stdin, jobs=jobs, progress=progress)

    def evaluate(self, jobs: int = 1) -> None:
        from . import scheduler  # not needed when the result cache answers

        scheduler.evaluate(self, jobs)

    def suppress(self) -> None:
        from . import suppression

        suppression.suppress(self)

    def result(self) -> RunResult:
        return build_result(self)


def build_result(state: RunState) -> RunResult:
    """The report's view of the run: what is shown, sorted, redacted and counted."""
    findings: list[Finding] = state.findings
    failed = state.project.failed
    # A file that failed to parse reports its parse error and nothing else (0.6 item 7).
    findings = [f for f in findings if f.path not in failed or f.rule_id.startswith("X-0")]
    only = state.project.report_only
    if only is not None:
        findings = [f for f in findings if f.path in only]
    findings.sort(key=Finding.sort_key)
    if state.settings.get("helm_values_files"):
        # Charts rendered with several value sets: say which ones give each finding.
        for f in findings:
            if f.value_sets:
                f.message = f"{f.message} (values: {', '.join(f.value_sets)})"
    redact_messages(findings, state.settings)
    # Files read: those of a format we parse, and standard input whatever its name.
    read = {sf.path for sf in state.project.files if sf.kind in parsing.PARSED_KINDS}
    read |= failed
    if state.stdin_name is not None:
        read.add(state.stdin_name)
    if only is not None:  # given files: their number, not their folders'
        read &= only
    evaluated = {k: n for k, n in state.evaluated.items() if only is None or k[1] in only}
    return RunResult(
        findings,
        state.project,
        state.rules,
        len(read),
        evaluated=evaluated,
        suppressed_until=state.suppressed_until,
    )


def run(
    root: Path,
    paths: list[Path],
    settings: dict[str, Any],
    rules: list[Rule],
    *,
    stdin: tuple[str, str] | None = None,
    report_only: set[str] | None = None,
    today: dt.date | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    cache: bool = False,
) -> RunResult:
    """Lint ``paths`` under ``root``.

    ``cache``: reuse and store results in the result cache (``devops_lint.cache``) unless
    ``DEVOPS_LINT_NO_CACHE`` is set; ``--helm-render`` runs (an external renderer) never do.
    """
    with no_cyclic_gc():
        store = _store(root) if cache and not settings.get("helm_render") else None
        engine = Engine(root, settings, rules, report_only=report_only, today=today)
        if store is not None:
            from ..cache.run import cached_run

            return cached_run(
                store, engine, paths, rules, stdin=stdin, jobs=jobs, progress=progress
            )
        engine.load(paths, stdin, jobs=jobs, progress=progress)
        engine.evaluate(jobs=jobs)
        engine.suppress()
        return engine.result()


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cyclic collector paused for a run (a shard's and a merge's too).

    A run builds many small acyclic objects that live until it ends: the collector would
    rescan them again and again (half the parse time on large repos).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _store(root: Path) -> Any:
    """The result cache, unless turned off or kept inside the scanned tree (its own entries
    would be scanned, and change the input of every run)."""
    from ..cache.store import Store

    store = Store.default()
    if store is None:
        return None
    try:
        if store.folder.resolve().is_relative_to(root.resolve()):
            return None
    except (OSError, RuntimeError):
        return None
    return store
