"""``--shard I/N`` and ``devops-lint merge SHARD...``: one scan shared between CI jobs.

A shard takes the folders to scan, relative to the working directory, and writes a shard
file (``-o``, else standard output); ``merge`` runs in the same checkout with the same
configuration options, checks the set of shards and reports like ``check`` (every format,
``--fail-on``, baseline and compliance options). See ``devops_lint.shards``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

import click

# Options that change a scan's findings or files rather than its report: a shard writes
# no report, and a merge cannot fix files it did not scan.
_NOT_WITH_SHARD = ("fix", "diff", "write_baseline", "new_from_rev", "new_from_merge_base")
# What a merge does not take, at the values ``check`` then runs with.
_LEFT_OUT_OF_MERGE: dict[str, Any] = {
    "shard": None,
    "fix": False,
    "unsafe_fixes": False,
    "diff": False,
    "list_rules": False,
    "list_controls": False,
    "stdin_filename": None,
}


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    index, _, count = value.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count) <= 1000):
        raise click.BadParameter("I/N with 1 <= I <= N <= 1000, e.g. 2/4")
    return (int(index), int(count))


def click_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    option = click.option(
        "--shard",
        metavar="I/N",
        callback=_shard,
        help="Evaluate shard I of N and write a shard file for `devops-lint merge`.",
    )
    return option(fn)


def given_paths(paths: list[str]) -> list[str]:
    """The folders a shard scans, as a merge in another job finds them again."""
    for p in paths:
        if p == "-" or not Path(p).is_dir():
            raise click.UsageError(f"--shard scans folders; {p!r} is not one")
        pure = PurePath(p)
        if pure.is_absolute() or ".." in pure.parts:
            raise click.UsageError(f"--shard takes folders inside the working directory: {p!r}")
    return [PurePath(p).as_posix() for p in paths]


def write_shard(
    paths: list[str], root: Path, settings: dict[str, Any], rules: list[Any], opts: dict[str, Any]
) -> int:
    from .invocation import jobs_of
    from .output import printable, write_report
    from .progress import Progress
    from .shards.run import run_shard

    given = given_paths(paths)
    for name in _NOT_WITH_SHARD:
        if opts.get(name):
            flag = "--" + name.replace("_", "-")
            raise click.UsageError(f"{flag} does not go with --shard (a shard writes no report)")
    index, count = opts["shard"]
    store = None
    if not opts["no_cache"] and not settings.get("helm_render"):  # as engine.run decides
        from .engine import _store

        store = _store(root.absolute())
    from .engine import no_cyclic_gc

    with no_cyclic_gc(), Progress.on_stderr(enabled=not opts["quiet"]) as progress:
        text = run_shard(
            root.absolute(),
            [Path(p).absolute() for p in given],
            settings,
            rules,
            index=index,
            count=count,
            given=given,
            jobs=jobs_of(opts),
            progress=progress.update,
            store=store,
        )
        # What the run built lives until the process ends: keep the collector, switched
        # back on, from walking it (as ``check`` does).
        gc.freeze()
    text = printable(text, "shard")
    if opts["output"] is not None:
        write_report(opts["output"], text)
    else:
        click.echo(text, nl=False)
    return 0


def merge_command(check: click.Command, run: Callable[[list[str], dict[str, Any]], None]) -> Any:
    """``merge``: ``check``'s options (they must match the shards') over shard files."""
    params: list[click.Parameter] = [
        click.Argument(["shard_files"], nargs=-1, required=True, type=click.Path(path_type=Path))
    ]
    params += [p for p in check.params if p.name != "paths" and p.name not in _LEFT_OUT_OF_MERGE]

    def merge(shard_files: tuple[Path, ...], **opts: Any) -> None:
        from .shards.file import ShardError, read
        from .shards.run import check_set

        try:
            shards = [read(p) for p in shard_files]
            check_set(shards)
        except ShardError as exc:
            from .terminal import escape

            click.echo(f"devops-lint: {escape(str(exc))}", err=True)
            raise SystemExit(2) from None
        opts.update(_LEFT_OUT_OF_MERGE, merged_shards=shards)
        run(list(shards[0].given), opts)

    return click.Command(
        "merge",
        callback=merge,
        params=params,
        help="Merge the shard files of one `--shard I/N` scan into one report "
        "(in the scanned checkout, with the shards' configuration options).",
        context_settings={"help_option_names": ["-h", "--help"]},
    )


def merged_result(
    root: Path, settings: dict[str, Any], rules: list[Any], opts: dict[str, Any]
) -> tuple[Any, list[Path]]:
    """The merged run's result, and the folders it scanned."""
    from .engine import no_cyclic_gc
    from .invocation import jobs_of
    from .shards.run import run_merge

    shards = opts["merged_shards"]
    with no_cyclic_gc():
        result = run_merge(root.absolute(), settings, rules, shards, jobs=jobs_of(opts))
        gc.freeze()
    return result, [Path(p).absolute() for p in shards[0].given]
