"""A cache of parsed rule files: plain JSON, keyed by the files' contents.

Parsing and schema-validating some 460 rule files costs about 0.3 s, more than linting a
file, so pre-commit runs would pay it on every call. The cache holds only what the rule
files say (JSON data, never code or pickles), under a key hashed from their exact bytes,
the package version and the rule schema; what it returns is checked for shape here and
for trust by ``rules.policy_problem`` as if freshly read, and anything odd is a miss.

``DEVOPS_LINT_CACHE_DIR`` chooses the folder (default: the platform's user cache folder),
``DEVOPS_LINT_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FORMAT = 1
_STR_KEYS = ("id", "title", "severity", "target", "message", "why", "fix")
_OPTIONAL_TYPES: dict[str, type] = {
    "references": list,
    "examples": dict,
    "require": dict,
    "check": str,
    "params": dict,
    "precision": str,
    "applies_to": dict,
}


def cache_dir() -> Path | None:
    if os.environ.get("DEVOPS_LINT_NO_CACHE"):
        return None
    configured = os.environ.get("DEVOPS_LINT_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("devops-lint", appauthor=False))


def key(texts: Sequence[str]) -> str:
    """Hash of everything parsed rules depend on: the files' bytes, schema and version."""
    from . import __version__
    from .rules import resource_dir

    digest = hashlib.sha256(f"devops-lint rules {FORMAT} {__version__}\0".encode())
    schema = resource_dir("schemas") / "rule.schema.json"
    digest.update(hashlib.sha256(schema.read_bytes()).digest())
    digest.update(len(texts).to_bytes(8, "big"))
    for text in texts:
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()


def _path(cache_key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"rules-{cache_key[:32]}.json"


def _shape_ok(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if not all(isinstance(data.get(k), str) for k in _STR_KEYS):
        return False
    controls = data.get("controls")
    if not isinstance(controls, list) or not all(isinstance(c, str) for c in controls):
        return False
    for name, kind in _OPTIONAL_TYPES.items():
        value = data.get(name)
        if value is not None and not isinstance(value, kind):
            return False
    applies = data.get("applies_to") or {}
    return all(isinstance(v, list) for v in applies.values())


def get(texts: Sequence[str]) -> list[dict[str, Any]] | None:
    """The parsed data of these rule files, in order, if cached intact; else ``None``."""
    try:
        cache_key = key(texts)
        path = _path(cache_key)
        if path is None:
            return None
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != cache_key:
        return None
    rules = stored.get("rules")
    if not isinstance(rules, list) or len(rules) != len(texts):
        return None
    if not all(_shape_ok(r) for r in rules):
        return None
    return rules


def put(texts: Sequence[str], rules: list[dict[str, Any]]) -> None:
    """Store parsed rule data; a read-only or full cache folder only costs start-up time."""
    try:
        cache_key = key(texts)
        path = _path(cache_key)
        if path is None:
            return
        text = json.dumps({"format": FORMAT, "key": cache_key, "rules": rules})
        if json.loads(text)["rules"] != rules:
            return  # e.g. integer mapping keys, which JSON would turn into strings
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except (OSError, TypeError, ValueError):  # TypeError: a value JSON cannot hold (a date)
        pass
