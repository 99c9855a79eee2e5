"""Loading a run's input: discovery, reading and parsing files, rendering Helm charts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import parsing
from ..discover import Skipped, Unreadable, discover, rel_to
from ..model import Span
from ..project import SourceFile
from .state import RunState


def discovered(state: RunState, paths: list[Path]) -> list[SourceFile]:
    """Walk ``paths``: every file joins the project; skipped and unreadable ones are findings."""
    settings = state.settings
    files: list[SourceFile] = []
    for item in discover(
        state.root,
        paths,
        settings["exclude"],
        respect_ignores=not settings.get("no_ignore", False),
        force=named(state, paths),
        exclude_base=settings.get("exclude_base"),
    ):
        if isinstance(item, Skipped):
            state.report("X-000.symlink-skipped", item.path, Span.at(1), item.reason)
            continue
        if isinstance(item, Unreadable):
            state.project.failed.add(item.path)
            state.report("X-000.unreadable", item.path, Span.at(1), item.reason)
            continue
        sf = SourceFile(item.path, item.abspath, parsing.file_kind(item.path))
        state.project.files.append(sf)
        files.append(sf)
    return files


def load(
    state: RunState,
    paths: list[Path],
    stdin: tuple[str, str] | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    todo = [sf for sf in discovered(state, paths) if sf.kind in parsing.PARSED_KINDS]
    parse_files(state, todo, jobs, progress)
    if stdin is not None:
        load_stdin(state, stdin)


def parse_files(
    state: RunState,
    todo: list[SourceFile],
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Parse the discovered files of a format we read into the project's documents."""
    if state.settings.get("helm_render"):
        todo = render_charts(state, todo)
    for done, (sf, loaded) in enumerate(
        parsing.load_many(todo, state.settings, state.root, jobs), start=1
    ):
        if progress is not None:
            progress(done, len(todo))
        record_loaded(state, sf, loaded)


def record_loaded(
    state: RunState, sf: SourceFile, loaded: parsing.Outcome | parsing.Problem
) -> None:
    """Record what reading and parsing one file gave."""
    if isinstance(loaded, parsing.Problem):
        if sf.kind != "json":  # an unreadable random JSON file is not ours to judge
            state.project.failed.add(sf.path)
            state.report("X-000.unreadable", sf.path, loaded.span, loaded.reason)
        return
    record(state, sf, loaded)


def load_stdin(state: RunState, stdin: tuple[str, str]) -> None:
    name, text = stdin
    sf = SourceFile(name, state.root / name, parsing.file_kind(name))
    state.stdin_name = name
    record(state, sf, parsing.parse(sf, text, state.settings, state.root))


def named(state: RunState, paths: list[Path]) -> list[Path] | None:
    """The paths the user named, read even when ignored or excluded (None: every path).

    Neighbours of a named file, read for context, are not among them.
    """
    if state.settings.get("force_exclude"):
        return []
    only = state.project.report_only
    if only is None:
        return None
    return [p for p in paths if p.is_dir() or rel_to(state.root, p) in only]


def render_charts(state: RunState, todo: list[SourceFile]) -> list[SourceFile]:
    """Lint ``helm template`` output instead of the templates (``--helm-render``).

    Each chart renders once; a chart helm refuses is one located parse error.
    """
    from ..helm.render import HelmRenderError, render_chart

    charts = sorted({parsing.chart_root(sf.path) for sf in todo if sf.kind == "helm"})
    for chart in charts:
        try:
            docs = render_chart(chart, state.settings["helm_values_files"], str(state.root))
        except HelmRenderError as err:
            path = f"{chart}/Chart.yaml" if chart != "." else "Chart.yaml"
            state.project.failed.add(path)
            span = Span.at(err.line, err.column)
            state.report("X-000.parse-error", path, span, err.message)
            continue
        state.project.documents.extend(docs)
    return [sf for sf in todo if sf.kind != "helm"]


def record(state: RunState, sf: SourceFile, outcome: parsing.Outcome) -> None:
    """Add a file's documents to the project, or its parse error and duplicate keys."""
    if outcome.error is not None:
        state.project.failed.add(sf.path)
        err = outcome.error
        state.report("X-000.parse-error", sf.path, Span.at(err.line, err.column), err.message)
        return
    for key, span in outcome.duplicates:
        state.report("X-000.duplicate-key", sf.path, span, key=key)
    state.project.documents.extend(outcome.documents)
