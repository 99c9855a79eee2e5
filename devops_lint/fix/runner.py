"""Lint, fix, lint again: the ``--fix``/``--diff`` loop, run in a private copy of the tree.

The files discovered under the scan root are copied into a temporary folder; every pass lints
that copy, asks the registry for the edits of each fixable finding, applies those that do not
overlap and lints again, until a pass changes nothing (at most ``MAX_PASSES``). Only then are
the changed files written back (``write_back``) or shown as a diff (``unified_diff``): a crash
half-way leaves the user's tree untouched.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import safeio
from ..model import Finding
from .edits import Source, apply_edits
from .registry import FixContext, parse_for_fix, registry

MAX_PASSES = 10


@dataclass
class FixOutcome:
    originals: dict[str, str] = field(default_factory=dict)  # rel path -> text before
    fixed: dict[str, str] = field(default_factory=dict)  # rel path -> text after (changed only)
    removed: Counter[str] = field(default_factory=Counter)  # rule -> findings gone
    remaining: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why a file was left alone
    passes: int = 0
    unsafe_left: int = 0  # remaining findings an unsafe fix would remove


def fixable(finding: Finding, unsafe: bool) -> bool:
    spec = registry().get(finding.rule_id)
    return (
        spec is not None
        and finding.suppression is None
        and finding.outcome == "fail"
        and (unsafe or spec.safety == "safe")
    )


def _counts(findings: list[Finding]) -> Counter[str]:
    return Counter(f.rule_id for f in findings if f.suppression is None and f.outcome == "fail")


def fix_pass(
    texts: dict[str, str],
    findings: list[Finding],
    settings: dict[str, Any],
    unsafe: bool,
    only: set[str] | None = None,
) -> dict[str, str]:
    """One pass: the new text of every file that the fixable findings change."""
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    out: dict[str, str] = {}
    for path, found in sorted(by_file.items()):
        if path not in texts or (only is not None and path not in only):
            continue
        src = Source(texts[path])
        if not src.editable:
            continue
        edits = []
        cache: dict[str, Any] = {}
        for f in found:
            if not fixable(f, unsafe):
                continue
            ctx = FixContext(f, src, settings, found, cache)
            proposal = registry()[f.rule_id].fn(ctx)
            if proposal is not None and (proposal.safe or unsafe):
                edits.extend(proposal.edits)
        if not edits:
            continue
        text, _, _ = apply_edits(src.text, edits)
        # An edit that breaks the file is dropped whole rather than written.
        if text != src.text and parse_for_fix(path, text):
            out[path] = text
    return out


def count_unsafe(
    texts: dict[str, str],
    findings: list[Finding],
    settings: dict[str, Any],
    only: set[str] | None = None,
) -> int:
    """How many of ``findings`` only an unsafe fix would remove."""
    count = 0
    sources: dict[str, Source] = {}
    caches: dict[str, dict[str, Any]] = {}
    for f in findings:
        if f.path not in texts or (only is not None and f.path not in only):
            continue
        if not fixable(f, unsafe=True):
            continue
        src = sources.setdefault(f.path, Source(texts[f.path]))
        if not src.editable:
            continue
        cache = caches.setdefault(f.path, {})
        proposal = registry()[f.rule_id].fn(FixContext(f, src, settings, findings, cache))
        unsafe_class = registry()[f.rule_id].safety == "unsafe"
        if proposal is not None and proposal.edits and (unsafe_class or not proposal.safe):
            count += 1
    return count


def fix_tree(
    root: Path,
    paths: list[Path],
    settings: dict[str, Any],
    lint: Callable[[Path, list[Path]], list[Finding]],
    *,
    unsafe: bool = False,
    only: set[str] | None = None,
) -> FixOutcome:
    """Fix the files under ``root`` found from ``paths`` (in a copy); ``lint(root, paths)``
    returns the findings of a scan of the copy."""
    from ..discover import Found, discover, walk_options

    outcome = FixOutcome()
    root = root.absolute()
    real_root = root.resolve()
    symlinked: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="devops-lint-fix-") as tmp:
        mirror = Path(tmp, "tree")
        mirror.mkdir()
        for item in discover(root, paths, **walk_options(settings)):
            if not isinstance(item, Found) or item.path.startswith("../"):
                continue
            target = mirror / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                data = safeio.read_bytes(item.abspath)
            except OSError:
                continue
            target.write_bytes(data)
            if _through_link(root, item.path) or not item.abspath.resolve().is_relative_to(
                real_root
            ):
                symlinked.add(item.path)
                continue
            try:
                outcome.originals[item.path] = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
        texts = dict(outcome.originals)
        scan = [mirror / os.path.relpath(p.absolute(), root) for p in paths]
        findings = lint(mirror, scan)
        before = _counts(findings)
        for _ in range(MAX_PASSES):
            outcome.passes += 1
            changed = fix_pass(texts, findings, settings, unsafe, only)
            if not changed:
                break
            for path, text in changed.items():
                texts[path] = text
                (mirror / path).write_bytes(text.encode("utf-8"))
            findings = lint(mirror, scan)
        after = _counts(findings)
        outcome.removed = Counter(
            {r: before[r] - after[r] for r in before if r in registry() and before[r] > after[r]}
        )
        outcome.remaining = findings
        outcome.fixed = {p: t for p, t in texts.items() if t != outcome.originals.get(p)}
        if not unsafe:
            outcome.unsafe_left = count_unsafe(texts, findings, settings, only)
        outcome.skipped = sorted(
            p for p in symlinked if any(f.path == p and fixable(f, unsafe) for f in findings)
        )
    return outcome


def _through_link(root: Path, rel: str) -> bool:
    """True when the file or a folder between it and the root is a symbolic link."""
    cur = root
    for part in Path(rel).parts:
        cur = cur / part
        if cur.is_symlink():
            return True
    return False


def write_back(root: Path, outcome: FixOutcome) -> list[str]:
    """Write every fixed file in place, atomically; the paths written.

    A file is written only when it still holds the text the fix started from, is a regular
    file inside the root and is reached through no symbolic link.
    """
    written = []
    root = root.absolute()
    real_root = root.resolve()
    for rel, text in sorted(outcome.fixed.items()):
        path = root / rel
        if rel.startswith("../") or _through_link(root, rel):
            continue
        try:
            st = path.lstat()
            if not stat.S_ISREG(st.st_mode) or not path.resolve().is_relative_to(real_root):
                continue
            if safeio.read_bytes(path).decode("utf-8") != outcome.originals[rel]:
                continue  # changed since it was read
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".fix")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(text.encode("utf-8"))
                os.chmod(tmp, stat.S_IMODE(st.st_mode))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except (OSError, UnicodeDecodeError):
            continue
        written.append(rel)
    return written


def unified_diff(root: Path, outcome: FixOutcome, base: Path | None = None) -> str:
    """A patch of every fix that ``git apply`` (run in ``base``, default the cwd) accepts."""
    base = (base or Path.cwd()).absolute()
    out: list[str] = []
    for rel, text in sorted(outcome.fixed.items()):
        name = Path(os.path.relpath(root.absolute() / rel, base)).as_posix()
        old = outcome.originals[rel].splitlines(keepends=True)
        new = text.splitlines(keepends=True)
        out.append(f"diff --git a/{name} b/{name}\n")
        for line in difflib.unified_diff(old, new, f"a/{name}", f"b/{name}", n=3):
            if line.startswith(("---", "+++")):
                out.append(line.rstrip("\r\n") + "\n")
            elif line.endswith("\n"):
                out.append(line)
            else:
                out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)
