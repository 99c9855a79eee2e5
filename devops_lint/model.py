"""The located model shared by every parser, rule and reporter.

Values are plain Python data (dict, list, str, int, float, bool, None) so JSON
Schema can validate them directly; positions live beside them in ``spans``,
keyed by the JSON path of each value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

JsonPath = tuple[str | int, ...]


class Span(NamedTuple):
    """Where something is written: 1-based, end inclusive of the last column.

    A named tuple rather than a frozen dataclass: parsers create one per node.
    """

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def at(cls, line: int, column: int = 1) -> Span:
        return cls(line, column, line, column)


FILE_START = Span(1, 1, 1, 1)

# Key marking a mapping that holds an unresolved subtree (e.g. a Helm include that
# could not be inlined): a key missing from such a mapping is not provably missing.
UNRESOLVED_KEY = "<unresolved>"


class Unresolved(str):
    """A value that cannot be known statically (template action, expression).

    It is a ``str`` holding the source text, so schemas and messages can show
    it, but it never equals anything but itself: a placeholder must not match
    another placeholder with identical text (standards 0.6 item 3).
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    __hash__ = str.__hash__


def is_unresolved(value: Any) -> bool:
    return isinstance(value, Unresolved)


def mapping_or_empty(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one (a section that is missing or not
    a mapping reads as empty)."""
    return value if isinstance(value, dict) else {}


def text_or_empty(value: Any) -> str:
    """``value`` when it is a string (an ``Unresolved`` one included), else ``""``."""
    return value if isinstance(value, str) else ""


def holds_instance(
    value: Any, cls: type, max_depth: int, sequences: tuple[type[Iterable[Any]], ...] = (list,)
) -> bool:
    """``value`` is a ``cls`` or holds one in its mappings and ``sequences``, looked for
    ``max_depth`` levels down (deeper nesting ends the search, not the run)."""
    if isinstance(value, cls):
        return True
    if max_depth < 0:
        return False
    if isinstance(value, dict):
        return any(holds_instance(v, cls, max_depth - 1, sequences) for v in value.values())
    if isinstance(value, sequences):
        return any(holds_instance(v, cls, max_depth - 1, sequences) for v in value)
    return False


def contains_unresolved(value: Any) -> bool:
    """True when the value or anything inside it is unresolved."""
    return holds_instance(value, Unresolved, 64)


@dataclass
class Document:
    """One parsed document: plain data plus where each part is written."""

    path: str  # relative to the scan root, forward slashes
    format: str  # "kubernetes", "terraform", "workflow", "action", ...
    data: Any
    spans: dict[JsonPath, Span] = field(default_factory=dict)  # value spans
    key_spans: dict[JsonPath, Span] = field(default_factory=dict)  # mapping-key spans
    index: int = 0  # position of the document inside its file
    text: str = ""  # the whole file's text (suppressions, fingerprints)
    meta: dict[str, Any] = field(default_factory=dict)  # format-specific extras

    def span(self, path: JsonPath) -> Span:
        """Span of the value at ``path``, else of its nearest written ancestor."""
        p = tuple(path)
        while True:
            s = self.spans.get(p)
            if s is not None:
                return s
            if not p:
                return FILE_START
            p = p[:-1]

    def key_span(self, path: JsonPath) -> Span:
        """Span of the key that introduces ``path`` (the value's span for list items)."""
        p = tuple(path)
        s = self.key_spans.get(p)
        if s is not None:
            return s
        return self.span(p)

    def get(self, path: JsonPath, default: Any = None) -> Any:
        cur = self.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(cur, list) or not -len(cur) <= part < len(cur):
                    return default
            elif not isinstance(cur, dict) or part not in cur:
                return default
            cur = cur[part]
        return cur


@dataclass
class Target:
    """One thing rules look at (a container, a workflow step, a resource ...)."""

    kind: str
    doc: Document
    path: JsonPath  # where the target sits in doc.data
    data: Any  # what a JSON-Schema rule validates; usually doc.get(path)
    locator: str  # human-readable object locator (standards 0.4)
    anchor: Span | None = None  # where findings about missing things go
    object_span: Span | None = None  # first line of the enclosing object (suppressions)
    context: dict[str, Any] = field(default_factory=dict)
    # What findings on this target are about when that is wider than the file they are
    # reported in (the repository): their fingerprint rests on it, not on the file.
    identity: str | None = None

    def anchor_span(self) -> Span:
        return self.anchor if self.anchor is not None else self.doc.span(self.path)

    @classmethod
    def of_file(
        cls,
        kind: str,
        doc: Document,
        data: Any,
        locator: str,
        context: dict[str, Any],
        identity: str | None = None,
    ) -> Target:
        """A target that stands for ``doc`` as a whole (or the run, anchored in ``doc``):
        findings about missing things and file-level suppressions go to line 1."""
        return cls(kind, doc, (), data, locator, FILE_START, FILE_START, context, identity)

    @classmethod
    def of_span(
        cls,
        kind: str,
        doc: Document,
        path: JsonPath,
        data: Any,
        locator: str,
        span: Span,
        context: dict[str, Any],
    ) -> Target:
        """A target whose own ``span`` (a job's key line, a rule group) is both where
        findings about missing things go and where its suppressions are written."""
        return cls(kind, doc, path, data, locator, span, span, context)


@dataclass
class Result:
    """What a check reports; the engine turns it into a Finding.

    Give ``path`` (absolute, in ``doc.data``) or ``span``; neither means the
    target's anchor. ``doc`` defaults to the target's document (project-level
    checks name it explicitly).
    """

    message: str | None = None
    path: JsonPath | None = None
    span: Span | None = None
    key: bool = False  # point at the key of ``path`` rather than its value
    doc: Document | None = None
    severity: Severity | None = None
    unresolved: bool = False
    locator: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    # Like Target.identity, for one finding (a namespace reported by its first workload).
    identity: str | None = None


Outcome = Literal["fail", "unresolved", "error"]


@dataclass
class Finding:
    rule_id: str
    controls: list[str]
    severity: Severity
    path: str
    span: Span
    message: str
    fix: str = ""
    locator: str = ""
    outcome: Outcome = "fail"
    format: str = ""
    suppression: str | None = None  # justification when suppressed in source
    object_line: int = 0  # first line of the enclosing object (suppression comments)
    document: int | None = None  # index of the document inside its file
    # What the finding is about, independent of lines (fingerprint.logical_key).
    logical: str = ""
    # SARIF baselineState against a baseline or a base revision: "new", "unchanged", or None
    # when the run compares with nothing.
    baseline_state: str | None = None
    # Other places that explain the finding: (path, span, label), e.g. the module call
    # and the caller's argument a value of a called Terraform module came from.
    related: list[tuple[str, Span, str]] = field(default_factory=list)
    # Helm value sets whose rendering produced the finding (rendered charts only).
    value_sets: list[str] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.span.line

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.rule_id)


class ParseError(Exception):
    """A file of a known format that cannot be read; becomes ``X-000.parse-error``."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = max(1, line)
        self.column = max(1, column)
