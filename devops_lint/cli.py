"""Command line: ``devops-lint [PATH...]`` and ``devops-lint explain ID``.

Only click is imported at start-up; the engine, parsers and reporters load when a
command needs them, so ``--version`` and pre-commit runs on few files stay fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Literal

import click

from . import __version__
from .cli_adopt import click_options as adoption_options
from .cli_compliance import click_options as compliance_options
from .cli_fix import click_options as fix_options
from .cli_shard import click_options as shard_options
from .cli_shard import merge_command
from .terminal import escape, use_colour

SEVERITY_CHOICE = click.Choice(["critical", "high", "medium", "low", "info", "none"])
# markdown: a job summary for scans, tables for --list-rules/--list-controls.
FORMATS = click.Choice(["text", "json", "sarif", "github", "markdown", "html", "junit", "gitlab"])


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _fail(message: str) -> None:
    click.echo(f"devops-lint: {message}", err=True)
    sys.exit(2)


class DefaultGroup(click.Group):
    """A group whose default command is ``check``: ``devops-lint PATH`` just works."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands:
            args = ["check", *args]
        return super().parse_args(ctx, args)


class CheckCommand(click.Command):
    """``check``, whose help (also ``devops-lint --help``) lists every subcommand."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        group = ctx.parent.command if ctx.parent is not None else None
        if not isinstance(group, click.Group):
            return
        rows = [(name, cmd.get_short_help_str(70)) for name, cmd in group.commands.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Policy and compliance linter for infrastructure code."""


