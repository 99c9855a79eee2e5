"""Text output for people: one header line per finding, the source line under it, a summary.

The header is ``path:line:col: severity RULE-ID message`` (the shape editors and ``grep``
understand). By default the offending line follows with a caret under the span, as ruff shows
it; ``compact`` prints the header lines only, grouped by file, exactly as earlier versions did.
Everything that comes from the scanned files (paths, messages, source lines) is escaped for
the terminal, and secrets on a shown line are masked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import safeio
from ..model import SEVERITIES, Finding
from ..terminal import Style, escape
from .paths import display_paths
from .redact import SECRET_CONTROLS, Redactor, shift

if TYPE_CHECKING:
    from ..engine import RunResult

TAB = "    "
# Findings about a file that cannot be read as text (binary, wrong encoding, too large).
NO_SNIPPET = frozenset({"X-000.unreadable"})
MAX_SNIPPET = 160  # characters of a long line shown around the span
LEAD = 40  # of which before the span
REDACT_WINDOW = 8192  # characters around the span a long line is redacted in


def render(
    result: RunResult,
    *,
    colour: bool,
    show_fix: bool,
    quiet: bool,
    compact: bool = True,
    statistics: bool = False,
) -> str:
    """The findings (or per-rule statistics), then the summary unless ``quiet``."""
    style = Style(colour)
    active = result.active
    if statistics:
        lines = statistics_lines(active, result, style)
    elif compact:
        lines = _compact(active, style, show_fix, display_paths(result.project.root))
    else:
        lines = _full(active, result, style, show_fix)
    if quiet:
        return "\n".join(lines) + "\n" if lines else ""
    if lines:
        lines.append("")
    if result.compliance:  # --compliance FRAMEWORK
        from ..compliance.sections import text_lines

        lines.extend(text_lines(result.compliance, style))
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def summary(result: RunResult) -> str:
    """``N findings (1 critical, 2 info) in F files, S suppressed, B hidden by the baseline, H
    hidden as not new``: every severity counts; the last three only when there are any."""
    active = result.active
    counts = Counter(f.severity for f in active)
    parts = [f"{counts[s]} {s}" for s in reversed(SEVERITIES) if counts[s]]
    text = f"{len(active)} finding{'s' if len(active) != 1 else ''}"
    if parts:
        text += f" ({', '.join(parts)})"
    files = result.files_scanned
    text += f" in {files} file{'s' if files != 1 else ''}"
    suppressed = len(result.findings) - len(active)
    if suppressed:
        text += f", {suppressed} suppressed"
    hidden = result.hidden
    if hidden.get("baseline"):
        text += f", {hidden['baseline']} hidden by the baseline"
    if hidden.get("new-only"):
        text += f", {hidden['new-only']} hidden as not new"
    return text


def _header(f: Finding, style: Style, show: Callable[[str], str]) -> str:
    sev = style(f.severity, f.severity)
    rule = style("bold", f.rule_id)
    return f"{escape(show(f.path))}:{f.span.line}:{f.span.column}: {sev} {rule} {escape(f.message)}"


def _fix(f: Finding) -> str:
    return f"    fix: {escape(' '.join(f.fix.split()))}"


def _compact(
    active: list[Finding], style: Style, show_fix: bool, show: Callable[[str], str]
) -> list[str]:
    lines: list[str] = []
    current = None
    for f in active:
        if f.path != current:
            if current is not None:
                lines.append("")
            current = f.path
        lines.append(_header(f, style, show))
        if show_fix and f.fix:
            lines.append(_fix(f))
    return lines


def _full(active: list[Finding], result: RunResult, style: Style, show_fix: bool) -> list[str]:
    sources = SourceLines(result)
    redactor = Redactor()
    show = display_paths(result.project.root)
    lines: list[str] = []
    for f in active:
        lines.append(_header(f, style, show))
        lines.extend(snippet(f, sources, redactor, style))
        if show_fix and f.fix:
            lines.append(_fix(f))
        lines.append("")
    if lines:
        lines.pop()
    return lines


class SourceLines:
    """Lines of the scanned files, from the parsed documents or, failing that, from disk."""

    def __init__(self, result: RunResult) -> None:
        self.root: Path = result.project.root
        self.texts: dict[str, str] = {}
        for doc in result.project.documents:
            if doc.text:
                self.texts.setdefault(doc.path, doc.text)
        self._lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str | None:
        lines = self._lines.get(path)
        if lines is None:
            text = self.texts.get(path)
            if text is None:
                text = self._read(path)
            lines = self._lines[path] = text.splitlines() if text else []
        if 1 <= number <= len(lines):
            return lines[number - 1]
        return None

    def _read(self, path: str) -> str:
        target = self.root / path
        try:
            # A finding's file was read by the scan: same size limit, nothing else opened.
            return safeio.read_text(target, 8 * 1024 * 1024, errors="replace")
        except OSError:
            return ""


def snippet(f: Finding, sources: SourceLines, redactor: Redactor, style: Style) -> list[str]:
    """The line a finding points at, with carets under its span (masked when secret)."""
    if f.rule_id in NO_SNIPPET:
        return []
    raw = sources.line(f.path, f.span.line)
    if raw is None:
        return []
    start = max(0, f.span.column - 1)
    if f.span.end_line == f.span.line and f.span.end_column >= f.span.column:
        end = f.span.end_column
    elif f.span.end_line > f.span.line:
        end = len(raw.rstrip())
    else:
        end = start + 1
    start = min(start, len(raw))
    end = max(start + 1, min(end, len(raw))) if raw else start + 1
    if len(raw) > REDACT_WINDOW:
        # Only a window is shown: redact that much (with margin for a secret crossing its
        # edge) rather than a megabyte-long minified line once per finding on it.
        cut = max(0, start - REDACT_WINDOW // 2)
        raw = raw[cut : max(end, start + MAX_SNIPPET) + REDACT_WINDOW // 2]
        start, end = start - cut, min(end - cut, len(raw))
    secret = bool(SECRET_CONTROLS.intersection(f.controls))
    text, shift = _redacted(redactor, raw, [(start, end)] if secret else [])
    start, end = shift(start), max(shift(start) + 1, shift(end))
    text, start, end = _window(text, start, end)
    shown, col = _display(text)
    lo, hi = col(start), max(col(end), col(start) + 1)
    number = str(f.span.line)
    pad = " " * len(number)
    gutter = style("dim", "|")
    carets = style("caret", "^" * (hi - lo))
    return [
        f"{pad} {gutter}",
        f"{style('dim', number)} {gutter} {shown}".rstrip(),
        f"{pad} {gutter} {' ' * lo}{carets}",
    ]


def _redacted(
    redactor: Redactor, line: str, spans: list[tuple[int, int]]
) -> tuple[str, Callable[[int], int]]:
    """The masked line and a map from offsets in ``line`` to offsets in it."""
    masked, edits = redactor.line_edits(line, spans)
    return masked, lambda i: shift(edits, i)


def _window(text: str, start: int, end: int) -> tuple[str, int, int]:
    """A long line cut to the part around the span (minified files)."""
    if len(text) <= MAX_SNIPPET:
        return text, start, end
    lo = max(0, start - LEAD)
    hi = min(len(text), max(lo + MAX_SNIPPET, min(end, lo + MAX_SNIPPET)))
    cut = text[lo:hi]
    offset = -lo
    if lo > 0:
        cut = "…" + cut
        offset += 1
    if hi < len(text):
        cut += "…"
    return cut, start + offset, min(end + offset, len(cut))


def _display(text: str) -> tuple[str, Callable[[int], int]]:
    """The line as shown (tabs expanded, controls escaped) and a map to display columns."""
    pieces = [TAB if c == "\t" else escape(c) for c in text]
    starts = [0]
    for p in pieces:
        starts.append(starts[-1] + len(p))

    def col(i: int) -> int:
        return starts[max(0, min(i, len(pieces)))]

    return "".join(pieces), col


def statistics_lines(active: list[Finding], result: RunResult, style: Style) -> list[str]:
    """``--statistics``: findings per rule, most frequent first (then by rule ID), as ruff."""
    counts = Counter(f.rule_id for f in active)
    severity = {f.rule_id: f.severity for f in active}
    titles = {r.id: r.title for r in result.rules}
    if not counts:
        return []
    width = max(len(str(n)) for n in counts.values())
    id_width = max(len(r) for r in counts)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        f"{n:>{width}}\t{style('bold', rule.ljust(id_width))}\t"
        f"{style(severity[rule], severity[rule].ljust(8))}\t{escape(titles.get(rule, ''))}"
        for rule, n in rows
    ]
