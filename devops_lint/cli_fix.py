"""Command-line options of autofix: ``--fix``, ``--unsafe-fixes``, ``--diff``.

Kept apart from :mod:`devops_lint.fix` so that declaring the options costs the CLI's start-up
nothing: the fix code loads only when one of them is used.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import RunResult
    from .invocation import Invocation


def click_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The autofix options, for the ``check`` command."""
    import click

    for option in reversed(
        [
            click.option("--fix", is_flag=True, help="Apply safe fixes in place, then report."),
            click.option(
                "--unsafe-fixes", is_flag=True, help="With --fix or --diff: unsafe fixes too."
            ),
            click.option("--diff", is_flag=True, help="Print the fixes as a diff; write nothing."),
        ]
    ):
        fn = option(fn)
    return fn


def from_cli(result: RunResult, invocation: Invocation) -> RunResult:
    """Fix what the command line asks for; the result of linting the fixed tree."""
    root, scan, opts = invocation.root, invocation.scan, invocation.opts
    settings, rules = invocation.settings, invocation.rules
    report_only, jobs = invocation.report_only, invocation.jobs
    if not (opts.get("fix") or opts.get("diff")):
        return result
    import click

    from .engine import run
    from .fix.runner import fix_tree, unified_diff, write_back
    from .model import Finding
    from .terminal import escape

    if invocation.stdin:
        click.echo("devops-lint: --fix and --diff do not read standard input", err=True)
        sys.exit(2)

    def lint(tree: Path, paths: list[Path]) -> list[Finding]:
        return run(tree, paths, settings, rules, report_only=report_only, jobs=jobs).findings

    outcome = fix_tree(
        root, scan, settings, lint, unsafe=bool(opts.get("unsafe_fixes")), only=report_only
    )
    removed = sum(outcome.removed.values())
    detail = ", ".join(f"{rule} {n}" for rule, n in sorted(outcome.removed.items()))
    hidden = f"; {outcome.unsafe_left} more with --unsafe-fixes" if outcome.unsafe_left else ""
    for rel in outcome.skipped:
        click.echo(f"devops-lint: not fixed (symbolic link): {escape(rel)}", err=True)
    if opts.get("diff"):
        patch = unified_diff(root, outcome)
        click.echo(escape_patch(patch) if sys.stdout.isatty() else patch, nl=False)
        click.echo(
            f"devops-lint: {removed} finding(s) fixable in {len(outcome.fixed)} file(s)"
            + (f" ({detail})" if detail else "")
            + hidden,
            err=True,
        )
        sys.exit(1 if outcome.fixed else 0)
    written = write_back(root, outcome)
    click.echo(
        f"devops-lint: fixed {removed} finding(s) in {len(written)} file(s)"
        + (f" ({detail})" if detail else "")
        + hidden,
        err=True,
    )
    return run(root.absolute(), scan, settings, rules, report_only=report_only, jobs=jobs)


def escape_patch(patch: str) -> str:
    """The patch for a terminal: its lines come from the scanned files, whose escape
    characters a terminal would obey, so they are shown, not sent."""
    if "\x1b" not in patch and "\x9b" not in patch:
        return patch
    return patch.replace("\x1b", "^[").replace("\x9b", "^[")
