"""Baselines: accept the findings a repository already has, fail only on new ones.

``--write-baseline FILE`` records every current finding as ``{rule, path, fingerprint,
message}``, one entry per line so that a reviewer reads the file in a diff and a stale entry
can be located. ``--baseline FILE`` hides the findings whose fingerprint is recorded; entries
that match nothing any more are reported as ``X-000.stale-baseline`` so the file shrinks as the
debt is paid. Matching is by count: three recorded findings of one fingerprint hide three.
Paths in a baseline are relative to the folder that holds it, so the same file serves a scan of
the whole repository and of one folder of it.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, safeio
from .fingerprint import RECIPE, fingerprints
from .model import Finding
from .output import printable

FORMAT_VERSION = 1
# A baseline is written by the team but lives in the scanned tree: bound what is read.
MAX_BASELINE_BYTES = 64 * 1024 * 1024


class BaselineError(Exception):
    """A baseline file that cannot be used: the run stops with exit 2."""


# What matches a finding to an older one: the rule and the fingerprint (which hashes the
# file's path, except for findings about a wider scope, reported in whichever file speaks
# for it).
Key = tuple[str, str]


@dataclass(frozen=True)
class Entry:
    rule: str
    path: str
    fingerprint: str
    message: str = ""
    line: int = 0  # line of the entry in the baseline file (stale entries are located there)


def _entry_json(e: Entry) -> str:
    data = {"rule": e.rule, "path": e.path, "fingerprint": e.fingerprint, "message": e.message}
    return printable(json.dumps(data, ensure_ascii=False, sort_keys=False), "json")


def render(entries: Iterable[Entry], commit: str | None) -> str:
    """The baseline file: sorted, one entry per line, stable for diffs."""
    rows = sorted(set(entries), key=lambda e: (e.path, e.rule, e.fingerprint))
    head = {
        "tool": "devops-lint",
        "version": FORMAT_VERSION,
        "fingerprint_recipe": RECIPE,
        "written_by": __version__,
        "commit": commit,
    }
    lines = ["{"]
    for key, value in head.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value)},")
    lines.append('  "findings": [')
    lines += [f"    {_entry_json(e)}," for e in rows]
    if rows:
        lines[-1] = lines[-1].rstrip(",")
    lines += ["  ]", "}", ""]
    return "\n".join(lines)


def repo_path(prefix: str, path: str) -> str:
    """A finding's path relative to the repository root (``prefix`` is the scan root's)."""
    return f"{prefix}/{path}" if prefix else path


def entries_for(findings: Sequence[Finding], prefix: str) -> list[Entry]:
    prints = fingerprints(findings, [repo_path(prefix, f.path) for f in findings])
    return [
        Entry(f.rule_id, repo_path(prefix, f.path), fp, " ".join(f.message.split())[:200])
        for f, fp in zip(findings, prints, strict=True)
    ]


@dataclass
class Baseline:
    path: Path
    entries: list[Entry]
    commit: str | None


def _line_of(text: str, needle: str, start: int) -> tuple[int, int]:
    at = text.find(needle, start)
    if at < 0:
        return 0, start
    return text.count("\n", 0, at) + 1, at + len(needle)


def load(path: Path) -> Baseline:
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read for ever
            raise BaselineError(f"{path}: baseline is not a regular file")
        if st.st_size > MAX_BASELINE_BYTES:
            raise BaselineError(f"{path}: baseline larger than {MAX_BASELINE_BYTES} bytes")
        text = safeio.read_text(path, MAX_BASELINE_BYTES)
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: baseline not found (write one with --write-baseline {path})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc}") from None
    try:
        data: Any = json.loads(text)
    except ValueError as exc:
        raise BaselineError(f"{path}: not a devops-lint baseline (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("tool") != "devops-lint":
        raise BaselineError(f"{path}: not a devops-lint baseline")
    if data.get("version") != FORMAT_VERSION:
        raise BaselineError(f"{path}: baseline format {data.get('version')!r} is not supported")
    if data.get("fingerprint_recipe") != RECIPE:
        raise BaselineError(
            f"{path}: written with fingerprint recipe {data.get('fingerprint_recipe')!r}, "
            f"this version uses {RECIPE!r}: write it again with --write-baseline"
        )
    rows = data.get("findings")
    if not isinstance(rows, list):
        raise BaselineError(f"{path}: `findings` must be a list")
    entries: list[Entry] = []
    cursor = 0
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not all(
            isinstance(row.get(k), str) for k in ("rule", "path", "fingerprint")
        ):
            raise BaselineError(f"{path}: findings[{i}] needs string rule, path and fingerprint")
        line, cursor = _line_of(text, json.dumps(row["fingerprint"]), cursor)
        message = row.get("message")
        entries.append(
            Entry(
                row["rule"],
                row["path"],
                row["fingerprint"],
                message if isinstance(message, str) else "",
                line,
            )
        )
    commit = data.get("commit")
    return Baseline(path, entries, commit if isinstance(commit, str) else None)


def _match_paths(findings: Sequence[Finding], prefix: str, renames: dict[str, str]) -> list[str]:
    """Repository-relative paths to match against an older scan: a file renamed since
    (old -> new path in ``renames``) is matched under its old path, so its findings keep their
    identity."""
    old_of = {new: old for old, new in renames.items()}
    paths = [repo_path(prefix, f.path) for f in findings]
    return [old_of.get(p, p) for p in paths]


def hide_known(
    findings: Sequence[Finding], known: Counter[Key], prefix: str, renames: dict[str, str]
) -> tuple[list[Finding], Counter[Key]]:
    """(findings to show, the known keys used) for findings matched against an older scan.

    Each known key hides as many findings as it was counted. Inline-suppressed findings are
    shown as suppressed and never use up a key; shown findings are marked ``new``.
    """
    paths = _match_paths(findings, prefix, renames)
    prints = fingerprints(findings, paths)
    used: Counter[Key] = Counter()
    shown: list[Finding] = []
    for f, fp in zip(findings, prints, strict=True):
        key = (f.rule_id, fp)
        if f.suppression is None and used[key] < known[key]:
            used[key] += 1
            continue
        if f.suppression is None:
            f.baseline_state = "new"
        shown.append(f)
    return shown, used


def split(
    findings: Sequence[Finding], entries: Sequence[Entry], prefix: str, renames: dict[str, str]
) -> tuple[list[Finding], int, list[Entry]]:
    """(findings to show, how many the baseline hides, entries that matched nothing)."""
    known = Counter((e.rule, e.fingerprint) for e in entries)
    shown, used = hide_known(findings, known, prefix, renames)
    hidden = sum(used.values())
    stale: list[Entry] = []
    for e in entries:
        key = (e.rule, e.fingerprint)
        if used[key] > 0:
            used[key] -= 1
        else:
            stale.append(e)
    return shown, hidden, stale


def display_path(path: Path, root: Path) -> str:
    """The baseline's path as findings name files: relative to the scan root when inside."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(root.absolute()).as_posix()
    except ValueError:
        return os.fspath(absolute)
