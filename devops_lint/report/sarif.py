"""SARIF 2.1.0 for GitHub code scanning, built with sarif-om.

One run; every rule that ran is a ``reportingDescriptor`` with generated help; each finding is a
result with one location relative to the repository checkout (``%SRCROOT%``, named in
``originalUriBaseIds``; see ``paths``) and a line-content fingerprint, so
an alert keeps its identity when lines are inserted above it. Suppressed findings stay in the log
with an ``inSource`` suppression. The log is kept within GitHub's ingestion limits: results beyond
them are dropped, most severe kept, with a warning on standard error.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attr
import sarif_om as om

from .. import __version__, safeio
from ..docs import rule_markdown
from ..fingerprint import fingerprints as logical_fingerprints
from ..model import SEVERITY_RANK, Finding
from ..rules import Rule, resource_dir
from ..suppress import COMMENT_RE
from ..terminal import json_safe
from .indented import dumps
from .paths import PathMapper

if TYPE_CHECKING:
    from ..engine import RunResult

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "devops-lint"
INFORMATION_URI = "https://devops-lint.dev"
SRCROOT = "%SRCROOT%"

# standards 0.3: severity -> (SARIF level, security-severity)
LEVELS: dict[str, str] = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
    "info": "note",
}
SECURITY_SEVERITY: dict[str, str] = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "3.0",
    "info": "0.0",
}

# GitHub code scanning ingestion limits (docs: "SARIF results exceed limit", "file too large").
MAX_RESULTS_PER_RUN = 25_000
MAX_RULES_PER_RUN = 25_000
MAX_TAGS_PER_RULE = 20
MAX_GZIP_BYTES = 10 * 1024 * 1024
MAX_MESSAGE_CHARS = 32_000  # a long message is cut rather than bloating every alert
MAX_DESCRIPTION = 1024  # GitHub's documented maximum for rule descriptions

# Findings about a link that was not followed: located at the link itself.
UNFOLLOWED = frozenset({"X-000.symlink-skipped"})
# X-000 findings that mean a file (or a rule) was not fully analysed.
NOTIFIED_RULES = frozenset({"X-000.parse-error", "X-000.unreadable", "X-000.internal-error"})
FINGERPRINT_KEY = "primaryLocationLineHash"
MAX_RELATED = 50  # related locations per result
LOGICAL_FINGERPRINT_KEY = "devopsLint/v1"

Warn = Callable[[str], None]


def _stderr_warning(message: str) -> None:
    print(f"devops-lint: warning: {message}", file=sys.stderr)


# ----------------------------------------------------------------------------- serialisation
# Properties written even when equal to sarif-om's default: GitHub reads them, and a reader
# should not have to know SARIF's defaults to see a result's level.
_ALWAYS = frozenset({"level", "executionSuccessful"})


def to_json(value: Any) -> Any:
    """sarif-om objects as SARIF JSON: schema property names, no nulls, no default noise."""
    if attr.has(type(value)):
        out: dict[str, Any] = {}
        for fld in attr.fields(type(value)):
            item = getattr(value, fld.name)
            if item is None:
                continue
            name = fld.metadata.get("schema_property_name", fld.name)
            if name not in _ALWAYS and item == _default(fld):
                continue
            out[name] = to_json(item)
        return out
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def _default(fld: Any) -> Any:
    default = fld.default
    if default is attr.NOTHING:
        return attr.NOTHING
    if isinstance(default, attr.Factory):  # type: ignore[arg-type]
        return default.factory()
    return default


# ------------------------------------------------------------------------------------- rules
def _pascal(title: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def _plain(text: str) -> str:
    return " ".join(text.split())


def help_text(rule: Rule) -> str:
    parts = [f"{rule.id}: {rule.title}", "", _plain(rule.why), "", f"Fix: {_plain(rule.fix)}"]
    if rule.examples.get("fail"):
        parts += ["", "Fails:", rule.examples["fail"].rstrip()]
    if rule.examples.get("pass"):
        parts += ["", "Passes:", rule.examples["pass"].rstrip()]
    if rule.references:
        parts += ["", "References: " + "; ".join(rule.references)]
    return "\n".join(parts)


def rule_tags(rule: Rule) -> list[str]:
    tags = ["security", rule.format, *rule.controls]
    tags += [" ".join(ref.replace('"', "").split()) for ref in rule.references]
    seen: dict[str, None] = {}
    for tag in tags:
        if tag and tag not in seen:
            seen[tag] = None
    return list(seen)[:MAX_TAGS_PER_RULE]


def _help_uri(rule: Rule) -> str | None:
    """The rule's documentation page (shipped rules only: a custom rule has no page)."""
    try:
        Path(rule.source).resolve().relative_to(resource_dir("rules").resolve())
    except (ValueError, OSError):
        return None
    return f"{INFORMATION_URI}/rules/{quote(rule.id)}/"


