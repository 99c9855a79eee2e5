"""The HTML report (``--format html``): one self-contained page a platform lead can forward.

Everything is inline (CSS, script, no fonts or images from anywhere), so the file works from
``file://``, in a mail attachment or an artifact store, and prints. Everything that comes from
the scanned files (paths, messages, snippets, locators) is HTML-escaped on the way in, and the
page's Content-Security-Policy allows no network access at all and runs only the one script
carrying this report's nonce: markup smuggled through a file name or a YAML value stays text.
The script only hides, shows and reorders rows built here; it never builds markup from data.
"""

from __future__ import annotations

import datetime as dt
import html
import secrets
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import __version__
from ..compliance.outcomes import LABELS, NOT_COVERED, OUTCOMES, ControlOutcome, FrameworkOutcome
from ..model import SEVERITIES, SEVERITY_RANK, Finding
from ..rules import load_controls
from ..terminal import Style
from .html_assets import CSS, SCRIPT
from .paths import display_paths
from .redact import Redactor
from .text import SourceLines, snippet

if TYPE_CHECKING:
    from ..engine import RunResult

SEVERITY_ORDER = list(reversed(SEVERITIES))  # critical first


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def control_anchor(cid: str) -> str:
    return "control-" + "".join(c if c.isalnum() or c == "-" else "_" for c in cid)


