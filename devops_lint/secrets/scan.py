"""One scanned file: its text, its parsed documents, and the secrets found in it (memoized,
so the fourteen X-001/X-002 rules share one pass over the text)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..context import Context
from ..model import Document, Finding, Span
from ..placeholders import placeholders_of
from ..secrets_names import SensitiveNameRule, name_needles, rule_from_settings
from .detectors import DetectorSet, Hit, LineIndex
from .values import ValueHit, ValueRules, resolve_precedence

TABLE = "secret_detectors.yaml"


def detector_set(ctx: Context) -> DetectorSet:
    return ctx.memo(  # type: ignore[no-any-return]
        "secrets.detectors", lambda: DetectorSet(ctx.data(TABLE), placeholders_of(ctx))
    )


def name_rule(ctx: Context) -> SensitiveNameRule:
    return ctx.memo("secrets.name_rule", lambda: rule_from_settings(ctx.settings))  # type: ignore[no-any-return]


def value_rules(ctx: Context) -> ValueRules:
    return ctx.memo(  # type: ignore[no-any-return]
        "secrets.value_rules",
        lambda: ValueRules(ctx.data(TABLE), detector_set(ctx), name_rule(ctx)),
    )


@dataclass
class FileScan:
    path: str
    kind: str  # file kind (classify.file_kind)
    text: str
    doc: Document  # the file's first document, or a plain-text stand-in
    docs: Sequence[Document]  # parsed documents (none for other files and failed ones)
    failed: bool  # the file failed to parse: only X-001 runs on it (standards 0.6 item 7)
    _index: LineIndex | None = None
    _hits: list[Hit] | None = None
    _values: list[ValueHit] | None = None
    _doc_lines: list[int] = field(default_factory=list)

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def span_of(self, start: int, end: int) -> Span:
        line, col = self.index.position(start)
        end_line, end_col = self.index.position(max(start, end - 1))
        return Span(line, col, end_line, end_col)

    def doc_at(self, line: int) -> Document:
        """The document a line belongs to (multi-document YAML), else the file's document."""
        if len(self.docs) <= 1:
            return self.doc
        if not self._doc_lines:
            self._doc_lines = [d.span(()).line for d in self.docs]
        pos = bisect.bisect_right(self._doc_lines, line) - 1
        return self.docs[max(pos, 0)]

    def reported(self, ctx: Context) -> None:
        """Make the engine read suppression comments in a file it did not parse.

        Only once a finding is reported in it, so that documentation quoting the comment
        syntax is not checked for unused suppressions; never for a file that failed to parse
        (its other suppressions would all look unused).
        """
        if not self.docs and not self.failed:
            ctx.texts.setdefault(self.path, self.text)

    def secrets(self, ctx: Context) -> list[Hit]:
        """X-001 hits."""
        if self._hits is None:
            hits = detector_set(ctx).scan(self.text, name_rule(ctx))
            sealed = self._sealed_ranges() if hits else []
            if sealed:
                hits = [h for h in hits if not _inside(self.span_of(h.start, h.end).line, sealed)]
            self._hits = hits
        return self._hits

    def _sealed_ranges(self) -> list[tuple[int, int]]:
        """Lines of SealedSecret `encryptedData`: ciphertext meant to be committed."""
        out = []
        for d in self.docs:
            data = d.data
            path = ("spec", "encryptedData")
            if isinstance(data, dict) and data.get("kind") == "SealedSecret" and path in d.spans:
                span = d.spans[path]
                out.append((span.line, span.end_line))
        return out

    def values(self, ctx: Context) -> list[ValueHit]:
        """X-002 hits, before de-duplication against other rules' findings."""
        if self._values is None:
            self._values = [] if self.failed else resolve_precedence(list(self._value_hits(ctx)))
        return self._values

    def _value_hits(self, ctx: Context) -> Iterable[ValueHit]:
        rules = value_rules(ctx)
        yield from rules.url_hits(self.text, self.index)
        for doc in self.docs:
            yield from rules.document_hits(doc)
        if not self.docs and self.kind == "json":
            yield from self._json_hits(rules)
        if not self.docs and rules.assignment_file(self.path):
            yield from rules.assignment_hits(self.path, self.text)

    def _json_hits(self, rules: ValueRules) -> Iterable[ValueHit]:
        """A JSON file no format claims (not Kubernetes): parsed here, only when needed."""
        lower = self.text.lower()
        if not any(n in lower for n in name_needles(rules.names)):
            return []
        from ..model import ParseError
        from ..yamlload import load_documents

        try:
            docs, _ = load_documents(self.text, self.path)
        except (ParseError, RecursionError, ValueError):
            return []
        out: list[ValueHit] = []
        for d in docs:
            d.format = "json"
            out.extend(rules.document_hits(d))
        return out


def _inside(line: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= line <= b for a, b in ranges)


class ReportedLines:
    """Lines, per file, where a rule that supersedes X-002 already reported something.

    Reads the engine's findings list (append-only during evaluation) incrementally, so the
    whole run costs one pass over the findings.
    """

    def __init__(self, findings: list[Finding], ids: Iterable[str]) -> None:
        self.findings = findings
        self.ids = tuple(ids)
        self.seen = 0
        self.by_path: dict[str, set[int]] = {}

    def _covers(self, f: Finding) -> bool:
        return any(
            f.rule_id == i or f.rule_id.startswith(i + ".") or i in f.controls for i in self.ids
        )

    def lines(self, path: str) -> set[int]:
        new = self.findings[self.seen :]
        self.seen = len(self.findings)
        for f in new:
            if f.outcome == "fail" and self._covers(f):
                self.by_path.setdefault(f.path, set()).update(
                    range(f.span.line, max(f.span.line, f.span.end_line) + 1)
                )
        return self.by_path.get(path, set())


def reported_lines(ctx: Context) -> ReportedLines:
    def build() -> ReportedLines:
        findings = ctx.findings
        ids = ctx.data(TABLE).get("x002_reported_by", ())
        return ReportedLines(findings, (str(i) for i in ids))

    return ctx.memo("secrets.reported", build)  # type: ignore[no-any-return]
