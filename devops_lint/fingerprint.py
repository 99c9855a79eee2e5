"""Fingerprints: one identity per finding that survives edits around it (docs/baseline.md).

A fingerprint hashes what a finding is *about*, never where it sits: the rule, the file, the
object (the locator of standards 0.4: kind/namespace/name, resource address, job and step …),
the key path inside that object and the offending value when it is a scalar. Inserting lines
above a finding, reformatting the file or reordering its documents keeps the fingerprint;
changing the offending value or moving it to another object changes it. Findings with the same
identity in one file are told apart by an occurrence counter in file order.

The recipe is versioned (``RECIPE``): baselines written by one version are matched by the next,
so it changes only with a new recipe version (a test pins a few values).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from .model import Document, Finding, JsonPath

RECIPE = "1"
_SCALARS = (str, int, float, bool, type(None))
# Digits in a message of an input finding (line and column of a parse error) move with edits.
_DIGITS = re.compile(r"\d+")


def _path_text(path: JsonPath) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _scalar(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, _SCALARS) else ""


def logical_key(
    locator: str,
    object_path: JsonPath,
    result_path: JsonPath | None,
    doc: Document,
    args: dict[str, Any] | None = None,
) -> str:
    """The logical location of a finding: object, key path under it, scalar offending value.

    ``object_path`` is where the target object sits in ``doc.data``; the key path is taken
    relative to it, so a list index *above* the object (a document's position in a ``List``,
    a container's place among its siblings, already named in the locator) does not count.
    Scalar message arguments (the offending action, port, name) tell apart several findings
    of one rule on one object.
    """
    extra = ",".join(f"{k}={_scalar(v)}" for k, v in sorted((args or {}).items()) if _scalar(v))
    if result_path is None:
        return f"{locator}||{extra}"
    rel = tuple(result_path)
    if rel[: len(object_path)] == tuple(object_path):
        rel = rel[len(object_path) :]
    value = _scalar(doc.get(tuple(result_path)))
    return f"{locator}|{_path_text(rel)}|{extra}|{value}"


SCOPE = "scope|"


def scope_key(identity: str | None) -> str:
    """The logical key of a finding about a scope wider than one file (a namespace, the
    repository), which is reported at whichever object speaks for it: the file and object it
    happens to be reported at are left out, so adding a file that sorts first keeps it."""
    return f"{SCOPE}{identity}" if identity else ""


def _identity(f: Finding) -> str:
    if f.logical:
        return f.logical
    # Input findings (parse errors, suppression problems) have no object: their message is
    # their identity, less the positions it quotes.
    return "msg|" + _DIGITS.sub("#", " ".join(f.message.split()))


def fingerprints(findings: Sequence[Finding], paths: Sequence[str] | None = None) -> list[str]:
    """``<16 hex>:<occurrence>`` for each finding, in the order given.

    ``paths`` overrides the path hashed for each finding (SARIF hashes the URI relative to the
    repository root); by default the finding's own path.
    """
    keyed = paths if paths is not None else [f.path for f in findings]
    seen: dict[str, int] = defaultdict(int)
    out = [""] * len(findings)
    for i in sorted(range(len(findings)), key=lambda i: findings[i].sort_key()):
        f = findings[i]
        path = "" if f.logical.startswith(SCOPE) else keyed[i]
        text = f"{RECIPE}\0{f.rule_id}\0{path}\0{_identity(f)}"
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        seen[digest] += 1
        out[i] = f"{digest}:{seen[digest]}"
    return out