def render(result: RunResult) -> str:
    nonce = secrets.token_urlsafe(18)  # a fresh nonce per report: only our script runs
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    show = display_paths(result.project.root)
    active = result.active
    ids = {id(f): i for i, f in enumerate(result.findings, start=1)}
    csp = (
        "default-src 'none'; "
        f"style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
        "base-uri 'none'; form-action 'none'"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>devops-lint report: {len(active)} findings</title>",
        f'<style nonce="{nonce}">{CSS}</style>',
        "</head>",
        "<body>",
        '<a class="skip" href="#findings">Skip to findings</a>',
        "<header>",
        "<h1>devops-lint report</h1>",
        f'<p class="meta">devops-lint {esc(__version__)} · {result.files_scanned} files scanned'
        f" under {esc(show('.') or '.')} · {len(active)} findings · generated {generated}</p>",
        "</header>",
        "<main>",
        _tiles(result),
    ]
    if result.compliance:
        parts.append(_compliance(result.compliance, ids, show))
    else:
        parts.append(
            '<p class="muted">No compliance matrix: run with <code>--compliance FRAMEWORK</code>'
            " (see <code>devops-lint --list-frameworks</code>) to add one.</p>"
        )
    parts.append(_findings(result, show, ids))
    parts.append(_controls(result))
    parts += [
        "</main>",
        f'<script nonce="{nonce}">{SCRIPT}</script>',
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _tiles(result: RunResult) -> str:
    active = result.active
    counts = Counter(f.severity for f in active)
    tiles = [
        f'<li class="tile total"><span class="n">{len(active)}</span> findings</li>',
        *(
            f'<li class="tile sev-{s}"><span class="n">{counts[s]}</span> {s}</li>'
            for s in SEVERITY_ORDER
        ),
    ]
    suppressed = len(result.findings) - len(active)
    hidden = sum(result.hidden.values())
    tiles.append(f'<li class="tile"><span class="n">{suppressed}</span> suppressed</li>')
    if hidden:
        tiles.append(f'<li class="tile"><span class="n">{hidden}</span> hidden (baseline)</li>')
    for fw in result.compliance:
        c = fw.counts
        assessed = len(fw.requirements) - c[NOT_COVERED]
        tiles.append(
            f'<li class="tile fw"><span class="n">{c["pass"]}/{assessed}</span> '
            f"{esc(fw.framework.id)} requirements pass</li>"
        )
    return (
        '<section aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>'
        f'<ul class="tiles">{"".join(tiles)}</ul></section>'
    )


def _badge(outcome: str) -> str:
    return f'<span class="badge o-{outcome}">{esc(LABELS[outcome])}</span>'


def _compliance(
    frameworks: list[FrameworkOutcome], ids: dict[int, int], show: Callable[[str], str]
) -> str:
    out = ['<section aria-labelledby="compliance-h"><h2 id="compliance-h">Compliance</h2>']
    for fw in frameworks:
        f = fw.framework
        counts = fw.counts
        scope = (
            ""
            if f.complete
            else " The list holds the requirements the standard cites and the uncovered ones"
            " known for certain, not the whole benchmark."
        )
        out.append(f'<section class="framework" id="fw-{esc(f.id)}">')
        out.append(f'<h3>{esc(f.name)} <span class="fwid">{esc(f.id)}</span></h3>')
        out.append(
            f"<p>{f.covered} of {len(f.requirements)} requirements map to controls of the "
            f"standard.{esc(scope)}</p>"
        )
        out.append(
            '<ul class="counts">'
            + "".join(
                f"<li>{_badge(o)} {counts[o]}</li>" for o in (*OUTCOMES, NOT_COVERED) if counts[o]
            )
            + "</ul>"
        )
        out.append(
            f'<table class="matrix" data-framework="{esc(f.id)}">'
            f"<caption>Requirements of {esc(f.id)}: the worst outcome of their controls"
            "</caption><thead><tr>"
            '<th scope="col">Requirement</th><th scope="col">Title</th>'
            '<th scope="col">Outcome</th><th scope="col">Controls and evidence</th>'
            "</tr></thead><tbody>"
        )
        for req in fw.requirements:
            r = req.requirement
            evidence = "".join(_control_evidence(c, ids, show) for c in req.controls)
            if not req.controls:
                evidence = '<span class="muted">not covered by this tool</span>'
            out.append(
                f'<tr class="req" data-outcome="{req.outcome}">'
                f'<th scope="row">{esc(r.id)}</th><td>{esc(r.title)}</td>'
                f"<td>{_badge(req.outcome)}</td><td>{evidence}</td></tr>"
            )
        out.append("</tbody></table></section>")
    out.append("</section>")
    return "\n".join(out)


def _control_evidence(c: ControlOutcome, ids: dict[int, int], show: Callable[[str], str]) -> str:
    link = f'<a href="#{control_anchor(c.id)}">{esc(c.id)}</a>'
    summary = f"{link} {_badge(c.outcome)}"
    if c.by_severity:
        summary += " " + ", ".join(f"{n} {esc(s)}" for s, n in c.by_severity.items())
    items = [
        f"<li>{c.evaluated} target{'s' if c.evaluated != 1 else ''} evaluated in "
        f"{len(c.files)} file{'s' if len(c.files) != 1 else ''}</li>"
    ]
    if c.files:
        # Where the control was evaluated: the evidence of a pass as much as of a failure.
        listed = list(c.files.items())[:10]
        names = ", ".join(f"{esc(show(p))} ({n})" for p, n in listed)
        more = f" and {len(c.files) - len(listed)} more" if len(c.files) > len(listed) else ""
        items.append(f'<li class="muted">evaluated in {names}{more}</li>')
    if c.note:
        items.append(f"<li>{esc(c.note)}</li>")
    if c.unresolved:
        items.append(f"<li>{c.unresolved} unresolved (value not known statically)</li>")
    for e in c.exceptions:
        until = f", until {esc(e.until)}" if e.until else ""
        reason = f"{esc(e.reason)} ({e.count} finding{'s' if e.count != 1 else ''})"
        items.append(f"<li>exception ({esc(e.source)}{until}): {reason}</li>")
    shown = [f for f in c.findings if id(f) in ids][:25]
    for f in shown:
        n = ids[id(f)]
        state = " (suppressed)" if f.suppression is not None else ""
        items.append(
            f'<li><a href="#f-{n}">{esc(f.rule_id)} at {esc(show(f.path))}:{f.span.line}</a>'
            f"{state}</li>"
        )
    if len(c.findings) > len(shown):
        items.append(f"<li>… and {len(c.findings) - len(shown)} more findings</li>")
    return (
        f'<details class="evidence"><summary>{summary}</summary><ul>{"".join(items)}</ul></details>'
    )


def _findings(result: RunResult, show: Callable[[str], str], ids: dict[int, int]) -> str:
    findings = sorted(
        result.findings,
        key=lambda f: (f.suppression is not None, -SEVERITY_RANK[f.severity], f.sort_key()),
    )
    sources = SourceLines(result)
    redactor = Redactor()
    plain = Style(False)
    formats = sorted({f.format or "input" for f in findings})
    rules = sorted({f.rule_id for f in findings})
    files = sorted({show(f.path) for f in findings})
    counts = Counter(f.severity for f in result.active)
    boxes = "".join(
        f'<label class="sev-{s}"><input type="checkbox" name="severity" value="{s}" checked> '
        f"{s} ({counts[s]})</label>"
        for s in SEVERITY_ORDER
    )
    out = [
        '<section aria-labelledby="findings-h" id="findings">',
        '<h2 id="findings-h">Findings</h2>',
        '<form class="filters" id="filters" aria-controls="findings-table">',
        f"<fieldset><legend>Severity</legend>{boxes}</fieldset>",
        _select("format", "Format", formats),
        _select("rule", "Rule", rules),
        _select("file", "File", files),
        '<label>Search <input type="search" name="q" placeholder="message, path, rule"></label>',
        '<label><input type="checkbox" name="suppressed"> show suppressed</label>',
        '<p class="shown" role="status" aria-live="polite" id="shown"></p>',
        "</form>",
        '<table id="findings-table" class="findings"><caption>Findings; select a column '
        "header to sort</caption><thead><tr>",
        *(
            f'<th scope="col" aria-sort="none"><button type="button" data-key="{k}">{label}'
            "</button></th>"
            for k, label in (
                ("severity", "Severity"),
                ("rule", "Rule"),
                ("file", "Location"),
                ("message", "Message"),
            )
        ),
        "</tr></thead><tbody>",
    ]
    for f in findings:
        out.append(_row(f, ids[id(f)], show, sources, redactor, plain))
    out.append("</tbody></table>")
    if not findings:
        out.append("<p>No findings.</p>")
    out.append("</section>")
    return "\n".join(out)


def _select(name: str, label: str, values: list[str]) -> str:
    options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return (
        f'<label>{label} <select name="{name}"><option value="">all</option>{options}'
        "</select></label>"
    )


def _row(
    f: Finding,
    n: int,
    show: Callable[[str], str],
    sources: SourceLines,
    redactor: Redactor,
    plain: Style,
) -> str:
    path = show(f.path)
    lines = snippet(f, sources, redactor, plain)
    code = f"<pre><code>{esc(chr(10).join(lines))}</code></pre>" if lines else ""
    controls = " ".join(f'<a href="#{control_anchor(c)}">{esc(c)}</a>' for c in f.controls)
    fix = f"<p><strong>Fix:</strong> {esc(' '.join(f.fix.split()))}</p>" if f.fix else ""
    suppressed = ""
    if f.suppression is not None:
        suppressed = f"<p><strong>Suppressed:</strong> {esc(f.suppression)}</p>"
    locator = f"<p><strong>Object:</strong> {esc(f.locator)}</p>" if f.locator else ""
    attrs = (
        f'id="f-{n}" data-severity="{f.severity}" data-rank="{SEVERITY_RANK[f.severity]}" '
        f'data-format="{esc(f.format or "input")}" data-rule="{esc(f.rule_id)}" '
        f'data-file="{esc(path)}" data-line="{f.span.line}" '
        f'data-suppressed="{"1" if f.suppression is not None else "0"}"'
    )
    hidden = " hidden" if f.suppression is not None else ""
    return (
        f"<tr {attrs}{hidden}>"
        f'<td><span class="sev sev-{f.severity}">{f.severity}</span></td>'
        f"<td>{esc(f.rule_id)}</td>"
        f'<td class="loc">{esc(path)}:{f.span.line}:{f.span.column}</td>'
        f"<td><details><summary>{esc(f.message)}</summary>{code}{locator}{fix}{suppressed}"
        f"<p><strong>Controls:</strong> {controls}</p></details></td></tr>"
    )


def _controls(result: RunResult) -> str:
    catalog = load_controls()
    used: list[str] = []
    for f in result.findings:
        used += [c for c in f.controls if c not in used]
    for fw in result.compliance:
        used += [c for c in fw.controls if c not in used]
    items = []
    for cid in sorted(used):
        c = catalog.get(cid)
        if c is None:
            continue
        items.append(
            f'<dt id="{control_anchor(cid)}">{esc(cid)} · {esc(c["title"])}</dt>'
            f'<dd><p>{esc(c["requirement"])}</p><p class="muted">{esc(c["rationale"])}</p>'
            f'<p class="muted">References: {esc("; ".join(c["references"]))}</p></dd>'
        )
    return (
        '<section aria-labelledby="controls-h"><h2 id="controls-h">Controls</h2>'
        f'<dl class="controls">{"".join(items)}</dl></section>'
    )