@main.command("check", cls=CheckCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format", "fmt", type=FORMATS, help="Report format [text; -o FILE: from its extension]."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--fail-on", type=SEVERITY_CHOICE, help="Lowest severity that exits 1, or none [high]."
)
@click.option("--select", multiple=True, help="Rule IDs, control IDs or prefixes to run.")
@click.option("--ignore", multiple=True, help="Rule IDs, control IDs or prefixes to skip.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
@click.option("--list-controls", is_flag=True, help="List the controls and exit.")
@click.option("--show-fix", is_flag=True, help="Print how to fix each finding.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option("--compact", is_flag=True, help="One line per finding, no source snippets.")
@click.option("--statistics", is_flag=True, help="Count findings per rule instead.")
@click.option("-v", "--verbose", is_flag=True, help="Say which configuration file is used.")
@click.option("--stdin-filename", help="Name to report for '-' (standard input).")
@click.option("--no-ignore", is_flag=True, help="Also lint what git ignores and vendored caches.")
@click.option("--force-exclude", is_flag=True, help="Apply exclude and ignores to named files.")
@click.option("--strict-unresolved", is_flag=True, default=None, help="Unresolved at severity.")
@click.option("--helm-values", multiple=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--helm-render", is_flag=True, help="Lint `helm template` output (needs helm).")
@click.option("--sarif-category", help="runAutomationDetails.id of the SARIF run.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Parser processes [cores].")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@adoption_options
@compliance_options
@fix_options
@shard_options
@click.version_option(__version__, "--version", prog_name="devops-lint")
def check(paths: tuple[str, ...], **opts: Any) -> None:
    """Lint PATHS (files or folders; default '.'; '-' reads standard input)."""
    _main(list(paths), opts)


def _main(paths: list[str], opts: dict[str, Any]) -> None:
    try:
        code = _check(paths, opts)
    except (SystemExit, click.ClickException):
        raise  # click reports its usage errors itself (exit 2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # never a traceback for the user
        from .adopt import CompareError
        from .config import ConfigError
        from .output import OutputError
        from .rules import RuleError
        from .selection import SelectionError
        from .shards.file import ShardError

        known = (ConfigError, RuleError, SelectionError, OutputError, CompareError, ShardError)
        if isinstance(exc, known):
            _fail(escape(str(exc)))
        if os.environ.get("DEVOPS_LINT_DEBUG"):
            raise
        _fail(f"internal error: {exc!r} (set DEVOPS_LINT_DEBUG=1 for details)")
        return
    sys.exit(code)


def _scan_root(paths: list[str]) -> Path:
    real = [p for p in paths if p != "-"]
    if len(real) == 1 and Path(real[0]).is_dir():
        return Path(real[0])
    return Path(".")


def _given_hooks(
    which: Literal["context", "dependents"], root: Path, given: set[str]
) -> list[Path]:
    """What the format plug-ins add to a run on given files (``formats.given_hooks``)."""
    from .formats import given_hooks, load

    out: list[Path] = []
    for name in given_hooks(which):
        out += load(name)(root, given)
    return out


def _check(paths: list[str], opts: dict[str, Any]) -> int:
    from .config import build_settings
    from .output import infer_format
    from .rules import load_rules
    from .selection import SelectionError, check_selectors, check_settings, selected

    fmt = opts["fmt"] = infer_format(opts["fmt"], opts["output"])
    if fmt in ("html", "junit", "gitlab") and (opts["list_rules"] or opts["list_controls"]):
        _fail(f"--format {fmt} is for scans; lists are text, json or markdown")
    if not paths:
        paths = ["."]
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            _fail(f"{escape(p)}: no such file or directory")
    root = _scan_root(paths)
    overrides = {
        "fail_on": opts["fail_on"],
        "strict_unresolved": opts["strict_unresolved"],
    }
    settings, config_path = build_settings(root, opts["config_file"], overrides)
    if opts["verbose"]:
        used = escape(str(config_path)) if config_path else "none (defaults)"
        click.echo(f"devops-lint: configuration: {used}", err=True)
    settings["helm_values_files"] = [*settings["helm_values_files"], *opts["helm_values"]]
    settings["no_ignore"], settings["force_exclude"] = opts["no_ignore"], opts["force_exclude"]
    settings["exclude_base"] = config_path.absolute().parent if config_path else None
    if opts["helm_render"]:
        import shutil

        if shutil.which("helm") is None:
            _fail("--helm-render needs the helm binary on PATH (in-place linting needs none)")
        settings["helm_render"] = True
    rules = load_rules(Path(root, p) for p in settings["rule_paths"])
    # An ID that names nothing is a typo that would silently run or skip nothing.
    check_settings(settings, rules, str(config_path or "configuration"))
    check_selectors(_split(opts["select"]), rules, "--select")
    check_selectors(_split(opts["ignore"]), rules, "--ignore")
    settings["select"] = [*settings["select"], *_split(opts["select"])]
    settings["ignore"] = [*settings["ignore"], *_split(opts["ignore"])]
    if not selected(rules, settings["select"], settings["ignore"]):
        raise SelectionError("the selection (select minus ignore) matches no rule")

    if opts["list_rules"]:
        from .docs import list_rules

        chosen = selected(rules, settings["select"], settings["ignore"], with_core=True)
        click.echo(list_rules(chosen, fmt), nl=False)
        return 0
    if opts["list_controls"]:
        from .docs import list_controls

        click.echo(list_controls(rules, fmt), nl=False)
        return 0

    if opts.get("shard") is not None:
        from .cli_shard import write_shard

        return write_shard(paths, root, settings, rules, opts)
    report_only: set[str] | None = None
    stdin = False
    if opts.get("merged_shards"):
        from .cli_shard import merged_result

        result, scan = merged_result(root, settings, rules, opts)
    else:
        result, scan, report_only, stdin = _scan(paths, root, settings, rules, opts)
    import gc

    # The run's documents and findings live until the process exits: keep the collector
    # from rescanning them while the comparisons and reporters allocate (a third of the
    # JSON report's time on a 2,000-manifest scan went to collections).
    gc.freeze()
    from .cli_fix import from_cli as fix_from_cli
    from .invocation import Invocation, jobs_of

    invocation = Invocation(
        root, scan, opts, settings, rules, config_path, report_only, jobs_of(opts), stdin
    )
    result = fix_from_cli(result, invocation)
    from .cli_adopt import from_cli

    from_cli(result, invocation)
    from .cli_compliance import apply as apply_compliance

    compliance_failed = apply_compliance(result, opts)
    from .output import printable

    text = printable(_render(result, opts, settings), opts["fmt"])
    if opts["output"] is not None:
        from .output import write_report
        from .report.text import summary

        write_report(opts["output"], text)
        if not opts["quiet"]:
            click.echo(summary(result), err=True)
    else:
        # click would strip our styles off a pipe under --color always; scanned text is escaped.
        click.echo(text, nl=False, color=opts["color"] == "always" or None)
    return 1 if result.failed(settings["fail_on"]) or compliance_failed else 0


def _scan(
    paths: list[str], root: Path, settings: dict[str, Any], rules: list[Any], opts: dict[str, Any]
) -> tuple[Any, list[Path], set[str] | None, bool]:
    """Run the scan: the result, the paths scanned, the files reported (None: all), and
    whether standard input was read."""
    from .engine import run

    stdin = None
    scan: list[Path] = []
    report_only: set[str] | None = None
    files = [p for p in paths if p != "-" and not Path(p).is_dir()]
    for p in paths:
        if p == "-":
            stdin = (opts["stdin_filename"] or "stdin.yaml", sys.stdin.read())
        elif Path(p).is_dir():
            scan.append(Path(p))
    if files:
        # Given files are checked with their folder's other files, which module-level and
        # cross-file rules need, but findings are reported for the given files only.
        from .discover import discover, rel_to, walk_options

        report_only = {rel_to(root, Path(f).absolute()) for f in files}
        # Folders given beside files are reported in full.
        dirs = [d.absolute() for d in scan]
        walk = walk_options(settings)
        report_only.update(i.path for i in discover(root.absolute(), dirs, **walk))
        if stdin is not None:
            report_only.add(stdin[0])
        seen_dirs = set()
        for f in files:
            parent = Path(f).parent
            if parent in seen_dirs:
                continue
            seen_dirs.add(parent)
            scan.extend(sorted(q for q in parent.iterdir() if q.is_file() or q.is_symlink()))
        scan.extend(_given_hooks("context", root, report_only))
        dependents = [d.absolute() for d in _given_hooks("dependents", root, report_only)]
        scan.extend(dependents)
        report_only.update(i.path for i in discover(root.absolute(), dependents, **walk))
    from .invocation import jobs_of
    from .progress import Progress

    jobs = jobs_of(opts)
    with Progress.on_stderr(enabled=not opts["quiet"]) as progress:
        result = run(
            root.absolute(),
            [s.absolute() for s in scan],
            settings,
            rules,
            stdin=stdin,
            report_only=report_only,
            jobs=jobs,
            progress=progress.update,
            cache=not opts["no_cache"],
        )
    return result, scan, report_only, stdin is not None


def _render(result: Any, opts: dict[str, Any], settings: dict[str, Any]) -> str:
    fmt = opts["fmt"]
    if fmt == "json":
        from .report.json import render

        return render(result)
    if fmt == "sarif":
        from .report.sarif import render as sarif_render

        return sarif_render(result, category=opts["sarif_category"])
    if fmt == "github":
        from .report.github import render as github_render

        return github_render(result)
    from .cli_compliance import FORMATS as READER_FORMATS

    if fmt in READER_FORMATS:
        from .cli_compliance import render as reader_render

        return reader_render(result, fmt)
    from .report.text import render as text_render

    return text_render(
        result,
        colour=use_colour(opts["color"]) and (opts["output"] is None or opts["color"] == "always"),
        show_fix=opts["show_fix"],
        quiet=opts["quiet"],
        compact=opts["compact"],
        statistics=opts["statistics"],
    )


@main.command("explain", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("ident")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text renders the markdown on a terminal (plain markdown otherwise).",
)
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto")
def explain(ident: str, fmt: str, config_file: Path | None, color: str) -> None:
    """Explain a rule or control (any case): what, why, how to fix, examples, references."""
    from .config import ConfigError, build_settings
    from .docs import explain_data, explain_text
    from .rules import RuleError, load_rules

    root = Path(".")
    try:
        settings, _ = build_settings(root, config_file, {})
        rules = load_rules(Path(root, p) for p in settings["rule_paths"])
    except (ConfigError, RuleError) as exc:
        _fail(escape(str(exc)))
        return
    if fmt == "json":
        import json

        data = explain_data(ident, rules)
        if data is None:
            _fail(f"unknown rule or control: {escape(ident)}")
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    text = explain_text(ident, rules)
    if text is None:
        from .selection import suggest, vocabulary

        hint = suggest(ident, vocabulary(rules))
        _fail(
            f"unknown rule or control: {escape(ident)}"
            + (f" (did you mean {hint!r}?)" if hint else "")
        )
        return
    from .terminal import Style, escape_lines, render_markdown

    if fmt == "text" and use_colour(color):
        click.echo(render_markdown(text, Style(True)), nl=False, color=True)
    else:
        click.echo(escape_lines(text), nl=False)


main.add_command(merge_command(check, _main))


if __name__ == "__main__":  # pragma: no cover
    main()