def descriptor(rule: Rule) -> Any:
    severity = rule.severity
    return om.ReportingDescriptor(
        id=rule.id,
        name=_pascal(rule.title),
        short_description=om.MultiformatMessageString(text=_cut(rule.title, MAX_DESCRIPTION)),
        full_description=om.MultiformatMessageString(
            text=_cut(_plain(rule.why) or rule.title, MAX_DESCRIPTION)
        ),
        help=om.MultiformatMessageString(text=help_text(rule), markdown=rule_markdown(rule)),
        help_uri=_help_uri(rule),
        default_configuration=om.ReportingConfiguration(level=LEVELS[severity]),
        properties={
            "tags": rule_tags(rule),
            "security-severity": SECURITY_SEVERITY[severity],
            "precision": rule.precision,
            "controls": list(rule.controls),
            "severity": severity,
            "references": list(rule.references) or None,
        },
    )


# A rule's descriptor as SARIF JSON, built once per loaded rule (rules do not change once
# loaded): a process that writes several logs (a test session) pays for the help text once.
_DESCRIPTORS: dict[int, tuple[Rule, dict[str, Any]]] = {}


def descriptor_json(rule: Rule) -> dict[str, Any]:
    hit = _DESCRIPTORS.get(id(rule))
    if hit is None or hit[0] is not rule:
        hit = _DESCRIPTORS[id(rule)] = (rule, to_json(descriptor(rule)))
    return hit[1]


# ------------------------------------------------------------------------------ fingerprints
def normalise_line(text: str) -> str:
    """A line as the fingerprint sees it: no suppression comment, whitespace collapsed."""
    m = COMMENT_RE.search(text)
    if m:
        text = text[: m.start()]
    return " ".join(text.split())


class SourceLines:
    """The text of each reported file, from the parsed documents or read again on demand."""

    def __init__(self, result: RunResult) -> None:
        self._texts: dict[str, list[str]] = {}
        for doc in result.project.documents:
            if doc.text and doc.path not in self._texts:
                self._texts[doc.path] = doc.text.splitlines()
        self._files = {sf.path: sf.abspath for sf in result.project.files}

    def line(self, path: str, number: int) -> str:
        lines = self._texts.get(path)
        if lines is None:
            lines = self._texts[path] = self._read(path)
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def _read(self, path: str) -> list[str]:
        abspath = self._files.get(path)
        if abspath is None:
            return []
        try:
            raw = safeio.read_bytes(abspath)
        except OSError:
            return []
        if b"\x00" in raw[:8192]:
            return []  # binary: the fingerprint rests on rule and file alone
        return raw.decode("utf-8", errors="replace").splitlines()


def fingerprints(findings: list[Finding], uris: list[str], lines: SourceLines) -> list[str]:
    """``hash:occurrence`` per finding: rule + file + normalised line text, then a counter.

    The line number is left out so inserting lines above keeps the value; the counter tells
    apart findings of one rule on identical lines of one file (in line order).
    """
    seen: dict[str, int] = defaultdict(int)
    out = []
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    values: dict[int, str] = {}
    for i in order:
        f = findings[i]
        text = normalise_line(lines.line(f.path, f.span.line))
        key = f"{f.rule_id}\0{uris[i]}\0{text}".encode("utf-8", "surrogateescape")
        digest = hashlib.sha256(key).hexdigest()[:16]
        seen[digest] += 1
        values[i] = f"{digest}:{seen[digest]}"
    for i in range(len(findings)):
        out.append(values[i])
    return out


