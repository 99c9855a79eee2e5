"""Command-line options of adoption: ``--baseline``, ``--write-baseline``, ``--new-from-rev``.

Kept apart from :mod:`devops_lint.adopt` so that declaring the options costs the CLI's start-up
nothing: the comparison code loads only when one of them is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import RunResult
    from .invocation import Invocation
    from .model import Finding


def click_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options of a comparison, for the ``check`` command."""
    import click

    for option in reversed(
        [
            click.option(
                "--baseline",
                "baseline_file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Hide findings recorded in this baseline file.",
            ),
            click.option(
                "--write-baseline",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Record every current finding in this baseline file.",
            ),
            click.option(
                "--new-from-rev", metavar="REV", help="Report only findings new since REV."
            ),
            click.option(
                "--new-from-merge-base",
                metavar="BRANCH",
                help="Report only findings new since the merge base with BRANCH.",
            ),
        ]
    ):
        fn = option(fn)
    return fn


def _file_digest(path: Path | None) -> str:
    """A configuration file given on the command line, by content (it lives outside the
    base tree, so the tree's hash does not cover it)."""
    if path is None:
        return ""
    import hashlib

    from . import safeio

    try:
        return hashlib.sha256(safeio.read_bytes(path)).hexdigest()
    except OSError:
        return str(path)


def from_cli(result: RunResult, invocation: Invocation) -> None:
    """Apply what the command line (or the configuration's ``baseline``) asks for."""
    root, opts, settings = invocation.root, invocation.opts, invocation.settings
    config_path, report_only, jobs = invocation.config_path, invocation.report_only, invocation.jobs
    baseline = opts.get("baseline_file")
    if baseline is None and settings.get("baseline"):
        home = config_path.parent if config_path is not None else root
        baseline = Path(home, settings["baseline"])
    asked_for = (
        baseline,
        opts.get("write_baseline"),
        opts.get("new_from_rev"),
        opts.get("new_from_merge_base"),
    )
    if all(value is None for value in asked_for):
        return  # before importing the comparison machinery (git, archives): start-up time
    from .adopt import Comparison, compare

    asked = Comparison(*asked_for)

    def scan_base(base_root: Path, base_targets: list[Path]) -> list[Finding]:
        """The same scan of the base tree, with the configuration the base had."""
        from .config import build_settings
        from .engine import run
        from .rules import load_rules

        overrides = {"fail_on": settings["fail_on"], "strict_unresolved": False}
        base_settings, base_config = build_settings(base_root, opts.get("config_file"), overrides)
        for key in ("select", "ignore", "helm_values_files", "no_ignore", "force_exclude"):
            if key in settings:
                base_settings[key] = settings[key]
        base_settings["exclude_base"] = base_config.absolute().parent if base_config else None
        rules = load_rules(Path(base_root, p) for p in base_settings["rule_paths"])
        found = run(
            base_root, base_targets, base_settings, rules, report_only=report_only, jobs=jobs
        )
        return [f for f in found.findings if f.suppression is None]

    salt = json.dumps(
        [
            sorted(settings["select"]),
            sorted(settings["ignore"]),
            sorted(report_only or []),
            _file_digest(opts.get("config_file")),
            sorted(str(v) for v in settings["helm_values_files"]),
        ]
    )
    compare(result, root, invocation.scan, asked, scan_base, cache_salt=salt)
