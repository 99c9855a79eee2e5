"""The shard file: JSON written by ``--shard I/N`` and read back by ``merge``.

Shards are the output of the same workflow's jobs, trusted like a report; still, what is
read back is checked for shape (never unpickled, never evaluated), bounded in size, and a
record that does not decode is parsed again from the checkout instead.
"""

from __future__ import annotations

import errno
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__, safeio
from ..cache.errors import Invalid
from ..cache.findings import (
    decode_evaluated,
    decode_finding,
    decode_until,
    encode_evaluated,
    encode_finding,
    encode_until,
)
from ..cache.keys import FileInput, canonical_json, rules_digest
from ..cache.shapes import as_int, as_list, as_str
from ..model import Finding
from ..output import printable
from ..project import SourceFile
from ..rules import Rule

FORMAT = 1
TAG = "devops-lint-shard"
MAX_BYTES = 2 * 1024**3  # a shard of a very large monorepo; json.load holds it in memory


class ShardError(Exception):
    """A shard that cannot be merged (with why); the command exits 2."""


@dataclass
class Shard:
    """What one shard found, and what the merge needs of the files it owns."""

    index: int  # 1-based, as written on the command line
    count: int
    input: str
    paths: list[str]  # the scanned folders, relative to the scan's root
    given: list[str]  # the same as given on the command line (relative to the working folder)
    today: str  # suppressions expire by date: every shard must have run on the same day
    findings: list[Finding]  # of its targets, suppressions marked; then its files' load findings
    evaluated: dict[tuple[str, str], int]
    suppressed_until: dict[tuple[str, int, int, str], str]
    # Findings about the suppressions in its files; an unused-suppression one with the
    # suppression's key, left out when another shard's findings used that suppression.
    hygiene: list[tuple[Finding, list[Any] | None]]
    used: list[list[Any]]  # keys of the suppressions its findings used
    failed: list[str]  # its files that could not be read or parsed
    documents: list[Any]  # cache.findings.encode_documents of its files' documents
    source: str = ""


def input_identity(
    *,
    root: Path,
    paths: list[str],
    settings: dict[str, Any],
    rules: list[Rule],
    files: list[SourceFile],
    inputs: dict[str, FileInput],
) -> str:
    """What must be the same for shards to be merged: version, rules, settings, the files.

    Nothing machine-specific: another job checks the repository out elsewhere, with the
    package installed elsewhere at another time.
    """
    digest = hashlib.sha256(f"{TAG} {FORMAT} {__version__}\n".encode())
    digest.update(rules_digest(rules, sources=False).encode())
    plain = dict(settings)
    base = plain.get("exclude_base")
    if isinstance(base, Path):
        try:
            plain["exclude_base"] = base.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            plain["exclude_base"] = "outside"
    digest.update(safeio.utf8(canonical_json({"paths": paths, "settings": plain})))
    for sf in files:
        digest.update(safeio.utf8(f"\n{sf.path}\0{sf.kind}\0{inputs[sf.path].digest}"))
    return digest.hexdigest()


def encode(shard: Shard) -> str:
    value = {
        TAG: FORMAT,
        "version": __version__,
        "shard": [shard.index, shard.count],
        "input": shard.input,
        "paths": shard.paths,
        "given": shard.given,
        "today": shard.today,
        "findings": [encode_finding(f) for f in shard.findings],
        "evaluated": encode_evaluated(shard.evaluated),
        "suppressed_until": encode_until(shard.suppressed_until),
        "hygiene": [[encode_finding(f), k] for f, k in shard.hygiene],
        "used": shard.used,
        "failed": shard.failed,
        "documents": shard.documents,
    }
    return printable(json.dumps(value, ensure_ascii=False, separators=(",", ":")), "json") + "\n"


def read(path: Path) -> Shard:
    """A shard file, checked for shape; ``ShardError`` says what is wrong with it."""
    name = str(path)
    try:
        raw = safeio.read_bytes(path, MAX_BYTES)
    except safeio.NotReadable as exc:
        if exc.errno == errno.EFBIG:
            raise ShardError(f"{name}: larger than {MAX_BYTES} bytes") from None
        raise ShardError(f"{name}: {exc.strerror}") from None
    except OSError as exc:
        raise ShardError(f"{name}: cannot be read: {exc.strerror or exc}") from None
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ShardError(f"{name}: not a shard file (not JSON: {exc})") from None
    if not isinstance(value, dict) or value.get(TAG) != FORMAT:
        raise ShardError(f"{name}: not a shard file of this version (written by --shard I/N)")
    try:
        return _decode(value, name)
    except (Invalid, RecursionError) as exc:
        raise ShardError(f"{name}: damaged shard file ({exc})") from None


def _decode(value: dict[str, Any], name: str) -> Shard:
    version = value.get("version")
    if version != __version__:
        raise ShardError(f"{name}: written by devops-lint {version}, this is {__version__}")
    where = value.get("shard")
    if not (isinstance(where, list) and len(where) == 2 and all(type(x) is int for x in where)):
        raise Invalid("shard")
    index, count = where
    if not 1 <= index <= count:
        raise Invalid("shard index")
    ident, paths, given = value.get("input"), value.get("paths"), value.get("given")
    if type(ident) is not str or not isinstance(paths, list) or not isinstance(given, list):
        raise Invalid("input")
    if not all(type(p) is str for p in (*paths, *given)) or not given:
        raise Invalid("paths")
    today = value.get("today")
    if type(today) is not str:
        raise Invalid("today")
    findings = [decode_finding(row) for row in as_list(value.get("findings"))]
    evaluated = decode_evaluated(value.get("evaluated"))
    until = decode_until(value.get("suppressed_until"))
    hygiene: list[tuple[Finding, list[Any] | None]] = []
    for row in as_list(value.get("hygiene")):
        if not (isinstance(row, list) and len(row) == 2):
            raise Invalid("hygiene")
        hygiene.append((decode_finding(row[0]), None if row[1] is None else _key(row[1])))
    used = [_key(k) for k in as_list(value.get("used"))]
    failed = [as_str(p) for p in as_list(value.get("failed"))]
    documents = as_list(value.get("documents"))  # decoded against the checkout by the merge
    return Shard(
        index, count, ident, paths, given, today, findings, evaluated, until, hygiene, used,
        failed, documents, name,
    )  # fmt: skip


def _key(v: Any) -> list[Any]:
    """A suppression key: path, four span numbers, a document index (-1: a comment)."""
    if not (isinstance(v, list) and len(v) == 6 and type(v[0]) is str):
        raise Invalid("suppression key")
    return [v[0], *(as_int(x) for x in v[1:])]
