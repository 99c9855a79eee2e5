"""One file's parse outcome as JSON: documents with their spans and format-specific facts.

Documents are stored faithfully or not at all: data must be plain JSON values (mapping keys
strings), ``Unresolved`` values keep their identity within the document, a mapping or list
shared by YAML aliases makes the file unfit (stored data would lose the sharing), and of
``meta`` only plain values and the Terraform syntax (``body``) are stored. What comes back
is checked for shape; anything odd raises ``Invalid`` and the file is parsed again.
"""

from __future__ import annotations

from typing import Any

from .. import parsing
from ..model import Document, ParseError, Span, Unresolved
from .errors import Invalid, Unfit
from .shapes import as_int, as_span, as_str

_TAG = "\x00u"  # a stored Unresolved: {"\x00u": index}; no scanned key starts with NUL
_MAX_DEPTH = 600


class _Encoder:
    def __init__(self) -> None:
        self.unresolved: dict[int, int] = {}
        self.texts: list[str] = []
        self.containers: set[int] = set()

    def value(self, v: Any, depth: int = 0) -> Any:
        t = type(v)
        if t is str or t is int or t is float or t is bool or v is None:
            return v
        if depth > _MAX_DEPTH:
            raise Unfit("nesting")
        if t is Unresolved:
            i = self.unresolved.get(id(v))
            if i is None:
                i = self.unresolved[id(v)] = len(self.texts)
                self.texts.append(str(v))
            return {_TAG: i}
        if t is dict or t is list:
            if id(v) in self.containers:
                raise Unfit("shared value (YAML alias)")
            self.containers.add(id(v))
            if t is list:
                return [self.value(x, depth + 1) for x in v]
            out = {}
            for k, x in v.items():
                if type(k) is not str or k.startswith("\x00"):
                    raise Unfit("mapping key")
                out[k] = self.value(x, depth + 1)
            return out
        raise Unfit(t.__name__)


def _spans(spans: dict[Any, Span]) -> list[list[Any]]:
    # Paths hold str and int by construction; anything else fails JSON encoding (nothing is
    # stored) or the check on the way back (a miss).
    return [[*path, *span] for path, span in spans.items()]


def _encode_body(body: Any) -> Any:
    from .tfsyntax import encode  # the Terraform model, imported when a file has one

    return encode(body)


def _decode_body(data: Any) -> Any:
    from .tfsyntax import decode

    return decode(data)


def encode_document(doc: Document, file_text: str) -> dict[str, Any]:
    enc = _Encoder()
    data = enc.value(doc.data)
    meta: dict[str, Any] = {}
    for key, value in doc.meta.items():
        meta[key] = _encode_body(value) if key == "body" else enc.value(value)
    return {
        "format": doc.format,
        "index": doc.index,
        # The text is the file's own in all but odd cases: stored only when it differs.
        "text": None if doc.text == file_text else doc.text,
        "data": data,
        "unresolved": enc.texts,
        "spans": _spans(doc.spans),
        "key_spans": _spans(doc.key_spans),
        "meta": meta,
    }


def encode_outcome(outcome: parsing.Outcome | parsing.Problem, file_text: str) -> dict[str, Any]:
    """JSON for a parse outcome; raises ``Unfit`` when it cannot be stored faithfully."""
    if isinstance(outcome, parsing.Problem):
        return {"problem": [outcome.reason, list(outcome.span)]}
    err = outcome.error
    return {
        "documents": [encode_document(d, file_text) for d in outcome.documents],
        "duplicates": [[k, list(s)] for k, s in outcome.duplicates],
        "error": None if err is None else [err.message, err.line, err.column],
    }


class _Decoder:
    def __init__(self, texts: list[str]) -> None:
        self.objects = [Unresolved(t) for t in texts]

    def value(self, v: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise Invalid("nesting")
        if isinstance(v, dict):
            if _TAG in v:
                i = v[_TAG]
                if len(v) != 1 or type(i) is not int or not 0 <= i < len(self.objects):
                    raise Invalid("unresolved")
                return self.objects[i]
            for k in v:
                v[k] = self.value(v[k], depth + 1)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                v[i] = self.value(x, depth + 1)
        return v


def _decode_spans(rows: Any) -> dict[tuple[str | int, ...], Span]:
    if type(rows) is not list:
        raise Invalid("spans")
    out: dict[tuple[str | int, ...], Span] = {}
    for row in rows:
        if type(row) is not list or len(row) < 4:
            raise Invalid("span row")
        path = tuple(row[:-4])
        for p in path:
            if type(p) is not str and type(p) is not int:
                raise Invalid("span path")
        out[path] = as_span(row[-4:])
    return out


def decode_document(rec: Any, path: str, file_text: str) -> Document:
    if not isinstance(rec, dict):
        raise Invalid("document")
    texts = rec.get("unresolved")
    if not isinstance(texts, list) or not all(type(t) is str for t in texts):
        raise Invalid("unresolved texts")
    dec = _Decoder(texts)
    text = rec.get("text")
    meta_in = rec.get("meta")
    if not isinstance(meta_in, dict):
        raise Invalid("meta")
    meta = {k: _decode_body(v) if k == "body" else dec.value(v, 1) for k, v in meta_in.items()}
    return Document(
        path=path,
        format=as_str(rec.get("format")),
        data=dec.value(rec.get("data")),
        spans=_decode_spans(rec.get("spans")),
        key_spans=_decode_spans(rec.get("key_spans")),
        index=as_int(rec.get("index")),
        text=file_text if text is None else as_str(text),
        meta=meta,
    )


def decode_outcome(rec: Any, path: str, file_text: str) -> parsing.Outcome | parsing.Problem:
    """The parse outcome stored by ``encode_outcome``; raises ``Invalid`` on any oddity."""
    if not isinstance(rec, dict):
        raise Invalid("outcome")
    if "problem" in rec:
        problem = rec["problem"]
        if not isinstance(problem, list) or len(problem) != 2:
            raise Invalid("problem")
        return parsing.Problem(as_str(problem[0]), as_span(problem[1]))
    docs, dups, err = rec.get("documents"), rec.get("duplicates"), rec.get("error")
    if not isinstance(docs, list) or not isinstance(dups, list):
        raise Invalid("outcome")
    out = parsing.Outcome()
    out.documents = [decode_document(d, path, file_text) for d in docs]
    for dup in dups:
        if not isinstance(dup, list) or len(dup) != 2:
            raise Invalid("duplicate")
        out.duplicates.append((as_str(dup[0]), as_span(dup[1])))
    if err is not None:
        if not isinstance(err, list) or len(err) != 3:
            raise Invalid("error")
        out.error = ParseError(as_str(err[0]), as_int(err[1]), as_int(err[2]))
    return out
