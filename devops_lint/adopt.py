"""Adoption on a repository with existing findings: baselines and new-only runs.

The CLI calls :func:`compare` after the run. It hides what a baseline records or what a base
revision already had, reports stale baseline entries, writes a baseline when asked, and
counts what it hid in ``RunResult.hidden`` for the summary.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import baseline as bl
from . import gitrepo, newfrom
from .model import Finding, Span

if TYPE_CHECKING:
    from .engine import RunResult

STALE_RULE = "X-000.stale-baseline"


@dataclass
class Comparison:
    """What the user asked to compare with (all optional)."""

    baseline: Path | None = None
    write_baseline: Path | None = None
    new_from_rev: str | None = None
    new_from_merge_base: str | None = None


class CompareError(Exception):
    """The comparison cannot be made (no git repository, unknown revision, bad baseline)."""


def _repository(root: Path) -> tuple[Path | None, str]:
    """(git top folder or None, the scan root relative to it: the prefix of repo paths)."""
    try:
        top = gitrepo.toplevel(root)
    except gitrepo.GitError:
        return None, ""
    rel = root.resolve().relative_to(top).as_posix()
    return top, "" if rel == "." else rel


def _relative(path: Path, start: Path) -> str:
    rel = Path(os.path.relpath(path, start)).as_posix()
    return "" if rel == "." else rel


def _renames(top: Path | None, since: str | None) -> dict[str, str]:
    """Files renamed since ``since`` (repository-relative, old -> new); none outside git."""
    if top is None or since is None:
        return {}
    try:
        return gitrepo.renames_since(top, since)
    except gitrepo.GitError:
        return {}


def _stale_findings(result: RunResult, root: Path, stale: Sequence[bl.Entry], path: Path) -> None:
    from .engine import format_message

    rule = next((r for r in result.rules if r.id == STALE_RULE), None)
    if rule is None:
        return  # ignored by the user
    shown = bl.display_path(path, root)
    for e in stale:
        result.findings.append(
            Finding(
                rule_id=rule.id,
                controls=list(rule.controls),
                severity=rule.severity,
                path=shown,
                span=Span.at(max(1, e.line), 5),
                message=format_message(
                    rule.message, {"rule": e.rule, "file": e.path, "fingerprint": e.fingerprint}
                ),
                fix=rule.fix,
                format="input",
                object_line=max(1, e.line),
                logical=f"baseline|{e.rule}|{e.path}|{e.fingerprint}",
                baseline_state="absent",
            )
        )


def compare(
    result: RunResult,
    root: Path,
    targets: Sequence[Path],
    asked: Comparison,
    scan: newfrom.ScanFn,
    cache_salt: str = "",
) -> None:
    """Apply the comparisons ``asked`` for to ``result`` in place."""
    top, prefix = _repository(root)
    try:
        use = asked.baseline
        if asked.write_baseline is not None:
            # Written, then applied: the run that writes a baseline shows what it hides.
            home = asked.write_baseline.absolute().parent.resolve()
            _write(result, top, _relative(root.resolve(), home), asked.write_baseline)
            use = asked.write_baseline
        if use is not None:
            loaded = bl.load(use)
            # Paths in a baseline are relative to its own folder, wherever the scan starts.
            home = use.absolute().parent.resolve()
            here = _relative(root.resolve(), home)
            renames = (
                {
                    _relative(top / old, home): _relative(top / new, home)
                    for old, new in _renames(top, loaded.commit).items()
                }
                if top is not None
                else {}
            )
            shown, hidden, stale = bl.split(result.findings, loaded.entries, here, renames)
            _count_hidden(result, shown, "baseline")
            result.findings[:] = shown
            result.hidden["baseline"] = hidden
            _stale_findings(result, root, stale, use)
        if asked.new_from_rev is not None or asked.new_from_merge_base is not None:
            if top is None:
                raise gitrepo.GitError(
                    f"{root}: not inside a git repository (--new-from-rev and "
                    "--new-from-merge-base compare with a git revision)"
                )
            if asked.new_from_rev is not None:
                commit = gitrepo.commit_of(top, asked.new_from_rev)
            else:
                commit = gitrepo.merge_base(top, str(asked.new_from_merge_base))
            base = newfrom.base_keys(top, commit, root, targets, scan, cache_salt)
            renames = gitrepo.renames_since(top, commit)
            shown, hidden = newfrom.split_new(result.findings, base, prefix, renames)
            _count_hidden(result, shown, "new-only")
            result.findings[:] = shown
            result.hidden["new-only"] = hidden
    except (gitrepo.GitError, bl.BaselineError) as exc:
        raise CompareError(str(exc)) from None
    result.findings.sort(key=Finding.sort_key)


def _count_hidden(result: RunResult, shown: Sequence[Finding], reason: str) -> None:
    """Count per control the findings about to be hidden (compliance exceptions)."""
    kept = {id(f) for f in shown}
    counts = result.hidden_controls.setdefault(reason, {})
    for f in result.findings:
        if id(f) not in kept and f.suppression is None:
            for control in f.controls:
                counts[control] = counts.get(control, 0) + 1


def _write(result: RunResult, top: Path | None, prefix: str, path: Path) -> None:
    """Write every unsuppressed finding; entries of an older file that match nothing are
    dropped because the file is written anew."""
    findings = [f for f in result.findings if f.suppression is None and f.rule_id != STALE_RULE]
    text = bl.render(bl.entries_for(findings, prefix), gitrepo.head(top) if top else None)
    if path.is_symlink():
        raise bl.BaselineError(f"{path}: is a symbolic link; not writing through it")
    if path.exists() and not path.is_file():  # read back below: a FIFO would block
        raise bl.BaselineError(f"{path}: not a regular file; a baseline is a file")
    from .output import OutputError, write_report

    try:  # atomic, never through a link, into (not over) a FIFO or device
        write_report(path, text)
    except OutputError as exc:
        raise bl.BaselineError(f"baseline: {exc}") from None
