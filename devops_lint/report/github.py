"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per finding.

GitHub turns these lines into inline annotations on the pull request without code scanning.
Values are escaped as the Actions toolkit does (``%``, CR and LF everywhere; ``:`` and ``,``
in properties too), so a message can never end the command early or inject another one; every
other control character (ESC, BEL, C1, Unicode line separators, bidi overrides) is printed as a
visible escape such as ``\\x1b``, so nothing from a scanned file can colour, hide or fake log
lines. Suppressed findings are not printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Finding
from ..terminal import escape
from .paths import PathMapper

if TYPE_CHECKING:
    from ..engine import RunResult

COMMANDS: dict[str, str] = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "notice",
    "info": "notice",
}


def escape_data(text: str) -> str:
    return escape(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(f: Finding, path: str) -> str:
    s = f.span
    props = {"file": path, "line": str(max(1, s.line)), "col": str(max(1, s.column))}
    props["endLine"] = str(max(s.line, s.end_line, 1))
    if s.end_line == s.line and s.end_column >= s.column:
        props["endColumn"] = str(s.end_column + 1)  # annotations end after the last column
    props["title"] = f.rule_id
    kind = "notice" if f.outcome == "unresolved" else COMMANDS[f.severity]
    text = f"{f.message} ({f.severity}"
    text += f", {f.locator})" if f.locator else ")"
    body = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{kind} {body}::{escape_data(text)}"


def render(result: RunResult) -> str:
    mapper = PathMapper(result.project.root)
    lines = [command(f, mapper(f.path)) for f in result.active]
    active = len(lines)
    suppressed = len(result.findings) - active
    summary = f"devops-lint: {active} finding{'s' if active != 1 else ''}"
    summary += f" in {result.files_scanned} file{'s' if result.files_scanned != 1 else ''}"
    if suppressed:
        summary += f", {suppressed} suppressed"
    lines.append(summary)
    return "\n".join(lines) + "\n"
