"""Command-line options of compliance: ``--compliance``, ``--list-frameworks``,
``--fail-on-compliance``, and the report formats people read (html, markdown, junit, gitlab).

Declaring the options costs the CLI's start-up nothing: the catalog and the reporters load only
when one of them is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

    from .engine import RunResult

# Scan formats this module renders (cli.py hands them over).
FORMATS = ("html", "markdown", "junit", "gitlab")


def _frameworks(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    """Validate the names now, before a long scan: an unknown one is a usage error."""
    if not value:
        return []  # click calls this for every run: the catalog loads only when named
    import click

    from .compliance.catalog import UnknownFramework, load_framework

    names: list[str] = []
    for item in value:
        for name in (v.strip() for v in item.split(",")):
            if not name:
                continue
            try:
                fid = load_framework(name).id
            except UnknownFramework as exc:
                raise click.BadParameter(str(exc)) from None
            if fid not in names:
                names.append(fid)
    return names


def _list(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    import click

    click.echo(list_frameworks(), nl=False)
    ctx.exit(0)


def list_frameworks() -> str:
    """One line per framework: ID, requirements mapped to controls, name."""
    from .compliance.catalog import framework_ids, load_framework

    lines = []
    for fid in framework_ids():
        fw = load_framework(fid)
        total = len(fw.requirements)
        scope = "" if fw.complete else " (partial list)"
        lines.append(f"{fid:<17} {fw.covered:>3}/{total:<3} covered{scope:<15} {fw.name}")
    return "\n".join(lines) + "\n"


def click_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The compliance options, for the ``check`` command."""
    import click

    for option in reversed(
        [
            click.option(
                "--compliance",
                multiple=True,
                metavar="FRAMEWORK",
                callback=_frameworks,
                help="Report compliance with FRAMEWORK (repeatable; 'standard': every "
                "control; see --list-frameworks).",
            ),
            click.option(
                "--fail-on-compliance",
                is_flag=True,
                help="Also exit 1 when a requirement of a --compliance framework fails.",
            ),
            click.option(
                "--list-frameworks",
                is_flag=True,
                is_eager=True,
                expose_value=False,
                callback=_list,
                help="List the compliance frameworks and exit.",
            ),
        ]
    ):
        fn = option(fn)
    return fn


def apply(result: RunResult, opts: dict[str, Any]) -> bool:
    """Evaluate the asked frameworks into ``result.compliance``; True when one fails and
    ``--fail-on-compliance`` was given (the exit status changes only then)."""
    names = opts.get("compliance") or []
    if not names:
        if opts.get("fail_on_compliance"):
            import sys

            import click

            click.echo("devops-lint: --fail-on-compliance needs --compliance FRAMEWORK", err=True)
            sys.exit(2)
        return False
    from .compliance.catalog import load_framework
    from .compliance.outcomes import evaluate

    result.compliance = evaluate(result, [load_framework(n) for n in names])
    return bool(opts.get("fail_on_compliance")) and any(fw.failed for fw in result.compliance)


def render(result: RunResult, fmt: str) -> str:
    """A scan report in one of :data:`FORMATS` (``devops_lint.report.<format>.render``)."""
    import importlib

    if fmt not in FORMATS:
        raise ValueError(f"not a report format of this module: {fmt}")
    module = importlib.import_module(f".report.{fmt}", __package__)
    return str(module.render(result))