# ----------------------------------------------------------------------------------- results
def _region(f: Finding) -> Any:
    s = f.span
    start_line = max(1, s.line)
    start_col = max(1, s.column)
    end_line = max(start_line, s.end_line)
    # Spans end on the last column (inclusive); SARIF's endColumn is the one after it.
    end_col = max(1, s.end_column) + 1
    if end_line == start_line and end_col <= start_col:
        end_col = start_col + 1
    return om.Region(
        start_line=start_line, start_column=start_col, end_line=end_line, end_column=end_col
    )


def _quoted(path: str) -> str:
    """``path`` percent-encoded from its bytes: a file name that is not UTF-8 (held as
    surrogate escapes) keeps its own bytes, ``%FF``, as a URI may."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def _artifact(uri: str) -> Any:
    if uri.startswith("/"):  # outside the source root: an absolute file URI, no base
        return om.ArtifactLocation(uri="file://" + _quoted(uri))
    return om.ArtifactLocation(uri=_quoted(uri), uri_base_id=SRCROOT)


def _location(uri: str, f: Finding) -> Any:
    return om.Location(
        physical_location=om.PhysicalLocation(artifact_location=_artifact(uri), region=_region(f))
    )


def _with_related(result: Any, f: Finding, mapper: PathMapper) -> Any:
    """``relatedLocations``: where else the finding comes from (a Terraform module call
    and the caller's argument that gave the value), each with its label."""
    if f.related:
        result.related_locations = [
            om.Location(
                id=n,
                physical_location=om.PhysicalLocation(
                    artifact_location=_artifact(mapper(path)),
                    region=_region(Finding("", [], f.severity, path, span, "")),
                ),
                message=om.Message(text=_cut(label, MAX_MESSAGE_CHARS)),
            )
            for n, (path, span, label) in enumerate(f.related[:MAX_RELATED])
        ]
    return result


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message(f: Finding) -> str:
    return _cut(f.message.strip() or f.rule_id, MAX_MESSAGE_CHARS)


def _result(f: Finding, uri: str, prints: dict[str, str], index: int | None) -> Any:
    props: dict[str, Any] = {
        "severity": f.severity,
        "security-severity": SECURITY_SEVERITY[f.severity],
        "controls": list(f.controls),
        "locator": f.locator or None,
        "outcome": f.outcome,
    }
    if f.outcome == "unresolved":
        props["unresolved"] = True
    suppressions = None
    if f.suppression is not None:
        suppressions = [om.Suppression(kind="inSource", justification=f.suppression)]
    return om.Result(
        rule_id=f.rule_id,
        rule_index=index if index is not None else -1,
        level="note" if f.outcome == "unresolved" else LEVELS[f.severity],
        message=om.Message(text=_message(f)),
        locations=[_location(uri, f)],
        partial_fingerprints=prints,
        suppressions=suppressions,
        baseline_state=f.baseline_state,
        properties=props,
    )


def _priority(f: Finding) -> tuple[int, int, str, int, str]:
    """Sort key for keeping results under the limits: active and severe ones first."""
    return (f.suppression is not None, -SEVERITY_RANK[f.severity], f.path, f.line, f.rule_id)


def _notification(f: Finding, uri: str, index: int | None) -> Any:
    return om.Notification(
        message=om.Message(text=_message(f)),
        level="error",
        locations=[_location(uri, f)],
        associated_rule=om.ReportingDescriptorReference(
            id=f.rule_id, index=index if index is not None else -1
        ),
    )


# ------------------------------------------------------------------------------------- build
def build(
    result: RunResult,
    *,
    category: str | None = None,
    base: Path | None = None,
    max_results: int = MAX_RESULTS_PER_RUN,
    warn: Warn = _stderr_warning,
) -> dict[str, Any]:
    """The SARIF log as JSON data. ``base`` is the source root URIs are relative to."""
    mapper = PathMapper(result.project.root, base)
    rules = list(result.rules)[:MAX_RULES_PER_RUN]
    index = {r.id: i for i, r in enumerate(rules)}

    findings = list(result.findings)
    # A skipped link is reported where it is, not where it points.
    uris = [mapper(f.path, follow=f.rule_id not in UNFOLLOWED) for f in findings]
    line_prints = fingerprints(findings, uris, SourceLines(result))
    # The logical fingerprint that baselines and the JSON report share (docs/baseline.md).
    logical = logical_fingerprints(findings, uris)
    prints = [
        {FINGERPRINT_KEY: line, LOGICAL_FINGERPRINT_KEY: other}
        for line, other in zip(line_prints, logical, strict=True)
    ]
    order = sorted(range(len(findings)), key=lambda i: _priority(findings[i]))
    dropped = 0
    if len(order) > max_results:
        dropped = len(order) - max_results
        order = order[:max_results]
    keep = sorted(order, key=lambda i: findings[i].sort_key())

    notes = [
        _notification(f, uris[i], index.get(f.rule_id))
        for i, f in enumerate(findings)
        if f.rule_id in NOTIFIED_RULES
    ]
    internal_error = any(f.rule_id == "X-000.internal-error" for f in findings)

    def assemble(selected: list[int], extra_notes: list[Any]) -> dict[str, Any]:
        run = om.Run(
            tool=om.Tool(
                driver=om.ToolComponent(
                    name=TOOL_NAME,
                    semantic_version=__version__,
                    version=__version__,
                    information_uri=INFORMATION_URI,
                    rules=[descriptor_json(r) for r in rules],
                )
            ),
            results=[
                _with_related(
                    _result(findings[i], uris[i], prints[i], index.get(findings[i].rule_id)),
                    findings[i],
                    mapper,
                )
                for i in selected
            ],
            invocations=[
                om.Invocation(
                    execution_successful=not internal_error,
                    tool_execution_notifications=(notes + extra_notes) or None,
                )
            ],
            automation_details=om.RunAutomationDetails(id=_category_id(category))
            if category
            else None,
            column_kind="unicodeCodePoints",
            original_uri_base_ids={
                SRCROOT: om.ArtifactLocation(uri=mapper.base.as_uri().rstrip("/") + "/")
            },
        )
        log = om.SarifLog(schema_uri=SCHEMA_URI, version=SARIF_VERSION, runs=[run])
        return to_json(log)  # type: ignore[no-any-return]

    def cap_note(count: int, why: str) -> list[Any]:
        text = f"{count} result(s) left out: {why}; the most severe were kept"
        warn(f"SARIF: {text}")
        return [om.Notification(message=om.Message(text=text), level="warning")]

    extra = cap_note(dropped, f"more than {max_results} results per run") if dropped else []
    data = assemble(keep, extra)
    size = 0 if _surely_fits(data) else _gzip_size(data)
    while size > MAX_GZIP_BYTES and keep:
        # Cut proportionally (with margin) until the gzipped log fits GitHub's upload limit.
        target = max(0, int(len(order) * MAX_GZIP_BYTES / size * 0.9))
        dropped += len(order) - target
        order = order[:target]
        keep = sorted(order, key=lambda i: findings[i].sort_key())
        data = assemble(keep, cap_note(dropped, "the gzipped log would exceed 10 MB"))
        size = _gzip_size(data)
    return data


def _category_id(category: str) -> str:
    # GitHub reads runAutomationDetails.id as "category/run-id"; a category ends with "/".
    return category if category.endswith("/") else category + "/"


def _surely_fits(data: dict[str, Any]) -> bool:
    """The gzipped log is far below the upload limit, judged without the indented dump.

    Indenting is json's pure-Python encoder and took most of a build's time; the compact
    dump is the C encoder's. Indentation whitespace compresses almost away (the gzipped
    indented log measured 1.15x the gzipped compact one), so twice the compact size is a
    wide margin; near the limit the exact size is computed.
    """
    compact = safeio.utf8(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    if len(compact) * 2 <= MAX_GZIP_BYTES:
        return True  # deflate adds whitespace runs for a few bytes a line at most
    return len(gzip.compress(compact, compresslevel=1)) * 2 <= MAX_GZIP_BYTES


def _gzip_size(data: dict[str, Any]) -> int:
    return len(gzip.compress(safeio.utf8(_dumps(data)), compresslevel=6))


def _dumps(data: dict[str, Any]) -> str:
    return json_safe(dumps(data))


def render(result: RunResult, category: str | None = None) -> str:
    return _dumps(build(result, category=category)) + "\n"
