"""X-001 and X-002 checks on `secrets.file` targets.

Every rule of both controls names the same target kind, so per file the X-001 rules run
before the X-002 rules (rules run in ID order); the scan itself is done once per file and
shared (`FileScan`). X-002.url-credentials and X-002.sensitive-key skip lines where a rule of
`x002_reported_by` (format-specific credential rules and X-001) already reported.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from ..checkargs import given
from ..context import Context
from ..model import Result, Target
from ..registry import check
from ..rules import Rule
from .scan import FileScan, reported_lines
from .values import ALERTMANAGER


def file_scan(target: Target) -> FileScan | None:
    """The shared scan of a ``secrets.file`` target's file."""
    scan = target.context.get("scan")
    return scan if isinstance(scan, FileScan) else None


@check(
    "X-001.aws-access-key",
    "X-001.aws-secret-key",
    "X-001.azure-storage-key",
    "X-001.gcp-sa-key",
    "X-001.github-token",
    "X-001.gitlab-token",
    "X-001.google-api-key",
    "X-001.high-entropy",
    "X-001.jwt",
    "X-001.npm-token",
    "X-001.private-key",
    "X-001.slack",
    "X-001.stripe",
    target="secrets.file",
)
@given(file_scan)
def plaintext_secret(target: Target, rule: Rule, ctx: Context, scan: FileScan) -> Iterator[Result]:
    """X-001.*: detector hits of this rule in the file's text."""
    for hit in scan.secrets(ctx):
        if hit.rule != rule.id:
            continue
        span = scan.span_of(hit.start, hit.end)
        scan.reported(ctx)
        yield Result(
            span=span,
            doc=scan.doc_at(span.line),
            severity=hit.severity,  # type: ignore[arg-type]
            args={"label": hit.label, "preview": hit.preview},
        )


@check(
    "X-002.alertmanager-secret",
    "X-002.sensitive-key",
    "X-002.url-credentials",
    target="secrets.file",
)
@given(file_scan)
def value_secret(target: Target, rule: Rule, ctx: Context, scan: FileScan) -> Iterator[Result]:
    """X-002.*: credentials in URLs, sensitive keys and Alertmanager receivers."""
    hits = [h for h in scan.values(ctx) if h.rule == rule.id]
    if not hits:
        return
    reported = reported_lines(ctx).lines(scan.path) if rule.id != ALERTMANAGER else set()
    for hit in hits:
        if reported and not reported.isdisjoint(hit.lines):
            continue  # already reported by a format rule or X-001 (standards X-002)
        if hit.ref and _reference_reported(hit.ref, scan.path, ctx):
            continue  # a local or Helm value that a format rule reported where it is used
        scan.reported(ctx)
        yield Result(
            span=hit.span,
            doc=hit.doc or scan.doc_at(hit.span.line),
            args=dict(hit.args),
        )


def _reference_reported(ref: str, path: str, ctx: Context) -> bool:
    """True when a reported line that uses ``ref`` exists where ``ref`` can be used: the
    Terraform module of a ``local.x``, the chart templates of a values.yaml ``.Values.a.b``."""
    folder = posixpath.dirname(path)
    templates = f"{folder}/templates/" if folder else "templates/"
    pattern = re.compile(rf"(?<![\w.]){re.escape(ref)}(?![\w-])")
    reported = reported_lines(ctx)
    for doc in ctx.project.documents:
        if ref.startswith("local."):
            if doc.format != "terraform" or posixpath.dirname(doc.path) != folder:
                continue
        elif not doc.path.startswith(templates):
            continue
        lines = reported.lines(doc.path)
        if not lines or ref not in doc.text:
            continue
        text = doc.text.splitlines()
        if any(pattern.search(text[n - 1]) for n in lines if 0 < n <= len(text)):
            return True
    return False
