"""A run's result as JSON: findings, counts, failed files and the documents' texts.

Reporters read findings, counts and the project's files and document texts (source
snippets, SARIF fingerprints), nothing else of the documents. A warm run therefore hands
them stand-in documents carrying path, format, index and text, the text taken from the file
itself whenever it was the file's text. Everything read back is checked for shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import SEVERITIES, Document, Finding, Span
from ..project import Project, SourceFile
from .errors import Invalid
from .keys import FileInput
from .shapes import as_int, as_list, as_span, as_str, as_strs

_OUTCOMES = ("fail", "unresolved", "error")


def _span_out(span: Span) -> list[int]:
    return list(span)


def encode_finding(f: Finding) -> list[Any]:
    return [
        f.rule_id,
        f.controls,
        f.severity,
        f.path,
        _span_out(f.span),
        f.message,
        f.fix,
        f.locator,
        f.outcome,
        f.format,
        f.suppression,
        f.object_line,
        f.document,
        f.logical,
        f.baseline_state,
        [[p, _span_out(s), label] for p, s, label in f.related],
        f.value_sets,
    ]


_SEVERITIES = frozenset(SEVERITIES)
_OUTCOME_SET = frozenset(_OUTCOMES)


def decode_finding(row: Any) -> Finding:
    # Unrolled checks: a warm run decodes every finding of the repository.
    if type(row) is not list or len(row) != 17:
        raise Invalid("finding")
    (
        rule_id, controls, severity, path, span, message, fix, locator, outcome, fmt,
        suppression, object_line, document, logical, baseline_state, related, value_sets,
    ) = row  # fmt: skip
    if (
        type(rule_id) is not str
        or type(path) is not str
        or type(message) is not str
        or type(fix) is not str
        or type(locator) is not str
        or type(fmt) is not str
        or type(logical) is not str
        or type(object_line) is not int
        or not (document is None or type(document) is int)
        or not (suppression is None or type(suppression) is str)
        or not (baseline_state is None or type(baseline_state) is str)
        or severity not in _SEVERITIES
        or outcome not in _OUTCOME_SET
        or type(related) is not list
    ):
        raise Invalid("finding fields")
    return Finding(
        rule_id=rule_id,
        controls=as_strs(controls),
        severity=severity,
        path=path,
        span=as_span(span),
        message=message,
        fix=fix,
        locator=locator,
        outcome=outcome,
        format=fmt,
        suppression=suppression,
        object_line=object_line,
        document=document,
        logical=logical,
        baseline_state=baseline_state,
        related=[_related(item) for item in related] if related else [],
        value_sets=as_strs(value_sets),
    )


def _related(item: Any) -> tuple[str, Span, str]:
    if type(item) is not list or len(item) != 3:
        raise Invalid("related")
    return (as_str(item[0]), as_span(item[1]), as_str(item[2]))


def encode_result(result: Any, inputs: dict[str, FileInput]) -> Any:
    """JSON for a ``RunResult`` (``engine.RunResult``; typed loosely to avoid a cycle)."""
    return {
        "findings": [encode_finding(f) for f in result.findings],
        "files_scanned": result.files_scanned,
        "evaluated": encode_evaluated(result.evaluated),
        "suppressed_until": encode_until(result.suppressed_until),
        "failed": sorted(result.project.failed),
        "documents": encode_documents(result.project.documents, inputs),
    }


def encode_evaluated(evaluated: dict[tuple[str, str], int]) -> list[list[Any]]:
    return [[r, p, n] for (r, p), n in evaluated.items()]


def decode_evaluated(rows: Any) -> dict[tuple[str, str], int]:
    evaluated: dict[tuple[str, str], int] = {}
    for row in as_list(rows):
        if not isinstance(row, list) or len(row) != 3:
            raise Invalid("evaluated")
        evaluated[(as_str(row[0]), as_str(row[1]))] = as_int(row[2])
    return evaluated


def encode_until(until: dict[tuple[str, int, int, str], str]) -> list[list[Any]]:
    return [[*k, v] for k, v in until.items()]


def decode_until(rows: Any) -> dict[tuple[str, int, int, str], str]:
    until: dict[tuple[str, int, int, str], str] = {}
    for row in as_list(rows):
        if not isinstance(row, list) or len(row) != 5:
            raise Invalid("suppressed_until")
        until[(as_str(row[0]), as_int(row[1]), as_int(row[2]), as_str(row[3]))] = as_str(row[4])
    return until


def encode_documents(documents: Iterable[Document], inputs: dict[str, FileInput]) -> list[Any]:
    """The stand-ins reporters need: ``[path, format, index, text]``, the text ``None``
    where it is the file's own (read back from the file)."""
    own: dict[str, str | None] = {}
    rows = []
    for doc in documents:
        if doc.path not in own:
            own[doc.path] = own_text(inputs, doc.path)
        text = None if doc.text == own[doc.path] else doc.text
        rows.append([doc.path, doc.format, doc.index, text])
    return rows


def decode_documents(rows: Any, inputs: dict[str, FileInput]) -> list[Document]:
    texts: dict[str, str | None] = {}
    documents = []
    for row in as_list(rows):
        if not isinstance(row, list) or len(row) != 4:
            raise Invalid("document")
        path, fmt, index, text = as_str(row[0]), as_str(row[1]), as_int(row[2]), row[3]
        if text is None:
            if path not in texts:
                texts[path] = own_text(inputs, path)
            text = texts[path]
            if text is None:
                raise Invalid("document text")
        documents.append(Document(path, fmt, None, index=index, text=as_str(text)))
    return documents


def own_text(inputs: dict[str, FileInput], path: str) -> str | None:
    source = inputs.get(path)
    if source is None:
        return None
    text = source.text()
    return text if isinstance(text, str) else None


def decode_result(
    value: Any,
    *,
    project: Project,
    files: list[SourceFile],
    inputs: dict[str, FileInput],
) -> tuple[list[Finding], int, dict[tuple[str, str], int], dict[tuple[str, int, int, str], str]]:
    """Findings, files scanned, evaluated counts and suppression expiries; fills ``project``."""
    if not isinstance(value, dict):
        raise Invalid("result")
    rows = value.get("findings")
    if not isinstance(rows, list):
        raise Invalid("findings")
    findings = [decode_finding(r) for r in rows]
    scanned = as_int(value.get("files_scanned"))
    evaluated = decode_evaluated(value.get("evaluated"))
    until = decode_until(value.get("suppressed_until"))
    project.files = list(files)
    project.failed = set(as_strs(value.get("failed")))
    project.documents.extend(decode_documents(value.get("documents"), inputs))
    return findings, scanned, evaluated, until
